"""A load cut off by the server dying mid-way, rerun after a restart, ends exactly right.

This test owns a Bolt server of its own: it kills it.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boltserver import BoltServerError, start_bolt_server
from neo4j_fixtures import assert_db_equals_build, make_build, snapshot

pytestmark = pytest.mark.bolt
REPO = Path(__file__).resolve().parents[1]
TYPES = ["ARMED_GROUP", "COMMANDER", "PLACE", "TRIBE", "PERSON", "ORGANIZATION", "COUNTRY"]
RELATIONS = ["LEADS", "FIGHTS", "BASED_IN", "ALLIED_WITH", "AFFILIATED_WITH"]


def _synthetic(n_entities=600, n_docs=150, seed=7):
    """Invented entities and documents, big enough that a load takes many transactions."""
    rnd = random.Random(seed)
    entities = {f"e:{i:04d}": (TYPES[i % len(TYPES)], f"كيان تجريبي رقم {i}") for i in range(n_entities)}
    ids = sorted(entities)
    docs = []
    for d in range(n_docs):
        sentences = [[(eid, entities[eid][1]) for eid in rnd.sample(ids, 5)] for _ in range(4)]
        relations = [(rnd.choice(RELATIONS), s[0][0], s[1][0], si, f"جملة الدليل {d}-{si}")
                     for si, s in enumerate(sentences)]
        docs.append({"id": f"doc-{d:04d}", "date": f"2024-{1 + d % 12:02d}-{1 + d % 28:02d}",
                     "title": f"خبر {d}", "sentences": sentences, "relations": relations})
    return entities, docs


def _load_cmd(server, folder, batch_size):
    return [sys.executable, "-m", "conflictkg", "load", str(folder), "--uri", server.uri, "--user", server.user,
            "--database", server.database, "--batch-size", str(batch_size), "--quiet"]


def _env(server):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["NEO4J_PASSWORD"] = server.password
    return env


def _count(server) -> int:
    try:
        with server.driver() as driver, driver.session(database=server.database) as s:
            return s.execute_read(lambda tx: tx.run("MATCH (n) RETURN count(n) AS c").single()["c"])
    except Exception:
        return -1


def test_load_interrupted_by_a_server_crash_finishes_exactly_after_rerun(tmp_path):
    try:
        server = start_bolt_server(tmp_path / "db")
    except BoltServerError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Bolt test server did not start: {exc}")
        pytest.skip(f"Bolt test server did not start: {exc}")
    try:
        entities, docs = _synthetic()
        folder = make_build(tmp_path / "build", docs, entities)
        proc = subprocess.Popen(_load_cmd(server, folder, 25), env=_env(server), cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while _count(server) <= 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the load finished before the server could be killed; make the graph bigger"
        server.kill()  # the server dies with some batches committed and others not
        out, err = proc.communicate(timeout=180)
        assert proc.returncode != 0, "a load whose server died must fail"
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert "lost Neo4j at " + server.uri in err and "run the same load again" in err
        assert server.password not in out + err

        server.restart()
        partial = _count(server)
        assert 0 < partial, "some batches were committed before the crash"
        rerun = subprocess.run(_load_cmd(server, folder, 25), env=_env(server), cwd=REPO,
                               capture_output=True, text=True, timeout=600)
        assert rerun.returncode == 0, rerun.stderr
        assert_db_equals_build(server, folder)  # no duplicate, no loss, aggregates exact
        expected_nodes = len(docs) + len({e for d in docs for s in d["sentences"] for e, _ in s})
        assert snapshot(server)["node_count"] == expected_nodes
    finally:
        server.stop()
