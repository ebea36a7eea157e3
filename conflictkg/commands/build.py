"""Build the knowledge graph of a corpus into an output folder (no database needed).

INPUT is a .txt file, a folder of .txt/.jsonl/.csv files (walked recursively), a
.jsonl file (one object per line: id, text, optional title, date, url, source) or a
.csv file with the same columns.

Example:
  conflictkg build examples/corpus --out out/example
  conflictkg build news.jsonl --out out/news --lexicon my_lexicon.tsv --quiet

Bad inputs (undecodable or binary files, malformed JSONL/CSV rows, rows without text,
duplicate ids, oversized documents, unreadable paths) are skipped, one line each on
stderr naming file and line, all of them in skipped.jsonl; the rest goes through.
Ctrl-C or `kill` leaves the previous --out folder as it was.

Exit codes: 0 every input was processed; 3 some inputs were skipped (listed in
skipped.jsonl); 4 no document could be processed; 1 an error stopped the build;
130 interrupted.
"""
from __future__ import annotations

import contextlib
import os
import signal

from conflictkg.corpus import MAX_DOC_CHARS

HELP = "build the graph of a corpus into an output folder"


def add_arguments(p) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt file, folder, .jsonl or .csv")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (replaced atomically)")
    p.add_argument("--extractor", action="append", dest="extractors", metavar="NAME",
                   help="mention extractor to run (repeatable; default: lexicon and pattern)")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                   help="extra lexicon TSV file (same format as extractors/lexicons/*.tsv)")
    p.add_argument("--overrides", metavar="FILE",
                   help="analyst decisions that always win: merge/split/rename/retype (see resolvers/overrides.py)")
    p.add_argument("--previous", metavar="DIR",
                   help="earlier build folder: resolve the new documents against its names (same ids as one full build)")
    p.add_argument("--workers", type=int, default=0, metavar="N",
                   help="worker processes (default: all cores); with --executor dask, the LocalCluster's size")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local: a process pool on this machine (default); dask: a Dask cluster "
                        "(pip install 'conflictkg[dask]')")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="with --executor dask: a running scheduler (default: a LocalCluster); the inputs "
                        "and --out must then be on a filesystem every worker sees at the same path")
    p.add_argument("--partition-size", type=float, default=64.0, metavar="MB",
                   help="with --executor dask: input per partition; bigger .jsonl files are split (default: 64)")
    p.add_argument("--max-chars", type=int, default=MAX_DOC_CHARS, metavar="N",
                   help=f"skip (and report) documents longer than N characters (default: {MAX_DOC_CHARS:,})")
    p.add_argument("--quiet", action="store_true", help="no progress or summary output")
    p.add_argument("--neo4j", action="store_true",
                   help="then load the folder into Neo4j, as `conflictkg load DIR` (connection options below)")
    from conflictkg.commands._neo4j import add_connection_arguments

    add_connection_arguments(p)


def run(args) -> int:
    from conflictkg.build import BuildOptions, build

    if args.workers < 0:
        raise ValueError(f"--workers {args.workers}: expected 0 (all cores) or more")
    if "camel-ner" in (args.extractors or ()):
        # fail once, with the install hint, before any worker starts
        from conflictkg.extractors.camel_ner import load_pretrained

        load_pretrained()
    if (args.scheduler or args.partition_size != 64.0) and args.executor != "dask":
        raise ValueError("--scheduler and --partition-size go with --executor dask")
    if args.partition_size <= 0:
        raise ValueError(f"--partition-size {args.partition_size}: expected a positive number of MB")
    if args.max_chars < 1:
        raise ValueError(f"--max-chars {args.max_chars}: expected a positive number")
    for f in args.lexicon:
        if not os.path.isfile(f):
            raise FileNotFoundError(f"lexicon file not found: {f}")
    if args.overrides and not os.path.isfile(args.overrides):
        raise FileNotFoundError(f"overrides file not found: {args.overrides}")
    if args.previous and not os.path.isfile(os.path.join(args.previous, "names.jsonl")):
        raise FileNotFoundError(f"--previous {args.previous}: not a build folder with names.jsonl")
    opts = BuildOptions(
        extractors=tuple(args.extractors or ("lexicon", "pattern")),
        lexicon_files=tuple(args.lexicon),
        workers=args.workers,
        max_doc_chars=args.max_chars,
        quiet=args.quiet,
        overrides=args.overrides,
        previous=args.previous,
        executor=args.executor,
        scheduler=args.scheduler,
        partition_mb=args.partition_size,
    )
    settings = None
    if args.neo4j:  # ask for the password (if it must be asked) before the long part
        from conflictkg.commands._neo4j import connection_settings

        settings = connection_settings(args)
    with _sigterm_as_interrupt():  # `kill` cleans up like Ctrl-C: the previous output stays
        report = build(args.inputs, args.out, opts)
    if not args.quiet:
        print(summary(report))
    if args.neo4j and report.documents:
        from conflictkg.commands.load import load_with

        load_with(args, args.out, quiet=args.quiet, settings=settings)
    return report.exit_code


@contextlib.contextmanager
def _sigterm_as_interrupt():
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        old = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def summary(report) -> str:
    lines = [
        f"graph written to {report.out}/ ({report.documents} documents, {report.skipped} skipped, "
        f"{report.mentions} mentions, {report.relations} relations, {report.seconds:.1f} s)",
        "entities per type: " + ", ".join(f"{t} {n}" for t, n in sorted(report.entities_by_type.items())),
        "top actors by degree:",
    ]
    for degree, name, etype in report.top_actors:
        lines.append(f"  {degree:4d}  {name}  ({etype})")
    if report.skipped:
        lines.append(f"{report.skipped} input(s) skipped: see {os.path.join(report.out, 'skipped.jsonl')}")
    return "\n".join(lines)
