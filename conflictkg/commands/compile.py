"""Compile the extractors and the graph's Louvain with Cython: the same results, ~20%
faster extraction and several times faster communities.

``make setup`` runs this. The compiled modules are used only while the sources are the
ones they were compiled from (see conflictkg/compiled.py); after an edit the package
runs as plain Python until this is run again. Needs Cython (the ``compiled`` extra) and
a C compiler; without them conflictkg works as plain Python.

Example:
  conflictkg compile
  conflictkg compile --check      # are the compiled modules in use? (exit 1 if not)
  CONFLICTKG_PURE=1 conflictkg build ...   # run as plain Python anyway
"""
from __future__ import annotations

import sys

HELP = "compile the extractors and the graph's Louvain with Cython (faster builds)"


def add_arguments(p) -> None:
    p.add_argument("--check", action="store_true", help="only report whether the compiled modules are in use")
    p.add_argument("--quiet", action="store_true", help="no progress messages")


def run(args) -> int:
    import importlib

    from conflictkg.compiled import PACKAGES, compile_package

    if args.check:
        missing = 0
        for package in PACKAGES:
            folder = importlib.import_module(package).COMPILED
            if folder:
                print(f"{package}: compiled modules in use: {folder}")
            else:
                print(f"{package}: runs as plain Python (not compiled for these sources, or CONFLICTKG_PURE is set)")
                missing += 1
        return 1 if missing else 0
    try:
        for package in PACKAGES:
            compile_package(package, quiet=args.quiet)
    except Exception as exc:  # no Cython, no compiler, read-only install ...
        print(f"conflictkg compile: not compiled, conflictkg runs as plain Python: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0
