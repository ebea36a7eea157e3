"""Resolution quality on the seed articles (read at run time from ../shared, never copied).

Floors: cross-document pairwise F1 and B-cubed F1 ≥ 0.97 (``conflictkg.evaluate`` on a
seeds build), and every pair of registry entities that share a word — the pairs the gold
keeps apart on purpose (سرايا الدفاع عن بنغازي / مجلس شورى ثوار بنغازي, الجيش الوطني
الليبي / القيادة العامة للجيش الليبي, the tribe السواكنة / the town سوكنة ...) — stays
apart, both in the build and when the registry's own variants are resolved.

Skipped when the seeds are missing, unless CI=true (then missing seeds fail).
"""
from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import pytest

from conflictkg.evaluate import evaluate, surface_keys
from conflictkg.extractors.text import normalize_phrase
from conflictkg.resolvers.keys import family, strip_article

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"
GOLD = SEEDS / "gold"
FLOOR = 0.97
_FUNCTION_WORDS = {normalize_phrase(w) for w in ("في", "عن", "حول", "على", "من", "إلى")}

pytestmark = pytest.mark.seeds


@pytest.fixture(scope="module")
def registry() -> dict:
    if not (GOLD / "registry.json").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"seed corpus missing at {SEEDS} (CI=true)")
        pytest.skip(f"seed corpus not found at {SEEDS}")
    return json.loads((GOLD / "registry.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(registry, tmp_path_factory) -> Path:
    from conflictkg.build import BuildOptions, build

    out = tmp_path_factory.mktemp("seeds") / "out"
    build([str(SEEDS)], out, BuildOptions(workers=1, quiet=True))
    return out


# the examples the gold README gives of distinct entities with similar names
NAMED_APART = [("bdb", "shura-benghazi"), ("beitelmal", "jadran"), ("lna", "lna-gc"), ("sokna", "tribe-sawakna")]


def kept_apart(registry: dict) -> list[tuple[str, str]]:
    """Registry keys whose variants share a content word, plus the README's named pairs."""
    words = {}
    for key, e in registry.items():
        ws = set()
        for v in [e["canonical"], *e["variants"]]:
            ws |= {strip_article(w) for w in normalize_phrase(v).split()}
        words[key] = {w for w in ws if len(w) >= 3 and w not in _FUNCTION_WORDS}
    pairs = {(a, b) for a, b in combinations(sorted(registry), 2) if words[a] & words[b]}
    return sorted(pairs | {p for p in NAMED_APART if p[0] in registry and p[1] in registry})


def test_registry_has_pairs_kept_apart_on_purpose(registry):
    pairs = kept_apart(registry)
    assert set(NAMED_APART) <= set(pairs)
    assert len(pairs) > len(NAMED_APART)


def test_cross_document_resolution_floors(built):
    r = evaluate(GOLD, built).resolution
    assert r["items"] > 50
    assert r["pairwise_f1"] >= FLOOR, r
    assert r["bcubed_f1"] >= FLOOR, r


def test_kept_apart_pairs_stay_apart_in_the_build(built, registry):
    ids = defaultdict(set)  # registry key -> entity ids of mentions spelled like its variants
    by_surface = defaultdict(set)
    for key, e in registry.items():
        for v in e["variants"]:
            for s in surface_keys(v):
                by_surface[(family(e["type"]), s)].add(key)
    with open(built / "mentions.jsonl", encoding="utf-8") as fh:
        for line in fh:
            m = json.loads(line)
            for s in surface_keys(m["text"]):
                for key in by_surface.get((family(m["type"]), s), ()):
                    ids[key].add(m["entity"])
    pairs = kept_apart(registry)
    merged = [(a, b) for a, b in pairs if ids[a] & ids[b] and not _same_surface(registry, a, b)]
    assert not merged


def test_kept_apart_pairs_stay_apart_when_the_registry_itself_is_resolved(registry):
    from conflictkg.extractors.lexicon import default_lexicon
    from conflictkg.resolvers import Name, resolve

    names = Counter({Name(e["type"], v): 1 for e in registry.values() for v in e["variants"]})
    res = resolve(names, lexicon=default_lexicon())
    ents = {k: {res.entity_of[Name(e["type"], v)] for v in e["variants"]} for k, e in registry.items()}
    merged = [(a, b) for a, b in kept_apart(registry) if ents[a] & ents[b]]
    assert not merged


def _same_surface(registry, a, b) -> bool:
    """Two keys listing one identical surface cannot be told apart by the name alone."""
    sa = {normalize_phrase(v) for v in registry[a]["variants"]}
    return bool(sa & {normalize_phrase(v) for v in registry[b]["variants"]})
