"""The test Bolt server (ArcadeDB) itself: start, round trips, batches, dialect, errors."""

from __future__ import annotations

import neo4j
import pytest
from neo4j.exceptions import AuthError, ClientError, ConstraintError

from boltserver import start_bolt_server
from conflictkg.graph.dialect import ARCADEDB, NEO4J, detect

pytestmark = pytest.mark.bolt


@pytest.fixture
def driver(bolt_db):
    with bolt_db.driver() as drv:
        yield drv


def test_fixture_starts(bolt):
    assert bolt.is_running()
    assert bolt.uri.startswith("bolt://127.0.0.1:")
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as drv:
        drv.verify_connectivity()
        with drv.session(database=bolt.database) as s:
            assert s.run("RETURN 1 AS x").single()["x"] == 1


def test_arabic_round_trip_with_parameters(bolt_db, driver):
    props = {"name": "قوات الدعم السريع", "aliases": ["الدعم السريع", "الجنجويد"],
             "mentions": [3, 5], "first_seen": "2023-04-15"}
    with driver.session(database=bolt_db.database) as s:
        s.execute_write(lambda tx: tx.run(
            "MERGE (n:Entity {id: $id}) SET n += $props SET n:ArmedGroup",
            id="ent:rsf", props=props).consume())
        rec = s.execute_read(lambda tx: tx.run(
            "MATCH (n:Entity {name: $name}) RETURN n.id AS id, properties(n) AS p, labels(n) AS l",
            name="قوات الدعم السريع").single())
    assert rec["id"] == "ent:rsf"
    assert rec["p"] == {"id": "ent:rsf", **props}
    assert set(rec["l"]) == {"Entity", "ArmedGroup"}


def test_unwind_batch_of_5000(bolt_db, driver):
    rows = [{"id": f"e{i}", "props": {"name": f"كيان {i}", "aliases": [f"ك{i}"]}}
            for i in range(5000)]
    with driver.session(database=bolt_db.database) as s:
        created = s.execute_write(lambda tx: tx.run(
            "UNWIND $rows AS row MERGE (n:Entity {id: row.id}) SET n += row.props "
            "RETURN count(n) AS c", rows=rows).single()["c"])
        total = s.execute_read(lambda tx: tx.run(
            "MATCH (n:Entity) RETURN count(*) AS c").single()["c"])
    assert created == 5000
    assert total == 5000


def test_dialect_detects_arcadedb(bolt, driver):
    agent = driver.get_server_info().agent
    assert "ArcadeDB" in agent
    assert detect(driver) is ARCADEDB
    assert detect(agent) is ARCADEDB


def test_dialect_detects_neo4j_agent_strings():
    assert detect("Neo4j/5.26.0") is NEO4J
    with pytest.raises(ValueError):
        detect("Neo4j/v5.11.0 compatible graph database server - Memgraph")


def test_wrong_password_raises_auth_error(bolt):
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, "not-the-password")) as drv:
        with pytest.raises(AuthError) as info:
            drv.verify_connectivity()
    assert info.value.code == "Neo.ClientError.Security.Unauthorized"


def test_unknown_database_raises_database_not_found(bolt, driver):
    with driver.session(database="no_such_db") as s:
        with pytest.raises(ClientError) as info:
            s.run("RETURN 1").consume()
    assert info.value.code == "Neo.ClientError.Database.DatabaseNotFound"


def test_unique_constraint_violation_code(bolt_db, driver):
    with driver.session(database=bolt_db.database) as s:
        s.run("CREATE CONSTRAINT test_entity_id IF NOT EXISTS "
              "FOR (n:Entity) REQUIRE n.id IS UNIQUE").consume()
        try:
            s.execute_write(lambda tx: tx.run("CREATE (:Entity {id: 'dup'})").consume())
            with pytest.raises(ConstraintError) as info:
                s.execute_write(lambda tx: tx.run("CREATE (:Entity {id: 'dup'})").consume())
            assert info.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
        finally:
            s.run("DROP CONSTRAINT test_entity_id IF EXISTS").consume()


def test_kill_and_restart_keeps_committed_data(bolt, tmp_path):  # bolt: skip if no server
    server = start_bolt_server(tmp_path)
    try:
        ports = (server.bolt_port, server.http_port)
        with server.driver() as drv, drv.session(database=server.database) as s:
            s.execute_write(lambda tx: tx.run("CREATE (:Entity {id: 'kept', name: 'باقٍ'})").consume())
        server.kill()
        assert not server.is_running()
        server.restart()
        assert (server.bolt_port, server.http_port) == ports
        with server.driver() as drv, drv.session(database=server.database) as s:
            rec = s.run("MATCH (n:Entity {id: 'kept'}) RETURN n.name AS name").single()
        assert rec["name"] == "باقٍ"
    finally:
        server.stop()
    assert not server.is_running()
