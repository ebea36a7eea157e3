"""The Cypher kit shipped with conflictkg: schema, Neo4j Browser style and the query pack.

The files are package data, read with ``importlib.resources`` so they work from a wheel:

* ``schema.cypher`` — what ``conflictkg load`` applies (see :func:`schema_statements`);
* ``style.grass`` — Neo4j Browser style (``:style`` then drop the file);
* ``queries/<name>.cypher`` — named analyst queries. Each file opens with a header of
  ``//`` comment lines: the first is the title, the next ones the description, and one
  ``// @param NAME TYPE = DEFAULT  -- what it is`` line per parameter (TYPE is ``string``,
  ``int``, ``float`` or ``bool``; DEFAULT is a JSON value).

>>> q = load_query("who_leads_what")
>>> q.params["limit"].default
50
>>> q.coerce({"limit": "5"})["limit"]
5
>>> [s.requires for s in schema_statements()][-1]
'fulltext_index_ddl'
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources

__all__ = ["Param", "Query", "SchemaStatement", "load_query", "query_names", "read_text",
           "schema_statements", "split_statements"]

_PARAM_RE = re.compile(r"^//\s*@param\s+(\w+)\s+(string|int|float|bool)\s*=\s*(.*?)\s*(?:--\s*(.*))?$")
_REQUIRES_RE = re.compile(r"^//\s*requires:\s*(\w+)\s*$")
_TYPES = {"string": str, "int": int, "float": float, "bool": bool}


def read_text(name: str) -> str:
    """A data file of this package, e.g. ``read_text("style.grass")``."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def split_statements(text: str) -> list[tuple[str, list[str]]]:
    """Split Cypher text into ``(statement, comment lines before it)`` at ``;`` line ends.

    >>> split_statements("// a\\nRETURN 1;\\nRETURN\\n 2;")
    [('RETURN 1', ['// a']), ('RETURN\\n 2', [])]
    """
    out, body, comments = [], [], []
    for line in text.splitlines():
        stripped = line.strip()
        if not body and (not stripped or stripped.startswith("//")):
            if stripped:
                comments.append(stripped)
            continue
        body.append(line)
        if stripped.endswith(";"):
            out.append(("\n".join(body).strip().rstrip(";").strip(), comments))
            body, comments = [], []
    if body:
        out.append(("\n".join(body).strip(), comments))
    return out


@dataclass(frozen=True)
class SchemaStatement:
    text: str
    requires: str | None  # a boolean field of Dialect, or None


def schema_statements() -> list[SchemaStatement]:
    """The statements of ``schema.cypher`` with the dialect feature each one needs."""
    result = []
    for text, comments in split_statements(read_text("schema.cypher")):
        requires = None
        if comments:
            m = _REQUIRES_RE.match(comments[-1])
            requires = m.group(1) if m else None
        result.append(SchemaStatement(text, requires))
    return result


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: object
    doc: str = ""

    def coerce(self, value: str):
        """Turn a command-line string into this parameter's type."""
        if self.type == "bool":
            low = value.strip().lower()
            if low in ("1", "true", "yes"):
                return True
            if low in ("0", "false", "no"):
                return False
            raise ValueError(f"parameter {self.name}: expected true/false, got {value!r}")
        try:
            return _TYPES[self.type](value)
        except ValueError:
            raise ValueError(f"parameter {self.name}: expected {self.type}, got {value!r}") from None


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    description: str
    params: dict = field(default_factory=dict)  # name -> Param
    text: str = ""

    def coerce(self, given: dict[str, str]) -> dict:
        """Parameters for a run: the defaults, overridden by ``given`` (strings, coerced)."""
        unknown = sorted(set(given) - set(self.params))
        if unknown:
            known = ", ".join(self.params) or "none"
            raise ValueError(f"query {self.name} has no parameter {unknown[0]!r} (parameters: {known})")
        values = {name: p.default for name, p in self.params.items()}
        for name, value in given.items():
            values[name] = self.params[name].coerce(value)
        return values


def query_names() -> list[str]:
    """Names of the queries in the pack, sorted."""
    folder = resources.files(__name__).joinpath("queries")
    return sorted(p.name[: -len(".cypher")] for p in folder.iterdir() if p.name.endswith(".cypher"))


def load_query(name: str) -> Query:
    """Parse ``queries/<name>.cypher``; ``KeyError`` naming the known queries if absent."""
    if name not in query_names():
        raise KeyError(f"no query named {name!r}; known: {', '.join(query_names())}")
    text = read_text(f"queries/{name}.cypher")
    header, body = [], []
    for line in text.splitlines():
        if not body and line.strip().startswith("//"):
            header.append(line.strip())
        elif body or line.strip():
            body.append(line)
    params, prose = {}, []
    for line in header:
        m = _PARAM_RE.match(line)
        if m:
            pname, ptype, default, doc = m.groups()
            value = json.loads(default)
            if ptype == "float" and isinstance(value, int):
                value = float(value)
            if not isinstance(value, _TYPES[ptype]) or (ptype == "int" and isinstance(value, bool)):
                raise ValueError(f"queries/{name}.cypher: default of {pname} is not a {ptype}")
            params[pname] = Param(pname, ptype, value, doc or "")
        elif not line.lstrip("/").strip().startswith("@"):
            prose.append(line.lstrip("/").strip())
    title = prose[0] if prose else name
    description = " ".join(p for p in prose[1:] if p).strip()
    return Query(name, title, description, params, "\n".join(body).strip().rstrip(";").strip())
