"""The Neo4j loader against the real Bolt test server (ArcadeDB): schema, counts,
idempotence, incremental loads, injection, wipe and the CLI's connection errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from boltserver import free_port
from conflictkg.graph.dialect import ARCADEDB, NEO4J, detect
from conflictkg.graph.neo4j_loader import (
    EDGE_TYPES, apply_schema, entity_statement, read_build, relationship_statement, wipe,
)
from neo4j_fixtures import DOCS, assert_db_equals_build, docs_subset, load, make_build, read_graph, snapshot

pytestmark = pytest.mark.bolt
REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "corpus" / "seeds"


def _session(server):
    driver = server.driver()
    return driver, driver.session(database=server.database)


# --- schema ------------------------------------------------------------------------------

def test_schema_applies_twice_and_creates_constraints_and_indexes(bolt_db):
    driver, s = _session(bolt_db)
    with driver, s:
        first = apply_schema(s, detect(driver))
        second = apply_schema(s, detect(driver))
        constraints = s.execute_read(lambda tx: tx.run("SHOW CONSTRAINTS").data())
        indexes = s.execute_read(lambda tx: tx.run("SHOW INDEXES").data())
    assert first == second and first
    assert not any("FULLTEXT" in q for q in first), "ArcadeDB has no CREATE FULLTEXT INDEX"
    unique = {(tuple(c["labelsOrTypes"]), tuple(c["properties"])) for c in constraints if c["type"] == "UNIQUENESS"}
    assert {(("Entity",), ("id",)), (("Document",), ("id",))} <= unique
    indexed = {(tuple(i["labelsOrTypes"] or ()), tuple(i["properties"] or ())) for i in indexes}
    assert {(("Entity",), ("name",)), (("Entity",), ("name_normalized",))} <= indexed


class _Recorder:
    def __init__(self):
        self.statements = []

    def execute_write(self, fn):
        return fn(self)

    def run(self, query, **params):
        self.statements.append(query)
        return self

    def consume(self):
        return None


def test_schema_statements_follow_the_dialect():
    neo, arcade = _Recorder(), _Recorder()
    apply_schema(neo, NEO4J)
    apply_schema(arcade, ARCADEDB)
    fulltext = [q for q in neo.statements if q.startswith("CREATE FULLTEXT INDEX")]
    assert len(fulltext) == 1 and "arabic" in fulltext[0] and "n.aliases" in fulltext[0]
    assert neo.statements[-1] == NEO4J.await_indexes_statement
    assert not any("FULLTEXT" in q or "awaitIndexes" in q for q in arcade.statements)
    assert set(arcade.statements) < set(neo.statements)


# --- counts equal the built graph --------------------------------------------------------

def test_counts_after_load_equal_the_built_graph(bolt_db, tmp_path):
    folder = make_build(tmp_path / "all", DOCS)
    report = load(bolt_db, folder)
    assert report.mode == "covering fresh"
    assert_db_equals_build(bolt_db, folder)


def test_seed_build_loads_with_the_counts_of_the_graph(bolt_db, tmp_path):
    if not SEEDS.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"seeds missing: {SEEDS}")
        pytest.skip(f"seeds missing: {SEEDS}")
    from conflictkg.build import BuildOptions, build

    build([str(SEEDS)], tmp_path / "seeds", BuildOptions(workers=1, quiet=True))
    load(bolt_db, tmp_path / "seeds")
    assert_db_equals_build(bolt_db, tmp_path / "seeds")


# --- idempotent, incremental ----------------------------------------------------------

def test_loading_the_same_folder_twice_changes_nothing(bolt_db, tmp_path):
    folder = make_build(tmp_path / "all", DOCS)
    load(bolt_db, folder)
    first = snapshot(bolt_db)
    load(bolt_db, folder, batch_size=3)  # other batch boundaries, same result
    assert snapshot(bolt_db) == first
    assert first["node_count"] == len(DOCS) + len(read_graph(folder))


def test_build_a_then_build_a_plus_b_equals_build_a_plus_b(bolt_db, tmp_path):
    # build A resolved a short form on its own; the larger build merged it into the full name
    short = "commander:bn_Emrn"
    entities = dict(__import__("neo4j_fixtures").ENTITIES, **{short: ("COMMANDER", "بن عمران")})
    a = make_build(tmp_path / "a", docs_subset({"d1", "d2"}), entities, rename={"commander:sAlm": short})
    ab = make_build(tmp_path / "ab", DOCS)
    load(bolt_db, ab)
    expected = snapshot(bolt_db)
    driver, s = _session(bolt_db)
    with driver, s:
        wipe(s)
    load(bolt_db, a)
    assert any(k[0] == short for k in snapshot(bolt_db)["nodes"])
    report = load(bolt_db, ab)
    assert report.mode == "covering" and report.deleted["Entity"] == 1
    assert snapshot(bolt_db) == expected


def _comparable(snap):
    """Aggregates exact; per-document lists and aliases as multisets (their order is load order)."""
    def norm(props):
        out = {}
        for k, v in props.items():
            if k in ("community",):
                continue
            if k in ("doc_ids", "doc_counts", "doc_dates", "doc_evidence", "aliases", "evidence"):
                v = sorted(v)
            if isinstance(v, float):
                v = round(v, 6)
            out[k] = v
        return out
    return ({k: norm(p) for k, p in snap["nodes"].items()}, {k: norm(p) for k, p in snap["rels"].items()})


def test_build_b_after_build_a_gives_the_union_with_correct_aggregates(bolt_db, tmp_path):
    a = make_build(tmp_path / "a", docs_subset({"d1", "d3"}))
    b = make_build(tmp_path / "b", docs_subset({"d2", "d4", "d5"}))
    ab = make_build(tmp_path / "ab", DOCS)
    load(bolt_db, ab)
    expected = snapshot(bolt_db)
    driver, s = _session(bolt_db)
    with driver, s:
        wipe(s)
    load(bolt_db, a)
    report = load(bolt_db, b)
    assert report.mode == "union"
    got = snapshot(bolt_db)
    assert _comparable(got) == _comparable(expected)
    # FIGHTS nswr->Smwd is stated in d1 (build A) and d4 (build B): counted once per document
    fights = got["rels"][("armed_group:nswr", "FIGHTS", "armed_group:Smwd")]
    assert (fights["count"], fights["documents"], fights["first_seen"]) == (2, 2, "2024-01-05")
    load(bolt_db, b)  # union loads are idempotent too
    assert snapshot(bolt_db) == got


# --- injection ----------------------------------------------------------------------------

HOSTILE_NAMES = [
    "كتيبة `x`}) DETACH DELETE n //",
    "قوة ' OR 1=1 MATCH (m) DETACH DELETE m RETURN '",
    'لواء "}]->(x) CREATE (:Pwned {a:1}) //',
    "MATCH (n) DETACH DELETE n",
]


def test_names_cannot_change_the_statement_and_hostile_types_are_rejected(bolt_db, tmp_path):
    ents = {f"armed_group:h{i}": ("ARMED_GROUP", name) for i, name in enumerate(HOSTILE_NAMES)}
    docs = [{"id": "x1", "date": "2024-05-01", "title": "`}) DETACH DELETE d //",
             "sentences": [[(e, n) for e, (_, n) in ents.items()]],
             "relations": [("FIGHTS", "armed_group:h0", "armed_group:h1", 0, "'}) MATCH (n) DETACH DELETE n //")]}]
    folder = make_build(tmp_path / "x", docs, ents)
    with open(folder / "entities.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "evil:1", "type": "ArmedGroup) DETACH DELETE (n", "name": "x",
                             "aliases": [], "mentions": 1, "documents": 1}) + "\n")
    with open(folder / "relations.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"type": "FIGHTS]->() DETACH DELETE a //", "head": "armed_group:h0",
                             "tail": "armed_group:h1", "doc": "x1", "sentence": 0, "evidence": "e"}) + "\n")
    data = read_build(folder)
    assert any("entities.jsonl:5" in w and "not in the whitelist" in w for w in data.warnings)
    assert any("relations.jsonl:2" in w and "not in the whitelist" in w for w in data.warnings)
    load(bolt_db, folder)
    snap = snapshot(bolt_db)
    names = {p["name"] for (nid, labels), p in snap["nodes"].items() if "Entity" in labels}
    assert names == set(HOSTILE_NAMES)
    assert snap["node_count"] == len(HOSTILE_NAMES) + 1 and not any(k[0] == "evil:1" for k in snap["nodes"])
    assert snap["nodes"][("x1", ("Document",))]["title"] == "`}) DETACH DELETE d //"
    driver, s = _session(bolt_db)
    with driver, s:
        labels = set(s.execute_read(lambda tx: [r[0] for r in tx.run("MATCH (n) UNWIND labels(n) AS l RETURN DISTINCT l")]))
        types = set(s.execute_read(lambda tx: [r[0] for r in tx.run("MATCH ()-[r]->() RETURN DISTINCT type(r)")]))
    assert labels == {"Entity", "ArmedGroup", "Document"}
    assert types == {"CO_OCCURS_WITH", "FIGHTS", "MENTIONED_IN"}
    for bad in ("ArmedGroup) DETACH DELETE (n", "Entity", "Document", ""):
        with pytest.raises(ValueError):
            entity_statement(bad)
    for bad in ("FIGHTS]->() DETACH DELETE a //", "MENTIONED_IN", "fights"):
        with pytest.raises(ValueError):
            relationship_statement(bad)
    assert set(EDGE_TYPES) == {"CO_OCCURS_WITH", "LEADS", "MEMBER_OF", "AFFILIATED_WITH", "BASED_IN", "LOCATED_IN",
                               "ALLIED_WITH", "FIGHTS", "SPOKESPERSON_OF"}


# --- wipe ----------------------------------------------------------------------------------

def test_wipe_removes_only_conflictkg_nodes(bolt_db, tmp_path):
    folder = make_build(tmp_path / "a", docs_subset({"d1"}))
    load(bolt_db, folder)
    driver, s = _session(bolt_db)
    with driver, s:
        s.execute_write(lambda tx: tx.run("CREATE (:Analyst {name: 'keep me'})-[:NOTE]->(:Analyst {name: 'me too'})").consume())
        deleted = wipe(s, batch_size=2)
        left = s.execute_read(lambda tx: tx.run("MATCH (n) RETURN labels(n) AS l, n.name AS name").data())
        notes = s.execute_read(lambda tx: tx.run("MATCH ()-[r:NOTE]->() RETURN count(r) AS c").single()["c"])
    assert deleted == 1 + len(read_graph(folder))  # one document and its entities
    assert sorted(r["name"] for r in left) == ["keep me", "me too"] and notes == 1


# --- the CLI ---------------------------------------------------------------------------------

def _cli(*args, env_extra=None, stdin=subprocess.DEVNULL):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "conflictkg", *args], capture_output=True, text=True,
                          env=env, stdin=stdin, timeout=120, cwd=REPO)


@pytest.mark.parametrize("case", ["wrong password", "unknown database", "server down"])
def test_connection_problems_end_with_one_clear_line(bolt, tmp_path, case):
    folder = make_build(tmp_path / "a", docs_subset({"d1"}))
    password, uri, database = "wrong-Secret-42", bolt.uri, bolt.database
    if case == "unknown database":
        password, database = bolt.password, "no_such_database"
    if case == "server down":
        uri = f"bolt://127.0.0.1:{free_port()}"
    proc = _cli("load", str(folder), "--uri", uri, "--user", bolt.user, "--database", database,
                env_extra={"NEO4J_PASSWORD": password})
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode != 0
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert password not in proc.stderr + proc.stdout
    assert uri in lines[0]
    cause = {"wrong password": "authentication failed", "unknown database": "'no_such_database' does not exist",
             "server down": "not reachable"}[case]
    assert cause in lines[0]


def test_cli_loads_with_a_password_file_and_never_prints_it(bolt_db, tmp_path):
    folder = make_build(tmp_path / "a", DOCS)
    pw_file = tmp_path / "pw"
    pw_file.write_text(bolt_db.password + "\n")
    proc = _cli("load", str(folder), "--uri", bolt_db.uri, "--user", bolt_db.user, "--database", bolt_db.database,
                "--password-file", str(pw_file), "--batch-size", "7")
    assert proc.returncode == 0, proc.stderr
    assert bolt_db.password not in proc.stdout + proc.stderr
    assert "loaded (covering fresh)" in proc.stdout
    assert snapshot(bolt_db)["node_count"] == len(DOCS) + len(read_graph(folder))
    # --wipe without --yes and without a terminal refuses and deletes nothing
    proc = _cli("load", str(folder), "--uri", bolt_db.uri, "--user", bolt_db.user, "--database", bolt_db.database,
                "--wipe", env_extra={"NEO4J_PASSWORD": bolt_db.password})
    assert proc.returncode == 1 and "--yes" in proc.stderr
    assert snapshot(bolt_db)["node_count"] == len(DOCS) + len(read_graph(folder))


def test_build_with_neo4j_loads_the_folder_it_built(bolt_db, tmp_path):
    out = tmp_path / "example"
    proc = _cli("build", str(REPO / "examples" / "corpus"), "--out", str(out), "--workers", "1", "--quiet", "--neo4j",
                "--uri", bolt_db.uri, "--user", bolt_db.user, "--database", bolt_db.database,
                env_extra={"NEO4J_PASSWORD": bolt_db.password})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and bolt_db.password not in proc.stderr
    assert_db_equals_build(bolt_db, out)
