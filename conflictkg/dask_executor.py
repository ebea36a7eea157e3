"""``conflictkg build --executor dask``: the build's heavy stages on a Dask cluster.

Imported only when that executor is asked for (a default build never imports dask).
The stages, and where they run:

1. **plan** (driver): the input paths are enumerated with their sizes, never read:
   small files are grouped into partitions of about ``--partition-size`` MB, a larger
   ``.jsonl`` is cut into byte ranges at line boundaries (a few bytes are read at each
   cut). The first line number of every range is counted on the workers (a chain of
   tiny tasks), so messages name the right line.
2. **extraction** (workers): each partition reads its own inputs and writes its own
   ``documents``/``work``/``skipped`` files under ``<tmp>/parts/NNNNN/``; it returns a
   small summary: the names counter, the document ids with their file and line, and
   one character per record (``d`` extracted, ``f`` extraction failed, ``s`` skipped).
3. **merge** (driver, partition order): duplicate ids across partitions are found as
   :func:`conflictkg.corpus.read_corpus` finds them (the first occurrence in input
   order wins), the duplicates' rows are taken out of their partition's files and
   their names out of the counter, and ``documents.jsonl``/``skipped.jsonl`` are
   concatenated: byte for byte what the single-process build writes.
4. **resolution**: the fuzzy candidate pairs are grouped by blocking key with a
   ``dask.bag`` shuffle and scored block by block on the workers
   (``resolvers.fuzzy.score_block``); the clustering itself runs on the driver.
5. **second pass** (workers): ``build.second_pass`` per partition writes its mentions,
   relations and neo4j-admin CSV parts; the per-partition graph evidence is combined
   by an ordered tree of ``PassResult.merge`` tasks (a Dask reduction), and the
   mentions/relations parts are concatenated in partition order.

Every file is written under the build's temporary folder beside ``--out``: with a
remote scheduler, ``--out`` and the inputs must be on a filesystem every worker sees
at the same path (checked before anything runs).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from . import build as _build
from .corpus import (
    SNIFF_BYTES,
    _jsonl_lines,
    _read_csv,
    _read_jsonl,
    _read_txt,
    _utf16_without_bom,
    iter_input_files,
    jsonl_records,
    open_input,
)
from .records import Skipped
from .workfiles import PassResult, Work, WorkWriter, move_to_end, second_pass

PARTS_DIR = "parts"
CSV_DIR = "neo4j-import"
SCAN_BYTES = 1 << 20


# --- planning (driver) -------------------------------------------------------------


def plan_partitions(inputs, partition_bytes: int) -> list[list[tuple]]:
    """The partitions of the inputs, in input order; each a list of entries:
    ``("file", path, root)``, ``("range", path, start, end)`` or ``("skipped", row)``.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "big.jsonl").write_text("".join('{"id": "%d", "text": "x"}\\n' % i for i in range(100)))
    >>> parts = plan_partitions([d / "big.jsonl", d / "missing.txt"], 1000)
    >>> [[e[0] for e in p] for p in parts]
    [['range'], ['range'], ['range'], ['skipped']]
    """
    parts: list[list[tuple]] = []
    group: list[tuple] = []
    size = 0
    for item in iter_input_files(inputs):
        if isinstance(item, Skipped):
            group.append(("skipped", item.to_json()))
            continue
        path, root = item
        nbytes = path.stat().st_size
        if path.suffix.lower() == ".jsonl" and nbytes > partition_bytes and _splittable(path):
            if group:
                parts.append(group)
            parts.extend([("range", str(path), a, b)] for a, b in _byte_ranges(path, nbytes, partition_bytes))
            group, size = [], 0
            continue
        group.append(("file", str(path), None if root is None else str(root)))
        size += nbytes
        if size >= partition_bytes:
            parts.append(group)
            group, size = [], 0
    if group:
        parts.append(group)
    return parts


def _splittable(path: Path) -> bool:
    """UTF-16 JSONL finds its lines only after decoding: such a file stays whole."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    return not head.startswith((b"\xff\xfe", b"\xfe\xff")) and _utf16_without_bom(head) is None


def _byte_ranges(path: Path, size: int, step: int) -> list[tuple[int, int]]:
    """``[start, end)`` ranges of about ``step`` bytes, each cut just after a newline."""
    cuts = [0]
    with open(path, "rb") as fh:
        pos = step
        while pos < size:
            fh.seek(pos)
            while True:
                chunk = fh.read(SCAN_BYTES)
                if not chunk:
                    pos = size
                    break
                nl = chunk.find(b"\n")
                if nl >= 0:
                    pos = fh.tell() - len(chunk) + nl + 1
                    break
            if pos >= size:
                break
            cuts.append(pos)
            pos += step
    cuts.append(size)
    return list(zip(cuts, cuts[1:]))


