"""Gazetteer matching: the longest lexicon name starting at each token.

Proclitics (و ف ب ل ك, لل for ال) are detached for matching but never included in the
span, so ``وبنغازى`` yields the mention ``بنغازى``.
"""
from __future__ import annotations

from conflictkg.records import Mention

from .base import Analysis, register
from .cues import PLACE_CLASSIFIERS, PLACE_HEADS, TRIBE_TRIGGERS
from .lexicon import Lexicon, default_lexicon
from .text import Token, normalize_phrase, skip_letters  # noqa: F401  (skip_letters re-exported)

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
        pending = []  # names that need a cue and had none: (sentence, token, length, cut, entry ids)
        emitted: dict[int, set[int]] = {}  # sentence -> token indexes covered by a PLACE-like mention
        confirmed: set[int] = set()
        for si, tokens in enumerate(analysis.tokens):
            n = len(tokens)
            covered_until = 0
            tribe_list_end = -1
            for i in range(n):
                best = self._longest(tokens, i)
                if best is None:
                    continue
                k, negcut, idxs = best
                if i < covered_until and i + k > covered_until:
                    continue  # overlaps the end of a longer name: not a nested one
                cues = _cue_before(tokens, i)
                if i == tribe_list_end and i and (tokens[i].norm[0] == "و" or _comma_before(analysis, tokens, i)):
                    cues.add("TRIBE")  # the next item of a tribe list (قبائل الزنتان والرجبان)
                chosen = _choose(entries, idxs, cues)
                if chosen is None:
                    if i >= covered_until:
                        pending.append((si, i, k, -negcut, idxs))
                    continue
                confirmed.add(chosen)
                etype = entries[chosen].type
                if etype == "PLACE" and entries[chosen].attrs.get("kind") in TRIBAL_PLACE_KINDS and (
                    i == tribe_list_end or i and any(f in TRIBE_NOUNS for f, _ in tokens[i - 1].forms)
                ):
                    etype = "TRIBE"  # قبائل الحوامد: a village named after its tribe, here the tribe
                if etype == "TRIBE":
                    tribe_list_end = i + k
                self._emit(analysis, si, tokens, i, k, -negcut, chosen, out, etype)
                if entries[chosen].type in ("PLACE", "COUNTRY"):
                    emitted.setdefault(si, set()).update(range(i, i + k))
                # names nested in this one (a place in a group's name, قوات حفتر) are
                # matched too; overlap resolution keeps those of another type
                covered_until = max(covered_until, i + k)
        for si, i, k, cut, idxs in pending:
            tokens = analysis.tokens[si]
            chosen = next((x for x in idxs if entries[x].attrs.get("ambiguous") == "1"), None)
            if chosen is None:
                continue
            places = emitted.get(si, ())
            in_list = _in_list(analysis, tokens, i, k, cut, places)
            if chosen in confirmed or in_list or _preposition_before(tokens, i, cut):
                self._emit(analysis, si, tokens, i, k, cut, chosen, out)
        return out

    def _longest(self, tokens: list[Token], i: int):
        """(length, -proclitic letters, entry ids) of the longest name starting at ``i``."""
        by_first = self.lexicon.by_first
        n = len(tokens)
        best = None
        for form, cut in tokens[i].forms:
            for seq, idx in by_first.get(form, ()):
                k = len(seq)
                if best and (k < best[0] or (k == best[0] and -cut < best[1])):
                    break
                if i + k > n or any(tokens[i + j].break_before or tokens[i + j].norm != seq[j] for j in range(1, k)):
                    continue
                if best and best[0] == k and best[1] == -cut:
                    best[2].append(idx)
                else:
                    best = [k, -cut, [idx]]
        return best

    def _emit(self, analysis, si, tokens, i, k, cut, chosen, out, etype: str | None = None) -> None:
        entry = self.lexicon.entries[chosen]
        etype = etype or entry.type
        tok = tokens[i]
        start = tok.start + skip_letters(tok.text, cut)
        if entry.type == "PLACE" and k > 1 and tok.forms[0][0] in PLACE_CLASSIFIERS or (
            cut and any(f in PLACE_CLASSIFIERS for f, c in tok.forms if c == cut) and k > 1
        ):
            start = tokens[i + 1].start  # إقليم فزان → فزان (classifiers are not part of a mention)
        out.append(
            analysis.mention(si, start, tokens[i + k - 1].end, etype, self.name, canonical=entry.name,
                             attrs={"lexicon": entry.source, **entry.attrs})
        )


# Places that are often named after the tribe living there: after قبيلة/قبائل the tribe is meant.
TRIBAL_PLACE_KINDS = frozenset({"village", "town", "oasis", "neighbourhood", "district"})
TRIBE_NOUNS = frozenset(normalize_phrase(w) for w in "قبيلة قبائل عشيرة عشائر".split())  # not مشايخ الجفرة
PREPOSITIONS = frozenset(normalize_phrase(w) for w in "في فى من إلى الى نحو قرب حول عبر داخل خارج بين غرب شرق شمال جنوب وسط ضواحي".split())


def _preposition_before(tokens: list[Token], i: int, cut: int) -> bool:
    """A place-like reading: a preposition before the name (في سرت، بسرت، إلى القاهرة)."""
    if cut and tokens[i].norm[0] in "بل" or cut >= 2:
        return True
    # the preposition may carry a conjunction (وفي سرت)
    if i == 0 or tokens[i].break_before:
        return False
    prev = tokens[i - 1].norm
    return prev in PREPOSITIONS or prev[0] in "وف" and prev[1:] in PREPOSITIONS


def _in_list(analysis: Analysis, tokens: list[Token], i: int, k: int, cut: int, places) -> bool:
    """The name is an item of a list of places (سوكنة وودان وهون، سبها، الكفرة)."""

    def joined(a: int) -> bool:  # token a is joined to the one before by و or a comma
        return 0 < a < len(tokens) and (tokens[a].norm[0] == "و" or _comma_before(analysis, tokens, a))

    n = len(tokens)
    after_ok = i + k >= n or joined(i + k)
    if i - 1 in places and (tokens[i].norm[0] == "و" and cut or _comma_before(analysis, tokens, i)):
        # the place before is itself a list item, or the list goes on after this name
        return after_ok or any(joined(a) for a in range(max(1, i - 3), i))
    return i + k in places and joined(i + k) and (i == 0 or joined(i))


def _comma_before(analysis: Analysis, tokens: list[Token], i: int) -> bool:
    gap = analysis.document.text[tokens[i - 1].end : tokens[i].start]
    return gap.strip() in ("،", ",")


def _choose(entries, idxs: list[int], cues: set[str]) -> int | None:
    """Pick the entry a matched name stands for, given the cue words before it."""
    cued = [i for i in idxs if entries[i].type in cues]
    if cued:
        return cued[0]
    plain = [i for i in idxs if not entries[i].needs_cue]
    return plain[0] if plain else None
