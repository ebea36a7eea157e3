"""Fuzzy candidate pairs: blocking + ``rapidfuzz.process.cdist``, never all pairs in Python.

Names are compared on their *loose* form (``keys.loose_tokens``: no articles, no
conjunction و, no classifier nouns, tokens sorted) with ``fuzz.ratio`` — a plain
normalised edit similarity. Scorers that reward containment (``partial_ratio``,
``token_set_ratio``, ``WRatio``) are not used: they give ليبيا / ليبيا الجديدة 90+.

Blocking: only names of one type family and one token count are compared, inside two
blockings (the first letters of the tokens, and their last letters), so a one-letter
variant anywhere is still compared with its twin. Inside a block, ``cdist`` runs with
a ``score_cutoff``, on all cores when the block is big (``THREADED_PAIRS``); a large
block is cut into length bands (two strings whose lengths differ a lot cannot reach
the cut-off anyway).

A candidate pair must also pass :func:`tokens_compatible`: the same digits, and
tokens of four letters or fewer identical (أحمد ≠ محمد, حفتر ≠ حفطر).

>>> pairs = candidate_pairs([("PLACE", "مصراته"), ("PLACE", "مسراته"), ("PLACE", "سرت")], 80)
>>> [(i, j, round(s)) for i, j, s in pairs]
[(0, 1, 83)]
"""
from __future__ import annotations

import re
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
from rapidfuzz import fuzz, process

SCORER = "rapidfuzz.fuzz.ratio on sorted loose tokens"
MIN_LETTERS = 5  # shorter names are never fuzzy-matched: too many real neighbours
MAX_BLOCK = 3000
# Below this many pairs a block is scored on one thread: cdist starts a pool of threads
# per call, which costs more than scoring a small block (almost every block is small:
# at 10k articles 10,000 blocks of 20 pairs on average, 0.6 s on one thread, 0.8-2.8 s
# with a pool each, the worst when other processes hold the cores). Scores are the same.
THREADED_PAIRS = 100_000
SHORT_TOKEN = 4  # tokens this short must match exactly (أحمد ≠ محمد)
_DIGITS = re.compile(r"\d+")