# --- on the workers ------------------------------------------------------------------


def _count_lines(path: str, start: int, end: int) -> int:
    n = 0
    with open(path, "rb") as fh:
        fh.seek(start)
        left = end - start
        while left > 0:
            chunk = fh.read(min(SCAN_BYTES * 8, left))
            if not chunk:
                break
            n += chunk.count(b"\n")
            left -= len(chunk)
    return n


def _next_line(first_line: int, lines: int) -> int:
    return first_line + lines


class _ByteRange:
    """A binary file seen only up to ``end``: what ``corpus._jsonl_lines`` reads lines from."""

    def __init__(self, fh, end: int):
        self.fh, self.end = fh, end

    def readline(self, limit: int = -1) -> bytes:
        left = self.end - self.fh.tell()
        if left <= 0:
            return b""
        return self.fh.readline(left if limit is None or limit < 0 else min(limit, left))


def _read_jsonl_range(path: str, start: int, end: int, first_line: int, max_chars: int):
    """``(record, line)`` for the lines of ``path`` in ``[start, end)``; as
    ``corpus._read_jsonl`` reads a whole UTF-8 file, with the file's own line numbers."""
    fh = open_input(path)
    if isinstance(fh, Skipped):
        yield fh, None
        return
    with fh:
        fh.seek(start)
        try:
            yield from jsonl_records(_jsonl_lines(_ByteRange(fh, end), "utf-8", 4 * max_chars + 1024),
                                     path, max_chars, first_line)
        except OSError as exc:
            yield Skipped(path, f"reading stopped: {exc}"), None


def _records(entries, first_line: int, max_chars: int, files: list[str]):
    """``(file number, record, line)`` of a partition's entries, in order (no duplicate check)."""
    for entry in entries:
        if entry[0] == "skipped":
            yield None, Skipped(**entry[1]), None
            continue
        files.append(entry[1])
        fileno, path = len(files) - 1, Path(entry[1])
        if entry[0] == "range":
            records = _read_jsonl_range(entry[1], entry[2], entry[3], first_line, max_chars)
        elif path.suffix.lower() == ".jsonl":
            records = _read_jsonl(path, max_chars)
        elif path.suffix.lower() == ".csv":
            records = _read_csv(path, max_chars)
        else:
            records = _read_txt(path, None if entry[2] is None else Path(entry[2]), max_chars)
        for rec, line in records:
            yield fileno, rec, line


_READY = None  # the pipeline configuration this worker process has loaded


def _extract_partition(part_dir: str, entries, first_line: int, extractors, lexicon_files, max_chars: int) -> dict:
    """Extract one partition into ``part_dir``; return its small summary (see the module doc)."""
    global _READY
    if _READY != (extractors, lexicon_files):
        _build._init_worker(extractors, lexicon_files, in_child=False)  # dask owns the signals
        _READY = (extractors, lexicon_files)
    pdir = Path(part_dir)
    pdir.mkdir(parents=True, exist_ok=True)
    events: list[str] = []
    ids: list[str] = []
    where: list[tuple] = []
    files: list[str] = []
    work = WorkWriter(pdir / _build.WORK_DIR)
    with open(pdir / "documents.jsonl", "w", encoding="utf-8") as docs_fh, open(
        pdir / "skipped.jsonl", "w", encoding="utf-8"
    ) as skip_fh:
        for fileno, rec, line in _records(entries, first_line, max_chars, files):
            if isinstance(rec, Skipped):
                _build._dump(skip_fh, rec.to_json())
                events.append("s")
                continue
            ids.append(rec.id)
            where.append((fileno, line))
            item = _build._extract(rec)
            if isinstance(item, Skipped):
                _build._dump(skip_fh, item.to_json())
                events.append("f")
                continue
            docs_fh.write(item[0])
            work.add(item[1], item[2])
            events.append("d")
    return {"events": "".join(events), "ids": ids, "where": where, "files": files, "work": work.close()}


def _second_pass_partition(part: int, work: Work, entity_of: dict, csv_dir: str):
    from conflictkg.graph.export_csv import write_csv_part

    pdir = work.folder.parent
    res = second_pass(work, pdir / "mentions.jsonl", pdir / "relations.jsonl", entity_of)
    shutil.rmtree(work.folder)
    write_csv_part(pdir, csv_dir, part)
    return res


def _merge_results(a, b):
    return a.merge(b)


