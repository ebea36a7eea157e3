"""End-to-end build benchmark on synthetic Arabic corpora.

Generates corpora of N articles (default 10k, 50k, 100k) from the gazetteer in
``extractors/lexicons/*.tsv`` plus invented names, written as one JSONL file, then runs
``conflictkg build`` on each in a subprocess and prints:

* articles/s end to end,
* peak memory of the build including its worker processes (sum of the proportional set
  sizes of the process tree, sampled every 0.25 s: shared copy-on-write pages counted
  once) and the largest single process (RSS),
* the split of wall time between the stages, read from ``build.json``
  (``timings``: extraction, resolution, graph building, export ...),
* how each cost grows with corpus size (ratio of per-article cost to the smallest run).

Goals on 2 cores: >= 1,000 articles/s, peak memory < 2 GB at 100k articles,
near-linear growth.

Usage::

    .venv/bin/python bench/bench_build.py                 # 10k 50k 100k
    .venv/bin/python bench/bench_build.py 10000 --workers 2
    .venv/bin/python bench/bench_build.py 20000 --keep /tmp/bench-corpora

The article text is produced from templates written for this benchmark; no seed
article text is used.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
LEXICON_DIR = ROOT / "extractors" / "lexicons"

# Fallback name pools, used when the lexicon folder is empty (and to invent new names
# that no lexicon knows, so the number of distinct names grows with the corpus).
FIRST = "سالم خالد عمر محمود عبدالله مصطفى إبراهيم يوسف علي حسن منصور رمضان عادل فرج ناصر جمال صالح أسامة طارق هشام".split()
LAST = "الزاوي المصراتي الورفلي الككلي البرعصي الفيتوري الشريف القذافي الطرابلسي العبيدي الدرسي الزنتاني المقريف السنوسي الحاسي المنفي العكاري التاجوري".split()
PLACES = "مصراتة سرت بنغازي درنة طرابلس الزاوية صبراتة غريان ترهونة الكفرة سبها أوباري مرزق الجفرة هون ودان بني وليد زليتن الخمس العجيلات".split()
GROUP_HEADS = ["كتيبة", "لواء", "قوة", "سرية", "غرفة عمليات", "ميليشيا"]
GROUP_NAMES = "الصمود النواصي الردع الحلبوص الفاروق المرسى الشهداء الإسناد البنيان الحسم التحرير الكرامة الفجر الوادي الصاعقة".split()
TRIBES = "الزوية التبو الطوارق أولاد سليمان القذاذفة المقارحة الورفلة العواقير المغاربة الحساونة الفرجان".split()
RANKS = ["العقيد", "اللواء", "العميد", "الرائد", "المقدم", "آمر كتيبة", "القائد"]
TITLES = ["الشيخ", "الوزير", "المستشار", "الدكتور", "السفير"]

# Sentence templates: {C} commander, {P} person, {G} armed group, {L} place, {T} tribe.
TEMPLATES = [
    "قال {R} {C} قائد {G} إن قواته صدت هجوما على مواقعها جنوب مدينة {L} فجر اليوم.",
    "أعلنت {G} المتمركزة في {L} سيطرتها على الطريق الساحلي بعد اشتباكات مع {G2} استمرت ساعات.",
    "وأكد {T2} {P} أن أعيان ومشايخ قبيلة {T} يرفضون أي تصعيد عسكري في محيط {L}.",
    "وقصفت {G} مواقع تابعة لـ{G2} قرب بلدة {L2} بالمدفعية الثقيلة، بحسب مصادر محلية.",
    "وأوضح المتحدث باسم {G} أن الهجوم أسفر عن سقوط ثلاثة قتلى وعدد من الجرحى.",
    "ونفى {R} {C} الأنباء التي تحدثت عن انسحاب قواته من منطقة {L}.",
    "وتتمركز {G} التابعة لـ{G2} في مدينة {L} منذ مطلع العام الماضي.",
    "وشهدت مدينة {L} حالة من الهدوء الحذر بعد يومين من المواجهات المسلحة.",
    "والتقى {T2} {P} وفدا من قبيلة {T} في {L} لبحث سبل التهدئة وتبادل الأسرى.",
    "وأفاد شهود عيان بأن أرتالا مسلحة تحركت من {L} باتجاه {L2} خلال ساعات الليل.",
    "ويقود {R} {C} {G} التي تسيطر على أجزاء واسعة من جنوب {L}.",
    "وطالبت بعثة الأمم المتحدة جميع الأطراف بوقف إطلاق النار وحماية المدنيين في {L}.",
    "وأشار مصدر عسكري إلى أن {G} دفعت بتعزيزات جديدة إلى محاور القتال غرب {L2}.",
    "وكانت {G} قد أعلنت في وقت سابق انضمامها إلى {G2} بقيادة {R} {C}.",
]
# Sentences that name no one: background, numbers, quotes. Real articles have many.
FILLER = [
    "وتأتي هذه التطورات في ظل أزمة سياسية مستمرة منذ سنوات وانقسام حاد بين المؤسسات.",
    "وأضاف المصدر أن الوضع الإنساني يزداد سوءا مع نقص الوقود والأدوية في المستشفيات.",
    "ولم يصدر أي تعليق رسمي حتى الآن على هذه الأنباء.",
    "وأشارت التقارير إلى نزوح عشرات العائلات من الأحياء القريبة من خطوط التماس.",
    "ويخشى السكان من تجدد القتال مع اقتراب موعد الانتخابات المؤجلة.",
    "وقال شاهد عيان إن أصوات الانفجارات سمعت طوال الليل، وإن الطرق الرئيسية أغلقت.",
    "وتشير الأرقام إلى سقوط أكثر من عشرين قتيلا منذ بداية الشهر الجاري.",
    "ودعا ناشطون إلى فتح ممرات آمنة لإجلاء الجرحى والعالقين.",
]
FILLER_SHARE = 0.5


def _lexicon_pools() -> dict[str, list[str]]:
    """Names by type from the gazetteer files, if there are any."""
    pools: dict[str, list[str]] = {}
    try:
        sys.path.insert(0, str(ROOT))
        from conflictkg.extractors.lexicon import parse_lexicon
    except Exception:  # the benchmark still runs on its own pools
        return pools
    for path in sorted(LEXICON_DIR.glob("*.tsv")):
        try:
            for entry in parse_lexicon(path):
                pools.setdefault(entry.type, []).extend(entry.surfaces)
        except Exception as exc:
            print(f"bench: ignoring {path.name}: {exc}", file=sys.stderr)
    return pools


class ArticleMaker:
    """Random but reproducible articles; name frequencies are Zipf-like."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        lex = _lexicon_pools()
        self.places = lex.get("PLACE", []) + PLACES
        self.groups = lex.get("ARMED_GROUP", []) + [f"{h} {n}" for h in GROUP_HEADS for n in GROUP_NAMES]
        self.tribes = [t.removeprefix("قبيلة ") for t in lex.get("TRIBE", [])] + TRIBES
        self.commanders = lex.get("COMMANDER", []) + [f"{f} {l}" for f in FIRST for l in LAST]
        self.people = lex.get("PERSON", []) + [f"{f} {l}" for f in reversed(FIRST) for l in LAST]
        self.lexicon_names = sum(len(v) for v in lex.values())

    def _pick(self, pool: list[str]) -> str:
        # Zipf-like: a few names are everywhere, most are rare.
        i = int(len(pool) * (self.rng.random() ** 3))
        return pool[min(i, len(pool) - 1)]

    def _novel_person(self) -> str:
        # Invented three-part names keep the number of distinct names growing.
        r = self.rng
        return f"{r.choice(FIRST)} {r.choice(FIRST)} {r.choice(LAST)}"

    def sentence(self) -> str:
        r = self.rng
        if r.random() < FILLER_SHARE:
            return r.choice(FILLER)
        novel = r.random() < 0.15
        return r.choice(TEMPLATES).format(
            R=r.choice(RANKS),
            C=self._novel_person() if novel else self._pick(self.commanders),
            P=self._pick(self.people),
            T2=r.choice(TITLES),
            G=self._pick(self.groups),
            G2=self._pick(self.groups),
            L=self._pick(self.places),
            L2=self._pick(self.places),
            T=self._pick(self.tribes),
        )

    def article(self, i: int) -> dict:
        r = self.rng
        n = r.randint(18, 40)  # ~2,300 characters on average, like a news article
        paragraphs = []
        while n > 0:
            k = min(n, r.randint(2, 4))
            paragraphs.append(" ".join(self.sentence() for _ in range(k)))
            n -= k
        day = f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        return {"id": f"synthetic-{i:07d}", "title": self.sentence()[:60], "date": day, "text": "\n\n".join(paragraphs)}


