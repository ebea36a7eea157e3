"""Load a built graph folder into Neo4j (schema first, then batched idempotent writes).

Loading the same folder twice changes nothing; loading a build of new documents on top
of an earlier one gives the graph of all documents (counts recomputed from per-document
evidence, never added up twice). The schema (constraints, indexes, an Arabic full-text
index on Neo4j) comes from cypher/schema.cypher.

Example:
  export NEO4J_URI=bolt://localhost:7687 NEO4J_USERNAME=neo4j NEO4J_PASSWORD=...
  conflictkg load out/example
  conflictkg load out/example --database conflicts --password-file ~/.neo4j-pw
  conflictkg load out/example --wipe --yes      # clear conflictkg's nodes first

Exit codes: 0 loaded; 1 an error (one line on stderr naming the server and the cause;
--debug shows the traceback).
"""
from __future__ import annotations

import sys

from conflictkg.commands._neo4j import add_connection_arguments, connection_settings
from conflictkg.graph.neo4j_loader import DEFAULT_BATCH_SIZE

HELP = "load a built graph folder into Neo4j"


def add_arguments(p) -> None:
    p.add_argument("folder", metavar="DIR", help="output folder of `conflictkg build`")
    add_connection_arguments(p)
    p.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N",
                   help=f"rows per transaction (default: {DEFAULT_BATCH_SIZE})")
    p.add_argument("--wipe", action="store_true",
                   help="delete conflictkg's nodes (:Entity, :Document) and their relationships first; asks unless --yes")
    p.add_argument("--yes", action="store_true", help="do not ask before --wipe")
    p.add_argument("--quiet", action="store_true", help="no progress or summary output")


def confirm_wipe(settings: dict, yes: bool) -> None:
    if yes:
        return
    where = f"{settings['uri']} (database {settings['database'] or 'default'})"
    if not sys.stdin.isatty():
        raise RuntimeError(f"--wipe would delete every :Entity and :Document node in {where}; add --yes to confirm")
    answer = input(f"Delete every :Entity and :Document node in {where}? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise RuntimeError("not wiped, nothing loaded")


def run(args) -> int:
    return load_with(args, args.folder, quiet=args.quiet, wipe=args.wipe, yes=args.yes, batch_size=args.batch_size)


def load_with(args, folder, *, quiet: bool, wipe: bool = False, yes: bool = False, batch_size: int = DEFAULT_BATCH_SIZE,
              settings: dict | None = None) -> int:
    """Load ``folder`` with the connection options of ``args`` (also used by ``build --neo4j``)."""
    from conflictkg.graph.neo4j_loader import load_folder, read_build

    data = read_build(folder)  # a bad folder fails before any password prompt or connection
    settings = settings or connection_settings(args)
    if wipe:
        confirm_wipe(settings, yes)

    def progress(msg: str) -> None:
        if not quiet:
            print(f"[conflictkg] {msg}", file=sys.stderr, flush=True)

    report = load_folder(folder, settings["uri"], settings["user"], settings["password"], settings["database"],
                         batch_size=batch_size, wipe_first=wipe, progress=progress, data=data)
    for warning in report.warnings:
        print(f"[conflictkg] warning: {warning}", file=sys.stderr)
    if not quiet:
        print(report.summary())
    return 0
