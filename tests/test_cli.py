"""The command line as a user meets it: help, the example corpus, lazy heavy imports."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conflictkg.cli import _command_modules, main

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def test_every_command_has_help_with_an_example(capsys):
    names = [name for name, _ in _command_modules()]
    assert {"build", "evaluate"} <= set(names)
    for name in names:
        with pytest.raises(SystemExit) as exit_info:
            main([name, "--help"])
        assert exit_info.value.code == 0
        out = capsys.readouterr().out
        assert "Example" in out, f"'conflictkg {name} --help' shows no example"
        assert f"conflictkg {name}" in out


def test_build_example_corpus_all_formats(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["build", str(EXAMPLES / "corpus"), str(EXAMPLES / "news.jsonl"), str(EXAMPLES / "news.csv"),
                 "--out", str(out), "--workers", "1"])
    assert code == 0
    summary = capsys.readouterr().out
    assert "entities per type" in summary and str(out) in summary
    docs = [json.loads(l) for l in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    ids = {d["id"] for d in docs}
    # text files are named by their path without .txt; JSONL/CSV by their id field
    assert {"tripoli_clashes", "wire-2024-001", "wire-2024-002", "csv-001"} <= ids
    jsonl_doc = next(d for d in docs if d["id"] == "wire-2024-001")
    assert jsonl_doc["date"] == "2024-03-14" and jsonl_doc["url"].startswith("https://")
    entities = [json.loads(l) for l in (out / "entities.jsonl").read_text(encoding="utf-8").splitlines()]
    assert entities, "the example corpus yields entities"
    assert (out / "skipped.jsonl").read_text(encoding="utf-8") == ""


def test_quiet_build_prints_nothing(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "conflictkg", "build", str(EXAMPLES / "corpus"), "--out", str(tmp_path / "o"), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""


def test_build_does_not_import_heavy_optional_modules(tmp_path):
    # offline, camel_tools.data/morphology/ner and torch fail to import: a default build must not need them
    code = (
        "import sys\n"
        "from conflictkg.cli import main\n"
        f"rc = main(['build', {str(EXAMPLES / 'corpus')!r}, '--out', {str(tmp_path / 'o')!r}, '--quiet', '--workers', '1'])\n"
        "heavy = [m for m in sys.modules if m == 'torch' or m.startswith(('torch.', 'camel_tools.data', "
        "'camel_tools.morphology', 'camel_tools.ner', 'transformers'))]\n"
        "print(rc, heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "0 []"


def test_error_is_one_clear_line_without_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "conflictkg", "build", str(EXAMPLES / "corpus"), "--out", str(tmp_path / "o"),
         "--lexicon", str(tmp_path / "missing.tsv")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 1
    assert "missing.tsv" in proc.stderr and "Traceback" not in proc.stderr


def test_a_password_is_never_taken_on_the_command_line(tmp_path):
    # a command-line password would be readable by every user in the process list
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    proc = subprocess.run([sys.executable, "-m", "conflictkg", "load", str(tmp_path), "--password", "Secret-99"],
                          capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and "unrecognized arguments" in proc.stderr
    assert "Secret-99" not in proc.stdout
