"""Benchmark: resolve 100,000 distinct synthetic Arabic names; compare with a naive loop.

Names are generated with the variation real news has: ى/ي, ة/ه and hamza spellings,
diacritics and tatweel, titles and ranks, classifier nouns (مدينة، بلدة), optional ال,
spaced or joined عبد/أبو compounds, ميليشيا/مليشيا, one-letter slips (ص/س، ط/ت، ذ/ز)
and word-order swaps, over synthetic people, places, tribes, groups and bodies.

Prints: names, entities, seconds, peak memory (max RSS), and the naive all-pairs
``fuzz.WRatio`` loop timed on a sample, extrapolated to the full input (pairs grow
with n²), with the speed ratio. Target: ≤ 20 s on 2 cores.

  python bench/bench_resolver.py [--names 100000] [--sample 1500] [--seed 7]
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter

from rapidfuzz import fuzz

from conflictkg.resolvers import Name, resolve

C = "بتثجحخدذرزسشصضطظعغفقكلمنهي"
GIVEN = ("محمد أحمد علي عمر خالد سالم مصطفى إبراهيم عبد الله عبد الرحمن أبو بكر يوسف حسن حسين فرج "
         "عادل طارق صالح ميلاد فتحي جمال نوري رمضان مفتاح عبد السلام عبد الحكيم أسامة هشام").split(" ")
RANKS = ["العقيد", "اللواء", "العميد", "المشير", "الرائد", "الشيخ", "اللواء المتقاعد", "النقيب"]
PLACE_CLS = ["مدينة", "بلدة", "منطقة", "قرية"]
GROUP_HEADS = ["كتيبة", "ميليشيا", "مليشيا", "سرية", "لواء", "قوة", "غرفة عمليات", "مجلس شورى ثوار"]
ORG_HEADS = ["المجلس البلدي", "وزارة", "هيئة", "لجنة", "حزب"]
SLIPS = {"ص": "س", "س": "ص", "ط": "ت", "ت": "ط", "ذ": "ز", "ز": "ذ", "ض": "ظ", "ظ": "ض", "ق": "ك"}
VOWEL_SPELLINGS = [("ي", "ى"), ("ة", "ه"), ("أ", "ا"), ("إ", "ا")]


def word(rng: random.Random) -> str:
    """A pronounceable Arabic-looking word from a random root and a common pattern."""
    a, b, c = rng.choice(C), rng.choice(C), rng.choice(C)
    d = rng.choice(C)
    return rng.choice([f"{a}{b}ا{c}", f"{a}و{b}{c}ة", f"{a}{b}ي{c}ة", f"م{a}{b}و{c}", f"{a}{b}{c}{d}ة",
                       f"{a}ا{b}{c}", f"{a}{b}{c}ان", f"{a}{b}ا{c}{d}"])


def nisba(rng: random.Random) -> str:
    return "ال" + word(rng).rstrip("ة") + "ي"


def base_entity(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    if r < 0.4:
        parts = [rng.choice(GIVEN)] + ([rng.choice(GIVEN)] if rng.random() < 0.3 else []) + [nisba(rng)]
        return ("COMMANDER" if rng.random() < 0.5 else "PERSON"), " ".join(parts)
    if r < 0.65:
        w = word(rng)
        return "PLACE", ("ال" + w if rng.random() < 0.5 else w) if rng.random() < 0.8 else f"{w} {nisba(rng)}"
    if r < 0.75:
        return "TRIBE", "ال" + word(rng).replace("ة", "") + "ة"
    if r < 0.93:
        return "ARMED_GROUP", f"{rng.choice(GROUP_HEADS)} {rng.choice(['', 'شهداء '])}{word(rng)}".replace("  ", " ")
    return "ORGANIZATION", f"{rng.choice(ORG_HEADS)} {nisba(rng)}"


def variant(rng: random.Random, etype: str, name: str) -> str:
    s = name
    for a, b in VOWEL_SPELLINGS:
        if a in s and rng.random() < 0.3:
            s = s.replace(a, b)
    r = rng.random()
    if etype in ("PERSON", "COMMANDER") and r < 0.4:
        s = f"{rng.choice(RANKS)} {s}"
    elif etype == "PLACE" and r < 0.4:
        s = f"{rng.choice(PLACE_CLS)} {s}"
    elif etype == "TRIBE" and r < 0.4:
        s = f"قبيلة {s}"
    if rng.random() < 0.15:
        s = s.replace("عبد ", "عبد").replace("أبو ", "أبو") if "عبد " in s or "أبو " in s else s.replace("عبد", "عبد ")
    if rng.random() < 0.1:
        i = rng.randrange(len(s))
        if s[i] in SLIPS:
            s = s[:i] + SLIPS[s[i]] + s[i + 1:]
    if rng.random() < 0.05:
        s = s.replace("ا", "اـ", 1)
    if rng.random() < 0.05:
        s = s.replace("ي", "يْ", 1)
    return s


def synthetic_names(n: int, seed: int = 7) -> Counter:
    rng = random.Random(seed)
    names: Counter = Counter()
    while len(names) < n:
        etype, base = base_entity(rng)
        names[Name(etype, base)] += rng.randint(1, 20)
        for _ in range(rng.randint(1, 4)):
            if len(names) >= n:
                break
            names[Name(etype, variant(rng, etype, base))] += rng.randint(1, 5)
    return names


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=int, default=100_000)
    ap.add_argument("--sample", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    names = synthetic_names(args.names, args.seed)
    before = peak_mb()
    t0 = time.perf_counter()
    res = resolve(names)
    secs = time.perf_counter() - t0
    rules = Counter(m["rule"] for e in res.entities.values() for m in e.merges)
    print(f"resolver: {len(names):,} distinct names -> {len(res.entities):,} entities in {secs:.2f} s "
          f"(target <= 20 s); peak RSS {peak_mb():.0f} MB (before resolving {before:.0f} MB)")
    print(f"  merges by rule: {dict(sorted(rules.items()))}; borderline pairs: {len(res.borderline):,}")

    sample = [n.text for n in list(names)[: args.sample]]
    t0 = time.perf_counter()
    hits = 0
    for i in range(len(sample)):
        a = sample[i]
        for j in range(i + 1, len(sample)):
            if fuzz.WRatio(a, sample[j]) >= 88:
                hits += 1
    naive = time.perf_counter() - t0
    pairs = len(sample) * (len(sample) - 1) / 2
    full_pairs = len(names) * (len(names) - 1) / 2
    projected = naive * full_pairs / pairs
    print(f"naive all-pairs fuzz.WRatio loop: {len(sample):,} names ({pairs:,.0f} pairs) in {naive:.2f} s, "
          f"{hits:,} pairs >= 88; projected for {len(names):,} names: {projected / 3600:.1f} h")
    print(f"speed ratio (projected naive / resolver): {projected / secs:,.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
