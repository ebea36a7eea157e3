"""A real Bolt server for tests: ArcadeDB (PyPI ``arcadedb-embedded``) with its Bolt plugin.

Neo4j cannot be installed here, so tests talk to ArcadeDB over Bolt with the
official ``neo4j`` driver. The server runs in a process of its own (this file,
``python tests/boltserver.py serve ...``) so that its JVM never lives inside the
pytest process and can be hard-killed to simulate a crash.

    server = start_bolt_server(tmp_dir)
    driver = neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password))
    driver.session(database=server.database)
    ...
    server.kill()      # crash: SIGKILL, no clean shutdown
    server.restart()   # same ports, same data directory
    server.stop()

How it is wired (see the ``arcadedb_embedded.ArcadeDBServer`` source):
  * config ``server_plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin``,
    ``bolt_port``/``http_port`` and ``host=127.0.0.1`` (every listener binds
    loopback only);
  * the Bolt ``database=`` name is an ArcadeDB database name. ArcadeDB has no
    implicit database, so the child creates ``DEFAULT_DATABASE`` on start
    (idempotent) and sets ``arcadedb.bolt.defaultDatabase`` to it, so a session
    opened without ``database=`` lands there too;
  * the child stops the server cleanly when its stdin reaches EOF (the parent
    closes it in ``stop()``, or the parent died): no orphan outlives pytest.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE = "conflictkg"
DEFAULT_USER = "root"
DEFAULT_PASSWORD = "conflictkg-test-pw"  # ArcadeDB wants >= 8 characters
HOST = "127.0.0.1"

START_TIMEOUT = float(os.environ.get("CONFLICTKG_BOLT_START_TIMEOUT", "120"))  # JVM on 2 cores
STOP_TIMEOUT = 30.0
READY_FILE = "ready"
LOG_FILE = "server.log"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class BoltServerError(RuntimeError):
    """The test Bolt server did not start (message carries the cause and log tail)."""


@dataclass
class BoltServer:
    root: Path
    bolt_port: int
    http_port: int
    user: str = DEFAULT_USER
    password: str = DEFAULT_PASSWORD
    database: str = DEFAULT_DATABASE
    heap: str = "1g"
    startup_seconds: float = 0.0
    _proc: subprocess.Popen | None = field(default=None, repr=False)
    _log: object = field(default=None, repr=False)

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.bolt_port}"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def driver(self, **kwargs):
        import neo4j

        return neo4j.GraphDatabase.driver(self.uri, auth=self.auth, **kwargs)

    # -- lifecycle ---------------------------------------------------------
    def start(self, timeout: float = START_TIMEOUT) -> "BoltServer":
        if self.is_running():
            raise BoltServerError("already running")
        self.root.mkdir(parents=True, exist_ok=True)
        ready = self.root / READY_FILE
        ready.unlink(missing_ok=True)
        self._log = open(self.root / LOG_FILE, "ab")
        cmd = [
            sys.executable, os.path.abspath(__file__), "serve",
            "--root", str(self.root),
            "--bolt-port", str(self.bolt_port),
            "--http-port", str(self.http_port),
            "--password", self.password,
            "--database", self.database,
            "--heap", self.heap,
        ]
        t0 = time.monotonic()
        self._proc = subprocess.Popen(
            cmd, cwd=self.root, stdin=subprocess.PIPE,
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        try:
            self._wait_ready(ready, t0, timeout)
        except BaseException:
            self.kill()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def _wait_ready(self, ready: Path, t0: float, timeout: float) -> None:
        import neo4j
        from neo4j.exceptions import ServiceUnavailable, SessionExpired

        last: Exception | None = None
        while time.monotonic() < t0 + timeout:
            if self._proc.poll() is not None:
                raise BoltServerError(
                    f"server process exited with {self._proc.returncode}\n{self.log_tail()}")
            if ready.exists():
                try:
                    with neo4j.GraphDatabase.driver(
                            self.uri, auth=self.auth, connection_timeout=5) as drv:
                        drv.verify_connectivity()
                    return
                except (ServiceUnavailable, SessionExpired, OSError) as e:
                    last = e
            time.sleep(0.2)
        raise BoltServerError(
            f"Bolt not ready on {self.uri} after {timeout:.1f}s (last error: {last!r})\n"
            f"{self.log_tail()}")

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Clean stop: close stdin (child calls server.stop()), then SIGTERM, then SIGKILL."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            try:
                proc.stdin.close()
            except OSError:
                pass
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self._cleanup()

    def kill(self) -> None:
        """Hard kill (SIGKILL): simulates a server crash; data dir is left as it was."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        self._cleanup()

    def restart(self, timeout: float = START_TIMEOUT) -> "BoltServer":
        """Start again on the same ports and data directory (stops cleanly first if running)."""
        self.stop()
        return self.start(timeout)

    def _cleanup(self) -> None:
        if self._proc is not None and self._proc.stdin and not self._proc.stdin.closed:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, n: int = 15) -> str:
        try:
            lines = (self.root / LOG_FILE).read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return "--- server log (tail) ---\n" + "\n".join(lines[-n:])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_bolt_server(tmp_dir, *, database: str = DEFAULT_DATABASE,
                      password: str = DEFAULT_PASSWORD,
                      timeout: float = START_TIMEOUT, attempts: int = 2) -> BoltServer:
    """Start ArcadeDB+Bolt in a subprocess under ``tmp_dir``; return once a driver can connect.

    Ports are picked free on 127.0.0.1 just before the start; a start that fails
    (e.g. a port taken in between) is retried once on new ports in a fresh dir.
    """
    base = Path(tmp_dir).resolve()
    for attempt in range(1, attempts + 1):
        bolt_port = free_port()
        http_port = free_port()
        while http_port == bolt_port:
            http_port = free_port()
        server = BoltServer(root=base / ("arcadedb" if attempt == 1 else f"arcadedb-{attempt}"),
                            bolt_port=bolt_port, http_port=http_port,
                            database=database, password=password)
        try:
            return server.start(timeout)
        except BoltServerError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


# -- child process ---------------------------------------------------------
def _serve(argv: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="boltserver serve")
    p.add_argument("--root", required=True)
    p.add_argument("--bolt-port", type=int, required=True)
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--database", required=True)
    p.add_argument("--heap", default="1g")
    a = p.parse_args(argv)

    root = Path(a.root)
    os.chdir(root)  # arcadedb writes ./log relative to the cwd
    from arcadedb_embedded import ArcadeDBServer

    server = ArcadeDBServer(
        str(root / "server"), a.password,
        config={
            "host": HOST,
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": a.bolt_port,
            "http_port": a.http_port,
            "bolt_defaultDatabase": a.database,  # -> arcadedb.bolt.defaultDatabase
        },
        jvm_kwargs={"heap_size": a.heap},
    )
    server.start()
    server.create_database(a.database)  # get-or-create
    (root / READY_FILE).write_text(str(os.getpid()))
    print(f"boltserver: ready bolt={a.bolt_port} http={a.http_port} db={a.database}", flush=True)

    def _term(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _term)
    try:
        while sys.stdin.buffer.read(4096):  # EOF = parent asked us to stop (or died)
            pass
    except SystemExit:
        pass
    finally:
        print("boltserver: stopping", flush=True)
        server.stop()
        print("boltserver: stopped", flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        sys.exit(_serve(sys.argv[2:]))
    print("usage: boltserver.py serve --root DIR --bolt-port P --http-port Q "
          "--password PW --database DB", file=sys.stderr)
    sys.exit(2)
