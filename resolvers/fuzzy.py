"""Fuzzy candidate pairs: blocking + ``rapidfuzz.process.cdist``, never all pairs in Python.

Names are compared on their *loose* form (``keys.loose_tokens``: no articles, no
conjunction و, no classifier nouns, tokens sorted) with ``fuzz.ratio`` — a plain
normalised edit similarity. Scorers that reward containment (``partial_ratio``,
``token_set_ratio``, ``WRatio``) are not used: they give ليبيا / ليبيا الجديدة 90+.

Blocking: only names of one type family and one token count are compared, inside two
blockings (the first letters of the tokens, and their last letters), so a one-letter
variant anywhere is still compared with its twin. Inside a block, ``cdist`` runs on
all cores with a ``score_cutoff``; a large block is cut into length bands (two strings
whose lengths differ a lot cannot reach the cut-off anyway).

A candidate pair must also pass :func:`tokens_compatible`: the same digits, and
tokens of four letters or fewer identical (أحمد ≠ محمد, حفتر ≠ حفطر).

>>> pairs = candidate_pairs([("PLACE", "مصراته"), ("PLACE", "مسراته"), ("PLACE", "سرت")], 80)
>>> [(i, j, round(s)) for i, j, s in pairs]
[(0, 1, 83)]
"""
from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
from rapidfuzz import fuzz, process

SCORER = "rapidfuzz.fuzz.ratio on sorted loose tokens"
MIN_LETTERS = 5  # shorter names are never fuzzy-matched: too many real neighbours
MAX_BLOCK = 3000
_DIGITS = re.compile(r"\d+")


def candidate_pairs(items: list[tuple[str, str]], cutoff: float, workers: int = -1) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, score)`` with ``i < j`` and score ≥ ``cutoff``.

    ``items`` are ``(block family, loose string)`` where the loose string is the
    space-joined loose tokens. Only eligible pairs (same family, same token count,
    :func:`tokens_compatible`) are returned, sorted by score then indexes.
    """
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for idx, (fam, loose) in enumerate(items):
        toks = loose.split()
        if len(loose.replace(" ", "")) < MIN_LETTERS:
            continue
        blocks[(0, fam, len(toks), tuple(t[0] for t in toks))].append(idx)
        blocks[(1, fam, len(toks), tuple(t[-1] for t in toks))].append(idx)
    found: dict[tuple[int, int], float] = {}
    for members in blocks.values():
        if len(members) < 2:
            continue
        for queries, choices in _bands(members, items):
            _score_block(queries, choices, items, cutoff, workers, found)
    return sorted(((i, j, s) for (i, j), s in found.items()), key=lambda p: (-p[2], p[0], p[1]))


def _bands(members: list[int], items) -> list[tuple[list[int], list[int]]]:
    """Cut a big block into (queries, choices) by length: band b against bands b and b+1."""
    if len(members) <= MAX_BLOCK:
        return [(members, members)]
    by_len: dict[int, list[int]] = defaultdict(list)
    for idx in members:
        by_len[len(items[idx][1]) // 4].append(idx)
    out = []
    for band, queries in sorted(by_len.items()):
        out.append((queries, queries + by_len.get(band + 1, [])))
    return out


def _score_block(queries, choices, items, cutoff, workers, found) -> None:
    q = [items[i][1] for i in queries]
    c = [items[i][1] for i in choices]
    scores = process.cdist(q, c, scorer=fuzz.ratio, score_cutoff=cutoff, workers=workers, dtype=np.uint8)
    rows, cols = np.nonzero(scores)
    for r, k in zip(rows.tolist(), cols.tolist()):
        i, j = queries[r], choices[k]
        if i == j:
            continue
        a, b = (i, j) if i < j else (j, i)
        if (a, b) in found:
            continue
        if tokens_compatible(items[a][1], items[b][1]):
            found[(a, b)] = fuzz.ratio(items[a][1], items[b][1])


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
        if x != y and (min(len(x), len(y)) <= 4 or fuzz.ratio(x, y) < 75):
            return False
    return True


def score(a: str, b: str) -> float:
    """The fuzzy score of two loose strings (what :func:`candidate_pairs` reports).

    >>> round(score("ليبيا", "جديده ليبيا"))
    62
    """
    return fuzz.ratio(a, b)
