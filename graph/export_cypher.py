"""A Cypher script that ``cypher-shell -f graph.cypher`` runs: no parameters, no driver.

The script gives the same model as the Bolt loader (issue 5): uniqueness constraints
first, then ``UNWIND [literal rows] AS row MERGE ...`` statements of at most ``batch``
rows (entity properties, then type labels, then relationships, then documents and
``MENTIONED_IN``), each ending with ``;`` at the end of its line. It is idempotent
(MERGE on ids), so running it twice changes nothing.

Labels and relationship types come only from ``records.TYPE_LABELS`` /
``records.RELATION_TYPES``; every value is a string literal escaped by :func:`literal`:
backslash and quote escaped, control characters and ``;`` written as ``\\uXXXX``, so no
value can end a statement, open a comment or break out of its string, whatever
splitting rule the shell applies. Arabic text is kept as UTF-8.

>>> print(literal("قائد 'أبو \\\\ عمر'; //x"))
'قائد \\'أبو \\\\ عمر\\'\\u003B //x'
>>> literal(["أ", 2, 0.5, True, None])
"['أ', 2, 0.5, true, null]"
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from conflictkg.records import CO_OCCURS_WITH, RELATION_TYPES, TYPE_LABELS

BATCH = 500
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", ";": "\\u003B"}

SCHEMA = [
    "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT document_id IF NOT EXISTS FOR (n:Document) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)",
    "CREATE INDEX entity_name_normalized IF NOT EXISTS FOR (n:Entity) ON (n.name_normalized)",
]

ENTITY_PROPS = ("name", "name_normalized", "type", "aliases", "mentions", "documents", "first_seen",
                "last_seen", "degree", "weighted_degree", "betweenness", "community")
RELATION_PROPS = ("count", "documents", "evidence", "first_seen", "last_seen")
COOC_PROPS = ("weight", "sentences", "documents", "first_seen", "last_seen")


def _escape_char(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029):
        return f"\\u{code:04X}"
    return ch


def literal(value) -> str:
    """A Cypher literal for a str, int, float, bool, None, list of these, or map with fixed keys."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return _map(value)
    return "'" + "".join(_escape_char(c) for c in str(value)) + "'"


def _map(row: dict) -> str:
    # keys are fixed identifiers of this module, never data
    return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in row.items() if v is not None) + "}"


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _unwind(rows: list[dict]) -> str:
    return "UNWIND [\n  " + ",\n  ".join(_map(r) for r in rows) + "\n] AS row\n"


def statements(view, batch: int = BATCH) -> Iterator[str]:
    """Every statement of the script, without the final ``;``."""
    from conflictkg.extractors.text import normalize_phrase
    from conflictkg.graph.folder import documents, mentioned_in

    G = view.graph
    yield from SCHEMA
    by_label: dict[str, list[dict]] = {}
    for n, d in G.nodes(data=True):
        label = TYPE_LABELS.get(d.get("type"))
        if label is None:
            raise ValueError(f"entity {n!r}: type {d.get('type')!r} is not in the label whitelist")
        props = {k: d.get(k) for k in ENTITY_PROPS}
        props["name_normalized"] = normalize_phrase(d.get("name", ""))
        by_label.setdefault(label, []).append({"id": n, "props": props})
    # Properties and labels in separate statements (so separate transactions under
    # cypher-shell): ArcadeDB rejects a label write on a node MERGEd in the same
    # transaction, and labels must be set before relationships (graph/dialect.py).
    for label in sorted(by_label):
        for rows in _batches(by_label[label], batch):
            yield _unwind(rows) + "MERGE (n:Entity {id: row.id}) SET n += row.props"
    for label in sorted(by_label):
        for rows in _batches(by_label[label], batch):
            yield _unwind([{"id": r["id"]} for r in rows]) + f"MATCH (n:Entity {{id: row.id}}) WHERE NOT n:{label} SET n:{label}"

    by_type: dict[str, list[dict]] = {}
    for a, b, k, d in G.edges(keys=True, data=True):
        rtype = d.get("type", k)
        if rtype == CO_OCCURS_WITH:
            keys = COOC_PROPS
        elif rtype in RELATION_TYPES:
            keys = RELATION_PROPS
        else:
            raise ValueError(f"edge {a!r}->{b!r}: relation type {rtype!r} is not in the whitelist")
        by_type.setdefault(rtype, []).append({"a": a, "b": b, "props": {k2: d.get(k2) for k2 in keys}})
    for rtype in sorted(by_type):
        for rows in _batches(by_type[rtype], batch):
            yield (_unwind(rows) + "MATCH (a:Entity {id: row.a}) MATCH (b:Entity {id: row.b})\n"
                   f"MERGE (a)-[r:{rtype}]->(b) SET r += row.props")

    if view.folder is None:
        return
    mentions = [
        {"a": eid, "b": doc, "props": {"count": c, "sentences": s}}
        for eid, doc, c, s in mentioned_in(view.folder, view.docs)
        if eid in G
    ]
    meta = documents(view.folder)
    cited = sorted({m["b"] for m in mentions})
    doc_rows = [{"id": d, "props": {k: meta.get(d, {}).get(k, "") for k in ("title", "date", "url", "source")}}
                for d in cited]
    for rows in _batches(doc_rows, batch):
        yield _unwind(rows) + "MERGE (d:Document {id: row.id}) SET d += row.props"
    for rows in _batches(mentions, batch):
        yield (_unwind(rows) + "MATCH (a:Entity {id: row.a}) MATCH (d:Document {id: row.b})\n"
               "MERGE (a)-[r:MENTIONED_IN]->(d) SET r += row.props")


def write_cypher(view, out: str | Path, batch: int = BATCH) -> Path:
    out = Path(out)
    with open(out, "w", encoding="utf-8") as fh:
        name = " ".join(out.name.splitlines())
        fh.write(f"// conflictkg graph. Run: cypher-shell -u neo4j -p PASSWORD -f {name}\n")
        for stmt in statements(view, batch):
            fh.write(stmt + ";\n")
    return out
