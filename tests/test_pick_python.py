"""tools/pick_python.py: which interpreter `make setup` builds the virtual environment with."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[1] / "tools" / "pick_python.py"


@pytest.fixture()
def pick_python():
    spec = importlib.util.spec_from_file_location("pick_python", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _info(base, seconds, version=None, venv=True, headers=True):
    return {"version": list(version or sys.version_info[:2]), "venv": venv, "headers": headers,
            "base": base, "seconds": seconds}


def _fake(monkeypatch, module, infos: dict):
    """Candidates ``infos`` (path → probe answer or None), the running one first."""
    monkeypatch.setattr(module.sys, "executable", next(iter(infos)))
    monkeypatch.setattr(module, "candidates", lambda major, minor: list(infos))
    monkeypatch.setattr(module, "probe", lambda exe: infos[exe])


def test_the_fastest_qualifying_interpreter_of_the_same_version_wins(pick_python, monkeypatch):
    other = (sys.version_info[0], sys.version_info[1] + 1)
    _fake(monkeypatch, pick_python, {
        "/here/python3": _info("/real/here", 0.020),
        "/opt/newer/python3": _info("/real/newer", 0.001, version=other),  # another version: never
        "/opt/novenv/python3": _info("/real/novenv", 0.002, venv=False),  # cannot make a venv
        "/opt/noheaders/python3": _info("/real/noheaders", 0.003, headers=False),  # cannot compile
        "/usr/bin/python3": _info("/real/distro", 0.010),
        "/usr/bin/broken": None,  # does not run
    })
    assert pick_python.pick() == "/real/distro"


def test_headers_are_not_required_when_the_running_interpreter_has_none(pick_python, monkeypatch):
    _fake(monkeypatch, pick_python, {
        "/here/python3": _info("/real/here", 0.020, headers=False),
        "/usr/bin/python3": _info("/real/distro", 0.010, headers=False),
    })
    assert pick_python.pick() == "/real/distro"


def test_noise_does_not_replace_the_running_interpreter(pick_python, monkeypatch):
    _fake(monkeypatch, pick_python, {
        "/here/python3": _info("/real/here", 0.0100),
        "/usr/bin/python3": _info("/real/distro", 0.0098),  # 2% faster: the same build, or noise
    })
    assert pick_python.pick() == "/here/python3"


def test_the_running_interpreter_when_nothing_else_qualifies(pick_python, monkeypatch):
    _fake(monkeypatch, pick_python, {
        "/here/python3": _info("/real/here", 0.020),
        "/usr/bin/python3": _info("/real/distro", 0.001, venv=False),
    })
    assert pick_python.pick() == "/here/python3"


def test_on_this_machine_it_prints_an_interpreter_that_can_set_up_the_project():
    out = subprocess.run([sys.executable, str(TOOL)], capture_output=True, text=True, timeout=300, check=True)
    chosen = out.stdout.strip()
    probe = subprocess.run([chosen, "-c", "import sys, venv, ensurepip; print(*sys.version_info[:2])"],
                           capture_output=True, text=True, timeout=60, check=True)
    assert probe.stdout.split() == [str(v) for v in sys.version_info[:2]]
