"""``conflictkg build``: documents → mentions → entities → graph → files.

The corpus is streamed twice through small files, never held in memory:

1. extraction (all cores): each document's mentions and relations go to work files
   (``conflictkg/workfiles.py``), while only the distinct names and their counts stay
   in memory;
2. resolution: distinct names → entities;
3. a second pass over the work files writes ``mentions.jsonl``/``relations.jsonl``
   with entity ids (in a forked process) while this one adds up the graph;
4. metrics and exports, spread over forked processes (``graph/finish.py``).

Everything is written into a temporary folder beside ``--out`` that replaces it only at
the end, so an interrupted build leaves the previous output intact.
"""
from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import os
import shutil
import signal
import sys
import time
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .corpus import MAX_DOC_CHARS, describe_skipped, read_corpus
from .forked import Forked
from .records import Document, DocResult, Skipped
from .workfiles import WorkWriter, add_up, encode_names, write_rows
from .workfiles import render as render_work

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
WORK_DIR = "extraction.work"
MAX_SKIPPED_SHOWN = 50


@dataclass
class BuildOptions:
    extractors: tuple[str, ...] = ("lexicon", "pattern")
    lexicon_files: tuple[str, ...] = ()
    workers: int = 0  # 0: all cores
    max_doc_chars: int = MAX_DOC_CHARS  # longer documents are skipped and reported
    quiet: bool = False
    progress_every: float = 1.0
    overrides: str | None = None  # analyst overrides file (resolvers/overrides.py)
    previous: str | None = None  # earlier build folder to resolve incrementally against
    executor: str = "local"  # "local" (process pool) or "dask" (conflictkg/dask_executor.py)
    scheduler: str | None = None  # dask scheduler address; None: a LocalCluster of `workers` processes
    partition_mb: float = 64.0  # dask: input read per partition


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
#
# Workers send back compact, ready-to-write rows rather than DocResult objects: a
# DocResult carries the whole document text back across the process boundary, and
# serialising it to JSON in the parent would put the writing on a single core.

_PIPELINE = None
BATCH_DOCS = 64  # documents per task: large enough to amortise IPC, small enough to balance
BATCH_CHARS = 2_000_000  # ... and a cap on the text per task, for corpora of long documents
TASKS_PER_WORKER = 3  # tasks in flight per worker: keeps every core busy, bounds memory


def _init_worker(extractors, lexicon_files, in_child: bool = True):
    global _PIPELINE
    if in_child:
        # Ctrl-C reaches the whole process group; the parent alone handles it and
        # stops the pool, so workers must not die half-way through a task on their own.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's SIGTERM-as-Ctrl-C
    from conflictkg.extractors import ExtractionPipeline

    _PIPELINE = ExtractionPipeline(extractors, lexicon_files)
    if in_child:
        _few_collections()


def _few_collections() -> None:
    """Make the cyclic garbage collector run rarely in this process.

    The pipeline allocates many small containers that die young, and nothing it builds
    holds a cycle worth collecting early; a default collector scanned the large
    long-lived structures (lexicon, caches, the growing graph) over and over: 14% of
    the time after extraction at 10k articles, 4% of extraction. Objects alive now are
    frozen out of the scans; reference counting still frees everything else.
    """
    import gc

    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def _jsonline(row) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(", ", ": ")) + "\n"


def _extract(doc: Document) -> tuple[str, tuple, bytes | list] | Skipped:
    """(documents.jsonl line, work, names) for one document, or why it failed.

    ``work`` is the document's part of the work files (``workfiles.render``); ``names``
    holds ``(type, text, canonical)`` of every mention, for the resolver
    (``workfiles.encode_names``).
    """
    try:
        result: DocResult = _PIPELINE(doc)
    except Exception as exc:  # one bad document must not stop the corpus
        return Skipped(doc.source, f"document {doc.id!r}: extraction failed: {type(exc).__name__}: {exc}", id=doc.id)
    return _jsonline(doc.meta(len(result.sentences))), render_work(doc, result), encode_names(result.mentions)


def _extract_batch(docs: list[Document]) -> list:
    return [_extract(doc) for doc in docs]


def _batches(items: Iterable[Document | Skipped]) -> Iterator[list[Document] | Skipped]:
    """Documents grouped into tasks; Skipped records pass through at once, unbatched."""
    batch: list[Document] = []
    chars = 0
    for item in items:
        if isinstance(item, Skipped):
            yield item
            continue
        batch.append(item)
        chars += len(item.text)
        if len(batch) >= BATCH_DOCS or chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _extracted(items: Iterable[Document | Skipped], opts: BuildOptions) -> Iterator[tuple | Skipped]:
    """Run extraction over the stream, in input order, on ``opts.workers`` processes.

    The input is read only as fast as results come back: at most
    ``workers * TASKS_PER_WORKER`` batches are in flight, so memory stays flat however
    large the corpus. (``Pool.imap`` would not do this: its feeder thread reads the
    whole input iterator ahead.)
    """
    workers = opts.workers or os.cpu_count() or 1
    if workers == 1:
        _init_worker(opts.extractors, opts.lexicon_files, in_child=False)
        for item in items:
            yield item if isinstance(item, Skipped) else _extract(item)
        return
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(opts.extractors, opts.lexicon_files))
    pending: deque = deque()
    try:
        for task in _batches(items):
            if isinstance(task, Skipped):
                yield task
                continue
            pending.append(pool.submit(_extract_batch, task))
            while len(pending) >= workers * TASKS_PER_WORKER:
                yield from _results(pending.popleft())
        while pending:
            yield from _results(pending.popleft())
    finally:
        # On Ctrl-C or an error: drop queued tasks, do not wait for the running ones.
        pool.shutdown(wait=not pending, cancel_futures=True)


