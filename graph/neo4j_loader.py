"""Write a built graph folder to Neo4j: batched, idempotent and incremental.

Model written (labels and relationship types only from ``conflictkg.records``)::

    (:Entity:<TypeLabel> {id, name, name_normalized, type, aliases, mentions, documents,
                          first_seen, last_seen, degree, weighted_degree, betweenness, community})
    (:Document {id, title, date, url, source})
    (e)-[:MENTIONED_IN {count, sentences}]->(d)
    (a)-[:CO_OCCURS_WITH {weight, sentences, documents, first_seen, last_seen,
                          doc_ids, doc_counts, doc_dates}]->(b)          a.id < b.id
    (h)-[:LEADS|MEMBER_OF|... {count, documents, evidence, first_seen, last_seen,
                              doc_ids, doc_counts, doc_dates, doc_evidence}]->(t)

Design: every aggregate is a function of per-document evidence
------------------------------------------------------------------
Counts are never incremented. The evidence is keyed by document: ``MENTIONED_IN`` is one
relationship per (entity, document), and each entity-entity relationship carries parallel
lists ``doc_ids``/``doc_counts``/``doc_dates`` (+ ``doc_evidence``: the first evidence
sentence of each document). ``weight``/``count`` = sum of ``doc_counts``, ``documents`` =
number of ``doc_ids``, ``first_seen``/``last_seen`` = min/max of the non-empty dates,
``evidence`` = the first few distinct ``doc_evidence``. Writing a document's evidence twice
replaces it, so a load is idempotent by construction. Two cases, chosen per load:

* **covering** — the build holds every document already in the database (first load,
  reload of the same folder, or build A then a build of A+B such as an incremental build
  with ``--previous``). The build's aggregates and metrics are then exactly those of the
  database after the load, so rows are written as they are (``SET x += row.props``, the
  fastest form), and relationships/entities the database still holds from an earlier build
  of the same documents but the new build no longer has (a re-resolved alias, a retracted
  relation) are deleted. Result: identical to loading this build into an empty database.
* **union** — the database holds documents this build does not have (build A, then a build
  of only the new documents B). Per-document lists are merged in Cypher (entries of the
  build's documents replaced, the others kept), aggregates recomputed from the merged lists
  and from ``MENTIONED_IN``; the global metrics (degree, betweenness, community) are
  recomputed with networkx (``graph.metrics``) over the entity graph read back from the
  database. Aggregates equal those of a build of A+B; list properties hold the same entries
  in load order; names and aliases are those of the latest load (aliases: union).

A **fresh** load (no conflictkg node in the database yet) writes with ``CREATE`` instead of
``MERGE``: there is nothing to match, and the unique constraints still refuse a duplicate.

Writes are ``UNWIND $rows`` batches of one parameterised statement per label or
relationship type, in managed transactions (``execute_write``: transient errors retried,
and never auto-commit, which is not atomic on ArcadeDB). Entities are created with all
their labels at once and never relabelled (see ``graph/dialect.py``): on the unique id,
``OPTIONAL MATCH`` then ``CREATE (:Entity:<Label>)`` or ``SET``.

>>> entity_statement("ArmedGroup").splitlines()[2]
'FOREACH (_ IN CASE WHEN n IS NULL THEN [1] ELSE [] END | CREATE (m:Entity:ArmedGroup) SET m = row.props, m.aliases = row.aliases)'
>>> relationship_statement("FIGHTS; DROP")
Traceback (most recent call last):
ValueError: relationship type 'FIGHTS; DROP' is not in the whitelist
"""
from __future__ import annotations

import json
import logging
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from conflictkg.graph.model import MAX_EVIDENCE, GraphAccumulator
from conflictkg.records import CO_OCCURS_WITH, RELATION_TYPES, TYPE_LABELS, read_jsonl

MENTIONED_IN = "MENTIONED_IN"
DEFAULT_BATCH_SIZE = 10_000  # bench_loader: as fast as a hand-written 10k-row UNWIND
SCHEMA_LABELS = ("Entity", "Document")
EDGE_TYPES = (CO_OCCURS_WITH, *RELATION_TYPES)
ENTITY_METRICS = ("degree", "weighted_degree", "betweenness", "community")

