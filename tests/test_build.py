"""The build's output contract and its behaviour under faults: interrupts, crashes,
failures half-way, messy input. Corpora are small and written here in our own Arabic;
big-corpus runs live in bench/bench_build.py."""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import conflictkg.build as build_mod
from conflictkg.build import (
    CONTRACT_FILES,
    EXIT_NONE_PROCESSED,
    EXIT_OK,
    EXIT_SOME_SKIPPED,
    BuildOptions,
    build,
)
from conflictkg.corpus import read_corpus
from conflictkg.records import Document

ROOT = Path(__file__).resolve().parents[1]

COMMANDERS = ["سالم المنصوري", "عادل الترهوني", "فرج الساعدي", "ناجي القماطي"]
GROUPS = ["كتيبة الصخرة", "لواء الأمان", "سرية الوادي الأخضر"]
PLACES = ["سبها", "غدامس", "مرزق", "الجفرة"]
TEMPLATES = [
    "قال العقيد {c} قائد {g} إن قواته صدت هجوما جنوب مدينة {p}.",
    "وأعلنت {g} المتمركزة في {p} سيطرتها على الطريق بعد اشتباكات مع {g2}.",
    "ونفى الرائد {c} انسحاب {g} من منطقة {p} خلال الليل.",
    "وشهدت مدينة {p} هدوءا حذرا بعد يومين من المواجهات.",
]


