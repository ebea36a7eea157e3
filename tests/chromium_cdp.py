"""Open a local HTML file in headless Chromium and report what it did: requests, state, a screenshot.

Talks the Chrome DevTools Protocol over ``--remote-debugging-pipe`` (JSON messages
ended by NUL on file descriptors 3 and 4), so it needs no websocket client and no port.
Every request the page makes is recorded from ``Network.requestWillBeSent``; host names
resolve to nothing (``--host-resolver-rules``), so even a faulty page cannot reach the
network during a test.

Used by tests/test_html_report.py, and as a script to make the README picture:
  python tests/chromium_cdp.py report.html docs/html-report.png
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--remote-debugging-pipe",
]

# Records CSP violations (a blocked load is an attempted request too) before any page script runs.
WATCH_CSP = ("window.__cspViolations=[];document.addEventListener('securitypolicyviolation',"
             "function(e){window.__cspViolations.push(e.blockedURI+' '+e.violatedDirective);});")


def find_chromium() -> str | None:
    for c in CANDIDATES:
        path = c if os.path.isabs(c) else shutil.which(c)
        if path and os.access(path, os.X_OK):
            return path
    return None


@dataclass
class PageRun:
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    state: dict = field(default_factory=dict)  # result of the probe expression
    png: bytes = b""


class _Pipe:
    def __init__(self, proc, wfd: int, rfd: int):
        self.proc, self.w, self.r = proc, os.fdopen(wfd, "wb", buffering=0), os.fdopen(rfd, "rb", buffering=0)
        self.next_id = 0
        self.inbox: queue.Queue = queue.Queue()
        self.events: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buf = b""
        while True:
            chunk = self.r.read(65536)
            if not chunk:
                self.inbox.put(None)
                return
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                self.inbox.put(json.loads(msg))

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30.0) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.w.write(json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            item = self.inbox.get(timeout=max(0.1, deadline - time.monotonic()))
            if item is None:
                raise RuntimeError(f"chromium closed the pipe during {method}")
            if item.get("id") == self.next_id:
                if "error" in item:
                    raise RuntimeError(f"{method}: {item['error']}")
                return item.get("result", {})
            self.events.append(item)

    def wait_event(self, method: str, timeout: float = 30.0) -> dict:
        for ev in self.events:
            if ev.get("method") == method:
                return ev
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                item = self.inbox.get(timeout=0.2)
            except queue.Empty:
                continue
            if item is None:
                break
            self.events.append(item)
            if item.get("method") == method:
                return item
        raise TimeoutError(f"no {method} within {timeout} s")


def open_page(path: str | Path, probe: str = "null", ready: str = "true", width: int = 1400, height: int = 900,
              settle: float = 0.5, timeout: float = 60.0, chromium: str | None = None) -> PageRun:
    """Load ``path``, wait until ``ready`` (a JS expression) is true, evaluate ``probe``, take a screenshot."""
    exe = chromium or find_chromium()
    if not exe:
        raise FileNotFoundError("chromium not found")
    url = Path(path).resolve().as_uri()
    profile = tempfile.mkdtemp(prefix="ckg-chromium-")
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()

    def wire_fds():  # the pipe protocol wants our ends on the child's fds 3 and 4
        a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)  # out of the way first: either may be 3 or 4
        b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
        os.dup2(a, 3)
        os.dup2(b, 4)

    proc = subprocess.Popen(
        [exe, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=wire_fds, close_fds=False,
    )
    os.close(to_child_r)
    os.close(from_child_w)
    run = PageRun()
    try:
        cdp = _Pipe(proc, to_child_w, from_child_r)
        target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        sid = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method, params in [
            ("Network.enable", {}), ("Page.enable", {}), ("Runtime.enable", {}),
            ("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_CSP}),
            ("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}),
        ]:
            cdp.call(method, params, sid)
        cdp.events.clear()
        cdp.call("Page.navigate", {"url": url}, sid)
        cdp.wait_event("Page.loadEventFired", timeout)
        deadline = time.monotonic() + timeout
        while not _eval(cdp, sid, f"!!({ready})"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"page not ready: {ready}")
            time.sleep(0.1)
        time.sleep(settle)
        run.state = _eval(cdp, sid, f"JSON.stringify({probe})")
        run.state = json.loads(run.state) if isinstance(run.state, str) else run.state
        run.png = base64.b64decode(cdp.call("Page.captureScreenshot", {"format": "png"}, sid)["data"])
        # drain what arrived meanwhile, then read every request the page made
        while True:
            try:
                item = cdp.inbox.get(timeout=0.3)
            except queue.Empty:
                break
            if item is None:
                break
            cdp.events.append(item)
        run.requests = [ev["params"]["request"]["url"] for ev in cdp.events
                        if ev.get("method") == "Network.requestWillBeSent"]
        try:
            cdp.call("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001 - closing is best effort; the process is killed below
            pass
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return run


def _eval(cdp: _Pipe, sid: str, expr: str):
    res = cdp.call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, sid)
    if "exceptionDetails" in res:
        raise RuntimeError(f"JS error in {expr!r}: {res['exceptionDetails'].get('text')}")
    return res["result"].get("value")


def main(argv: list[str]) -> int:
    html_path, png_path = argv[1], argv[2]
    run = open_page(html_path, probe="window.ckgReport", ready="window.ckgReport && window.ckgReport.ready",
                    width=1280, height=760)
    Path(png_path).write_bytes(run.png)
    print(json.dumps({"requests": run.requests, "state": run.state, "png_bytes": len(run.png)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
