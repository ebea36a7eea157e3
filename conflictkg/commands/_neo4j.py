"""Connection options shared by the commands that talk to Neo4j (load, query, build --neo4j).

The password comes from ``--password-file FILE``, ``NEO4J_PASSWORD``, or a prompt that
does not echo (``--password`` asks for it even when the variable is set). It is never
taken on the command line, where other users could read it in the process list, and
never printed or logged.
"""
from __future__ import annotations

import getpass
import os
import sys

ENV_HELP = "environment: NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE"


def add_connection_arguments(p) -> None:
    g = p.add_argument_group("Neo4j connection", ENV_HELP)
    g.add_argument("--uri", default=None, metavar="URI",
                   help="Bolt URI (default: $NEO4J_URI or bolt://localhost:7687)")
    g.add_argument("--user", default=None, metavar="NAME", help="user name (default: $NEO4J_USERNAME or neo4j)")
    g.add_argument("--password", action="store_true",
                   help="ask for the password at a prompt that does not echo (a password is never "
                        "taken on the command line; otherwise $NEO4J_PASSWORD or --password-file)")
    g.add_argument("--password-file", default=None, metavar="FILE", help="read the password from the first line of FILE")
    g.add_argument("--database", default=None, metavar="NAME",
                   help="database name (default: $NEO4J_DATABASE or the server's default)")


class MissingPassword(RuntimeError):
    pass


def connection_settings(args) -> dict:
    """``uri``, ``user``, ``password``, ``database`` from the options, the environment or a prompt."""
    uri = args.uri or os.environ.get("NEO4J_URI") or "bolt://localhost:7687"
    user = args.user or os.environ.get("NEO4J_USERNAME") or "neo4j"
    database = args.database or os.environ.get("NEO4J_DATABASE") or None
    if args.password_file:
        try:
            with open(args.password_file, encoding="utf-8") as fh:
                password = fh.readline().rstrip("\r\n")
        except OSError as exc:
            raise MissingPassword(f"cannot read the password file {args.password_file}: {exc.strerror}") from None
    elif os.environ.get("NEO4J_PASSWORD") is not None and not args.password:
        password = os.environ["NEO4J_PASSWORD"]
    elif sys.stdin.isatty():
        password = getpass.getpass(f"Neo4j password for {user} at {uri}: ")
    else:
        raise MissingPassword("no Neo4j password: set NEO4J_PASSWORD, use --password-file FILE, or run in a terminal to be asked")
    return {"uri": uri, "user": user, "password": password, "database": database}
