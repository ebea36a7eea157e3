"""The docstring examples of every conflictkg module are tests too."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import conflictkg

OPTIONAL = {"conflictkg.dask_executor"}  # needs the optional dask extra
SKIP = {"conflictkg.__main__"}  # runs the CLI on import


def _modules():
    for info in pkgutil.walk_packages(conflictkg.__path__, "conflictkg."):
        yield info.name
    for sub in ("extractors", "resolvers", "graph", "cypher"):
        pkg = importlib.import_module(f"conflictkg.{sub}")
        for info in pkgutil.walk_packages(pkg.__path__, f"conflictkg.{sub}."):
            yield info.name


@pytest.mark.parametrize("name", sorted(set(_modules()) - SKIP))
def test_docstring_examples(name):
    if name in OPTIONAL:
        pytest.importorskip("dask")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
