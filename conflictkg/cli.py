"""The ``conflictkg`` command line.

Each sub-command is a module of ``conflictkg.commands`` with ``HELP``, ``add_arguments``
and ``run(args) -> exit code``; this file only finds and dispatches them.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import pkgutil
import sys

from conflictkg import __version__, commands

ORDER = ["build", "load", "export", "query", "review", "evaluate"]


def _command_modules():
    names = [m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")]
    names.sort(key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    return [(n, importlib.import_module(f"conflictkg.commands.{n}")) for n in names]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conflictkg",
        description="Turn Arabic news about armed conflict into a knowledge graph.",
        epilog="Example: conflictkg build examples/corpus --out out/example",
    )
    parser.add_argument("--version", action="version", version=f"conflictkg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in _command_modules():
        p = sub.add_parser(
            name.replace("_", "-"),
            help=module.HELP,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument("--debug", action="store_true", help="show tracebacks")
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return args._run(args)
    except KeyboardInterrupt:
        print("conflictkg: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the clear one-line error; tracebacks only with --debug
        if getattr(args, "debug", False):
            raise
        print(f"conflictkg {args.command}: error: {exc}", file=sys.stderr)
        return 1


def entry() -> None:
    """The ``conflictkg`` program: ``main``, then the exit.

    The objects still alive then (the imported libraries' tables: camel-tools' character
    sets alone are some 300,000) are frozen first, so that the interpreter's last
    collection passes skip them: ~0.1 s less at every exit. (Not in ``main``, which
    tests call in their own process.)
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry()
