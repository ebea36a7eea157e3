"""Run one of the analyst queries of the Cypher pack (cypher/queries) and print a table.

Parameters are given as --param NAME=VALUE (typed by the query's header: string, int,
float, bool); the others keep their defaults. --list shows every query with its
parameters; --show prints the Cypher instead of running it (paste it into Neo4j Browser,
with `:param name => value`).

Example:
  conflictkg query --list
  conflictkg query who_leads_what
  conflictkg query militia_profile --param "actor=قوات الردع"
  conflictkg query shortest_path --param source=خليفة حفتر --param target=مصراتة
  conflictkg query new_actors_since --param since=2024-01-01 --format tsv
"""
from __future__ import annotations

import json
import sys

from conflictkg.commands._neo4j import add_connection_arguments, connection_settings

HELP = "run a named analyst query against Neo4j and print a table"
MAX_CELL = 80


def add_arguments(p) -> None:
    p.add_argument("name", nargs="?", metavar="NAME", help="query name (see --list)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="query parameter (repeatable)")
    p.add_argument("--list", action="store_true", help="list the queries and their parameters")
    p.add_argument("--show", action="store_true", help="print the query's Cypher and parameters, do not run it")
    p.add_argument("--format", choices=("table", "tsv", "json"), default="table", help="output format (default: table)")
    add_connection_arguments(p)


def parse_params(items: list[str]) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` → ``{"a": "1", "b": "x=y"}``."""
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--param expects NAME=VALUE, got {item!r}")
        out[name.strip()] = value
    return out


def list_queries() -> str:
    from conflictkg.cypher import load_query, query_names

    lines = []
    for name in query_names():
        q = load_query(name)
        lines.append(f"{name}: {q.title}")
        for p in q.params.values():
            lines.append(f"    --param {p.name}=<{p.type}>  default {json.dumps(p.default, ensure_ascii=False)}  {p.doc}")
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " | ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return " ".join(str(value).split())


def format_rows(keys: list[str], rows: list[list], fmt: str = "table") -> str:
    """Rows as an aligned text table, TSV or JSON lines.

    >>> print(format_rows(["a", "bb"], [[1, ["x", "y"]], [22, None]]))
    a   bb
    --  -----
    1   x | y
    22
    """
    if fmt == "json":
        return "\n".join(json.dumps(dict(zip(keys, r)), ensure_ascii=False, default=str) for r in rows)
    cells = [[_cell(v) for v in r] for r in rows]
    if fmt == "tsv":
        return "\n".join("\t".join(r) for r in [keys] + cells)
    cells = [[c if len(c) <= MAX_CELL else c[: MAX_CELL - 1] + "…" for c in r] for r in cells]
    widths = [max([len(k)] + [len(r[i]) for r in cells]) for i, k in enumerate(keys)]
    lines = ["  ".join(k.ljust(w) for k, w in zip(keys, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(line.rstrip() for line in lines)


def run_query(session, name: str, given: dict[str, str]) -> tuple[list[str], list[list]]:
    """Run pack query ``name`` with string parameters ``given``; ``(column names, rows)``."""
    from conflictkg.cypher import load_query

    q = load_query(name)
    params = q.coerce(given)

    def work(tx):
        result = tx.run(q.text, params)
        return list(result.keys()), [list(r.values()) for r in result]

    return session.execute_read(work)


def run(args) -> int:
    from conflictkg.cypher import load_query

    if args.list:
        print(list_queries())
        return 0
    if not args.name:
        raise ValueError("give a query NAME (see `conflictkg query --list`)")
    try:
        q = load_query(args.name)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    params = q.coerce(parse_params(args.param))  # bad parameters fail before connecting
    if args.show:
        for k, v in params.items():
            print(f":param {k} => {json.dumps(v, ensure_ascii=False)}")
        print(q.text)
        return 0
    from conflictkg.graph.neo4j_loader import connect

    settings = connection_settings(args)
    driver, _ = connect(**settings)
    try:
        with driver.session(database=settings["database"]) as session:
            keys, rows = run_query(session, args.name, parse_params(args.param))
    finally:
        driver.close()
    print(format_rows(keys, rows, args.format))
    if args.format == "table":
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=sys.stderr)
    return 0
