"""Borderline resolution decisions of a built folder, with the contexts of each name.

A pair is *borderline* when its fuzzy score is within ``resolver.REVIEW_MARGIN`` of the
cut-off (merged or not), or when a person's short form was attached to a full name (or
left alone because it was ambiguous). ``conflictkg review DIR`` prints them and can
append the analyst's answers to an overrides file (``overrides.py``); pairs already
decided there are not listed again.

The folder's ``names.jsonl`` is resolved again with the build's lexicon files (from
``build.json``) and the given overrides, so the list always reflects the current rules.
Contexts are the sentences around the mentions, read again from the build's inputs.
"""
from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

from .incremental import read_names
from .keys import compact, family, matching_key
from .overrides import load_overrides
from .resolver import resolve


def borderline_pairs(folder: str | os.PathLike, overrides: str | os.PathLike | None = None,
                     contexts: int = 2, window: int = 160) -> list[dict]:
    """The borderline pairs of a built folder, not yet decided in ``overrides``.

    Each row: ``kind`` (fuzzy | short_form), ``type``, ``a``, ``b`` (surfaces),
    ``a_entity``/``b_entity``, ``merged``, ``score`` (fuzzy only), ``note``, and
    ``contexts``: ``{surface: [(doc id, text around the mention), ...]}``.
    """
    from conflictkg.extractors.lexicon import default_lexicon

    folder = Path(folder)
    meta = _build_meta(folder)
    ov = load_overrides(overrides)
    res = resolve(read_names(folder), lexicon=default_lexicon(tuple(meta.get("lexicon_files", ()))), overrides=ov)
    decided = {(f, compact(a), compact(b)) for f, a, b in ov.merges} | {(f, compact(a), compact(b)) for f, a, b in ov.splits}
    rows = []
    for row in res.borderline:
        etype = res.entities[row["a_entity"]].type
        ka, kb = compact(matching_key(row["a"], etype)), compact(matching_key(row["b"], etype))
        fam = family(etype)
        if (fam, ka, kb) in decided or (fam, kb, ka) in decided:
            continue
        rows.append({**row, "type": etype})
    rows.sort(key=lambda r: (r["kind"], -r.get("score", 0), r["a"], r["b"]))
    if contexts and rows:
        found = _contexts(folder, meta, {r[s] for r in rows for s in ("a", "b")}, contexts, window)
        for r in rows:
            r["contexts"] = {s: found.get(s, []) for s in (r["a"], r["b"])}
    return rows


def _build_meta(folder: Path) -> dict:
    path = folder / "build.json"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _contexts(folder: Path, meta: dict, surfaces: set[str], per_surface: int, window: int) -> dict[str, list]:
    """Up to ``per_surface`` (doc, snippet) pairs for each surface, from distinct documents."""
    wanted: dict[str, list[tuple[int, int, str]]] = defaultdict(list)  # doc -> [(start, end, surface)]
    taken: dict[str, set[str]] = defaultdict(set)
    mentions = folder / "mentions.jsonl"
    if not mentions.exists():
        return {}
    with open(mentions, encoding="utf-8") as fh:
        for line in fh:
            m = json.loads(line)
            s = m["text"]
            if s in surfaces and len(taken[s]) < per_surface and m["doc"] not in taken[s]:
                taken[s].add(m["doc"])
                wanted[m["doc"]].append((m["start"], m["end"], s))
    out: dict[str, list] = defaultdict(list)
    inputs = [p for p in meta.get("inputs", ()) if os.path.exists(p)]
    if not wanted or not inputs:
        return out
    from conflictkg.corpus import read_corpus
    from conflictkg.records import Document

    for item in read_corpus(inputs):
        if isinstance(item, Document) and item.id in wanted:
            for start, end, s in wanted.pop(item.id):
                lo, hi = max(0, start - window // 2), min(len(item.text), end + window // 2)
                snippet = item.text[lo:start] + "[[" + item.text[start:end] + "]]" + item.text[end:hi]
                out[s].append((item.id, " ".join(snippet.split())))
            if not wanted:
                break
    return out
