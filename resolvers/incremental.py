"""Incremental resolution: new documents against the names of an earlier build.

A build writes ``names.jsonl`` beside ``entities.jsonl``: one row per distinct name
(type, surface, lexicon canonical, mention count, entity id). Because the resolver's
result depends only on that multiset of names (never on input order), resolving the new
names together with the earlier ones gives exactly the entities and ids that resolving
every document at once would give — including an earlier short form (حفتر) joining a
full name (خليفة حفتر) that only arrives now.

>>> import tempfile, pathlib
>>> from collections import Counter
>>> from conflictkg.resolvers.resolver import Name, resolve
>>> old = Counter({Name("PLACE", "مصراتة"): 2})
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_names(d / NAMES_FILE, old, resolve(old))
>>> [(n.text, count) for n, count in read_names(d).items()]
[('مصراتة', 2)]
"""
from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from conflictkg.records import read_jsonl

from .overrides import Overrides
from .resolver import CUTOFF, Name, Resolution, resolve, resolve_side_by_side

NAMES_FILE = "names.jsonl"


def write_names(path: str | os.PathLike, names: Counter, resolution: Resolution) -> None:
    """One JSON row per distinct name, sorted, with its entity id."""
    with open(path, "w", encoding="utf-8") as fh:
        for n in sorted(names, key=lambda n: (n.type, n.text, n.canonical)):
            row = {"type": n.type, "text": n.text, "canonical": n.canonical, "count": names[n],
                   "entity": resolution.entity_of.get(n, "")}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_names(folder: str | os.PathLike) -> Counter:
    """The names of an earlier build folder (or of a ``names.jsonl`` file itself).

    A folder built before names were recorded raises ``FileNotFoundError`` saying so.
    """
    path = Path(folder)
    if path.is_dir():
        path = path / NAMES_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: no {NAMES_FILE} here; rebuild that folder once to resolve against it")
    names: Counter = Counter()
    for lineno, row in read_jsonl(path):
        try:
            names[Name(row["type"], row["text"], row.get("canonical", ""))] += int(row.get("count", 1))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{lineno}: bad name row ({exc})") from None
    return names


def resolve_incremental(new: Counter, previous: str | os.PathLike, lexicon=None,
                        overrides: Overrides | None = None, cutoff: float = CUTOFF) -> Resolution:
    """Resolve ``new`` names against the names of the ``previous`` build folder."""
    return resolve(read_names(previous) + new, lexicon=lexicon, overrides=overrides, cutoff=cutoff)


def resolve_build(names: Counter, lexicon_files=(), overrides: str | os.PathLike | None = None,
                  previous: str | os.PathLike | None = None, side_by_side: bool = False) -> tuple[Resolution, Counter]:
    """What ``conflictkg build`` calls: the build's lexicon, the overrides file, and the
    names of a ``--previous`` build folder. Returns the resolution and every name it
    covers (to be written to ``names.jsonl``); with ``previous``, ``entities`` keeps only
    the entities this build's own names belong to, while ids stay those of a full build.
    ``side_by_side``: two processes (``resolver.resolve_side_by_side``), same result.
    """
    from conflictkg.extractors.lexicon import default_lexicon

    from .overrides import load_overrides

    all_names = read_names(previous) + names if previous else names
    res = (resolve_side_by_side if side_by_side else resolve)(
        all_names, lexicon=default_lexicon(tuple(lexicon_files)), overrides=load_overrides(overrides))
    if previous:
        used = {res.entity_of[n] for n in names}
        res.entities = {k: e for k, e in res.entities.items() if k in used}
    return res, all_names