def _results(future) -> list:
    try:
        return future.result()
    except BrokenProcessPool:
        raise RuntimeError(
            "an extraction worker died (out of memory or killed); rerun with fewer --workers "
            "or look for very large documents in the input"
        ) from None


# --- the build ----------------------------------------------------------------------


def _dump(fh, row: dict) -> None:
    fh.write(json.dumps(row, ensure_ascii=False))
    fh.write("\n")


def _say_skipped(item: Skipped, shown: int, quiet: bool) -> int:
    """Print one line per skipped input, up to MAX_SKIPPED_SHOWN; returns lines shown.

    A huge messy corpus can skip thousands of inputs: stderr shows the first ones and a
    count, ``skipped.jsonl`` keeps every one.
    """
    if quiet or shown >= MAX_SKIPPED_SHOWN:
        return shown
    print(f"[conflictkg] skipped {describe_skipped(item)}", file=sys.stderr, flush=True)
    if shown + 1 == MAX_SKIPPED_SHOWN:
        print("[conflictkg] (further skipped inputs are not printed; skipped.jsonl lists them all)",
              file=sys.stderr, flush=True)
    return shown + 1


def _extract_locally(inputs, tmp: Path, opts: BuildOptions, report: BuildReport, progress: Progress):
    """Extraction on this machine: documents.jsonl, skipped.jsonl and the work folder in
    ``tmp``; returns the finished ``Work`` and how many skipped lines were printed."""
    shown = 0
    work = WorkWriter(tmp / WORK_DIR)
    with open(tmp / "documents.jsonl", "w", encoding="utf-8") as docs_fh, open(
        tmp / "skipped.jsonl", "w", encoding="utf-8"
    ) as skip_fh:
        for item in _extracted(read_corpus(inputs, opts.max_doc_chars), opts):
            if isinstance(item, Skipped):
                report.skipped += 1
                _dump(skip_fh, item.to_json())
                shown = _say_skipped(item, shown, opts.quiet)
                continue
            doc_line, doc_work, doc_names = item
            report.documents += 1
            docs_fh.write(doc_line)
            work.add(doc_work, doc_names)
            progress.update("extracted documents", report.documents, f"{report.skipped:,} skipped")
    return work.close(), shown


