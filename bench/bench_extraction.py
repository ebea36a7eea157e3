"""Extraction throughput: articles/s on one core and on all cores, and peak memory.

A synthetic corpus of realistic articles (default 10,000) is generated from the
lexicon's names and Arabic news sentence templates (ranks, group triggers, tribe lists,
quoted names, proclitics, filler sentences), then run through the extraction pipeline
(mentions + relations; no resolution, graph or output).

    .venv/bin/python bench/bench_extraction.py [--articles 10000] [--workers 0]

Prints figures; it is not a timed test.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import sys
import time

from conflictkg.extractors.lexicon import default_lexicon
from conflictkg.extractors.pipeline import ExtractionPipeline
from conflictkg.records import Document

RANKS = ["العقيد", "اللواء", "العميد", "المقدم", "الرائد", "النقيب", "المشير", "اللواء المتقاعد"]
FIRST = ["محمد", "أحمد", "سالم", "عمران", "مفتاح", "فرج", "علي", "عبدالسلام", "ميلود", "يوسف", "خالد", "نوري"]
LAST = ["الفيتوري", "الورفلي", "الزوي", "القماطي", "الحاسي", "التاجوري", "المصراتي", "الدرسي", "العبيدي", "الشريف"]
NEW_GROUPS = ["كتيبة شهداء {p}", "سرية {p} الأولى", "قوة حماية {p}", "غرفة عمليات {p}", "كتيبة صقور {p}", "اللواء {n}"]
TEMPLATES = [
    "أعلن {rank} {name}، المتحدث باسم {group}، أن قواته سيطرت على مدينة {place} بعد اشتباكات عنيفة.",
    "وقال {rank} {name} آمر {group} إن الوضع في {place} تحت السيطرة.",
    "وشنت {group} هجوما على مواقع {group2} قرب {place} جنوب {place2}.",
    "وتقطن المنطقة قبائل {tribe} و{tribe2} و{tribe3}، ويطالب أعيانها بوقف القتال.",
    "وأكد {person} أن {org} تدعم الحوار بين الأطراف الليبية في {place}.",
    "واستهدفت طائرات مسيرة تابعة ل{group} معسكر \"{camp}\" بمدينة {place}.",
    "وكانت {group} المتمركزة في {place} قد أعلنت انضمامها إلى {group2}.",
    "وصلت تعزيزات عسكرية من {place} و{place2} إلى {place3} وسط مخاوف من تجدد المواجهات.",
    "ويقول مراقبون إن الأزمة في {country} تتجه نحو مزيد من التعقيد مع استمرار الانقسام السياسي.",
    "وذكرت مصادر محلية أن {name2} المكنى بـ \"أبو {last}\" وهو قائد {group} غادر {place}.",
    "وأضاف أن الاجتماع الذي عقد في {place} ناقش ملف النازحين وإعادة الإعمار وتوفير الخدمات.",
    "وتشهد {place} منذ أسابيع أزمة وقود خانقة وانقطاعات متكررة للتيار الكهربائي.",
    "من جهتها، دعت {org} إلى ضبط النفس واحترام وقف إطلاق النار الموقع في {place}.",
    "وشارك في الاجتماع الشيخ {name2} وعدد من مشايخ قبيلة {tribe} وممثلون عن بلدية {place}.",
]


def _names(lexicon, etype):
    return [e.name for e in lexicon.entries if e.type == etype and not e.needs_cue] or ["طرابلس"]


def synthetic_corpus(n: int, seed: int = 7) -> list[Document]:
    """``n`` articles of 8-16 sentences built from lexicon names and templates."""
    rng = random.Random(seed)
    lex = default_lexicon()
    pools = {t: _names(lex, t) for t in ("ARMED_GROUP", "PLACE", "TRIBE", "ORGANIZATION", "COUNTRY", "PERSON")}
    docs = []
    for i in range(n):
        sentences = []
        for _ in range(rng.randint(8, 16)):
            place = rng.choice(pools["PLACE"])
            group = rng.choice(pools["ARMED_GROUP"]) if rng.random() < 0.6 else rng.choice(NEW_GROUPS).format(
                p=place, n=rng.randint(10, 400))
            slots = {
                "rank": rng.choice(RANKS),
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "name2": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "last": rng.choice(LAST)[2:],
                "group": group,
                "group2": rng.choice(pools["ARMED_GROUP"]),
                "place": place,
                "place2": rng.choice(pools["PLACE"]),
                "place3": rng.choice(pools["PLACE"]),
                "tribe": rng.choice(pools["TRIBE"]),
                "tribe2": rng.choice(pools["TRIBE"]),
                "tribe3": rng.choice(pools["TRIBE"]),
                "org": rng.choice(pools["ORGANIZATION"]),
                "country": rng.choice(pools["COUNTRY"]),
                "person": rng.choice(pools["PERSON"]),
                "camp": f"{rng.choice(['الشهيد', 'السابع', 'النصر'])} {rng.choice(LAST)[2:]}",
            }
            sentences.append(rng.choice(TEMPLATES).format(**slots))
        body = " ".join(sentences) if rng.random() < 0.5 else "\n".join(sentences)
        docs.append(Document(f"synthetic-{i:05d}", body))
    return docs


_PIPE = None


def _init():
    global _PIPE
    _PIPE = ExtractionPipeline()


def _run(doc: Document) -> int:
    r = _PIPE(doc)
    return len(r.mentions) + len(r.relations)


def measure(docs: list[Document], workers: int) -> tuple[float, int]:
    """Seconds and items (mentions + relations) for extracting ``docs``."""
    t0 = time.perf_counter()
    if workers == 1:
        _init()
        items = sum(_run(d) for d in docs)
    else:
        with mp.get_context("fork").Pool(workers, initializer=_init) as pool:
            items = sum(pool.imap_unordered(_run, docs, chunksize=64))
    return time.perf_counter() - t0, items


def _peak_mb(who) -> float:
    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=0, help="all-core run size (0: all cores)")
    args = ap.parse_args(argv)
    cores = args.workers or os.cpu_count() or 1

    t0 = time.perf_counter()
    docs = synthetic_corpus(args.articles)
    chars = sum(len(d.text) for d in docs)
    print(f"corpus: {len(docs):,} synthetic articles, {chars / len(docs):,.0f} chars/article on average "
          f"(generated in {time.perf_counter() - t0:.1f} s)")
    from conflictkg import extractors

    print(f"extractors: {'compiled' if extractors.COMPILED else 'plain Python (conflictkg compile: ~25% faster)'}")

    secs, items = measure(docs, 1)
    print(f"1 core:   {len(docs) / secs:8,.0f} articles/s  {chars / secs / 1e6:6.2f} MB/s  "
          f"({items:,} mentions+relations, {secs:.1f} s)")
    if cores > 1:
        secs_n, items_n = measure(docs, cores)
        assert items_n == items
        print(f"{cores} cores:  {len(docs) / secs_n:8,.0f} articles/s  {chars / secs_n / 1e6:6.2f} MB/s  "
              f"({secs_n:.1f} s, speed-up {secs / secs_n:.2f}x)")
    print(f"peak memory: main process {_peak_mb(resource.RUSAGE_SELF):,.0f} MB, "
          f"largest worker {_peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB")


if __name__ == "__main__":
    main()
