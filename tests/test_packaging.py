"""The distribution installs one namespace, conflictkg.*, and nothing generic."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_wheel_holds_only_the_conflictkg_namespace(tmp_path):
    pytest.importorskip("setuptools")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    wheel = next(tmp_path.glob("conflictkg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {"conflictkg", next(t for t in top if t.endswith(".dist-info"))}
    # the stage folders are inside the namespace, with their data files
    for required in ("conflictkg/extractors/text.py", "conflictkg/resolvers/keys.py", "conflictkg/graph/model.py",
                     "conflictkg/cypher/__init__.py"):
        assert required in names
    assert any(n.startswith("conflictkg/extractors/lexicons/") and n.endswith(".tsv") for n in names)
    # the Cypher kit ships as package data
    assert {"conflictkg/cypher/schema.cypher", "conflictkg/cypher/style.grass"} <= set(names)
    assert sum(n.startswith("conflictkg/cypher/queries/") for n in names) >= 10
