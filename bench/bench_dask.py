"""The same synthetic corpus through the single-process build and the Dask executor.

Writes N synthetic articles (``bench_build.write_corpus``: own templates and gazetteer
names, no seed text) as one JSONL file, then runs, each in a subprocess::

    conflictkg build CORPUS --out A --workers W                       # process pool
    conflictkg build CORPUS --out B --executor dask --workers W \\
        --partition-size MB [--scheduler tcp://HOST:PORT]             # Dask

and prints articles/s for each, the ratio, the per-stage split from ``build.json``, and
whether the contract files are byte-identical (they must be).

Usage::

    .venv/bin/python bench/bench_dask.py                    # 5,000 articles, 2 workers
    .venv/bin/python bench/bench_dask.py 20000 --workers 2 --partition-size 8
    .venv/bin/python bench/bench_dask.py 200000 --scheduler tcp://head:8786 --keep /shared/bench

With ``--scheduler`` the corpus and outputs must be on a filesystem the workers share
(use ``--keep`` on it); the local build then still runs on this machine alone.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_build import ROOT, write_corpus

COMPARED = ("documents.jsonl", "mentions.jsonl", "entities.jsonl", "relations.jsonl", "skipped.jsonl",
            "names.jsonl", "graph.graphml", "graph.json")


def run(cmd: list[str], out: Path) -> tuple[float, dict]:
    t0 = time.monotonic()
    proc = subprocess.run(cmd + ["--out", str(out), "--quiet"], cwd=ROOT)
    wall = time.monotonic() - t0
    if proc.returncode not in (0, 3):
        raise SystemExit(f"build failed with exit code {proc.returncode}: {' '.join(cmd)}")
    return wall, json.loads((out / "build.json").read_text(encoding="utf-8"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("articles", nargs="?", type=int, default=5_000)
    ap.add_argument("--workers", type=int, default=2, help="pool processes / LocalCluster workers (default 2)")
    ap.add_argument("--partition-size", type=float, default=0, metavar="MB",
                    help="dask partition size (default: the corpus cut into 4 partitions per worker)")
    ap.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="a running Dask scheduler instead of a LocalCluster")
    ap.add_argument("--keep", metavar="DIR", help="write corpus and outputs here (reused corpus when present)")
    args = ap.parse_args(argv)

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-dask-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"synthetic-{args.articles}.jsonl"
    if not corpus.exists():
        size, secs = write_corpus(corpus, args.articles)
        print(f"corpus: {args.articles:,} articles, {size / 2**20:.1f} MB, written in {secs:.1f} s")
    size_mb = corpus.stat().st_size / 2**20
    part_mb = args.partition_size or max(size_mb / (4 * args.workers), 0.1)

    base = [sys.executable, "-m", "conflictkg", "build", str(corpus), "--workers", str(args.workers)]
    local_wall, local_info = run(base, work / "out-local")
    dask_cmd = base + ["--executor", "dask", "--partition-size", f"{part_mb:.3f}"]
    if args.scheduler:
        dask_cmd += ["--scheduler", args.scheduler]
    dask_wall, dask_info = run(dask_cmd, work / "out-dask")

    n = local_info["documents"]
    where = args.scheduler or f"LocalCluster of {args.workers} worker processes"
    print(f"\n{n:,} articles ({size_mb:.1f} MB), {args.workers} workers; dask: {where}, "
          f"partitions of {part_mb:.2f} MB (~{max(1, round(size_mb / part_mb))})")
    print(f"  single-process pool  {local_wall:7.1f} s  {n / local_wall:8,.0f} articles/s")
    print(f"  dask executor        {dask_wall:7.1f} s  {n / dask_wall:8,.0f} articles/s")
    print(f"  ratio dask / local   {local_wall / dask_wall:7.2f}x throughput")
    stages = sorted(set(local_info["timings"]) | set(dask_info["timings"]))
    print("  stage seconds        " + "  ".join(f"{s}" for s in stages))
    for name, info in (("local", local_info), ("dask", dask_info)):
        print(f"    {name:<18} " + "  ".join(f"{info['timings'].get(s, 0):>{len(s)}.1f}" for s in stages))
    same = [f for f in COMPARED if (work / "out-local" / f).read_bytes() == (work / "out-dask" / f).read_bytes()]
    print(f"  identical outputs    {len(same)}/{len(COMPARED)}"
          + ("" if len(same) == len(COMPARED) else f"  DIFFERENT: {sorted(set(COMPARED) - set(same))}"))
    return 0 if len(same) == len(COMPARED) else 1


if __name__ == "__main__":
    sys.exit(main())
