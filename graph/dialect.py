"""What differs between real Neo4j 5 and the ArcadeDB Bolt server the tests use.

The loader targets Neo4j 5. Tests run against ArcadeDB 26.10 (PyPI
``arcadedb-embedded``, Bolt plugin), which reports the agent
``"Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)"``. This module is the one place
that names the differences; everything not listed here behaved the same when
probed through the official ``neo4j`` driver 6.x (probes of 2026-11, ArcadeDB
26.10.2):

Same on both (worked on ArcadeDB):
  * ``CREATE CONSTRAINT n IF NOT EXISTS FOR (x:L) REQUIRE x.p IS UNIQUE``,
    ``CREATE INDEX n IF NOT EXISTS FOR (x:L) ON (x.p)``, repeatable (IF NOT
    EXISTS is a no-op the 2nd time), ``DROP CONSTRAINT/INDEX n IF EXISTS``,
    ``SHOW CONSTRAINTS``, ``SHOW INDEXES [YIELD ... WHERE ...]``, ``db.labels()``.
  * ``UNWIND $rows AS row MERGE (n:Entity {id: row.id}) SET n += row.props``;
    ``SET n:ArmedGroup`` / ``REMOVE n:X`` / ``CREATE (n:Entity:Person)``; a
    node with extra labels still matches ``(n:Entity)`` and the uniqueness
    constraint on ``Entity.id`` still covers it.
  * list properties (strings, ints, empty, mixed); map properties rejected
    with ``CypherTypeError`` like Neo4j; Date/DateTime params and results round-trip
    as ``neo4j.time`` types; ISO date strings compare as strings.
  * ``MATCH (a ...), (b ...) MERGE (a)-[r:T]->(b) SET r += row.props``,
    ``execute_write``/``execute_read``, explicit tx rollback,
    ``DETACH DELETE``, ``count(*)``, ``shortestPath((a)-[*..6]-(b))``,
    ``coalesce``, ``CASE``, ``ORDER BY .. LIMIT``, ``collect``, ``size()``,
    ``OPTIONAL MATCH``, ``EXISTS {}``, ``CALL {}``, ``CALL {} IN TRANSACTIONS``,
    ``FOREACH``, ``ON CREATE/ON MATCH SET``, ``UNION``, list comprehensions,
    ``reduce``; params of 1 MB; Arabic text round-trips.
  * Errors: wrong user/password -> ``neo4j.exceptions.AuthError``
    (``Neo.ClientError.Security.Unauthorized``); unknown ``database=`` ->
    ``ClientError`` ``Neo.ClientError.Database.DatabaseNotFound`` at the first
    query (``verify_connectivity`` does not check the database); duplicate key
    -> ``ConstraintError`` ``Neo.ClientError.Schema.ConstraintValidationFailed``;
    bad syntax -> ``CypherSyntaxError``. ArcadeDB messages differ in wording.

Different (the fields below):
  * ``CREATE FULLTEXT INDEX`` -> CypherSyntaxError "Only standard, RANGE and
    TEXT index types are supported". ``db.index.fulltext.queryNodes`` exists,
    but only over an ArcadeDB FULL_TEXT index (STRING properties only, not
    lists) made in ArcadeDB SQL (``CREATE INDEX ON Entity (name) FULL_TEXT``,
    over HTTP) and named ``Entity[name]``. ``CREATE TEXT INDEX`` is accepted
    but makes a RANGE index.
  * ``shortestPath(...)`` followed by ``WHERE none(r IN relationships(p) WHERE ..)``
    filters the one shortest path after the search (no row if it fails the
    predicate); Neo4j applies such predicates during the search. Restrict by
    relationship types in the pattern instead.
  * ``db.awaitIndexes``, ``db.indexes``, ``db.constraints``, ``apoc.*``: unknown
    procedure (ArcadeDB builds indexes synchronously; nothing to wait for).
  * Auto-commit writes (``session.run``) are not atomic: a large UNWIND
    MERGE of relationships commits in chunks, then can fail with
    ``TransientError`` ``Neo.TransientError.Transaction.DeadlockDetected``
    ("modified by a concurrent transaction") with part of the rows committed.
    In an explicit transaction (``execute_write``) the same 5,000 rows land.
  * Concurrent MERGE of the same key from several sessions raises
    ``ConstraintError`` (not a retryable TransientError) instead of
    serialising on the constraint's lock as Neo4j does.
  * A label write (``SET n:L``/``REMOVE n:L``) moves the node to another
    record: its ``elementId``/``id()`` changes and every incident relationship is
    rewritten (O(degree)). Never keep element ids across label writes; set
    labels before creating relationships.
  * A label write on a node created in the same transaction (``MERGE (n:Entity
    {id: $id}) SET n:Place`` or ``CREATE (n:Entity {..}) SET n:Place``, with the
    unique constraint on ``Entity.id``) fails with ``ConstraintError``
    ``ConstraintValidationFailed`` (the moved record meets itself in the index).
    ``MERGE (n:Entity:Place {id: ..})`` is accepted but not index-backed (5,000 rows:
    3 s new, 10 s existing, vs 0.3 s for one label). What works on both servers:
    create a node with all its labels at once (``CREATE (n:Entity:Place)``) after an
    ``OPTIONAL MATCH`` on the unique id, and never relabel (graph/neo4j_loader.py).
  * Throughput (2 cores): 5,000-row MERGE batch of nodes ~0.3-1.1 s, of
    relationships ~0.2-1.1 s, ``SET n:L`` on 5,000 nodes ~1 s; ``DETACH DELETE``
    of 5,000 nodes + 5,000 relationships ~6 s (slow; keep test graphs small).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Dialect", "NEO4J", "ARCADEDB", "detect"]


@dataclass(frozen=True)
class Dialect:
    name: str
    # ``CREATE FULLTEXT INDEX ... ON EACH [...]`` works over Bolt.
    fulltext_index_ddl: bool
    # Statement to wait for index population after schema changes (None: not needed/unknown).
    await_indexes_statement: str | None
    # One auto-commit ``session.run`` write is all-or-nothing. If False, write only
    # through explicit transactions (``session.execute_write``).
    autocommit_atomic: bool
    # Several sessions may MERGE the same key at once (the unique constraint serialises them).
    concurrent_merge_safe: bool
    # ``elementId(n)`` survives ``SET n:Label`` / ``REMOVE n:Label``.
    label_write_keeps_element_id: bool


NEO4J = Dialect(
    name="neo4j",
    fulltext_index_ddl=True,
    await_indexes_statement="CALL db.awaitIndexes(300)",
    autocommit_atomic=True,
    concurrent_merge_safe=True,
    label_write_keeps_element_id=True,
)

ARCADEDB = Dialect(
    name="arcadedb",
    fulltext_index_ddl=False,
    await_indexes_statement=None,
    autocommit_atomic=False,
    concurrent_merge_safe=False,
    label_write_keeps_element_id=False,
)


def detect(driver_or_agent) -> Dialect:
    """Pick the dialect from the Bolt server agent.

    Accepts a ``neo4j.Driver`` (calls ``get_server_info()``, which connects),
    a ``neo4j.api.ServerInfo`` or the agent string itself. Real Neo4j reports
    ``"Neo4j/5.x.y"``; ArcadeDB reports ``"Neo4j/5.26.0 compatible (ArcadeDB
    26.10.2)"``. Any other "compatible" server is refused rather than guessed.
    """
    agent = driver_or_agent
    if hasattr(agent, "get_server_info"):
        agent = agent.get_server_info()
    if hasattr(agent, "agent"):
        agent = agent.agent
    if not isinstance(agent, str):
        raise TypeError(f"expected a driver, ServerInfo or agent string, got {type(agent).__name__}")
    low = agent.lower()
    if "arcadedb" in low:
        return ARCADEDB
    if low.startswith("neo4j/") and "compatible" not in low:
        return NEO4J
    raise ValueError(f"unsupported Bolt server agent: {agent!r}")