def build(inputs: list[str], out: str | os.PathLike, opts: BuildOptions | None = None) -> BuildReport:
    from conflictkg.graph.finish import Helpers, add_metrics_and_write, needs_co_occurrences
    from conflictkg.graph.finish import start as start_finishing
    from conflictkg.resolvers import Name
    from conflictkg.resolvers.incremental import NAMES_FILE, resolve_build, write_names

    import gc

    opts = opts or BuildOptions()
    out = Path(out)
    tmp = _start_dir(out)
    thresholds = gc.get_threshold()
    _few_collections()
    report = BuildReport(out=out)
    progress = Progress(opts.quiet, opts.progress_every)
    t0 = time.monotonic()
    timings: dict[str, float] = {}
    clock = [t0]

    def lap(stage: str) -> None:
        now = time.monotonic()
        timings[stage] = round(timings.get(stage, 0.0) + now - clock[0], 3)
        clock[0] = now

    engine = rows = names_writer = helpers = started = None
    parallel = (opts.workers or os.cpu_count() or 1) > 1 and hasattr(os, "fork")
    try:
        if opts.executor == "dask":  # dask is imported only when asked for
            from conflictkg.dask_executor import DaskExecutor

            engine = DaskExecutor(opts, progress)
        elif opts.executor != "local":
            raise ValueError(f"unknown executor {opts.executor!r}: expected 'local' or 'dask'")
        work = None
        if engine is not None:
            counts, shown = engine.extract(inputs, tmp, report, progress)
        else:
            work, shown = _extract_locally(inputs, tmp, opts, report, progress)
            counts = work.name_counts()
        progress.update("extracted documents", report.documents, f"{report.skipped:,} skipped", force=True)
        if report.skipped > shown and not opts.quiet:
            print(f"[conflictkg] {report.skipped - shown:,} more skipped inputs not shown "
                  f"(all {report.skipped:,} are listed in {out / 'skipped.jsonl'})", file=sys.stderr)
        lap("extraction")
        # From here on nothing made holds a cycle worth collecting (reference counting frees
        # it all), while the collector's scans of the millions of new containers cost this
        # process ~15% of its time even at a threshold of 100,000; the children forked
        # from here inherit this. (The finally below restores the thresholds.)
        gc.set_threshold(0)

        names: Counter = Counter({Name(*key): n for key, n in counts.items()})
        del counts
        progress.say(f"resolving {len(names):,} distinct names")
        with engine.resolving() if engine is not None else contextlib.nullcontext():
            resolution, all_names = resolve_build(names, opts.lexicon_files, opts.overrides, opts.previous,
                                                  side_by_side=parallel and engine is None)
        if parallel and engine is None:  # beside what follows, which waits for nothing it writes
            names_writer = Forked(write_names, tmp / NAMES_FILE, all_names, resolution, name=NAMES_FILE)
        else:
            write_names(tmp / NAMES_FILE, all_names, resolution)
        entities = resolution.entities
        entity_of = {(n.type, n.text, n.canonical): eid for n, eid in resolution.entity_of.items()}
        del names, all_names
        lap("resolution")

        progress.say("writing mentions, relations and graph")
        if parallel:  # forked now, while this process is small (see graph/finish.py)
            helpers = Helpers()
        if engine is not None:
            passed = engine.second_pass(tmp, entity_of)
        elif parallel:
            # the two files in a forked process (it sees entity_of without a copy), the graph here
            rows = Forked(write_rows, work, tmp / "mentions.jsonl", tmp / "relations.jsonl", entity_of,
                          name="mentions.jsonl and relations.jsonl")
            passed = add_up(work, entity_of)
        else:
            write_rows(work, tmp / "mentions.jsonl", tmp / "relations.jsonl", entity_of)
            passed = add_up(work, entity_of)
        acc = passed.graph
        acc.summed()  # (the mention log goes)
        mention_count, doc_count = acc.entity_counts()
        report.mentions, report.relations = passed.mentions, passed.relations
        del passed
        lap("graph_building")

        for eid, ent in entities.items():
            ent.mentions = mention_count[eid]
            ent.documents = doc_count[eid]
        with open(tmp / "entities.jsonl", "w", encoding="utf-8") as fh:
            for ent in sorted(entities.values(), key=lambda e: e.id):
                _dump(fh, ent.to_json())
                report.entities_by_type[ent.type] += 1

        if helpers is not None:  # the edge writers and the helpers' work, before the graph exists
            started = start_finishing(acc, entities, tmp, helpers)  # (see graph/finish.py)
        # the co-occurrences (most edges) only when read from the graph: the writers take them from acc
        G = acc.to_networkx(entities, co_occurrences=engine is not None or needs_co_occurrences(started))
        edge_count = G.number_of_edges() if started is None or started.figures is None else started.figures["ties"]
        del acc
        lap("graph_building")
        if not opts.quiet:
            progress.say(f"graph: {G.number_of_nodes():,} nodes, {edge_count:,} edges; computing metrics")
        # metrics; graphml, json, gexf, report.html
        add_metrics_and_write(G, tmp, lap, helpers, started)
        if engine is not None:
            engine.write_exports(G, tmp)  # neo4j-admin CSV files, per partition
        report.top_actors = sorted(
            ((d.get("degree", 0), d["name"], d["type"]) for _, d in G.nodes(data=True)), reverse=True
        )[:10]
        if work is not None:
            if rows is not None:
                rows.result()
            shutil.rmtree(work.folder)
        if names_writer is not None:
            names_writer.result()
        lap("export")
        report.seconds = time.monotonic() - t0
        with open(tmp / "build.json", "w", encoding="utf-8") as fh:
            json.dump(
                {"inputs": [str(p) for p in inputs], "extractors": list(opts.extractors),
                 "lexicon_files": list(opts.lexicon_files), "documents": report.documents,
                 "skipped": report.skipped, "mentions": report.mentions, "relations": report.relations,
                 "entities": dict(report.entities_by_type), "seconds": round(report.seconds, 3),
                 "timings": timings, "workers": opts.workers or os.cpu_count() or 1,
                 "executor": opts.executor},
                fh, ensure_ascii=False, indent=1,
            )
        _replace_dir(tmp, out)
    except BaseException:
        if rows is not None:
            rows.kill()
        if names_writer is not None:
            names_writer.kill()
        if helpers is not None:
            helpers.kill()
        if started is not None:
            started.kill()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if engine is not None:
            engine.close()
        gc.set_threshold(*thresholds)
        gc.unfreeze()
    return report


def _start_dir(out: Path) -> Path:
    """The temporary folder a build writes into, beside ``out``, made with the user's umask.

    Refuses to go on when ``out`` exists and is not an earlier build output: replacing
    it at the end would delete whatever folder the user named by mistake. Leftovers
    of builds that were killed (their process is gone) are removed.
    """
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / "build.json").is_file():
        raise FileExistsError(f"--out {out}: a non-empty folder that is not a conflictkg build output; "
                              "refusing to replace it (choose a new or empty folder)")
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{out.name}.building-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    tmp = out.parent / f".{out.name}.building-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()  # mode 0o777 & ~umask, like any folder the user makes
    return tmp


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _replace_dir(new: Path, out: Path) -> None:
    """Move the finished build into place; the old output survives until then."""
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.replace(out, old)
        os.replace(new, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, out)