__all__ = [
    "BuildData", "ConnectionProblem", "LoadReport", "Neo4jLoader", "apply_schema", "connect",
    "entity_statement", "read_build", "relationship_statement", "wipe",
]


# --- statements: labels and types from the whitelist only ----------------------------

def _label(entity_type: str) -> str:
    label = TYPE_LABELS.get(entity_type) if isinstance(entity_type, str) else None
    if label is None:
        raise ValueError(f"entity type {entity_type!r} is not in the whitelist")
    return label


def _rel_type(rtype: str) -> str:
    if rtype not in EDGE_TYPES:
        raise ValueError(f"relationship type {rtype!r} is not in the whitelist")
    return rtype


def entity_statement(label: str, replace: bool = True, create: bool = False) -> str:
    """Upsert of entities of one type label. ``replace=False`` keeps known aliases (union load);
    ``create=True``: plain CREATE, only for a database without conflictkg nodes (fresh load)."""
    if label not in TYPE_LABELS.values():
        raise ValueError(f"label {label!r} is not in the whitelist")
    if create:
        return f"UNWIND $rows AS row\nCREATE (n:Entity:{label})\nSET n = row.props, n.aliases = row.aliases"
    aliases = "row.aliases" if replace else (
        "coalesce(n.aliases, []) + [a IN row.aliases WHERE NOT a IN coalesce(n.aliases, [])]")
    update = f"SET n += row.props, n.aliases = {aliases}"
    return (
        "UNWIND $rows AS row\n"
        "OPTIONAL MATCH (n:Entity {id: row.id})\n"
        f"FOREACH (_ IN CASE WHEN n IS NULL THEN [1] ELSE [] END | "
        f"CREATE (m:Entity:{label}) SET m = row.props, m.aliases = row.aliases)\n"
        f"FOREACH (_ IN CASE WHEN n IS NULL THEN [] ELSE [1] END | {update})"
    )


DOCUMENT_STATEMENT = "UNWIND $rows AS row\nMERGE (d:Document {id: row.id})\nSET d += row.props"

MENTION_STATEMENT = (
    "UNWIND $rows AS row\n"
    "MATCH (e:Entity {id: row.e})\n"
    "MATCH (d:Document {id: row.d})\n"
    "MERGE (e)-[m:MENTIONED_IN]->(d)\n"
    "SET m.count = row.count, m.sentences = row.sentences"
)
# Fresh load (no conflictkg node in the database): nothing to match, CREATE is the same
# write without the look-up; the unique constraints still refuse a duplicate id.
DOCUMENT_CREATE = "UNWIND $rows AS row\nCREATE (d:Document)\nSET d = row.props"
MENTION_CREATE = MENTION_STATEMENT.replace("MERGE (e)", "CREATE (e)")