def candidate_pairs(items: list[tuple[str, str]], cutoff: float, workers: int = -1,
                    map_blocks=None) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, score)`` with ``i < j`` and score ≥ ``cutoff``.

    ``items`` are ``(block family, loose string)`` where the loose string is the
    space-joined loose tokens. Only eligible pairs (same family, same token count,
    :func:`tokens_compatible`) are returned, sorted by score then indexes.

    ``map_blocks(items, cutoff, workers)`` does the blocking and scoring and yields
    ``(i, j, score)``, a pair possibly more than once (it may sit in both blockings):
    :func:`map_blocks_locally` by default, or whatever :func:`using_block_mapper` set
    (the Dask build groups and scores the blocks on its workers). Every pair depends
    only on its two strings, so the result is the same whichever mapper runs.
    """
    map_blocks = map_blocks or _BLOCK_MAPPER.get() or map_blocks_locally
    found: dict[tuple[int, int], float] = {}
    for i, j, s in map_blocks(items, cutoff, workers):
        found[(i, j)] = s
    return sorted(((i, j, s) for (i, j), s in found.items()), key=lambda p: (-p[2], p[0], p[1]))


_BLOCK_MAPPER: ContextVar = ContextVar("block_mapper", default=None)


@contextmanager
def using_block_mapper(map_blocks):
    """Within the block, :func:`candidate_pairs` scores its blocks with ``map_blocks``."""
    token = _BLOCK_MAPPER.set(map_blocks)
    try:
        yield
    finally:
        _BLOCK_MAPPER.reset(token)


def block_keys(fam: str, loose: str) -> list[tuple]:
    """The blocks a loose form is compared in (none for names too short to fuzzy-match).

    >>> block_keys("PLACE", "مصراته ليبيا")
    [(0, 'PLACE', 2, ('م', 'ل')), (1, 'PLACE', 2, ('ه', 'ا'))]
    >>> block_keys("PLACE", "سرت")
    []

    A token of four letters or fewer must be identical in any eligible pair
    (:func:`tokens_compatible`), so it enters the key whole: names that differ in one
    are never scored at all, instead of being scored and then rejected.

    >>> block_keys("ARMED_GROUP", "كتيبه 444 محمد")
    [(0, 'ARMED_GROUP', 3, ('ك', '444', 'محمد')), (1, 'ARMED_GROUP', 3, ('ه', '444', 'محمد'))]
    """
    if len(loose.replace(" ", "")) < MIN_LETTERS:
        return []
    toks = loose.split()
    return [(0, fam, len(toks), tuple(t if len(t) <= SHORT_TOKEN else t[0] for t in toks)),
            (1, fam, len(toks), tuple(t if len(t) <= SHORT_TOKEN else t[-1] for t in toks))]


def map_blocks_locally(items: list[tuple[str, str]], cutoff: float, workers: int = -1):
    """Block the items in memory and score every block here (``cdist`` on all cores)."""
    blocks: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for idx, (fam, loose) in enumerate(items):
        for key in block_keys(fam, loose):
            blocks[key].append((idx, loose))
    for members in blocks.values():
        yield from score_block(members, cutoff, workers)


def score_block(members: list[tuple[int, str]], cutoff: float, workers: int = -1) -> list[tuple[int, int, float]]:
    """Eligible pairs ``(i, j, score)``, ``i < j``, among one block's ``(index, loose)`` members.

    A pure function of the members (their order does not matter), so blocks can be
    scored anywhere.

    >>> score_block([(5, "مسراته"), (2, "مصراته")], 80)
    [(2, 5, 83.33333333333334)]
    """
    if len(members) < 2:
        return []
    members = sorted(members)
    found: dict[tuple[int, int], float] = {}
    for queries, choices in _bands(members):
        _score_block(queries, choices, cutoff, workers, found)
    return [(i, j, s) for (i, j), s in found.items()]


def _bands(members: list[tuple[int, str]]) -> list[tuple[list, list]]:
    """Cut a big block into (queries, choices) by length: band b against bands b and b+1."""
    if len(members) <= MAX_BLOCK:
        return [(members, members)]
    by_len: dict[int, list] = defaultdict(list)
    for m in members:
        by_len[len(m[1]) // 4].append(m)
    out = []
    for band, queries in sorted(by_len.items()):
        out.append((queries, queries + by_len.get(band + 1, [])))
    return out


def _score_block(queries, choices, cutoff, workers, found) -> None:
    if len(queries) * len(choices) < THREADED_PAIRS:
        workers = 1
    scores = process.cdist([q for _, q in queries], [c for _, c in choices], scorer=fuzz.ratio,
                           score_cutoff=cutoff, workers=workers, dtype=np.uint8)
    rows, cols = np.nonzero(scores)
    for r, k in zip(rows.tolist(), cols.tolist()):
        (i, si), (j, sj) = queries[r], choices[k]
        if i == j:
            continue
        (a, sa), (b, sb) = ((i, si), (j, sj)) if i < j else ((j, sj), (i, si))
        if (a, b) in found:
            continue
        if tokens_compatible(sa, sb):
            found[(a, b)] = fuzz.ratio(sa, sb)


def tokens_compatible(a: str, b: str) -> bool:
    """Can these two loose forms be spellings of one name at all?

    >>> tokens_compatible("احمد مسماري", "محمد مسماري")
    False
    >>> tokens_compatible("مسماري احمد", "مسمارى احمد".replace("ى", "ي"))
    True
    >>> tokens_compatible("لواء 444", "لواء 443")
    False
    """
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return False
    ta, tb = a.split(), b.split()
    if len(ta) != len(tb):
        return False
    for x, y in zip(ta, tb):
        if x != y and (min(len(x), len(y)) <= SHORT_TOKEN or fuzz.ratio(x, y) < 75):
            return False
    return True


def score(a: str, b: str) -> float:
    """The fuzzy score of two loose strings (what :func:`candidate_pairs` reports).

    >>> round(score("ليبيا", "جديده ليبيا"))
    62
    """
    return fuzz.ratio(a, b)
