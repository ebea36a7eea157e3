"""Compile the extractors with Cython: the same results, ~20% faster extraction.

``make setup`` runs this. The compiled modules are used only while the extractor sources
are the ones they were compiled from (see conflictkg/extractors/compiled.py); after an
edit the extractors run as plain Python until this is run again. Needs Cython (the
``compiled`` extra) and a C compiler; without them conflictkg works as plain Python.

Example:
  conflictkg compile
  conflictkg compile --check      # are compiled extractors in use? (exit 1 if not)
  CONFLICTKG_PURE=1 conflictkg build ...   # run as plain Python anyway
"""
from __future__ import annotations

import sys

HELP = "compile the extractors with Cython (faster extraction)"


def add_arguments(p) -> None:
    p.add_argument("--check", action="store_true", help="only report whether compiled extractors are in use")
    p.add_argument("--quiet", action="store_true", help="no progress messages")


def run(args) -> int:
    from conflictkg import extractors
    from conflictkg.extractors.compiled import compile_package

    if args.check:
        if extractors.COMPILED:
            print(f"compiled extractors in use: {extractors.COMPILED}")
            return 0
        print("extractors run as plain Python (not compiled for these sources, or CONFLICTKG_PURE is set)")
        return 1
    try:
        compile_package(quiet=args.quiet)
    except Exception as exc:  # no Cython, no compiler, read-only install ...
        print(f"conflictkg compile: extractors not compiled, they run as plain Python: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0