def write_corpus(path: Path, n: int, seed: int = 7) -> tuple[int, float]:
    """Write n articles as JSONL; return (bytes, seconds)."""
    maker = ArticleMaker(seed)
    t = time.monotonic()
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(maker.article(i), ensure_ascii=False))
            fh.write("\n")
    return path.stat().st_size, time.monotonic() - t


# How often the memory of the build's process tree is sampled. Reading a process' PSS
# (/proc/PID/smaps_rollup) walks its page tables, ~0.5 ms for a 900 MB process: every
# 50 ms over ten processes, the sampler took several percent of the two cores from the
# build it measures. Memory peaks last seconds (forks, growing aggregates).
SAMPLE_EVERY = 0.25


def run_build(corpus: Path, out: Path, workers: int) -> dict:
    """Run the build in a subprocess; sample the memory of its whole process tree."""
    cmd = [sys.executable, "-m", "conflictkg", "build", str(corpus), "--out", str(out), "--quiet"]
    if workers:
        cmd += ["--workers", str(workers)]
    t0 = time.monotonic()
    cpu0, own0 = _children_cpu(), time.process_time()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    root = psutil.Process(proc.pid)
    peak_tree = peak_single = 0
    while proc.poll() is None:
        try:
            procs = [root] + root.children(recursive=True)
            pss, rss = [], []
            for p in procs:
                try:
                    # PSS, not RSS, for the tree: forked children share the parent's
                    # pages copy-on-write, and a sum of RSS would count them once per child
                    info = p.memory_full_info()
                    pss.append(info.pss)
                    rss.append(info.rss)
                except psutil.Error:
                    pass
            peak_tree = max(peak_tree, sum(pss))
            peak_single = max(peak_single, max(rss, default=0))
        except psutil.Error:
            pass
        try:  # not a sleep: the wall time ends when the build does, not at the next sample
            proc.wait(timeout=SAMPLE_EVERY)
        except subprocess.TimeoutExpired:
            pass
    wall = time.monotonic() - t0
    cpu = _children_cpu() - cpu0  # the build and its workers, all reaped by now
    sampler = time.process_time() - own0
    if proc.returncode not in (0, 3):
        raise SystemExit(f"build failed with exit code {proc.returncode}: {' '.join(cmd)}")
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    return {"wall": wall, "cpu": cpu, "sampler": sampler, "peak_tree": peak_tree, "peak_single": peak_single, "info": info}


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[10_000, 50_000, 100_000])
    ap.add_argument("--workers", type=int, default=0, help="build --workers (default: all cores)")
    ap.add_argument("--keep", metavar="DIR", help="keep corpora and outputs here (reused when present)")
    args = ap.parse_args(argv)

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ckg-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    from conflictkg import extractors

    compiled = "compiled" if extractors.COMPILED else "plain Python (conflictkg compile: ~25% faster)"
    print(f"cores: {os.cpu_count()}, workers: {args.workers or 'all'}, lexicon names: {ArticleMaker().lexicon_names}, "
          f"extractors: {compiled}, python: {sys.version.split()[0]} "
          f"({os.path.realpath(getattr(sys, '_base_executable', sys.executable))})")
    rows = []
    for n in args.sizes:
        corpus = base / f"corpus-{n}.jsonl"
        if not corpus.exists():
            size, secs = write_corpus(corpus, n)
            print(f"generated {n:,} articles ({size / 1e6:.0f} MB) in {secs:.1f} s")
        r = run_build(corpus, base / f"out-{n}", args.workers)
        info = r["info"]
        docs = info["documents"]
        timings = info.get("timings", {})
        rows.append((n, r, timings))
        print(
            f"\n== {n:,} articles: {docs / r['wall']:,.0f} articles/s end to end ({r['wall']:.1f} s wall), "
            f"peak memory {r['peak_tree'] / 2**20:,.0f} MB (process tree, PSS), {r['peak_single'] / 2**20:,.0f} MB (largest process, RSS)"
        )
        print(f"   {info['mentions']:,} mentions, {info['relations']:,} relations, "
              f"{sum(info['entities'].values()):,} entities")
        cores = os.cpu_count() or 1
        print(f"   CPU {r['cpu']:.1f} s (build and workers) = {1000 * r['cpu'] / docs:.2f} ms per article; "
              f"all {cores} cores busy all the time would give {docs / r['cpu'] * cores:,.0f} articles/s; "
              f"this benchmark's memory sampling took {r['sampler']:.1f} s of CPU")
        total = sum(timings.values()) or 1.0
        for stage, secs in timings.items():
            print(f"   {stage:<22} {secs:8.2f} s  {100 * secs / total:5.1f} %")
    if len(rows) > 1:
        n0, r0, t0 = rows[0]
        print("\ngrowth (cost per article relative to the smallest run; 1.00 = linear):")
        for n, r, t in rows[1:]:
            scale = n / n0
            parts = [f"wall {r['wall'] / r0['wall'] / scale:.2f}"]
            for stage, secs in t.items():
                if t0.get(stage, 0) > 0.05:
                    parts.append(f"{stage} {secs / t0[stage] / scale:.2f}")
            print(f"   {n:>9,}: " + ", ".join(parts) + f"; peak memory x{r['peak_tree'] / r0['peak_tree']:.2f}")
    if not args.keep:
        import shutil

        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
