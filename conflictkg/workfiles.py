"""The build's work files: what extraction leaves for the second pass, and that pass.

Extraction cannot write ``mentions.jsonl`` and ``relations.jsonl`` itself: their rows
carry entity ids, known only once every name has been resolved. So each extracted
document leaves, in a work folder (one per build, or per Dask partition):

* ``mentions.work``: its ``mentions.jsonl`` rows, complete but for ``"entity": null``;
* ``relations.work``: its ``relations.jsonl`` rows with ``"head": null, "tail": null``;
* ``graph.work``: one JSON line ``[id, date, [sentence of each mention], [[type,
  sentence, evidence] of each relation]]``, what the graph needs besides entities;
* ``names.work``: the index of each mention's name ``(type, text, canonical)`` among
  the distinct names (the names themselves stay in memory; ``encode_names``);
* ``ends.work``: each relation's head and tail, as mention numbers in its document;
* ``counts.work``: each document's numbers of mentions and relations.

The last three hold 32-bit integers: what tells entities apart is read without parsing.

The rows are rendered on the extraction workers, which had to encode this data anyway;
the second pass (:func:`second_pass`) only puts the entity ids in, with array
operations, and adds up the graph. A placeholder is found by its key and value
together (``"entity": null``): inside a JSON string every ``"`` is escaped, so that
text can only be the row's own field.

The second pass has two halves that a local build runs side by side, in two processes:
``write_rows`` (the two files) and ``add_up`` (the graph).
"""
from __future__ import annotations

import itertools
import json
import os
import shutil
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from json.encoder import encode_basestring
from pathlib import Path

import numpy as np

FILES = ("graph.work", "mentions.work", "relations.work", "names.work", "ends.work", "counts.work")
GRAPH, MENTIONS, RELATIONS, NAMES, ENDS, COUNTS = FILES
CHUNK_DOCS = 8192  # documents added to the graph at a time (bounds the memory of a pass)
# Bytes of mention rows filled in at a time, relation rows written at a time. Buffers of
# several MB are mapped afresh by malloc and unmapped at each write, so each one cost
# page faults on zeroed pages (10k articles: 27,600 → 19,800 faults, 0.07 s less).
BLOCK = 1 << 18
ROWS_AT_ONCE = 2048
ENTITY_SLOT = b'"entity": null'
PAIR_SLOT = b'"head": null, "tail": null'

_encode = json.JSONEncoder(ensure_ascii=False).encode  # = json.dumps(x, ensure_ascii=False)
_string = encode_basestring  # how that encoder writes a str
if array("i").itemsize != 4:  # pragma: no cover - every platform Python supports today
    raise ImportError("conflictkg needs a 4-byte C int for its work files")


def render(doc, result) -> tuple[bytes, bytes, bytes, bytes]:
    """The work of one document: ``graph.work`` line, ``mentions.work`` and
    ``relations.work`` rows (see the module docstring), UTF-8 encoded, and its
    relations' ends for ``ends.work``.

    Rows are what ``json.dumps(row, ensure_ascii=False)`` writes for each row's dict.

    >>> from conflictkg.records import Document, DocResult, Mention, Relation
    >>> m = [Mention("d", 0, 0, 4, 'قوة "x"', "ARMED_GROUP", extractor="lexicon"),
    ...      Mention("d", 0, 9, 12, "سرت", "PLACE", extractor="lexicon")]
    >>> r = [Relation("BASED_IN", 0, 1, "d", 0, "قوة x في سرت", "cues")]
    >>> g, ms, rs, ends = render(Document("d", "..."), DocResult(Document("d", "..."), [], m, r))
    >>> print(ms.decode(), end="")
    {"doc": "d", "sentence": 0, "start": 0, "end": 4, "text": "قوة \\"x\\"", "type": "ARMED_GROUP", "entity": null, "extractor": "lexicon"}
    {"doc": "d", "sentence": 0, "start": 9, "end": 12, "text": "سرت", "type": "PLACE", "entity": null, "extractor": "lexicon"}
    >>> print(rs.decode(), end="")
    {"type": "BASED_IN", "head": null, "tail": null, "doc": "d", "sentence": 0, "evidence": "قوة x في سرت", "extractor": "cues"}
    >>> json.loads(g), list(array("i", ends))
    (['d', '', [0, 0], [['BASED_IN', 0, 'قوة x في سرت']]], [0, 1])
    """
    doc_id = doc.id
    mentions, relations = result.mentions, result.relations
    graph = _encode([doc_id, doc.date, [m.sentence for m in mentions],
                     [[r.type, r.sentence, r.evidence] for r in relations]]) + "\n"
    # Written out field by field, strings through the JSON encoder's own string function:
    # the same text as encoding a dict per row, in a third of the time.
    doc = _string(doc_id)
    rows = "".join([
        f'{{"doc": {doc}, "sentence": {m.sentence:d}, "start": {m.start:d}, "end": {m.end:d}, "text": {_string(m.text)}, '
        f'"type": {_string(m.type)}, "entity": null, "extractor": {_string(m.extractor)}}}\n'
        for m in mentions])
    rels = "".join([
        f'{{"type": {_string(r.type)}, "head": null, "tail": null, "doc": {doc}, "sentence": {r.sentence:d}, '
        f'"evidence": {_string(r.evidence)}, "extractor": {_string(r.extractor)}}}\n'
        for r in relations])
    ends = array("i", [end for r in relations for end in (r.head, r.tail)])
    return graph.encode(), rows.encode(), rels.encode(), ends.tobytes()




