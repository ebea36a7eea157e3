"""Print the Python interpreter ``make setup`` builds the virtual environment with.

The same CPython version runs at different speeds depending on how it was compiled.
Distribution builds (Debian's and Ubuntu's ``/usr/bin/python3.11``, Fedora's ...) use
profile-guided and link-time optimisation; pyenv and ``./configure`` builds do not by
default. This project spends its time in the interpreter (dict lookups, attribute
access, small objects), so the optimised build of the same version extracts ~8% faster
and builds a 100,000-article corpus ~6% faster, compiled extractors included.

Among the interpreters on this machine with the same ``major.minor`` version as the one
running this script (so every dependency resolves exactly as it would for it: torch's
CPU wheel, for one, is per version), this prints the fastest one that can create a
virtual environment with pip and has the C headers the compiled extractors need. When
no other one qualifies, it prints the running interpreter.

    python3 tools/pick_python.py            # the path, on stdout
    python3 tools/pick_python.py --verbose  # each candidate and its time, on stderr

``make setup`` runs it unless ``PYTHON`` is given (``make demo PYTHON=python3.11``).
"""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys

# Run by each candidate: whether it qualifies, and the best of seven times of a fixed
# piece of interpreter work (dicts, strings, attributes, calls, small objects).
PROBE = r"""
import json, os, sys, sysconfig, time
ok = True
try:
    import ensurepip, venv
except ImportError:
    ok = False
headers = os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h"))
class Item:
    def __init__(self, key, n):
        self.key = key
        self.n = n
def work():
    words = [f"w{i % 997}" for i in range(20000)]
    counts = {}
    for i, w in enumerate(words):
        counts[w] = counts.get(w, 0) + 1
    items = [Item(w, counts[w]) for w in words]
    return sum(x.n for x in items if x.key.endswith(("1", "3", "7")))
times = []
for _ in range(7):
    t = time.perf_counter()
    work()
    times.append(time.perf_counter() - t)
print(json.dumps({"version": list(sys.version_info[:2]), "venv": ok, "headers": headers,
                  "base": os.path.realpath(getattr(sys, "_base_executable", sys.executable)),
                  "seconds": min(times)}))
"""


def candidates(major: int, minor: int) -> list[str]:
    """Executables that may be this Python version: on PATH and in the usual places."""
    names = [f"python{major}.{minor}", f"python{major}"]
    found = [sys.executable]
    for folder in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/bin", "/usr/local/bin"]:
        for name in names:
            path = os.path.join(folder, name)
            if os.access(path, os.X_OK) and not os.path.isdir(path):
                found.append(path)
    found += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{major}.{minor}.*/bin/python{major}.{minor}")))
    unique, seen = [], set()
    for path in found:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return unique


def probe(exe: str) -> dict | None:
    try:
        out = subprocess.run([exe, "-I", "-c", PROBE], capture_output=True, text=True, timeout=60)
        return json.loads(out.stdout) if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def pick(verbose: bool = False) -> str:
    want = list(sys.version_info[:2])
    here = probe(sys.executable)
    need_headers = bool(here and here["headers"])  # never trade the compiled extractors for speed
    best, best_time, seen = sys.executable, here["seconds"] if here else float("inf"), set()
    for exe in candidates(*want):
        info = here if exe == sys.executable else probe(exe)
        if info is None or info["base"] in seen:
            continue
        seen.add(info["base"])
        ok = info["version"] == want and info["venv"] and (info["headers"] or not need_headers)
        if verbose:
            print(f"pick_python: {info['base']}: {'.'.join(map(str, info['version']))}, "
                  f"{info['seconds'] * 1e3:.1f} ms{'' if ok else ' (does not qualify)'}", file=sys.stderr)
        # a clear margin: the same build found twice must not flip the choice on noise
        if ok and info["seconds"] < best_time * 0.95:
            best, best_time = info["base"], info["seconds"]
    return best


if __name__ == "__main__":
    print(pick(verbose="--verbose" in sys.argv[1:]))
