"""``conflictkg build``: documents → mentions → entities → graph → files.

The corpus is streamed twice through small files, never held in memory:

1. extraction (all cores): each document's mentions and relations go to a work file,
   while only the distinct names and their counts stay in memory;
2. resolution: distinct names → entities;
3. a second pass over the work file writes ``mentions.jsonl``/``relations.jsonl`` with
   entity ids and accumulates the graph.

Everything is written into a temporary folder beside ``--out`` that replaces it only at
the end, so an interrupted build leaves the previous output intact.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .corpus import read_corpus
from .records import Document, DocResult, Skipped

EXIT_OK = 0
EXIT_SOME_SKIPPED = 3
EXIT_NONE_PROCESSED = 4

CONTRACT_FILES = (
    "documents.jsonl",
    "mentions.jsonl",
    "entities.jsonl",
    "relations.jsonl",
    "skipped.jsonl",
    "graph.graphml",
    "graph.json",
)
WORK_FILE = "extraction.work.jsonl"


@dataclass
class BuildOptions:
    extractors: tuple[str, ...] = ("lexicon", "pattern")
    lexicon_files: tuple[str, ...] = ()
    workers: int = 0  # 0: all cores
    quiet: bool = False
    progress_every: float = 1.0
    overrides: str | None = None  # analyst overrides file (resolvers/overrides.py)
    previous: str | None = None  # earlier build folder to resolve incrementally against


@dataclass
class BuildReport:
    out: Path
    documents: int = 0
    skipped: int = 0
    mentions: int = 0
    relations: int = 0
    entities_by_type: Counter = field(default_factory=Counter)
    top_actors: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        if self.documents == 0:
            return EXIT_NONE_PROCESSED
        return EXIT_SOME_SKIPPED if self.skipped else EXIT_OK


class Progress:
    """Progress lines on stderr, at most one per interval; silent when quiet."""

    def __init__(self, quiet: bool, every: float = 1.0, stream=None):
        self.quiet = quiet
        self.every = every
        self.stream = stream or sys.stderr
        self.start = self.last = time.monotonic()

    def update(self, stage: str, done: int, extra: str = "", force: bool = False) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        if force or now - self.last >= self.every:
            self.last = now
            rate = done / max(now - self.start, 1e-9)
            print(f"[conflictkg] {stage}: {done:,} ({rate:,.0f}/s){' ' + extra if extra else ''}", file=self.stream, flush=True)

    def say(self, msg: str) -> None:
        if not self.quiet:
            print(f"[conflictkg] {msg}", file=self.stream, flush=True)


# --- extraction workers -------------------------------------------------------------

_PIPELINE = None


def _init_worker(extractors, lexicon_files):
    global _PIPELINE
    from conflictkg.extractors import ExtractionPipeline

    _PIPELINE = ExtractionPipeline(extractors, lexicon_files)


def _extract(doc: Document) -> DocResult | Skipped:
    try:
        return _PIPELINE(doc)
    except Exception as exc:  # one bad document must not stop the corpus
        return Skipped(doc.source, f"extraction failed: {type(exc).__name__}: {exc}", id=doc.id)


def _extracted(items: Iterable[Document | Skipped], opts: BuildOptions) -> Iterator[DocResult | Skipped]:
    """Run extraction over the stream, in worker processes when more than one core."""
    workers = opts.workers or os.cpu_count() or 1

    if workers == 1:
        _init_worker(opts.extractors, opts.lexicon_files)
        for item in items:
            yield item if isinstance(item, Skipped) else _extract(item)
        return
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    skipped_side: list[Skipped] = []

    def docs_only() -> Iterator[Document]:
        for item in items:
            if isinstance(item, Skipped):
                skipped_side.append(item)
            else:
                yield item

    with ctx.Pool(workers, initializer=_init_worker, initargs=(opts.extractors, opts.lexicon_files)) as pool:
        for result in pool.imap(_extract, docs_only(), chunksize=16):
            while skipped_side:
                yield skipped_side.pop(0)
            yield result
    while skipped_side:
        yield skipped_side.pop(0)


# --- the build ----------------------------------------------------------------------


def _dump(fh, row: dict) -> None:
    fh.write(json.dumps(row, ensure_ascii=False))
    fh.write("\n")


def build(inputs: list[str], out: str | os.PathLike, opts: BuildOptions | None = None) -> BuildReport:
    from conflictkg.graph.export import write_build_exports
    from conflictkg.graph.metrics import add_metrics
    from conflictkg.graph.model import GraphAccumulator
    from conflictkg.resolvers import Name
    from conflictkg.resolvers.incremental import NAMES_FILE, resolve_build, write_names

    opts = opts or BuildOptions()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.building-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    report = BuildReport(out=out)
    progress = Progress(opts.quiet, opts.progress_every)
    t0 = time.monotonic()
    try:
        names: Counter = Counter()
        with open(tmp / "documents.jsonl", "w", encoding="utf-8") as docs_fh, open(
            tmp / "skipped.jsonl", "w", encoding="utf-8"
        ) as skip_fh, open(tmp / WORK_FILE, "w", encoding="utf-8") as work_fh:
            for item in _extracted(read_corpus(inputs), opts):
                if isinstance(item, Skipped):
                    report.skipped += 1
                    _dump(skip_fh, item.to_json())
                    if not opts.quiet:
                        print(f"[conflictkg] skipped: {item.reason}", file=sys.stderr)
                    continue
                doc = item.document
                report.documents += 1
                _dump(docs_fh, doc.meta(len(item.sentences)))
                work = {
                    "doc": doc.id,
                    "date": doc.date,
                    "sentences": [[s.start, s.end] for s in item.sentences],
                    "mentions": [
                        [m.sentence, m.start, m.end, m.text, m.type, m.extractor, m.canonical] for m in item.mentions
                    ],
                    "relations": [[r.type, r.head, r.tail, r.sentence, r.evidence, r.extractor] for r in item.relations],
                }
                _dump(work_fh, work)
                for m in item.mentions:
                    names[Name(m.type, m.text, m.canonical)] += 1
                progress.update("extracted documents", report.documents, f"{report.skipped:,} skipped")
        progress.update("extracted documents", report.documents, f"{report.skipped:,} skipped", force=True)

        progress.say(f"resolving {len(names):,} distinct names")
        resolution, all_names = resolve_build(names, opts.lexicon_files, opts.overrides, opts.previous)
        write_names(tmp / NAMES_FILE, all_names, resolution)
        entities = resolution.entities

        progress.say("writing mentions, relations and graph")
        acc = GraphAccumulator()
        doc_count: Counter = Counter()
        mention_count: Counter = Counter()
        with open(tmp / WORK_FILE, encoding="utf-8") as work_fh, open(
            tmp / "mentions.jsonl", "w", encoding="utf-8"
        ) as m_fh, open(tmp / "relations.jsonl", "w", encoding="utf-8") as r_fh:
            for line in work_fh:
                work = json.loads(line)
                doc_id = work["doc"]
                ids = []
                for si, start, end, text, etype, extractor, canonical in work["mentions"]:
                    eid = resolution.entity_of[Name(etype, text, canonical)]
                    ids.append((si, eid))
                    mention_count[eid] += 1
                    _dump(m_fh, {"doc": doc_id, "sentence": si, "start": start, "end": end, "text": text,
                                 "type": etype, "entity": eid, "extractor": extractor})
                report.mentions += len(ids)
                for eid in {e for _, e in ids}:
                    doc_count[eid] += 1
                rels = []
                for rtype, head, tail, si, evidence, extractor in work["relations"]:
                    h, t = ids[head][1], ids[tail][1]
                    if h == t:
                        continue
                    rels.append((rtype, h, t, si, evidence))
                    _dump(r_fh, {"type": rtype, "head": h, "tail": t, "doc": doc_id, "sentence": si,
                                 "evidence": evidence, "extractor": extractor})
                report.relations += len(rels)
                acc.add_document(doc_id, work["date"], ids, rels)
        (tmp / WORK_FILE).unlink()

        for eid, ent in entities.items():
            ent.mentions = mention_count[eid]
            ent.documents = doc_count[eid]
        with open(tmp / "entities.jsonl", "w", encoding="utf-8") as fh:
            for ent in sorted(entities.values(), key=lambda e: e.id):
                _dump(fh, ent.to_json())
                report.entities_by_type[ent.type] += 1

        G = acc.to_networkx(entities)
        progress.say(f"graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges; computing metrics")
        add_metrics(G)
        write_build_exports(G, tmp)  # graphml, json, gexf, report.html
        report.top_actors = sorted(
            ((d.get("degree", 0), d["name"], d["type"]) for _, d in G.nodes(data=True)), reverse=True
        )[:10]
        report.seconds = time.monotonic() - t0
        with open(tmp / "build.json", "w", encoding="utf-8") as fh:
            json.dump(
                {"inputs": [str(p) for p in inputs], "extractors": list(opts.extractors),
                 "lexicon_files": list(opts.lexicon_files), "documents": report.documents,
                 "skipped": report.skipped, "mentions": report.mentions, "relations": report.relations,
                 "entities": dict(report.entities_by_type), "seconds": round(report.seconds, 3)},
                fh, ensure_ascii=False, indent=1,
            )
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return report


def _replace_dir(new: Path, out: Path) -> None:
    """Move the finished build into place; the old output survives until then."""
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.replace(out, old)
        os.replace(new, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, out)