def relationship_statement(rtype: str, merge_documents: bool = False, create: bool = False) -> str:
    """Upsert of entity-entity relationships of one type.

    ``merge_documents=False``: the row holds the complete per-document evidence (covering
    load). ``True``: the row's documents replace their own entries, others are kept, and the
    aggregates are recomputed from the merged lists (union load).
    """
    rtype = _rel_type(rtype)
    head = (
        "UNWIND $rows AS row\n"
        "MATCH (a:Entity {id: row.a})\n"
        "MATCH (b:Entity {id: row.b})\n"
        f"{'CREATE' if create else 'MERGE'} (a)-[r:{rtype}]->(b)\n"
    )
    if not merge_documents:
        return head + "SET r += row.props"
    typed = rtype != CO_OCCURS_WITH
    lists = ["doc_ids", "doc_counts", "doc_dates"] + (["doc_evidence"] if typed else [])
    merged = ", ".join(f"[i IN keep | r.{name}[i]] + row.props.{name} AS {name}" for name in lists)
    total = "reduce(s = 0, c IN doc_counts | s + c)"
    first = "reduce(m = '', x IN doc_dates | CASE WHEN x <> '' AND (m = '' OR x < m) THEN x ELSE m END)"
    last = "reduce(m = '', x IN doc_dates | CASE WHEN x > m THEN x ELSE m END)"
    sets = [f"r.{name} = {name}" for name in lists]
    sets += ["r.documents = size(doc_ids)", f"r.first_seen = {first}", f"r.last_seen = {last}"]
    if typed:
        sets += [f"r.count = {total}",
                 "r.evidence = reduce(ev = [], x IN doc_evidence | "
                 f"CASE WHEN size(ev) < {MAX_EVIDENCE} AND x <> '' AND NOT x IN ev THEN ev + x ELSE ev END)"]
    else:
        sets += [f"r.weight = {total}", f"r.sentences = {total}"]
    return (
        head
        + "WITH r, row, coalesce(r.doc_ids, []) AS old\n"
        + "WITH r, row, [i IN range(0, size(old) - 1) WHERE NOT old[i] IN row.props.doc_ids] AS keep\n"
        + f"WITH r, {merged}\n"
        + "SET " + ",\n    ".join(sets)
    )


# --- reading a build folder -----------------------------------------------------------

class BuildFolderError(ValueError):
    """A build folder that cannot be loaded (message names the file and line)."""


@dataclass
class BuildData:
    """Rows ready for the statements, read from a build folder."""

    documents: list[dict] = field(default_factory=list)           # {id, props}
    entities: dict[str, list[dict]] = field(default_factory=dict)  # label -> [{id, props}]
    mentions: list[dict] = field(default_factory=list)            # {e, d, count, sentences}
    edges: dict[str, list[dict]] = field(default_factory=dict)     # type -> [{a, b, props}]
    warnings: list[str] = field(default_factory=list)

    @property
    def entity_ids(self) -> set[str]:
        return {row["id"] for rows in self.entities.values() for row in rows}

    def counts(self) -> dict[str, int]:
        out = {"Document": len(self.documents), "Entity": sum(len(r) for r in self.entities.values()),
               MENTIONED_IN: len(self.mentions)}
        out.update({t: len(rows) for t, rows in self.edges.items()})
        return out


def _jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    return read_jsonl(path, BuildFolderError)


