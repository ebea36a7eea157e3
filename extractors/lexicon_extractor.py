"""Gazetteer matching: the longest lexicon name starting at each token.

Proclitics (و ف ب ل ك, لل for ال) are detached for matching but never included in the
span, so ``وبنغازى`` yields the mention ``بنغازى``.
"""
from __future__ import annotations

from conflictkg.records import Mention

from .base import Analysis, register
from .cues import PLACE_CLASSIFIERS, PLACE_HEADS, TRIBE_TRIGGERS
from .lexicon import Lexicon, default_lexicon
from .text import Token, skip_letters  # noqa: F401  (skip_letters re-exported)

_TYPE_CUES = {"PLACE": PLACE_CLASSIFIERS | PLACE_HEADS, "TRIBE": TRIBE_TRIGGERS}


def _cue_before(tokens: list[Token], i: int) -> set[str]:
    """Entity types whose cue word directly precedes token ``i`` (one or two words)."""
    types = set()
    if i == 0 or tokens[i].break_before:
        return types
    prev = {f for f, _ in tokens[i - 1].forms}
    prev2 = set()
    if i >= 2 and not tokens[i - 1].break_before:
        prev2 = {f"{f} {tokens[i - 1].norm}" for f, _ in tokens[i - 2].forms}
    for etype, cues in _TYPE_CUES.items():
        if prev & cues or prev2 & cues:
            types.add(etype)
    return types


@register("lexicon")
class LexiconExtractor:
    name = "lexicon"

    def __init__(self, lexicon: Lexicon | None = None, lexicon_files: tuple[str, ...] = ()):
        self.lexicon = lexicon or default_lexicon(tuple(lexicon_files))

    def __call__(self, analysis: Analysis) -> list[Mention]:
        out: list[Mention] = []
        entries = self.lexicon.entries
        by_first = self.lexicon.by_first
        for si, tokens in enumerate(analysis.tokens):
            n = len(tokens)
            i = 0
            while i < n:
                best = None  # (length, -cut, token tuple, entry indexes)
                for form, cut in tokens[i].forms:
                    for seq, idx in by_first.get(form, ()):
                        k = len(seq)
                        if best and (k < best[0] or (k == best[0] and -cut < best[1])):
                            break
                        if i + k > n or any(
                            tokens[i + j].break_before or tokens[i + j].norm != seq[j] for j in range(1, k)
                        ):
                            continue
                        if best and best[0] == k and best[1] == -cut:
                            best[3].append(idx)
                        else:
                            best = [k, -cut, seq, [idx]]
                if best is None:
                    i += 1
                    continue
                k, negcut, _, idxs = best
                cues = _cue_before(tokens, i)
                chosen = _choose(entries, idxs, cues)
                if chosen is not None:
                    tok = tokens[i]
                    start = tok.start + skip_letters(tok.text, -negcut)
                    entry = entries[chosen]
                    out.append(
                        analysis.mention(
                            si,
                            start,
                            tokens[i + k - 1].end,
                            entry.type,
                            self.name,
                            canonical=entry.name,
                            attrs={"lexicon": entry.source, **entry.attrs},
                        )
                    )
                    i += k
                else:
                    i += 1
        return out


def _choose(entries, idxs: list[int], cues: set[str]) -> int | None:
    """Pick the entry a matched name stands for, given the cue words before it."""
    cued = [i for i in idxs if entries[i].type in cues]
    if cued:
        return cued[0]
    plain = [i for i in idxs if not entries[i].needs_cue]
    return plain[0] if plain else None
