"""The compiled extractors and Louvain (``conflictkg compile``) give what the plain Python
ones give, and are never used in place of edited sources."""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conflictkg import extractors, graph
from conflictkg import compiled

ROOT = Path(__file__).resolve().parents[1]

# Extracts every .txt under the given folders and pickles what the tests compare.
_EXTRACT = r"""
import pickle, sys
from pathlib import Path
from conflictkg.extractors import COMPILED, ExtractionPipeline
from conflictkg.extractors import relations
from conflictkg.records import Document
paths = sorted(p for d in sys.argv[2:] for p in Path(d).rglob("*.txt"))
pipeline = ExtractionPipeline(("lexicon", "pattern"), ())
out = []
for p in paths:
    r = pipeline(Document(id=p.name, text=p.read_text(encoding="utf-8")))
    out.append((p.name,
                [(m.sentence, m.start, m.end, m.text, m.type, m.extractor, m.canonical, sorted((m.attrs or {}).items())) for m in r.mentions],
                [(x.type, x.head, x.tail, x.sentence, x.evidence, x.extractor) for x in r.relations],
                [(s.index, s.start, s.end) for s in r.sentences]))
pickle.dump((str(COMPILED), relations.__file__, out), open(sys.argv[1], "wb"))
"""


def _extract(tmp_path: Path, name: str, env: dict, script: str = _EXTRACT) -> tuple:
    target = tmp_path / name
    folders = [str(ROOT / "tests" / "data"), str(ROOT / "examples")]
    proc = subprocess.run([sys.executable, "-c", script, str(target), *folders],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return pickle.loads(target.read_bytes())


@pytest.mark.skipif(extractors.COMPILED is None, reason="extractors not compiled here (conflictkg compile)")
def test_compiled_extractors_give_the_same_results(tmp_path):
    _, fast_file, fast = _extract(tmp_path, "compiled.pkl", {compiled.PURE_ENV: ""})
    pure_dir, pure_file, pure = _extract(tmp_path, "pure.pkl", {compiled.PURE_ENV: "1"})
    assert not fast_file.endswith(".py") and pure_file.endswith(".py")
    assert pure_dir == "None"
    assert len(pure) >= 20 and sum(len(doc[1]) for doc in pure) > 500  # a real comparison
    for a, b in zip(fast, pure):
        assert a == b, f"compiled and plain extractors differ on {a[0]}"
    assert len(fast) == len(pure)


def test_plain_extractors_need_no_cython(tmp_path):
    # Cython is an optional dependency: the modules use its pure-Python decorators
    # (extractors/text.py), which must then do nothing.
    plain = _extract(tmp_path, "plain.pkl", {compiled.PURE_ENV: "1"})[2]
    without = _extract(tmp_path, "without.pkl", {compiled.PURE_ENV: "1"},
                       'import sys; sys.modules["cython"] = None  # import cython now fails\n' + _EXTRACT)[2]
    assert sum(len(doc[1]) for doc in without) > 500 and without == plain


def _package_copy(tmp_path: Path) -> Path:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    for src in compiled.compiled_sources(compiled.source_dir("conflictkg.extractors")):
        shutil.copy2(src, pkg / src.name)
    return pkg


def test_compiled_modules_are_used_only_for_the_sources_they_came_from(tmp_path, monkeypatch):
    monkeypatch.delenv(compiled.PURE_ENV, raising=False)
    pkg = _package_copy(tmp_path)
    search_path = [str(pkg)]
    assert compiled.activate(search_path, pkg) is None  # never compiled
    folder = compiled.compiled_dir(pkg)
    folder.mkdir(parents=True)  # as compile_package leaves it
    assert compiled.activate(search_path, pkg) == folder
    assert search_path == [str(folder), str(pkg)]

    (pkg / "relations.py").write_text((pkg / "relations.py").read_text() + "\n# edited\n")
    search_path = [str(pkg)]
    assert compiled.activate(search_path, pkg) is None  # the edit is not shadowed
    assert search_path == [str(pkg)]
    assert compiled.compiled_dir(pkg) != folder


def test_pure_env_turns_compiled_modules_off(tmp_path, monkeypatch):
    pkg = _package_copy(tmp_path)
    compiled.compiled_dir(pkg).mkdir(parents=True)
    monkeypatch.setenv(compiled.PURE_ENV, "1")
    assert compiled.activate([str(pkg)], pkg) is None
    monkeypatch.setenv(compiled.PURE_ENV, "0")
    assert compiled.activate([str(pkg)], pkg) is not None


def test_compile_check_reports_what_is_in_use():
    proc = subprocess.run([sys.executable, "-m", "conflictkg", "compile", "--check"], capture_output=True, text=True,
                          env={**os.environ, compiled.PURE_ENV: "1"}, timeout=120)
    assert proc.returncode == 1 and "plain Python" in proc.stdout


def test_extraction_leaves_no_reference_cycles():
    # Everything a document allocates must be freed by reference counting when its result
    # is dropped; a cycle (a compiled closure once made one) keeps each document's tokens
    # and mentions alive until the cyclic collector runs, and that collector then costs
    # more than a tenth of extraction time.
    import gc

    from conflictkg.extractors import ExtractionPipeline
    from conflictkg.records import Document

    docs = [Document(id=p.name, text=p.read_text(encoding="utf-8"))
            for folder in (ROOT / "tests" / "data", ROOT / "examples") for p in sorted(folder.rglob("*.txt"))]
    assert len(docs) >= 16
    pipeline = ExtractionPipeline(("lexicon", "pattern"), ())
    for doc in docs:
        pipeline(doc)  # fills the caches first
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        found = sum(len(pipeline(doc).mentions) for doc in docs)
        gc.collect()
        cycles = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert found > 100
    assert not cycles, f"{len(cycles)} objects in reference cycles, e.g. {sorted({type(o).__name__ for o in cycles})[:8]}"


def _louvain_graphs():
    import random

    import networkx as nx

    for seed in range(12):
        r = random.Random(seed)
        if seed % 3 == 0:
            G = nx.planted_partition_graph(r.randint(3, 12), r.randint(10, 60), 0.3, 0.01, seed=seed)
        elif seed % 3 == 1:
            G = nx.barabasi_albert_graph(r.randint(50, 600), r.randint(1, 4), seed=seed)
        else:
            G = nx.gnm_random_graph(r.randint(20, 400), r.randint(20, 1500), seed=seed)
        for u in r.sample(list(G), 3):
            G.add_edge(u, u)  # self-loops count twice in a degree
        for _, _, d in G.edges(data=True):
            d["weight"] = r.choice([1.0, 2.0, 0.5, 7.25, 0.1])
        yield nx.relabel_nodes(G, {u: f"{r.randint(0, 10**6)}:{u}" for u in G})


def test_plain_and_compiled_louvain_find_networkx_communities():
    """graph/louvain.py read as plain Python and as imported (compiled, after
    ``conflictkg compile``) find the communities networkx finds, several levels deep."""
    import importlib.util
    from array import array

    import networkx as nx

    from conflictkg.graph import louvain, metrics

    spec = importlib.util.spec_from_file_location("plain_louvain", compiled.source_dir("conflictkg.graph") / "louvain.py")
    plain = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plain)
    assert plain.__file__.endswith(".py")
    norm = lambda found: sorted(sorted(c) for c in found)  # noqa: E731
    levels = 0
    for G in _louvain_graphs():
        S = metrics.Simple.of_graph(G)
        sizes, targets, weights = S.flat()
        want = norm(nx.community.louvain_communities(G, weight="weight", seed=metrics.SEED))
        levels = max(levels, len(list(nx.community.louvain_partitions(G, weight="weight", seed=metrics.SEED))))
        for module in (plain, louvain):
            found = module.louvain_groups(sizes.tolist(), targets.tolist(), weights, metrics.SEED)
            assert norm({S.labels[i] for i in c} for c in found) == want, module.__file__
            # the modularity that decides when to stop, of the level-0 graph
            level = module._copied(*(array(t, x) for t, x in (("q", sizes.tolist()), ("q", targets.tolist()), ("d", weights))))
            node2com = array("q", [0] * len(S.labels))
            for c, members in enumerate(found):
                for i in members:
                    node2com[i] = c
            mod = module._modularity(*level, module._degrees(*level), node2com, len(found))
            assert mod == pytest.approx(nx.community.modularity(G, [{S.labels[i] for i in c} for c in found]), abs=1e-12)
    assert levels >= 3  # (the later levels merge communities of communities)


@pytest.mark.skipif(graph.COMPILED is None, reason="Louvain not compiled here (conflictkg compile)")
def test_louvain_is_compiled_with_the_extractors():
    from conflictkg.graph import louvain

    assert not louvain.__file__.endswith(".py") and louvain.__file__.startswith(str(graph.COMPILED))
