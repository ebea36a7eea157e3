"""Shared pytest fixtures.

Bolt server (ArcadeDB with its Bolt plugin, see tests/boltserver.py):
  ``bolt``     session-scoped: one server for the whole run, stopped at the end.
               If it cannot start: skip (fail when CI=true) with the cause.
  ``bolt_db``  function-scoped: the same server, with every node deleted first.
"""

from __future__ import annotations

import os

import pytest

from boltserver import BoltServer, start_bolt_server


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


@pytest.fixture(scope="session")
def bolt(tmp_path_factory) -> BoltServer:
    try:
        server = start_bolt_server(tmp_path_factory.mktemp("bolt"))
    except Exception as e:  # noqa: BLE001 - any cause is reported verbatim
        msg = f"test Bolt server (ArcadeDB) did not start: {type(e).__name__}: {e}"
        if _on_ci():
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    try:
        yield server
    finally:
        server.stop()


def _delete_all_nodes(server: BoltServer) -> None:
    # execute_write, not session.run: ArcadeDB auto-commit is not atomic (graph/dialect.py).
    with server.driver() as driver, driver.session(database=server.database) as session:
        session.execute_write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())


@pytest.fixture
def bolt_db(bolt: BoltServer) -> BoltServer:
    _delete_all_nodes(bolt)
    yield bolt