def read_build(folder: str | Path) -> BuildData:
    """Read ``documents/entities/mentions/relations.jsonl`` and the metrics of ``graph.json``.

    Per-document co-occurrence and relation evidence is recomputed from mentions and
    relations with the graph model's own rules (``GraphAccumulator``, one document at a
    time), so it sums to the aggregates of ``graph.json``. An entity whose type is not in
    the whitelist is skipped with a warning naming file and line, and so is everything that
    refers to it.
    """
    from conflictkg.extractors.text import normalize_phrase

    folder = Path(folder)
    for name in ("documents.jsonl", "entities.jsonl", "mentions.jsonl", "relations.jsonl", "graph.json"):
        if not (folder / name).is_file():
            raise BuildFolderError(f"{folder}: not a build folder ({name} is missing); run `conflictkg build` first")
    data = BuildData()

    metrics: dict[str, dict] = {}
    try:
        with open(folder / "graph.json", encoding="utf-8") as fh:
            graph = json.load(fh)
        for node in graph.get("nodes", []):
            metrics[node["id"]] = node
    except (ValueError, KeyError, TypeError) as exc:
        raise BuildFolderError(f"{folder / 'graph.json'}: unreadable node-link graph ({exc})") from None

    dates: dict[str, str] = {}
    for lineno, row in _jsonl(folder / "documents.jsonl"):
        if not isinstance(row.get("id"), str):
            data.warnings.append(f"{folder / 'documents.jsonl'}:{lineno}: no document id; skipped")
            continue
        props = {k: str(row.get(k) or "") for k in ("title", "date", "url", "source")}
        props["id"] = row["id"]
        dates[row["id"]] = props["date"]
        data.documents.append({"id": row["id"], "props": props})

    for lineno, row in _jsonl(folder / "entities.jsonl"):
        eid, etype = row.get("id"), row.get("type")
        try:
            label = _label(etype)
        except ValueError as exc:
            data.warnings.append(f"{folder / 'entities.jsonl'}:{lineno}: {exc}; skipped")
            continue
        if not isinstance(eid, str) or not isinstance(row.get("name"), str):
            data.warnings.append(f"{folder / 'entities.jsonl'}:{lineno}: entity without id or name; skipped")
            continue
        node = metrics.get(eid, {})
        props = {
            "id": eid, "name": row["name"], "name_normalized": normalize_phrase(row["name"]),
            "type": etype,
            "mentions": int(row.get("mentions") or 0), "documents": int(row.get("documents") or 0),
            "first_seen": node.get("first_seen") or "", "last_seen": node.get("last_seen") or "",
            "degree": int(node.get("degree") or 0), "weighted_degree": float(node.get("weighted_degree") or 0.0),
            "betweenness": float(node.get("betweenness") or 0.0), "community": int(node.get("community") or 0),
        }
        aliases = [str(a) for a in row.get("aliases") or []]
        data.entities.setdefault(label, []).append({"id": eid, "props": props, "aliases": aliases})
    known = data.entity_ids

    per_doc_mentions: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for lineno, row in _jsonl(folder / "mentions.jsonl"):
        if row.get("entity") in known and row.get("doc") in dates:
            per_doc_mentions[row["doc"]].append((int(row.get("sentence") or 0), row["entity"]))
    per_doc_relations: dict[str, list[tuple]] = defaultdict(list)
    for lineno, row in _jsonl(folder / "relations.jsonl"):
        rtype = row.get("type")
        if rtype not in RELATION_TYPES:
            data.warnings.append(f"{folder / 'relations.jsonl'}:{lineno}: relation type {rtype!r} is not in the whitelist; skipped")
            continue
        if row.get("head") in known and row.get("tail") in known and row.get("doc") in dates:
            per_doc_relations[row["doc"]].append(
                (rtype, row["head"], row["tail"], int(row.get("sentence") or 0), str(row.get("evidence") or "")))

    edges: dict[tuple[str, str, str], dict[str, list]] = {}
    for doc_id in dates:
        ments = per_doc_mentions.get(doc_id, [])
        if not ments:
            continue
        sentences: dict[str, set[int]] = defaultdict(set)
        counts: dict[str, int] = defaultdict(int)
        for si, eid in ments:
            sentences[eid].add(si)
            counts[eid] += 1
        for eid in sorted(counts):
            data.mentions.append({"e": eid, "d": doc_id, "count": counts[eid], "sentences": sorted(sentences[eid])})
        acc = GraphAccumulator()  # this document alone: the model's counting rules, per document
        acc.add_document(doc_id, dates[doc_id], ments, per_doc_relations.get(doc_id, []))
        for (a, b), stats in acc.cooc.items():
            _add_doc(edges, (CO_OCCURS_WITH, a, b), doc_id, dates[doc_id], stats.count, None)
        for (rtype, h, t), stats in acc.relations.items():
            _add_doc(edges, (rtype, h, t), doc_id, dates[doc_id], stats.count, stats.evidence[0] if stats.evidence else "")
    for (rtype, a, b), lists in edges.items():
        data.edges.setdefault(rtype, []).append({"a": a, "b": b, "props": _edge_props(rtype, lists)})
    return data


def _add_doc(edges, key, doc_id, date, count, evidence) -> None:
    lists = edges.setdefault(key, {"doc_ids": [], "doc_counts": [], "doc_dates": [], "doc_evidence": []})
    lists["doc_ids"].append(doc_id)
    lists["doc_counts"].append(count)
    lists["doc_dates"].append(date)
    lists["doc_evidence"].append(evidence or "")