@dataclass
class Work:
    """A finished work folder: its documents, and the distinct names (index → name, in
    first-seen order) with how often each was mentioned."""

    folder: Path
    names: list
    counts: list
    documents: int = 0

    def name_counts(self) -> Counter:
        """Name → mentions, in first-seen order; names no longer mentioned left out."""
        return Counter({name: n for name, n in zip(self.names, self.counts) if n > 0})

    def records(self):
        """Each document's raw work, what ``WorkWriter.write`` takes, in order (for
        taking documents out of a partition)."""
        fhs = [open(self.folder / name, "rb") for name in FILES]
        try:
            g_fh, m_fh, r_fh, n_fh, e_fh, c_fh = fhs
            while counts := c_fh.read(8):
                n_m, n_r = array("i", counts)
                yield (g_fh.readline(), b"".join(m_fh.readline() for _ in range(n_m)),
                       b"".join(r_fh.readline() for _ in range(n_r)), n_fh.read(4 * n_m), e_fh.read(8 * n_r), counts)
        finally:
            for fh in fhs:
                fh.close()

    def keep(self, wanted) -> "Work":
        """This work without the documents where ``wanted`` (one bool per document) is
        false; their mentions are taken out of the name counts."""
        writer = WorkWriter(self.folder.with_name(self.folder.name + ".kept"))
        writer.adopt(self.names)
        for record, keep in zip(self.records(), wanted):
            if keep:
                writer.write(*record)
        kept = writer.close()
        shutil.rmtree(self.folder)
        os.replace(kept.folder, self.folder)
        return Work(self.folder, kept.names, kept.counts, kept.documents)


def encode_names(mentions) -> bytes | list:
    """The ``(type, text, canonical)`` of each mention, for ``WorkWriter.add``: as one
    UTF-8 string, fields joined by NUL and names by a line break, which a worker sends
    to the parent as one object (pickling forty tuples of three strings per document,
    and unpickling them, cost more than the rest of the transfer). A name that holds
    either separator (a NUL byte in a malformed file) makes it a list of tuples.

    >>> from conflictkg.records import Mention
    >>> ms = [Mention("d", 0, 0, 3, "سرت", "PLACE", "lexicon", canonical="سرت"),
    ...       Mention("d", 0, 4, 7, "x\\x00y", "PERSON", "pattern")]
    >>> encode_names(ms[:1]).decode().split("\\x00")
    ['PLACE', 'سرت', 'سرت']
    >>> encode_names(ms)[1]
    ('PERSON', 'x\\x00y', '')
    """
    joined = "\n".join([f"{m.type}\x00{m.text}\x00{m.canonical}" for m in mentions])
    if joined.count("\x00") == 2 * len(mentions) and joined.count("\n") == max(len(mentions) - 1, 0):
        return joined.encode()
    return [(m.type, m.text, m.canonical) for m in mentions]


def _name_key(name: tuple) -> bytes | tuple:
    """How ``WorkWriter`` indexes a name: as ``encode_names`` writes it, or the tuple
    itself when that form would be ambiguous (a field holds a separator)."""
    joined = "\x00".join(name)
    if joined.count("\x00") == 2 and "\n" not in joined:
        return joined.encode()
    return tuple(name)


def _name_of(key: bytes | tuple) -> tuple:
    return tuple(key.decode().split("\x00")) if isinstance(key, bytes) else key


