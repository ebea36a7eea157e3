"""Gazetteer matching: the longest lexicon name starting at each token.

Proclitics (و ف ب ل ك, لل for ال) are detached for matching but never included in the
span, so ``وبنغازى`` yields the mention ``بنغازى``.
"""
from __future__ import annotations

from functools import lru_cache

from conflictkg.records import Mention

from .base import Analysis, register
from .cues import PLACE_CLASSIFIERS, PLACE_HEADS, TRIBE_TRIGGERS
from .lexicon import Lexicon, default_lexicon
from .text import Token, normalize_phrase, skip_letters  # noqa: F401  (skip_letters re-exported)

_TYPE_CUES = {"PLACE": PLACE_CLASSIFIERS | PLACE_HEADS, "TRIBE": TRIBE_TRIGGERS}


def _cue_before(tokens: list[Token], i: int) -> frozenset[str]:
    """Entity types whose cue word directly precedes token ``i`` (one or two words)."""
    if i == 0 or tokens[i].break_before:
        return frozenset()
    two_back = tokens[i - 2].forms if i >= 2 and not tokens[i - 1].break_before else None
    return _cue_types(tokens[i - 1].forms, two_back)


@lru_cache(maxsize=100_000)
def _cue_types(prev: tuple, prev2: tuple | None) -> frozenset[str]:
    """Types cued by the word before a name (its forms ``prev``) and, when not separated
    from it, the word before that (``prev2``); cached, the same pairs recur all the time."""
    one = {f for f, _ in prev}
    two = {f"{f} {prev[0][0]}" for f, _ in prev2} if prev2 is not None else set()
    return frozenset(etype for etype, cues in _TYPE_CUES.items() if one & cues or two & cues)