def article(i: int, sentences: int = 6) -> str:
    out = []
    for k in range(sentences):
        j = i * 7 + k
        out.append(TEMPLATES[j % len(TEMPLATES)].format(
            c=COMMANDERS[j % len(COMMANDERS)], g=GROUPS[j % len(GROUPS)], g2=GROUPS[(j + 1) % len(GROUPS)],
            p=PLACES[(j // 2) % len(PLACES)]))
    return " ".join(out)


def write_jsonl(path: Path, n: int, start: int = 0, sentences: int = 6) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            fh.write(json.dumps({"id": f"a{i}", "date": f"2024-03-{i % 28 + 1:02d}", "text": article(i, sentences)},
                                ensure_ascii=False) + "\n")
    return path


def messy_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "feed.jsonl", 12)
    with open(corpus / "feed.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"id": "broken", "text": \n')
        fh.write(json.dumps({"id": "a3", "text": article(99)}, ensure_ascii=False) + "\n")  # duplicate id
    (corpus / "one.txt").write_text(article(40), encoding="utf-8")
    (corpus / "cp.txt").write_bytes(article(41).encode("cp1256"))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blob.txt").write_bytes(bytes(range(256)) * 4)
    return corpus


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def leftovers(out: Path) -> list[str]:
    return [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]


# --- the output contract --------------------------------------------------------------------


@pytest.fixture(scope="module")
def messy_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("messy")
    corpus = messy_corpus(root)
    report = build([str(corpus)], root / "out", BuildOptions(workers=1, quiet=True))
    return corpus, root / "out", report


def test_every_contract_file_is_written(messy_build):
    _, out, report = messy_build
    for name in CONTRACT_FILES + ("build.json",):
        assert (out / name).is_file(), name
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert info["documents"] == report.documents == len(rows(out / "documents.jsonl"))
    assert set(info["timings"]) >= {"extraction", "resolution", "graph_building", "metrics", "export"}


def test_every_input_document_is_either_built_or_skipped(messy_build):
    corpus, out, report = messy_build
    built = {r["id"] for r in rows(out / "documents.jsonl")}
    skipped = rows(out / "skipped.jsonl")
    assert built == {f"a{i}" for i in range(12)} | {"one", "cp"}
    where = {(Path(s["source"]).name, s.get("line")) for s in skipped}
    assert where == {("feed.jsonl", 13), ("feed.jsonl", 14), ("empty.txt", None), ("blob.txt", None)}
    assert report.exit_code == EXIT_SOME_SKIPPED and report.skipped == 4


def test_each_mention_is_the_slice_of_its_document(messy_build):
    corpus, out, _ = messy_build
    texts = {d.id: d.text for d in read_corpus([corpus]) if isinstance(d, Document)}
    mentions = rows(out / "mentions.jsonl")
    assert len(mentions) > 50
    assert {m["doc"] for m in mentions} == set(texts)  # every article names someone
    for m in mentions:
        assert texts[m["doc"]][m["start"]:m["end"]] == m["text"], m


def test_every_entity_id_used_exists(messy_build):
    _, out, _ = messy_build
    entities = {e["id"]: e for e in rows(out / "entities.jsonl")}
    mentions = rows(out / "mentions.jsonl")
    relations = rows(out / "relations.jsonl")
    assert relations, "the fixture states relations (قائد, المتمركزة في ...)"
    assert {m["entity"] for m in mentions} <= set(entities)
    assert {r["head"] for r in relations} | {r["tail"] for r in relations} <= set(entities)
    per_entity = {}
    for m in mentions:
        per_entity[m["entity"]] = per_entity.get(m["entity"], 0) + 1
    assert {eid: e["mentions"] for eid, e in entities.items() if e["mentions"]} == per_entity


def test_workers_give_the_same_output_as_one_process(messy_build, tmp_path):
    corpus, out1, _ = messy_build
    build([str(corpus)], tmp_path / "out2", BuildOptions(workers=2, quiet=True))
    for name in ("documents.jsonl", "mentions.jsonl", "relations.jsonl", "entities.jsonl", "skipped.jsonl"):
        assert (tmp_path / "out2" / name).read_bytes() == (out1 / name).read_bytes(), name


OUTPUTS = ("documents.jsonl", "mentions.jsonl", "relations.jsonl", "entities.jsonl", "names.jsonl",
           "skipped.jsonl", "graph.graphml", "graph.json", "graph.gexf", "report.html")


def bench_corpus(path: Path, n: int) -> Path:
    """n articles from the build benchmark's generator (its own templates and gazetteer names)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_build", ROOT / "bench" / "bench_build.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.write_corpus(path, n, seed=5)
    return path


@pytest.fixture(scope="module")
def bench_jsonl(tmp_path_factory) -> Path:
    return bench_corpus(tmp_path_factory.mktemp("bench") / "corpus.jsonl", 150)


def test_the_build_on_all_cores_writes_what_one_process_writes(bench_jsonl, tmp_path, monkeypatch):
    """Second pass, metrics and exports spread over forked processes (workers=2) give the
    files of the plain one-process path (workers=1), byte for byte, with betweenness
    sampled and split between processes and the evidence added up with arrays."""
    from conflictkg.graph import metrics, model

    monkeypatch.setattr(metrics, "EXACT_BUDGET", 0)
    monkeypatch.setattr(metrics, "EDGE_BUDGET", 1)
    monkeypatch.setattr(model, "SMALL_LOG", 100)
    one, many = tmp_path / "one", tmp_path / "many"
    build([str(bench_jsonl)], one, BuildOptions(workers=1, quiet=True))
    build([str(bench_jsonl)], many, BuildOptions(workers=2, quiet=True))
    for name in OUTPUTS:
        assert (many / name).read_bytes() == (one / name).read_bytes(), name
    graph = json.loads((one / "graph.json").read_text(encoding="utf-8"))
    assert graph["graph"]["betweenness"].startswith("sampled from 32 of")
    assert len(rows(one / "mentions.jsonl")) > 1000 and len(graph["links"]) > 500
    assert leftovers(many) == [] and sorted(p.name for p in many.iterdir()) == sorted(OUTPUTS + ("build.json",))


@pytest.mark.parametrize("where", ["graphml", "rows"])
def test_a_failing_process_fails_the_build_and_leaves_the_output(tmp_path, monkeypatch, where):
    import psutil

    from conflictkg import workfiles
    from conflictkg.graph import export

    out = tmp_path / "out"
    build([str(write_jsonl(tmp_path / "first.jsonl", 3))], out, BuildOptions(workers=1, quiet=True))
    before = snapshot(out)

    def full(*a, **kw):
        raise OSError(28, "No space left on device")

    if where == "graphml":  # runs in a forked process of the metrics and exports
        monkeypatch.setattr(export, "graphml_edge_renderer", full)
    else:  # the process writing mentions.jsonl and relations.jsonl
        monkeypatch.setattr(workfiles, "_fill_mentions", full)
    others = set(psutil.Process().children())  # the session's own servers (Bolt, Dask) may run
    with pytest.raises(OSError, match="No space left"):
        build([str(write_jsonl(tmp_path / "more.jsonl", 8))], out, BuildOptions(workers=2, quiet=True))
    assert snapshot(out) == before
    assert leftovers(out) == []
    assert set(psutil.Process().children()) - others == set()  # every forked process was waited for or stopped


def _killed(*args):
    os.kill(os.getpid(), signal.SIGKILL)  # like the OOM killer


def test_a_killed_process_fails_the_build_with_a_clear_error(tmp_path, monkeypatch):
    from conflictkg.graph import report_html

    monkeypatch.setattr(report_html, "layout", _killed)  # handed to a helper forked before the graph exists
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="the report's layout died .killed by signal 9"):
        build([str(write_jsonl(tmp_path / "c.jsonl", 8))], out, BuildOptions(workers=2, quiet=True))
    assert not out.exists() and leftovers(out) == []


# --- exit codes and messages ------------------------------------------------------------------


def run_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "conflictkg", "build", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, **kw)


def test_exit_codes_and_one_clear_line_per_skipped_input(tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", 2)
    (tmp_path / "bad.jsonl").write_text('{"id": 1}\nnot json\n', encoding="utf-8")
    ok = run_cli(good, "--out", tmp_path / "o1", "--workers", "1")
    some = run_cli(good, tmp_path / "bad.jsonl", "--out", tmp_path / "o2", "--workers", "1")
    none = run_cli(tmp_path / "bad.jsonl", "--out", tmp_path / "o3", "--workers", "1")
    assert (ok.returncode, some.returncode, none.returncode) == (EXIT_OK, EXIT_SOME_SKIPPED, EXIT_NONE_PROCESSED)
    lines = [l for l in some.stderr.splitlines() if "skipped" in l and "bad.jsonl" in l]
    assert lines == [f"[conflictkg] skipped {tmp_path / 'bad.jsonl'}:1: missing 'text'",
                     f"[conflictkg] skipped {tmp_path / 'bad.jsonl'}:2: malformed JSON (Expecting value at column 1)"]
    quiet = run_cli(good, tmp_path / "bad.jsonl", "--out", tmp_path / "o4", "--workers", "1", "--quiet")
    assert quiet.returncode == EXIT_SOME_SKIPPED and quiet.stderr == "" and quiet.stdout == ""


def test_skipped_lines_on_stderr_are_capped_but_all_are_recorded(tmp_path, capsys):
    path = write_jsonl(tmp_path / "c.jsonl", 1)
    with open(path, "a", encoding="utf-8") as fh:
        fh.writelines(f'{{"id": "x{i}"}}\n' for i in range(build_mod.MAX_SKIPPED_SHOWN + 30))
    report = build([str(path)], tmp_path / "out", BuildOptions(workers=1))
    err = capsys.readouterr().err
    assert report.skipped == build_mod.MAX_SKIPPED_SHOWN + 30
    assert len(rows(tmp_path / "out" / "skipped.jsonl")) == report.skipped
    assert sum(1 for l in err.splitlines() if l.startswith("[conflictkg] skipped ")) == build_mod.MAX_SKIPPED_SHOWN
    assert "30 more skipped inputs not shown" in err


def test_output_folder_follows_the_umask(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", 2)
    old = os.umask(0o027)
    try:
        build([str(corpus)], tmp_path / "out", BuildOptions(workers=1, quiet=True))
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o750
    assert (tmp_path / "out" / "mentions.jsonl").stat().st_mode & 0o777 == 0o640


def test_refuses_to_replace_a_folder_that_is_not_a_build(tmp_path):
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.tex").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError, match="not a conflictkg build output"):
        build([str(write_jsonl(tmp_path / "c.jsonl", 1))], precious, BuildOptions(workers=1, quiet=True))
    assert [p.name for p in precious.iterdir()] == ["thesis.tex"]


# --- faults -------------------------------------------------------------------------------------


def _as_from_a_terminal():
    # A job started in the background by a non-interactive shell inherits SIGINT ignored
    # (and rightly keeps ignoring it); the build under test is started as a terminal would.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_an_interrupt_leaves_the_previous_output_intact(tmp_path, how):
    out = tmp_path / "out"
    build([str(write_jsonl(tmp_path / "small.jsonl", 3))], out, BuildOptions(workers=1, quiet=True))
    before = snapshot(out)
    big = write_jsonl(tmp_path / "big.jsonl", 4000, sentences=12)
    proc = subprocess.Popen([sys.executable, "-m", "conflictkg", "build", str(big), "--out", str(out),
                             "--workers", "2", "--quiet"], cwd=ROOT, start_new_session=True,
                            preexec_fn=_as_from_a_terminal,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    building = tmp_path / f".out.building-{proc.pid}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until it is half-way through extraction
        docs = building / "documents.jsonl"
        if docs.exists() and docs.stat().st_size > 20_000:
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    else:
        pytest.fail("the build never started writing")
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)  # a terminal sends it to the whole process group
    else:
        os.kill(proc.pid, signal.SIGTERM)  # `kill PID`: the main process only
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err, (out / "build.json").read_text(encoding="utf-8"))
    assert "interrupted" in err
    assert snapshot(out) == before
    assert leftovers(out) == []
    time.sleep(0.5)
    assert subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True).stdout == b""  # no orphans


def test_a_failure_half_way_through_an_incremental_build_does_not_touch_its_base(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([str(write_jsonl(tmp_path / "first.jsonl", 6))], out, BuildOptions(workers=1, quiet=True))
    before = snapshot(out)
    assert "names.jsonl" in before
    more = write_jsonl(tmp_path / "more.jsonl", 6, start=100)

    from conflictkg.graph.model import GraphAccumulator

    real_add = GraphAccumulator.add_documents

    def failing_add(self, *a, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(GraphAccumulator, "add_documents", failing_add)  # half-way: names resolved, graph not built
    with pytest.raises(OSError, match="No space left"):
        build([str(more)], out, BuildOptions(workers=1, quiet=True, previous=str(out)))
    assert snapshot(out) == before
    assert leftovers(out) == []

    # the intact base still extends: its name counts are added to, not lost or doubled
    first_counts = {(n["type"], n["text"]): n["count"] for n in rows(out / "names.jsonl")}
    monkeypatch.setattr(GraphAccumulator, "add_documents", real_add)
    build([str(more)], out, BuildOptions(workers=1, quiet=True, previous=str(out)))
    assert {r["id"] for r in rows(out / "documents.jsonl")} == {f"a{i}" for i in range(100, 106)}
    new_mentions = {}
    for m in rows(out / "mentions.jsonl"):
        new_mentions[(m["type"], m["text"])] = new_mentions.get((m["type"], m["text"]), 0) + 1
    both = {(n["type"], n["text"]): n["count"] for n in rows(out / "names.jsonl")}
    assert both == {k: first_counts.get(k, 0) + new_mentions.get(k, 0) for k in first_counts.keys() | new_mentions.keys()}


def test_a_crashing_worker_stops_the_build_with_a_clear_error(tmp_path, monkeypatch):
    import conflictkg.extractors as extractors

    real = extractors.ExtractionPipeline

    class Crashing(real):
        def __call__(self, doc):
            if doc.id == "a5":
                os._exit(9)  # like the OOM killer: no exception, the process is gone
            return super().__call__(doc)

    monkeypatch.setattr(extractors, "ExtractionPipeline", Crashing)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="worker died"):
        build([str(write_jsonl(tmp_path / "c.jsonl", 8))], out, BuildOptions(workers=2, quiet=True))
    assert not out.exists() and leftovers(out) == []


def test_an_extraction_error_skips_that_document_only(tmp_path, monkeypatch):
    import conflictkg.extractors as extractors

    real = extractors.ExtractionPipeline

    class Failing(real):
        def __call__(self, doc):
            if doc.id == "a2":
                raise ValueError("bad offsets")
            return super().__call__(doc)

    monkeypatch.setattr(extractors, "ExtractionPipeline", Failing)
    report = build([str(write_jsonl(tmp_path / "c.jsonl", 4))], tmp_path / "out", BuildOptions(workers=1, quiet=True))
    assert report.documents == 3 and report.exit_code == EXIT_SOME_SKIPPED
    (skip,) = rows(tmp_path / "out" / "skipped.jsonl")
    assert skip["id"] == "a2" and "ValueError: bad offsets" in skip["reason"]


# --- memory: the input is read only as fast as results come back ----------------------------


def test_extraction_reads_the_input_lazily(monkeypatch):
    monkeypatch.setattr(build_mod, "BATCH_DOCS", 4)
    pulled = itertools.count()

    def endless():
        for i in itertools.count():
            next(pulled)
            yield Document(f"d{i}", article(i, 1))

    results = build_mod._extracted(endless(), BuildOptions(workers=2))
    try:
        first = [next(results) for _ in range(10)]
    finally:
        results.close()
    assert len(first) == 10
    bound = 2 * build_mod.TASKS_PER_WORKER * 4 + 4 + 10
    assert next(pulled) <= bound  # an endless input is not read ahead