class WorkWriter:
    """Writes a work folder, document by document, in input order."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._fhs = [open(self.folder / name, "wb") for name in FILES]
        self._index: dict = defaultdict(itertools.count().__next__)  # name → index, first seen first
        self._docs = 0

    def adopt(self, names: list) -> None:
        """Number names as an earlier writer did (before anything is added)."""
        for name in names:
            self._index[_name_key(name)]

    def add(self, work: tuple[bytes, bytes, bytes, bytes], names: bytes | list) -> None:
        """One document: ``render``'s result and ``encode_names`` of its mentions."""
        graph, mentions, relations, ends = work
        if isinstance(names, bytes):
            keys = names.split(b"\n") if names else []
        else:
            keys = [_name_key(name) for name in names]
        self.write(graph, mentions, relations, array("i", map(self._index.__getitem__, keys)), ends,
                   array("i", (len(keys), len(ends) // 8)))

    def write(self, graph: bytes, mentions: bytes, relations: bytes, ids, ends, counts) -> None:
        for fh, data in zip(self._fhs, (graph, mentions, relations, ids, ends, counts)):
            fh.write(data)
        self._docs += 1

    def close(self) -> Work:
        for fh in self._fhs:
            fh.close()
        names = [_name_of(key) for key in self._index]
        ids = np.fromfile(self.folder / NAMES, dtype=np.int32)
        return Work(self.folder, names, np.bincount(ids, minlength=len(names)).tolist(), self._docs)


# --- the second pass ---------------------------------------------------------------


@dataclass
class PassResult:
    """What the second pass over a work folder adds up: the graph evidence and the rows
    written. Partitions merge in order (``merge``)."""

    graph: object  # graph.model.GraphAccumulator
    mentions: int = 0
    relations: int = 0

    def merge(self, other: "PassResult") -> "PassResult":
        self.graph.merge(other.graph)
        self.mentions += other.mentions
        self.relations += other.relations
        return self


def second_pass(work: Work, mentions_path: Path, relations_path: Path, entity_of: dict) -> PassResult:
    """Write the mentions and relations of ``work`` with their entity ids and add up the
    graph: ``write_rows`` then ``add_up`` (a local build runs them side by side; the
    Dask one runs this once per partition)."""
    write_rows(work, mentions_path, relations_path, entity_of)
    return add_up(work, entity_of)


class _Resolved:
    """What both halves of the second pass need: the entity ids in order, and the entity
    code of every mention and of every relation's head and tail (no JSON is parsed)."""

    def __init__(self, work: Work, entity_of: dict):
        self.ids = sorted(set(entity_of.values()))
        code = {eid: i for i, eid in enumerate(self.ids)}
        name_code = np.array([code.get(entity_of.get(name), -1) for name in work.names] or [-1], dtype=np.int64)
        self.ent = name_code[np.fromfile(work.folder / NAMES, dtype=np.int32)]
        if len(self.ent) and self.ent.min() < 0:
            raise KeyError(f"mention {int(np.argmin(self.ent))} of {work.folder}: its name was not resolved to an entity")
        self.counts = np.fromfile(work.folder / COUNTS, dtype=np.int32).reshape(-1, 2)
        ends = np.fromfile(work.folder / ENDS, dtype=np.int32).reshape(-1, 2)
        if self.counts[:, 0].sum() != len(self.ent) or self.counts[:, 1].sum() != len(ends):
            raise OSError(f"{work.folder}: the work files do not agree")
        first = np.cumsum(self.counts[:, 0]) - self.counts[:, 0]  # each document's first mention
        at = np.repeat(first, self.counts[:, 1]).reshape(-1, 1) + ends
        self.heads, self.tails = self.ent[at[:, 0]], self.ent[at[:, 1]]


def write_rows(work: Work, mentions_path: Path, relations_path: Path, entity_of: dict) -> None:
    """``mentions.jsonl`` and ``relations.jsonl`` of ``work``: its rows with the entity ids
    put in, and the relations whose two ends turned out to be one entity left out.

    The two work files of rows are removed once copied (nothing reads them after): the
    memory that held them is then reused for the files a build writes next, not taken
    afresh (see ``move_to_end``; 10k articles: a build up to 0.3 s sooner, as the host
    goes)."""
    r = _Resolved(work, entity_of)
    quoted = [_encode(eid).encode() for eid in r.ids]
    entity_field = np.array([ENTITY_SLOT[:-4] + q for q in quoted] or [b""], dtype=object)
    with open(work.folder / MENTIONS, "rb") as src, open(mentions_path, "wb") as out:
        _fill_mentions(src, out, entity_field, r.ent)
    with open(work.folder / RELATIONS, "rb") as src, open(relations_path, "wb") as out:
        buf = []
        for h, t in zip(r.heads.tolist(), r.tails.tolist()):
            line = src.readline()
            if h != t:
                buf.append(line.replace(PAIR_SLOT, b'"head": ' + quoted[h] + b', "tail": ' + quoted[t], 1))
            if len(buf) >= ROWS_AT_ONCE:
                out.write(b"".join(buf))
                buf.clear()
        out.write(b"".join(buf))
    for name in (MENTIONS, RELATIONS):
        os.unlink(work.folder / name)


def add_up(work: Work, entity_of: dict) -> PassResult:
    """The graph evidence of ``work`` (and how many mention and relation rows
    ``write_rows`` writes for it), ``CHUNK_DOCS`` documents at a time."""
    from conflictkg.graph.model import GraphAccumulator

    r = _Resolved(work, entity_of)
    ids = r.ids
    acc = GraphAccumulator(ids)
    kept = 0
    d_at = m_at = r_at = 0  # the chunk's first document, mention and relation
    with open(work.folder / GRAPH, "rb") as fh:
        while lines := list(itertools.islice(fh, CHUNK_DOCS)):
            docs, dates, sentences, relations = [], [], array("q"), []
            counts = r.counts[d_at:d_at + len(lines)]
            n_r = int(counts[:, 1].sum())
            ends = zip(r.heads[r_at:r_at + n_r].tolist(), r.tails[r_at:r_at + n_r].tolist())
            for line in lines:
                doc_id, date, si, rels = json.loads(line)
                docs.append(doc_id)
                dates.append(date)
                sentences.extend(si)
                here = []
                for (rtype, rsi, evidence), (h, t) in zip(rels, ends):
                    if h != t:
                        here.append((rtype, ids[h], ids[t], rsi, evidence))
                kept += len(here)
                relations.append(here)
            n_m = len(sentences)
            rows = np.empty((n_m, 3), dtype=np.int32)
            rows[:, 0] = np.repeat(np.arange(len(docs)), counts[:, 0])
            rows[:, 1] = np.frombuffer(sentences, dtype=np.int64) if n_m else 0
            rows[:, 2] = r.ent[m_at:m_at + n_m]
            acc.add_documents(docs, dates, rows, relations)
            d_at += len(lines)
            m_at += n_m
            r_at += n_r
    return PassResult(acc, len(r.ent), kept)


def _fill_mentions(src, out, entity_field: np.ndarray, ent: np.ndarray) -> None:
    """Copy the mention rows of ``src`` to ``out``, the k-th ``"entity": null`` replaced by
    ``entity_field[ent[k]]``, a block of whole rows at a time."""
    k, carry = 0, b""
    while block := src.read(BLOCK):
        block = carry + block
        cut = block.rfind(b"\n") + 1
        block, carry = block[:cut], block[cut:]
        parts = block.split(ENTITY_SLOT)
        n = len(parts) - 1
        pieces = [b""] * (2 * n + 1)
        pieces[0::2] = parts
        pieces[1::2] = entity_field[ent[k:k + n]].tolist()
        k += n
        out.write(b"".join(pieces))
    if carry or k != len(ent):
        raise OSError(f"{src.name}: {k} whole mention rows for {len(ent)} mentions")


MOVE_CHUNK = 1 << 22  # bytes of a part moved at a time (move_to_end)


def move_to_end(part: Path, whole: Path, chunk: int = MOVE_CHUNK) -> None:
    """Append the bytes of ``part`` to ``whole`` and remove ``part``, in the kernel where it can.

    The part is copied from its end backwards, a ``MOVE_CHUNK`` at a time, and cut short
    behind each chunk, so the memory that held its pages is free again before the next
    chunk of ``whole`` needs some: the kernel hands those pages out again, where a plain
    copy would take as many fresh ones. Fresh pages cost more than a copy on a virtual
    machine that gives freed memory back to its host (10k articles: the join of
    graph.graphml and graph.json 0.18-0.21 s → 0.11-0.13 s).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "part").write_bytes(b"b" * 10), (folder / "whole").write_bytes(b"a")
    >>> move_to_end(folder / "part", folder / "whole", chunk=4)
    >>> (folder / "whole").read_bytes(), (folder / "part").exists()
    (b'abbbbbbbbbb', False)
    >>> shutil.rmtree(folder)
    """
    with open(part, "r+b") as src, open(whole, "r+b") as dst:  # not "ab": copy_file_range refuses O_APPEND
        base = dst.seek(0, os.SEEK_END)
        end = os.fstat(src.fileno()).st_size
        while end > 0:
            start = max(0, end - chunk)
            _copy_range(src.fileno(), dst.fileno(), start, end, base + start)
            os.ftruncate(src.fileno(), start)
            end = start
    os.unlink(part)


def _copy_range(src: int, dst: int, start: int, end: int, at: int) -> None:
    """Bytes ``start:end`` of ``src`` to ``dst`` from offset ``at`` (file descriptors)."""
    if hasattr(os, "copy_file_range"):
        try:
            while start < end:
                n = os.copy_file_range(src, dst, end - start, start, at)
                if n == 0:
                    break
                start += n
                at += n
        except OSError:  # a filesystem that cannot: copy the rest through user space
            pass
    while start < end:
        data = os.pread(src, min(end - start, MOVE_CHUNK), start)
        if not data:
            raise OSError(f"a part file ended {end - start} bytes early")
        n = os.pwrite(dst, data, at)
        start += n
        at += n