def _score_groups(groups, cutoff: float) -> list:
    """The pairs of a partition of blocks as two arrays: a list of small tuples would
    take longer to send back than to score."""
    import numpy as np

    from conflictkg.resolvers.fuzzy import score_block

    pairs = [p for _, group in groups for p in score_block([member for _, member in group], cutoff, workers=1)]
    return [(np.array([p[:2] for p in pairs], dtype=np.int64).reshape(-1, 2),
             np.array([p[2] for p in pairs], dtype=np.float64))]


def _keyed(entry) -> list:
    from conflictkg.resolvers.fuzzy import block_keys

    idx, (fam, loose) = entry
    return [(key, (idx, loose)) for key in block_keys(fam, loose)]


def _block_key(kv):
    return kv[0]


def _sees(paths: list[str]) -> list[str]:
    return [p for p in paths if not os.path.exists(p)]


# --- the executor (driver) -----------------------------------------------------------


class DaskExecutor:
    """The stages of ``build.build`` that run on the cluster; see the module docstring."""

    def __init__(self, opts, progress):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise RuntimeError("--executor dask needs Dask: pip install 'conflictkg[dask]'") from None
        self.opts, self.progress = opts, progress
        self.cluster = None
        if opts.scheduler:
            self.client = Client(opts.scheduler, timeout="30s")
        else:
            n = opts.workers or os.cpu_count() or 1
            self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        self.parts: list[Path] = []
        self.works: list[Work] = []  # per partition, once merged

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def _check_shared(self, paths: list[str]) -> None:
        """A remote cluster must see the inputs and the output folder where we do."""
        for worker, missing in self.client.run(_sees, paths).items():
            if missing:
                raise RuntimeError(
                    f"dask worker {worker} does not see {missing[0]}: with --scheduler, the inputs and "
                    "--out must be on a filesystem shared by every worker, at the same path")

    # -- extraction

    def extract(self, inputs, tmp: Path, report, progress):
        from distributed import as_completed

        opts = self.opts
        tmp = tmp.resolve()
        if opts.scheduler:
            self._check_shared([str(tmp)] + [os.path.abspath(p) for p in inputs if os.path.exists(p)])
        plan = plan_partitions(inputs, max(int(opts.partition_mb * 2**20), 1))
        submit = self.client.submit
        futures = {}
        line_of: dict[str, object] = {}  # file → line number future after its last range
        for n, entries in enumerate(plan):
            first_line = 1
            if entries[0][0] == "range":
                _, path, start, end = entries[0]
                first_line = line_of.get(path, 1)
                line_of[path] = submit(_next_line, first_line, submit(_count_lines, path, start, end, pure=False))
            pdir = tmp / PARTS_DIR / f"{n:05d}"
            self.parts.append(pdir)
            fut = submit(_extract_partition, str(pdir), entries, first_line, tuple(opts.extractors),
                         tuple(opts.lexicon_files), opts.max_doc_chars, pure=False)
            futures[fut] = n
        counts: Counter = Counter()
        seen: dict[str, tuple[str, int | None]] = {}
        done: dict[int, dict] = {}
        shown, following = 0, 0
        with open(tmp / "documents.jsonl", "w", encoding="utf-8") as docs_out, open(
            tmp / "skipped.jsonl", "w", encoding="utf-8"
        ) as skip_out:
            try:
                for fut, summary in as_completed(futures, with_results=True):
                    done[futures.pop(fut)] = summary
                    while following in done:  # merge in partition order
                        shown = self._merge_part(self.parts[following], done.pop(following), seen, counts,
                                                 docs_out, skip_out, report, shown)
                        following += 1
                        progress.update("extracted documents", report.documents, f"{report.skipped:,} skipped")
            except Exception as exc:
                if type(exc).__name__ == "KilledWorker":
                    raise RuntimeError("a dask worker died during extraction (out of memory or killed); use a "
                                       "smaller --partition-size or look for very large documents") from None
                raise
        return counts, shown

    def _merge_part(self, pdir: Path, summary: dict, seen: dict, counts: Counter, docs_out, skip_out,
                    report, shown: int) -> int:
        """Append one partition's documents and skipped rows, taking out documents whose
        id an earlier record already had (as ``read_corpus`` does)."""
        files = summary["files"]
        drops: dict[int, Skipped] = {}
        for k, (doc_id, (fileno, line)) in enumerate(zip(summary["ids"], summary["where"])):
            source = files[fileno]
            first = seen.get(doc_id)
            if first is None:
                seen[doc_id] = (source, line)
                continue
            at = first[0] if first[1] is None else f"{first[0]}:{first[1]}"
            drops[k] = Skipped(source, f"duplicate document id {doc_id!r} (first seen in {at})", line=line, id=doc_id)
        work: Work = summary["work"]
        quiet = self.opts.quiet
        if not drops:
            with open(pdir / "documents.jsonl", encoding="utf-8") as fh:
                shutil.copyfileobj(fh, docs_out)
            with open(pdir / "skipped.jsonl", encoding="utf-8") as fh:
                for line in fh:
                    skip_out.write(line)
                    shown = _build._say_skipped(Skipped(**json.loads(line)), shown, quiet)
            report.documents += summary["events"].count("d")
            report.skipped += len(summary["events"]) - summary["events"].count("d")
            self.works.append(work)
            counts.update(work.name_counts())
            return shown
        wanted: list[bool] = []  # per extracted document: kept?
        docs_in = open(pdir / "documents.jsonl", encoding="utf-8")
        skip_in = open(pdir / "skipped.jsonl", encoding="utf-8")
        docs_keep = open(pdir / "documents.kept", "w", encoding="utf-8")
        with docs_in, skip_in, docs_keep:
            k = -1
            for ev in summary["events"]:
                if ev != "s":
                    k += 1
                if k in drops and ev != "s":
                    if ev == "d":
                        docs_in.readline()
                        wanted.append(False)
                    else:
                        skip_in.readline()  # its extraction failure: never extracted in input order
                    skipped = drops.pop(k)
                    _build._dump(skip_out, skipped.to_json())
                    report.skipped += 1
                    shown = _build._say_skipped(skipped, shown, quiet)
                elif ev == "d":
                    line = docs_in.readline()
                    docs_out.write(line)
                    docs_keep.write(line)
                    wanted.append(True)
                    report.documents += 1
                else:
                    line = skip_in.readline()
                    skip_out.write(line)
                    report.skipped += 1
                    shown = _build._say_skipped(Skipped(**json.loads(line)), shown, quiet)
        os.replace(pdir / "documents.kept", pdir / "documents.jsonl")
        work = work.keep(wanted)
        self.works.append(work)
        counts.update(work.name_counts())
        return shown

    # -- resolution

    @contextmanager
    def resolving(self):
        """Fuzzy blocks grouped and scored on the cluster while the resolver runs."""
        from conflictkg.resolvers import fuzzy

        with fuzzy.using_block_mapper(self.map_blocks):
            yield

    def map_blocks(self, items, cutoff: float, workers: int = -1) -> list:
        """``fuzzy.candidate_pairs``' blocking and scoring as a ``dask.bag`` groupby shuffle."""
        import dask.bag as db

        if not items:
            return []
        nworkers = max(len(self.client.scheduler_info().get("workers", {})), 1)
        npartitions = max(1, min(4 * nworkers, len(items) // 2000 + 1))
        bag = db.from_sequence(list(enumerate(items)), npartitions=npartitions)
        groups = bag.map(_keyed).flatten().groupby(_block_key, shuffle="tasks")
        pairs = groups.map_partitions(_score_groups, cutoff)
        return [(i, j, s) for ij, score in self.client.compute(pairs).result()
                for (i, j), s in zip(ij.tolist(), score.tolist())]

    # -- second pass

    def second_pass(self, tmp: Path, entity_of: dict):
        from conflictkg.graph.model import GraphAccumulator

        tmp = tmp.resolve()
        csv_dir = tmp / CSV_DIR
        csv_dir.mkdir(exist_ok=True)
        if not self.parts:
            for name in ("mentions.jsonl", "relations.jsonl"):
                (tmp / name).touch()
            return PassResult(GraphAccumulator())
        # one object on every worker (scattering the dict itself would scatter each value)
        [mapping] = self.client.scatter([entity_of], broadcast=True, hash=False)
        level = [self.client.submit(_second_pass_partition, n, work, mapping, str(csv_dir), pure=False)
                 for n, work in enumerate(self.works)]
        while len(level) > 1:  # an ordered tree reduction: merge(a, b) means "a, then b"
            level = [self.client.submit(_merge_results, level[i], level[i + 1], pure=False)
                     if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
        try:
            result = level[0].result()
        except Exception as exc:
            if type(exc).__name__ == "KilledWorker":
                raise RuntimeError("a dask worker died while writing mentions and the graph "
                                   "(out of memory or killed)") from None
            raise
        for name in ("mentions.jsonl", "relations.jsonl"):
            (tmp / name).touch()
            for pdir in self.parts:  # (the partitions' files are removed just below anyway)
                move_to_end(pdir / name, tmp / name)
        shutil.rmtree(tmp / PARTS_DIR)
        return result

    def write_exports(self, G, tmp: Path) -> None:
        """The neo4j-admin files: graph files, header files, ``import.sh`` (parts exist already)."""
        from conflictkg.graph.export_csv import finish_csv_parts

        finish_csv_parts(G, tmp / CSV_DIR)
