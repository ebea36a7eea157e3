"""``build --executor dask`` (issue 8) gives the single-process build's outputs exactly.

One LocalCluster of worker processes serves the whole module; the builds under test
connect to it with ``scheduler=`` (the path a real cluster takes). The synthetic corpus
comes from the build benchmark's generator (bench/bench_build.py: own templates and
gazetteer names, no seed text).
"""
import csv
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from conflictkg.build import CONTRACT_FILES, BuildOptions, Progress, build  # noqa: E402
from conflictkg.graph.model import GraphAccumulator  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
COMPARED = CONTRACT_FILES + ("names.jsonl", "graph.gexf")


def _bench(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="1GiB",
                      dashboard_address=None, silence_logs=40) as c:
        yield c


def _build_both(inputs, tmp_path, cluster, partition_mb):
    local, dask = tmp_path / "local", tmp_path / "dask"
    build(inputs, local, BuildOptions(workers=1, quiet=True))
    build(inputs, dask, BuildOptions(executor="dask", scheduler=cluster.scheduler_address,
                                     partition_mb=partition_mb, quiet=True))
    return local, dask


def _assert_same_outputs(local, dask):
    for name in COMPARED:
        assert (dask / name).read_bytes() == (local / name).read_bytes(), name
    assert json.loads((dask / "build.json").read_text())["executor"] == "dask"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Several .jsonl files (one big enough to be cut into ranges), a .csv and .txt files,
    with duplicate ids within a file, across ranges, across files and formats, a
    malformed and a blank line. Returns (folder, facts about what was planted)."""
    maker = _bench("bench_build").ArticleMaker(seed=11)
    other = _bench("bench_build").ArticleMaker(seed=99)  # texts for the duplicates
    d = tmp_path_factory.mktemp("synthetic") / "corpus"
    (d / "txt").mkdir(parents=True)
    rows = [maker.article(i) for i in range(48)]
    dups = []

    def dup(of):
        row = dict(other.article(len(dups)), id=of)
        dups.append(row)
        return row

    a_lines = [json.dumps(r, ensure_ascii=False) for r in rows[:40]]
    a_lines.insert(25, '{"id": "broken", "text": ')  # malformed
    a_lines.insert(31, "")  # blank
    a_lines.append(json.dumps(dup(rows[2]["id"]), ensure_ascii=False))  # same file, an earlier range
    (d / "a.jsonl").write_text("\n".join(a_lines) + "\n", encoding="utf-8")
    b = [rows[40], dup(rows[5]["id"]), rows[41], dup(rows[41]["id"]), rows[42], dup("txt/z")]
    (d / "b.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in b), encoding="utf-8")
    with open(d / "c.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "date"])
        for r in rows[43:46] + [dup(rows[42]["id"])]:
            w.writerow([r["id"], r["text"], r["date"]])
    for i, r in enumerate(rows[46:48]):
        (d / "txt" / f"{'yz'[i]}.txt").write_text(r["text"], encoding="utf-8")
    facts = {"malformed_line": 26, "blank_line": 32, "duplicates": len(dups), "dup_texts": [r["text"] for r in dups],
             "a_bytes": (d / "a.jsonl").stat().st_size}
    return d, facts


def test_synthetic_corpus_builds_identically_in_partitions(synthetic, tmp_path, cluster):
    from conflictkg.dask_executor import plan_partitions

    folder, facts = synthetic
    partition_mb = facts["a_bytes"] / 5 / 2**20
    plan = plan_partitions([folder], int(partition_mb * 2**20))
    assert sum(1 for p in plan if p[0][0] == "range") >= 4  # a.jsonl really is cut into ranges
    assert len(plan) >= 6
    local, dask = _build_both([str(folder)], tmp_path, cluster, partition_mb)
    _assert_same_outputs(local, dask)

    skipped = [json.loads(line) for line in (dask / "skipped.jsonl").read_text(encoding="utf-8").splitlines()]
    by_reason = Counter(s["reason"].split(" (")[0] for s in skipped)
    assert by_reason["duplicate document id " + repr(json.loads(
        (folder / "b.jsonl").read_text(encoding="utf-8").splitlines()[1])["id"])] == 1
    assert sum(n for r, n in by_reason.items() if r.startswith("duplicate document id")) == facts["duplicates"]
    lines = {s["reason"].split(" (")[0]: s.get("line") for s in skipped}
    assert lines["malformed JSON"] == facts["malformed_line"]
    assert lines["blank line"] == facts["blank_line"]
    # the dropped duplicates carry names of their own: had they been counted, names.jsonl would differ
    from conflictkg.extractors import ExtractionPipeline
    from conflictkg.records import Document

    pipe = ExtractionPipeline()
    dup_names = {m.text for t in facts["dup_texts"] for m in pipe(Document(id="x", text=t)).mentions}
    built = {json.loads(line)["text"] for line in (dask / "names.jsonl").open(encoding="utf-8")}
    assert dup_names - built


def test_neo4j_csv_parts_hold_the_rows_of_the_single_file_export(synthetic, tmp_path, cluster):
    from conflictkg.graph.export import write_format
    from conflictkg.graph.export_csv import admin_command
    from conflictkg.graph.filters import select

    folder, facts = synthetic
    local, dask = _build_both([str(folder)], tmp_path, cluster, facts["a_bytes"] / 3 / 2**20)
    whole = tmp_path / "whole"
    write_format(select(local), "csv", whole)
    parts = dask / "neo4j-import"
    for name in ("entities.csv", "relations.csv", "cooccurs.csv"):
        assert (parts / name).read_bytes() == (whole / name).read_bytes(), name
    command = admin_command("import", parts=True)
    assert command in (parts / "import.sh").read_text(encoding="utf-8")
    for name in ("documents", "mentioned_in"):
        header, *rows = (whole / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        assert (parts / f"{name}-header.csv").read_text(encoding="utf-8").splitlines() == [header]
        pattern = re.search(rf"import/{name}-header\.csv,import/([^' ]+)", command).group(1)
        files = sorted(p for p in parts.iterdir() if re.fullmatch(pattern, p.name))
        assert len(files) >= 2 and {p.name for p in parts.iterdir() if p.name.startswith(f"{name}-part-")} == {
            p.name for p in files}
        part_rows = [line for p in files for line in p.read_text(encoding="utf-8").splitlines()]
        assert sorted(part_rows) == sorted(rows) and rows


def test_seed_corpus_builds_identically(tmp_path, cluster):
    if not SEEDS.is_dir():
        msg = f"seed articles not found at {SEEDS}"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    local, dask = _build_both([str(SEEDS)], tmp_path, cluster, 0.01)
    _assert_same_outputs(local, dask)


def test_distributed_resolver_equals_the_local_one(cluster):
    from conflictkg.dask_executor import DaskExecutor
    from conflictkg.resolvers import fuzzy
    from conflictkg.resolvers.resolver import resolve

    names = _bench("bench_resolver").synthetic_names(3000, seed=5)
    local = resolve(names)
    executor = DaskExecutor(BuildOptions(executor="dask", scheduler=cluster.scheduler_address), Progress(True))
    try:
        with executor.resolving():
            distributed = resolve(names)
        items = [("PLACE", "مصراته ليبيا"), ("PLACE", "مسراته ليبيا"), ("PLACE", "سرت")]
        assert set(executor.map_blocks(items, 80)) == set(fuzzy.candidate_pairs(items, 80)) != set()
    finally:
        executor.close()
    assert any(m["rule"] == "fuzzy" for e in local.entities.values() for m in e.merges)  # fuzzy pairs matter here
    assert distributed.entity_of == local.entity_of
    assert distributed.entities == local.entities
    assert distributed.borderline == local.borderline


def test_graph_merge_in_order_equals_sequential_accumulation():
    rng = random.Random(3)
    ents = [f"e{i}" for i in range(6)]
    docs = []
    for i in range(600):  # > 50 documents per relation, many evidence strings: both caps are hit
        ids = [(rng.randint(0, 4), rng.choice(ents)) for _ in range(rng.randint(1, 6))]
        rels = [(rng.choice(["FIGHTS", "FIGHTS", "ALLIED_WITH"]), rng.choice(ents[:3]), rng.choice(ents[:3]), 0,
                 f"ev{rng.randint(0, 9)}") for _ in range(rng.randint(0, 3))]
        date = "" if rng.random() < 0.3 else f"2024-{rng.randint(1, 12):02d}-01"
        docs.append((f"d{i}", date, ids, rels))
    sequential = GraphAccumulator()
    for doc in docs:
        sequential.add_document(*doc)
    parts = []
    for chunk in (docs[:7], docs[7:100], docs[100:101], docs[101:180], docs[180:]):
        acc = GraphAccumulator()
        for doc in chunk:
            acc.add_document(*doc)
        parts.append(acc)
    merged = parts[0].merge(parts[1]).merge(parts[2].merge(parts[3]).merge(parts[4]))  # a tree, in order
    for attr in ("node_seen", "cooc", "relations"):
        assert list(getattr(merged, attr).items()) == list(getattr(sequential, attr).items()), attr
    assert max(len(s.doc_ids) for s in sequential.relations.values()) == 50
    assert max(len(s.evidence) for s in sequential.relations.values()) == 3
    with pytest.raises(ValueError, match="already added"):
        merged.merge(parts[1])


def test_default_build_does_not_import_dask(tmp_path):
    code = ("import sys; from conflictkg.build import build, BuildOptions; "
            f"build([{str(ROOT / 'examples' / 'corpus')!r}], {str(tmp_path / 'out')!r}, BuildOptions(workers=1, quiet=True)); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