def _edge_props(rtype: str, lists: dict[str, list]) -> dict:
    """Aggregates from per-document lists (the same rules as the Cypher of a union load)."""
    total = sum(lists["doc_counts"])
    dated = [d for d in lists["doc_dates"] if d]
    props = {"doc_ids": lists["doc_ids"], "doc_counts": lists["doc_counts"], "doc_dates": lists["doc_dates"],
             "documents": len(lists["doc_ids"]), "first_seen": min(dated, default=""),
             "last_seen": max(dated, default="")}
    if rtype == CO_OCCURS_WITH:
        props.update(weight=total, sentences=total)
    else:
        evidence: list[str] = []
        for sentence in lists["doc_evidence"]:
            if len(evidence) < MAX_EVIDENCE and sentence and sentence not in evidence:
                evidence.append(sentence)
        props.update(count=total, evidence=evidence, doc_evidence=lists["doc_evidence"])
    return props


# --- connection -------------------------------------------------------------------------

class ConnectionProblem(RuntimeError):
    """Cannot use the Neo4j server; the message is one line naming the URI and the cause."""


BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def _safe_uri(uri: str) -> str:
    return re.sub(r"//[^/@]*@", "//", uri)  # never show user:password@ embedded in a URI


def _one_line(text: str, secret: str | None) -> str:
    line = " ".join(str(text).split())
    if secret:
        line = line.replace(secret, "***")
    return line[:200]


def connect(uri: str, user: str, password: str, database: str | None = None, timeout: float = 10.0):
    """Open a driver, check the server, the credentials and the database; return ``(driver, dialect)``.

    Every failure becomes :class:`ConnectionProblem` with one line, e.g.
    ``cannot use Neo4j at bolt://localhost:7687: authentication failed (wrong user name or password)``.
    """
    import neo4j
    from neo4j.exceptions import AuthError, ClientError, ConfigurationError, ServiceUnavailable, SessionExpired

    # The driver logs every failed connection attempt; without a handler of its own,
    # Python prints those records on stderr, burying the one line we give the user.
    driver_log = logging.getLogger("neo4j")
    if not driver_log.handlers:
        driver_log.addHandler(logging.NullHandler())

    from conflictkg.graph.dialect import detect

    where = f"cannot use Neo4j at {_safe_uri(uri)}"
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in BOLT_SCHEMES:
        raise ConnectionProblem(f"{where}: bad URI (expected {', '.join(s + '://' for s in BOLT_SCHEMES)})")
    driver = None
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=(user, password), connection_timeout=timeout,
                                            max_transaction_retry_time=30.0)
        driver.verify_connectivity()
        dialect = detect(driver)
        with driver.session(database=database) as session:
            session.run("RETURN 1").consume()
        return driver, dialect
    except AuthError:
        cause = "authentication failed (wrong user name or password)"
    except ClientError as exc:
        if exc.code and "DatabaseNotFound" in exc.code:
            cause = f"database {database!r} does not exist"
        else:
            cause = _one_line(f"{exc.code}: {exc.message}", password)
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        reason = re.search(r"\(reason (.*?)\)\s*$", str(exc))
        cause = "server not reachable (is it running, is the port right?): " + _one_line(
            reason.group(1) if reason else exc, password)
    except (ConfigurationError, ValueError) as exc:
        cause = "bad URI or settings: " + _one_line(exc, password)
    if driver is not None:
        driver.close()
    raise ConnectionProblem(f"{where}: {cause}")


# --- schema, wipe -----------------------------------------------------------------------

def apply_schema(session, dialect) -> list[str]:
    """Apply ``cypher/schema.cypher`` (what the dialect supports); return what was applied."""
    from conflictkg.cypher import schema_statements

    applied = []
    for stmt in schema_statements():
        if stmt.requires and not getattr(dialect, stmt.requires):
            continue
        session.execute_write(lambda tx, q=stmt.text: tx.run(q).consume())
        applied.append(stmt.text)
    if dialect.await_indexes_statement:
        session.run(dialect.await_indexes_statement).consume()
    return applied


