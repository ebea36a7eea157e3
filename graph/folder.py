"""Read a built folder back for the exports: graph, documents, provenance.

``conflictkg build`` writes ``graph.json`` (the entity graph with metrics),
``documents.jsonl`` and ``mentions.jsonl``. The exports need the Neo4j model of
issue 5 on top of the entity graph: ``(:Document)`` nodes and
``(e)-[:MENTIONED_IN {count, sentences}]->(d)``, where ``count`` is the number of
mentions of the entity in the document and ``sentences`` the number of distinct
sentences holding them. ``mentioned_in`` streams those rows: ``mentions.jsonl`` is
written one document after another, so only one document's mentions are held.

>>> import json, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> rows = [{"doc": "d1", "sentence": 0, "entity": "a"}, {"doc": "d1", "sentence": 0, "entity": "a"},
...         {"doc": "d1", "sentence": 2, "entity": "a"}, {"doc": "d2", "sentence": 0, "entity": "a"}]
>>> _ = (d / "mentions.jsonl").write_text("".join(json.dumps(r) + "\\n" for r in rows))
>>> list(mentioned_in(d))
[('a', 'd1', 3, 2), ('a', 'd2', 1, 1)]
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import networkx as nx

from conflictkg.records import read_jsonl as _jsonl


def check_folder(folder: str | Path) -> Path:
    folder = Path(folder)
    if not (folder / "graph.json").is_file():
        raise FileNotFoundError(f"{folder}: not a built folder (no graph.json); run `conflictkg build` first")
    return folder


def load_graph(folder: str | Path) -> nx.MultiDiGraph:
    """The entity graph of a built folder (``graph.json``)."""
    from conflictkg.graph.export import read_json

    return read_json(check_folder(folder) / "graph.json")


def documents(folder: str | Path) -> dict[str, dict]:
    """Document metadata by id (id, title, date, url, source); no text, so it stays small."""
    path = Path(folder) / "documents.jsonl"
    if not path.is_file():
        return {}
    keep = ("id", "title", "date", "url", "source")
    return {row["id"]: {k: row.get(k, "") or "" for k in keep} for _, row in _jsonl(path)}


def mentions_by_document(folder: str | Path) -> Iterator[tuple[str, list[tuple[int, str]]]]:
    """``(doc id, [(sentence, entity id), ...])`` per document, streamed from ``mentions.jsonl``."""
    path = Path(folder) / "mentions.jsonl"
    if not path.is_file():
        return
    seen: set[str] = set()
    doc, rows = None, []
    for lineno, m in _jsonl(path):
        if m["doc"] != doc:
            if doc is not None:
                yield doc, rows
            doc, rows = m["doc"], []
            if doc in seen:
                raise ValueError(f"{path}:{lineno}: mentions of document {doc!r} are not contiguous")
            seen.add(doc)
        rows.append((int(m["sentence"]), m["entity"]))
    if doc is not None:
        yield doc, rows


def mentioned_in(folder: str | Path, docs: set[str] | None = None) -> Iterator[tuple[str, str, int, int]]:
    """``(entity id, doc id, count, sentences)`` rows of ``MENTIONED_IN``; ``docs`` limits the documents."""
    for doc, rows in mentions_by_document(folder):
        if docs is not None and doc not in docs:
            continue
        count: dict[str, int] = {}
        sentences: dict[str, set[int]] = {}
        for si, eid in rows:
            count[eid] = count.get(eid, 0) + 1
            sentences.setdefault(eid, set()).add(si)
        for eid in sorted(count):
            yield eid, doc, count[eid], len(sentences[eid])


def relations_by_document(folder: str | Path, docs: set[str]) -> dict[str, list[tuple]]:
    """Typed relations of the given documents: ``doc → [(type, head, tail, sentence, evidence)]``."""
    path = Path(folder) / "relations.jsonl"
    out: dict[str, list[tuple]] = {}
    if not path.is_file():
        return out
    for _, r in _jsonl(path):
        if r["doc"] in docs:
            out.setdefault(r["doc"], []).append((r["type"], r["head"], r["tail"], int(r["sentence"]), r["evidence"]))
    return out