@register("lexicon")
class LexiconExtractor:
    name = "lexicon"

    def __init__(self, lexicon: Lexicon | None = None, lexicon_files: tuple[str, ...] = ()):
        self.lexicon = lexicon or default_lexicon(tuple(lexicon_files))
        entries = self.lexicon.entries
        self._types = [e.type for e in entries]
        self._needs_cue = [e.needs_cue for e in entries]
        self._groups = _group_candidates(self.lexicon.by_first)
        self._readings: dict[str, tuple] = {}  # token norm -> its readings that start a name
        self._max_len = max((k for groups in self._groups.values() for k, _ in groups), default=1)

    def __call__(self, analysis: Analysis) -> list[Mention]:
        out: list[Mention] = []
        entries = self.lexicon.entries
        pending = []  # names that need a cue and had none: (sentence, token, length, cut, entry ids)
        emitted: dict[int, set[int]] = {}  # sentence -> token indexes covered by a PLACE-like mention
        confirmed: set[int] = set()
        # exact types: compiled, the per-token loop below then runs on C integers and
        # direct list and dict access
        readings: dict = self._readings
        max_len = self._max_len
        tokens: list
        for si, tokens in enumerate(analysis.tokens):
            n = len(tokens)
            norms: list = analysis.norms(si)
            covered_until = 0
            tribe_list_end = -1
            for i in range(n):
                cands = readings.get(norms[i])
                if cands is None:
                    cands = self._name_readings(tokens[i])
                if not cands:
                    continue  # most tokens start no lexicon name
                # tokens from i on with no break between them (a name never spans a break),
                # counted up to the longest name: only where a name may start
                run = 1
                while run < max_len and i + run < n and not tokens[i + run].break_before:
                    run += 1
                best = _longest(cands, i, norms, run)
                if best is None:
                    continue
                k, negcut, idxs = best
                if i < covered_until and i + k > covered_until:
                    continue  # overlaps the end of a longer name: not a nested one
                cues = _cue_before(tokens, i)
                if i == tribe_list_end and i and (tokens[i].norm[0] == "و" or _comma_before(analysis, tokens, i)):
                    cues = cues | {"TRIBE"}  # the next item of a tribe list (قبائل الزنتان والرجبان)
                chosen = self._choose(idxs, cues)
                if chosen is None:
                    if i >= covered_until:
                        pending.append((si, i, k, -negcut, idxs))
                    continue
                confirmed.add(chosen)
                etype = entries[chosen].type
                if etype == "PLACE" and entries[chosen].attrs.get("kind") in TRIBAL_PLACE_KINDS and (
                    i == tribe_list_end or i and not TRIBE_NOUNS.isdisjoint([f for f, _ in tokens[i - 1].forms])
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
        self._confirm(analysis, pending, emitted, confirmed, out)
        return out

    def _confirm(self, analysis: Analysis, pending: list, emitted: dict, confirmed: set, out: list) -> None:
        """Emit the ambiguous names of ``pending`` that the document confirms: named
        elsewhere with a cue, an item of a list of places, or after a preposition."""
        entries = self.lexicon.entries
        for si, i, k, cut, idxs in pending:
            tokens = analysis.tokens[si]
            chosen = next((x for x in idxs if entries[x].attrs.get("ambiguous") == "1"), None)
            if chosen is None:
                continue
            places = emitted.get(si, ())
            in_list = _in_list(analysis, tokens, i, k, cut, places)
            if chosen in confirmed or in_list or _preposition_before(tokens, i, cut):
                self._emit(analysis, si, tokens, i, k, cut, chosen, out)

    def _name_readings(self, token: Token) -> tuple:
        """``((-cut, groups), ...)``: the readings of ``token`` that start a lexicon name,
        with their candidates (see ``_group_candidates``); cached per normal form."""
        readings = self._readings
        if len(readings) >= _MAX_READINGS:
            readings.clear()  # keeps memory flat on huge corpora; refilled from the common words
        cands = readings[token.norm] = tuple(
            (-cut, self._groups[form]) for form, cut in token.forms if form in self._groups
        )
        return cands

    def _choose(self, idxs: list[int], cues: frozenset[str]) -> int | None:
        """Pick the entry a matched name stands for, given the cue words before it:
        the first of the cued type, else the first that needs no cue."""
        if cues:
            types = self._types
            for x in idxs:
                if types[x] in cues:
                    return x
        needs_cue = self._needs_cue
        for x in idxs:
            if not needs_cue[x]:
                return x
        return None

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

    n = len(tokens)
    after_ok = i + k >= n or _joined(analysis, tokens, i + k)
    if i - 1 in places and (tokens[i].norm[0] == "و" and cut or _comma_before(analysis, tokens, i)):
        # the place before is itself a list item, or the list goes on after this name
        return after_ok or any(_joined(analysis, tokens, a) for a in range(max(1, i - 3), i))
    return i + k in places and _joined(analysis, tokens, i + k) and (i == 0 or _joined(analysis, tokens, i))


def _joined(analysis: Analysis, tokens: list[Token], a: int) -> bool:
    """Token ``a`` is joined to the one before by و or a comma.

    (A module function, not a closure in ``_in_list``: compiled, a closure used by a
    generator forms a reference cycle that kept each document's analysis alive until
    the cyclic garbage collector ran.)
    """
    return 0 < a < len(tokens) and (tokens[a].norm[0] == "و" or _comma_before(analysis, tokens, a))


def _comma_before(analysis: Analysis, tokens: list[Token], i: int) -> bool:
    gap = analysis.document.text[tokens[i - 1].end : tokens[i].start]
    return gap.strip() in ("،", ",")


_MAX_READINGS = 200_000


def _group_candidates(by_first: dict) -> dict[str, tuple]:
    """``Lexicon.by_first`` regrouped for matching: first word -> ``((length, {rest: ids}), ...)``.

    Lengths come longest first, as in ``by_first``; ``rest`` is the tuple of the name's
    other words and ``ids`` its entry ids in ``by_first`` order. A name of length ``k``
    then costs one dict lookup of the ``k - 1`` following words instead of a word by word
    comparison with every candidate.
    """
    grouped = {}
    for first, cands in by_first.items():
        by_len: dict[int, dict[tuple, list[int]]] = {}
        for seq, idx in cands:
            by_len.setdefault(len(seq), {}).setdefault(seq[1:], []).append(idx)
        grouped[first] = tuple(sorted(by_len.items(), key=lambda g: -g[0]))
    return grouped


def _longest(readings: tuple, i: int, norms: list[str], run: int):
    """``[length, -proclitic letters, entry ids]`` of the longest name starting at token ``i``,
    at most ``run`` tokens long.

    ``readings`` are the token's readings that start a name (``_name_readings``), fewest
    proclitic letters first; among equally long names the reading with fewer proclitic
    letters wins and the ids of all its names of that length are kept.
    """
    best = None
    for negcut, groups in readings:
        for k, by_rest in groups:
            if best and (k < best[0] or (k == best[0] and negcut < best[1])):
                break
            if k > run:
                continue
            ids = by_rest.get(tuple(norms[i + 1 : i + k]))
            if ids is None:
                continue
            if best and best[0] == k and best[1] == negcut:
                best[2].extend(ids)
            else:
                best = [k, negcut, list(ids)]
    return best