def wipe(session, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Delete conflictkg's nodes (``:Entity``, ``:Document``) and their relationships only."""
    deleted = 0
    for label in SCHEMA_LABELS:
        query = f"MATCH (n:{label}) WITH n LIMIT $n DETACH DELETE n RETURN count(*) AS c"
        while True:
            n = session.execute_write(lambda tx: tx.run(query, n=batch_size).single()["c"])
            deleted += n
            if n == 0:
                break
    return deleted


# --- the loader ---------------------------------------------------------------------------

@dataclass
class LoadReport:
    mode: str = ""                       # "covering" or "union"
    written: dict = field(default_factory=dict)
    deleted: dict = field(default_factory=dict)
    seconds: float = 0.0
    warnings: list = field(default_factory=list)

    def summary(self) -> str:
        parts = ", ".join(f"{n:,} {k}" for k, n in self.written.items() if n)
        text = f"loaded ({self.mode}) in {self.seconds:.1f} s: {parts or 'nothing'}"
        if any(self.deleted.values()):
            text += "; removed stale: " + ", ".join(f"{n:,} {k}" for k, n in self.deleted.items() if n)
        return text


class Neo4jLoader:
    """Write build folders through one session.

    >>> # loader = Neo4jLoader(driver.session(database="neo4j"), dialect); loader.load("out/example")
    """

    def __init__(self, session, dialect, batch_size: int = DEFAULT_BATCH_SIZE,
                 progress: Callable[[str], None] | None = None):
        if batch_size < 1:
            raise ValueError("batch size must be at least 1")
        self.session = session
        self.dialect = dialect
        self.batch_size = batch_size
        self.progress = progress or (lambda msg: None)

    # -- plumbing
    def _write(self, query: str, rows: list[dict]) -> int:
        for i in range(0, len(rows), self.batch_size):
            chunk = rows[i : i + self.batch_size]
            self.session.execute_write(lambda tx, c=chunk: tx.run(query, rows=c).consume())
        return len(rows)

    def _read(self, query: str, **params) -> list:
        return self.session.execute_read(lambda tx: [r.values() for r in tx.run(query, **params)])

    # -- the load
    def load(self, folder: str | Path, data: BuildData | None = None) -> LoadReport:
        t0 = time.monotonic()
        data = data if data is not None else read_build(folder)
        report = LoadReport(warnings=list(data.warnings))
        apply_schema(self.session, self.dialect)
        build_docs = {row["id"] for row in data.documents}
        db_docs = {r[0] for r in self._read("MATCH (d:Document) RETURN d.id")}
        covering = db_docs <= build_docs
        report.mode = "covering" if covering else "union"
        had_data = bool(db_docs) or bool(self._read("MATCH (n:Entity) RETURN n.id LIMIT 1"))
        fresh = not had_data
        report.mode += " fresh" if fresh else ""

        self.progress(f"writing {len(data.documents):,} documents")
        report.written["Document"] = self._write(DOCUMENT_CREATE if fresh else DOCUMENT_STATEMENT, data.documents)
        n = 0
        for label, rows in sorted(data.entities.items()):
            self.progress(f"writing {len(rows):,} :{label} entities")
            n += self._write(entity_statement(label, replace=covering, create=fresh), rows)
        report.written["Entity"] = n
        self.progress(f"writing {len(data.mentions):,} MENTIONED_IN")
        report.written[MENTIONED_IN] = self._write(MENTION_CREATE if fresh else MENTION_STATEMENT, data.mentions)
        for rtype in EDGE_TYPES:
            rows = data.edges.get(rtype, [])
            if rows:
                self.progress(f"writing {len(rows):,} {rtype}")
                report.written[rtype] = self._write(
                    relationship_statement(rtype, merge_documents=not covering, create=fresh), rows)
        if covering and had_data:
            self.progress("removing what the new build no longer has")
            report.deleted = self._sweep(data)
        if not covering:
            self.progress("recomputing aggregates and metrics over the whole database")
            self._recompute()
        report.seconds = time.monotonic() - t0
        return report

    def _sweep(self, data: BuildData) -> dict:
        """Covering load: delete entities and relationships the database holds beyond the build."""
        deleted = {}
        keep = data.entity_ids
        stale = [{"id": r[0]} for r in self._read("MATCH (n:Entity) RETURN n.id") if r[0] not in keep]
        deleted["Entity"] = self._write("UNWIND $rows AS row MATCH (n:Entity {id: row.id}) DETACH DELETE n", stale)
        wanted = {(m["e"], m["d"]) for m in data.mentions}
        stale = [{"a": a, "b": b} for a, b in self._read(
            "MATCH (e:Entity)-[:MENTIONED_IN]->(d:Document) RETURN e.id, d.id") if (a, b) not in wanted]
        deleted[MENTIONED_IN] = self._write(
            "UNWIND $rows AS row MATCH (:Entity {id: row.a})-[m:MENTIONED_IN]->(:Document {id: row.b}) DELETE m", stale)
        for rtype in EDGE_TYPES:
            wanted = {(row["a"], row["b"]) for row in data.edges.get(rtype, [])}
            stale = [{"a": a, "b": b} for a, b in self._read(
                f"MATCH (a:Entity)-[:{rtype}]->(b:Entity) RETURN a.id, b.id") if (a, b) not in wanted]
            deleted[rtype] = self._write(
                f"UNWIND $rows AS row MATCH (:Entity {{id: row.a}})-[r:{rtype}]->(:Entity {{id: row.b}}) DELETE r", stale)
        return deleted

    def _recompute(self) -> None:
        """Union load: entity aggregates from MENTIONED_IN, metrics from the whole entity graph."""
        import networkx as nx

        from conflictkg.graph.metrics import add_metrics

        rows = [{"id": r[0], "props": {"mentions": r[1], "documents": r[2], "first_seen": r[3] or "",
                                       "last_seen": r[4] or ""}}
                for r in self._read(
                    "MATCH (e:Entity) OPTIONAL MATCH (e)-[m:MENTIONED_IN]->(d:Document) "
                    "WITH e, m, CASE WHEN d.date <> '' THEN d.date END AS date "
                    "RETURN e.id, coalesce(sum(m.count), 0), count(m), min(date), max(date)")]
        G = nx.MultiDiGraph()
        G.add_nodes_from(r["id"] for r in rows)
        for a, b, rtype, weight in self._read(
                "MATCH (a:Entity)-[r]->(b:Entity) RETURN a.id, b.id, type(r), coalesce(r.weight, r.count, 1)"):
            G.add_edge(a, b, key=rtype, weight=weight)
        add_metrics(G)
        for row in rows:
            node = G.nodes[row["id"]]
            row["props"].update({k: node.get(k, 0) for k in ENTITY_METRICS})
            row["props"]["weighted_degree"] = float(row["props"]["weighted_degree"])
            row["props"]["betweenness"] = float(row["props"]["betweenness"])
        self._write("UNWIND $rows AS row MATCH (n:Entity {id: row.id}) SET n += row.props", rows)


def load_folder(folder, uri: str, user: str, password: str, database: str | None = None,
                batch_size: int = DEFAULT_BATCH_SIZE, wipe_first: bool = False,
                progress: Callable[[str], None] | None = None, data: BuildData | None = None) -> LoadReport:
    """Connect, optionally wipe conflictkg's nodes, load ``folder``; close the driver."""
    if data is None:
        data = read_build(folder)  # read (and fail on a bad folder) before touching the database
    from neo4j.exceptions import ServiceUnavailable, SessionExpired

    driver, dialect = connect(uri, user, password, database)
    try:
        with driver.session(database=database) as session:
            if wipe_first:
                (progress or (lambda m: None))("wiping conflictkg's nodes")
                wipe(session, batch_size)
            return Neo4jLoader(session, dialect, batch_size, progress).load(folder, data)
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        reason = re.search(r"\(reason (.*?)\)\s*$", str(exc))
        cause = _one_line(reason.group(1) if reason else exc, password)
        raise ConnectionProblem(f"lost Neo4j at {_safe_uri(uri)} during the load ({cause}); "
                                "loading is idempotent: run the same load again to finish it") from None
    finally:
        driver.close()
