"""Pattern extractor: names that no lexicon knows, found after trigger words.

``العقيد <name>`` → COMMANDER, ``الشيخ <name>`` → PERSON, ``مدينة <name>`` → PLACE,
``قبائل <a> و<b> و<c>`` → three TRIBEs, ``كتيبة <name>`` → ARMED_GROUP (trigger kept in
the span, as the gold convention writes group names), ``قاعدة <name> الجوية`` → PLACE,
a quoted name after a trigger (``ميليشيا "..."``) → the quoted words, and a person
name right before a role (``<name> قائد كتيبة ...``) → COMMANDER.

A name runs over the following words until a boundary: punctuation, a function word,
a frequent verb, a role noun or relational adjective, a number (except in group
names), a conjunction starting a new phrase, or the sentence end. Mentions found by
earlier components (the lexicon) are visible as ``analysis.prior`` and take priority:
a trigger followed by a known name of another type is not reinterpreted.

>>> from conflictkg.records import Document
>>> from conflictkg.extractors.base import Analysis
>>> a = Analysis.of(Document("d", "وصل العقيد سالم الفيتوري إلى قبائل الأحامد والبراعصة."))
>>> [(m.text, m.type) for m in PatternExtractor()(a)]
[('سالم الفيتوري', 'COMMANDER'), ('الأحامد', 'TRIBE'), ('البراعصة', 'TRIBE')]
"""
from __future__ import annotations

from functools import lru_cache

from conflictkg.records import Mention

from .base import Analysis, register
from .cues import (
    AMBIGUOUS_FIRST_NAMES,
    FACILITY_ADJECTIVES,
    FIRST_NAMES,
    FUNCTION_WORDS,
    GENERIC_NAME_WORDS,
    NAME_ENDERS,
    NAME_JOINERS,
    NATIONALITIES,
    PERSON_TITLES,
    PLACE_CLASSIFIERS,
    PLACE_HEADS,
    PLACE_PREFIXES,
    RANKS,
    TITLE_MODIFIERS,
    TRIBE_PREFIXES,
    VERBS,
    _norm_set,
    _words,
)
from .text import Token, skip_letters

STOP = FUNCTION_WORDS | VERBS | NAME_ENDERS
OPEN_QUOTES = "\"'«“„‘"
CLOSE_QUOTES = "\"'»”’"

# Triggers that start a group name and stay in its span.
GROUP_HEADS = _norm_set(
    "كتيبة، الكتيبة، كتائب، سرية، سرايا، قوة، القوة، قوات، لواء، فيلق، درع، جيش، جماعة، تنظيم، تجمع، "
    "غرفة عمليات، مجلس شورى، المجلس العسكري، مجلس عسكري، مجلس ثوار، المجلس العسكري ل، المنطقة العسكرية"
)
# Unit kinds after a unit number (الكتيبة 309 مشاة، اللواء 128 مجحفل).
UNIT_KINDS = _words("مشاة مشاه قتال صاعقة مدفعية دبابات مجحفل مجحفلة مشاة آلية حرس مهام مشاة")
# Heads of local councils: the place after them is the council's (المجلس البلدي الزاوية).
COUNCIL_HEADS = _norm_set("المجلس البلدي، المجلس المحلي، المجلس البلدي ل، المجلس المحلي ل، مجلس بلدي، مجلس محلي")
# An indefinite unit noun before a name that itself starts with درع is part of that name
# (كتيبة درع ليبيا 1، كتيبة درع الجنوب): درع names a unit, it does not classify it.
UNIT_HEADS = _words("كتيبة سرية")
NAMED_HEADS = _words("درع")
# Heads of military councils: with a known place after them, the council of that place.
MILITARY_COUNCIL_HEADS = _norm_set("المجلس العسكري، المجلس العسكري ل، مجلس عسكري، المجلس العسكري لثوار")
# Generic group nouns: before another group name they are dropped (ميليشيات سرايا ...).
MILITIA_WORDS = _norm_set("ميليشيا، مليشيا، ميلشيا، ميليشيات، مليشيات، ميلشيات، ميليشات، عصابة، عصابات")
# Triggers whose quoted name is taken without the trigger (غرفة "تحرير الموانئ").
QUOTE_TRIGGERS = GROUP_HEADS | MILITIA_WORDS | _norm_set("غرفة، معسكر، قاعدة، عملية، حركة") | PLACE_HEADS | PLACE_CLASSIFIERS
# Place classifiers that make a reliable pattern (مناطق, محيط ... are too vague).
PLACE_TRIGGERS = PLACE_CLASSIFIERS - _norm_set("مناطق، محيط، ضواحي، مدن، بلدات، مديريات، حي، شعبية")
TRIBE_WORDS = _norm_set("قبيلة، قبائل، عشيرة، عشائر، قبيلتي، أبناء قبيلة")
ROLE_AFTER_NAME = _norm_set("قائد، آمر، القائد، الآمر، زعيم، أمير، المتحدث، الناطق، المتحدث باسم، الناطق باسم")
CIVIL_ROLE_AFTER_NAME = _norm_set("رئيس، مدير، وزير، عضو، نائب، مستشار")
PERSON_TITLES_EXTRA = _norm_set("مفتي الديار الليبية، المفتي، رئيس الوزراء، رئيس الحكومة، رئيس المجلس الرئاسي")
PURPOSE_WORDS = _words("حماية تأمين مكافحة تحرير الدفاع دعم إسناد")
ORDINALS = _words(
    "الأول الثاني الثالث الرابع الخامس السادس السابع الثامن التاسع العاشر الحادي الثاني عشر الأولى الثانية "
    "الثالثة الرابعة الخامسة السادسة السابعة الثامنة التاسعة العاشرة"
)
MARTYR_WORDS = _words("الشهيد شهيد الشهداء شهداء")
RANK_WORDS = frozenset(w for r in RANKS | PERSON_TITLES for w in r.split())
_TRIGGER_FIRSTS: frozenset[str] = frozenset()  # set below, once the trigger sets exist
MAX_NAME = {"COMMANDER": 4, "PERSON": 4, "PLACE": 2, "TRIBE": 2, "ARMED_GROUP": 5}


def _trigger_firsts() -> frozenset[str]:
    phrases = (RANKS | PERSON_TITLES | PERSON_TITLES_EXTRA | QUOTE_TRIGGERS | GROUP_HEADS | TRIBE_WORDS | COUNCIL_HEADS
               | PLACE_TRIGGERS | PLACE_HEADS | ROLE_AFTER_NAME | _norm_set("حي، بحي، وبحي، فبحي"))
    return frozenset(p.split()[0] for p in phrases)


@lru_cache(maxsize=200_000)
def _may_trigger(forms: tuple) -> bool:
    """Whether any reading of a token starts a trigger phrase (cached per token form)."""
    return any(f in _TRIGGER_FIRSTS for f, _ in forms)


_TRIGGER_FIRSTS = _trigger_firsts()


def _forms(tok: Token) -> set[str]:
    return {f for f, _ in tok.forms}


def _phrase_at(tokens: list[Token], i: int, phrases: frozenset[str], bare: bool = False) -> int:
    """Length (1-3) of the longest phrase of ``phrases`` starting at token ``i``, else 0.

    With ``bare`` the first token must match without a proclitic.
    """
    n = len(tokens)
    firsts = (tokens[i].norm,) if bare else [f for f, _ in tokens[i].forms]
    best = 0
    for first in firsts:
        if first in phrases:
            best = max(best, 1)
        acc = first
        for k in (1, 2):
            if i + k >= n or tokens[i + k].break_before:
                break
            acc = f"{acc} {tokens[i + k].norm}"
            if acc in phrases:
                best = max(best, k + 1)
    return best


PERSON_TITLES_ALL = PERSON_TITLES | PERSON_TITLES_EXTRA


# The trigger sets ``PatternExtractor._sentence`` tries, in its order; one index of
# phrase -> the sets holding it lets it measure all of them in one pass.
TRIGGER_SETS = (RANKS, PERSON_TITLES_ALL, QUOTE_TRIGGERS, COUNCIL_HEADS, MILITARY_COUNCIL_HEADS, GROUP_HEADS,
                TRIBE_WORDS, PLACE_TRIGGERS, PLACE_HEADS)


def _sets_of_phrases(sets) -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for x, phrases in enumerate(sets):
        for phrase in phrases:
            index.setdefault(phrase, []).append(x)
    return {phrase: tuple(xs) for phrase, xs in index.items()}


_TRIGGERS_OF = _sets_of_phrases(TRIGGER_SETS)


def _trigger_lengths(tokens: list[Token], i: int) -> list[int]:
    """For each of ``TRIGGER_SETS``, the length in tokens of its longest phrase that
    starts at token ``i`` (any reading of that token; 0 if none).

    A phrase has 1-3 words and never spans a break. Same as ``_phrase_at`` per set.
    """
    n = len(tokens)
    tail = []
    acc = ""
    for k in (1, 2):
        if i + k >= n or tokens[i + k].break_before:
            break
        acc = f"{acc} {tokens[i + k].norm}"
        tail.append((acc, k + 1))
    lengths = [0] * len(TRIGGER_SETS)
    triggers_of = _TRIGGERS_OF
    for first, _ in tokens[i].forms:
        for x in triggers_of.get(first, ()):
            if lengths[x] < 1:
                lengths[x] = 1
        for rest, k in tail:
            for x in triggers_of.get(first + rest, ()):
                if lengths[x] < k:
                    lengths[x] = k
    return lengths


def _is_stop(tok: Token) -> bool:
    if tok.norm in STOP or len(tok.norm) < 2 or tok.text[0].isdigit():
        return True
    if _inflected(tok):
        return True
    # a conjunction or preposition glued to a stop word (وهو، فيما، بأن)
    return any(cut and form in STOP for form, cut in tok.forms)


def _inflected(tok: Token) -> bool:
    """A word with a pronoun suffix or a plural verb ending: never part of a name.

    ``ضرباتها``، ``صفوفه``، ``قواتهم``، ``مازالوا``، ``عقدوا``. The written ``ه`` (not
    ``ة``) marks the suffix; ``عبدالله`` and short names are spared.
    """
    text = tok.text.rstrip("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652")
    if len(tok.norm) < 4 or tok.norm.startswith("ال"):
        return text.endswith(("هم", "هما", "هن")) and len(tok.norm) > 5
    if text.endswith("ه") and not text.endswith("لله"):
        return True
    return text.endswith(("ها", "هم", "هما", "هن", "وا"))


def _conj(tok: Token) -> bool:
    """Starts with the conjunction و/ف (a new phrase), unless it is itself a name."""
    return tok.norm[0] in "وف" and len(tok.norm) > 3 and tok.norm not in FIRST_NAMES


def _definite(norm: str) -> bool:
    return norm.startswith("ال") and len(norm) > 3


def _generic(norm: str) -> bool:
    return norm in GENERIC_NAME_WORDS or (norm.startswith("ال") and norm[2:] in GENERIC_NAME_WORDS)


def _adjective_like(norm: str) -> bool:
    """Indefinite nisba adjective (عسكرية، جوي): not a name on its own."""
    return not norm.startswith("ال") and norm.endswith(("يه", "ي", "يا"))


def _quoted(analysis: Analysis, tokens: list[Token], j: int, max_len: int = 6) -> int:
    """End index of a quoted name starting at token ``j`` (opening quote before it), else 0."""
    text = analysis.document.text
    prev_end = tokens[j - 1].end if j else 0
    if not any(c in OPEN_QUOTES for c in text[prev_end : tokens[j].start]):
        return 0
    k = j + 1
    while k < len(tokens) and k - j < max_len:
        gap = text[tokens[k - 1].end : tokens[k].start]
        if any(c in CLOSE_QUOTES for c in gap):
            break
        if gap.strip():
            return 0
        k += 1
    else:
        if k == len(tokens) or k - j >= max_len:
            end_gap = text[tokens[k - 1].end : tokens[k].start] if k < len(tokens) else text[tokens[k - 1].end :][:3]
            if not any(c in CLOSE_QUOTES for c in end_gap):
                return 0
    while k > j + 1 and tokens[k - 1].norm in FUNCTION_WORDS:  # "... سابقا"
        k -= 1
    return k


def person_name_end(tokens: list[Token], j: int, max_len: int = 4, definite_ok: bool = False, stop_at: int | None = None,
                    nisba_ok: bool = False) -> int:
    """End index of a person name starting at token ``j`` (``j`` when there is none).

    ``عبد``/``أبو``/``بن`` join the next word. A first word with the article is
    accepted when it is a known first name (الصادق) or ``definite_ok`` is set and it is
    no adjective (a surname alone after a title: الرئيس السيسي). With ``nisba_ok`` (after
    a rank) a nisba right after a lone first name is the surname, not a nationality: a
    rank is not followed by a bare first name (العقيد سالم المغربي).
    """
    n = len(tokens) if stop_at is None else min(stop_at, len(tokens))
    k = j
    while k < n and k - j < max_len:
        t = tokens[k]
        if k > j and t.break_before:
            break
        first_name = k == j and t.norm in FIRST_NAMES  # علي (also the normalised على)
        if nisba_ok and k == j + 1 and t.norm in NATIONALITIES and _nisba(t.norm) and tokens[j].norm in FIRST_NAMES:
            k += 1
            continue
        if not first_name and (_is_stop(t) or t.norm in NATIONALITIES or t.norm in GENERIC_NAME_WORDS or t.norm in RANK_WORDS):
            break
        if k > j and (_conj(t) or t.norm.startswith(("بال", "لل", "وال", "فال", "كال"))):
            break  # a new phrase: وعدد، بالشيخ، للجيش
        if k == j and _definite(t.norm) and t.norm not in FIRST_NAMES:
            if not (definite_ok and t.norm.endswith("ي") and t.norm not in TITLE_MODIFIERS):
                break
            return j + 1  # a lone surname
        if t.norm in NAME_JOINERS and k + 1 < n and not tokens[k + 1].break_before:
            k += 2
            continue
        k += 1
    return k


def _nisba(norm: str) -> bool:
    """A masculine singular nisba with the article (المغربي), not الليبيه / ليبيين."""
    return norm.startswith("ال") and norm.endswith("ي")


def _skip_modifiers(tokens: list[Token], j: int) -> int:
    while j < len(tokens) and not tokens[j].break_before and (
        tokens[j].norm in TITLE_MODIFIERS or tokens[j].norm in NATIONALITIES
    ):
        j += 1
    return j


@register("pattern")
class PatternExtractor:
    name = "pattern"

    def __call__(self, analysis: Analysis) -> list[Mention]:
        out: list[Mention] = []
        for si, tokens in enumerate(analysis.tokens):
            self._sentence(analysis, si, tokens, out)
        return out

    def _sentence(self, analysis: Analysis, si: int, tokens: list[Token], out: list[Mention]) -> None:
        n = len(tokens)

        def emit(a: int, b: int, etype: str, trigger: frozenset | None = None) -> None:
            if b > a:
                start = tokens[a].start
                if trigger is not None:  # a proclitic glued to the trigger stays out (لقوات → قوات)
                    start += _proclitic_len(tokens[a], trigger)
                out.append(analysis.mention(si, start, tokens[b - 1].end, etype, self.name))

        name_until = 0  # end of the last person name found here: no second reading inside it
        may_start: dict = _MAY_START  # (exact types: direct dict and list access, compiled)
        norms: list = analysis.norms(si)
        for i in range(n):
            may = may_start.get(norms[i])
            if may is None:
                may = _may_start(tokens[i])
            if not may:
                continue  # most words: one dict lookup
            tok = tokens[i]
            if i >= name_until and out and out[-1].sentence == si and out[-1].type in ("COMMANDER", "PERSON"):
                name_until = max(name_until, _token_end(tokens, out[-1].end))
            known = analysis.prior_at(si, i)
            rl, tl, ql, cl, ml, gl, bl, pl, hl = _trigger_lengths(tokens, i)
            # --- ranks → COMMANDER (or the brigade sense of لواء)
            if rl and not (known and known.type != "COMMANDER" and known.start <= tok.start + 2):
                j = _skip_modifiers(tokens, i + rl)
                if j < n and not tokens[j].break_before:
                    pj = analysis.prior_at(si, j)
                    if pj is not None:
                        continue  # the lexicon knows the name (or it is a group: اللواء 444)
                    k = person_name_end(tokens, j, stop_at=_next_prior(analysis, si, j, n), nisba_ok=True)
                    if k > j:
                        emit(j, k, "COMMANDER")
                        continue
            # --- civilian titles → PERSON
            if tl:
                j = _skip_modifiers(tokens, i + tl)
                if j < n and not tokens[j].break_before and analysis.prior_at(si, j) is None:
                    k = person_name_end(tokens, j, definite_ok=True, stop_at=_next_prior(analysis, si, j, n))
                    if k > j:
                        emit(j, k, "PERSON")
                        continue
            # --- quoted name after a trigger
            if ql and i + ql < n:
                k = _quoted(analysis, tokens, i + ql)
                if k:
                    etype = _quote_type(tokens, i, ql)
                    if etype:
                        emit(i + ql, k, etype)
                    continue
            # --- local councils: المجلس البلدي <place> → ORGANIZATION
            if cl:
                self._council(analysis, si, tokens, i, cl, emit)
                continue
            # --- military councils of a known place: المجلس العسكري لمدينة X → ARMED_GROUP
            if ml and self._council(analysis, si, tokens, i, ml, emit, "ARMED_GROUP"):
                continue
            # --- ميليشيا <known person>: the person's group (ميليشيا الفار)
            if i + 1 < n and tok.norm in MILITIA_WORDS and not tokens[i + 1].break_before:
                pm = analysis.prior_at(si, i + 1)
                if pm is not None and pm.type in ("COMMANDER", "PERSON"):
                    emit(i, _token_end(tokens, pm.end), "ARMED_GROUP", MILITIA_WORDS)
                    continue
            # --- group names, trigger included
            if gl:
                self._group(analysis, si, tokens, i, gl, emit)
                continue
            # --- tribes, one mention per item of a coordinated list
            if bl:
                self._tribes(analysis, si, tokens, i + bl, out)
                continue
            # --- places after a classifier (مدينة X) or with a facility head (قاعدة X الجوية)
            pl = pl or _district_at(tokens, i)
            if pl:
                self._place(analysis, si, tokens, i + pl, emit)
                continue
            if hl:
                self._facility(analysis, si, tokens, i, hl, out)
                continue
            # --- <first name ...> قائد/آمر/المتحدث باسم → COMMANDER
            if not tok.break_before and i >= 2 and _phrase_at(tokens, i, ROLE_AFTER_NAME, bare=True):
                s = _name_before(tokens, i)
                if s is not None and not analysis.prior_at(si, s) and s >= name_until:
                    emit(s, i, "COMMANDER")
                    name_until = i
                continue
            # --- a person named without a title: a known first name and more name words
            if i >= name_until and known is None and _starts_name(tok) and not _inside_prior(analysis, si, tokens, i):
                k = person_name_end(tokens, i, stop_at=_next_prior(analysis, si, i, n))
                if k - i >= 2 and not (k - i == 2 and tokens[i].norm in NAME_JOINERS):
                    emit(i, k, _role_type(tokens, k))
                    name_until = k

    def _group(self, analysis, si, tokens, i, gl, emit) -> None:
        n = len(tokens)
        j = i + gl
        if j >= n or tokens[j].break_before:
            return
        head = tokens[i]
        own = analysis.prior_at(si, i)
        if own is not None and own.type in ("ARMED_GROUP", "ORGANIZATION") and own.end > head.end:
            return  # the lexicon knows this name: its span is the name (قوة الردع الخاصة)
        if tokens[j].text[0].isdigit():
            k = j + 1  # a numbered unit: الكتيبة 309 مشاة
            if k < n and not tokens[k].break_before and tokens[k].norm in UNIT_KINDS:
                k += 1
            emit(i, k, "ARMED_GROUP", GROUP_HEADS)
            return
        nxt = analysis.prior_at(si, j)
        if nxt is not None:
            if nxt.type in ("COMMANDER", "PERSON") and head.norm.startswith(("قوات", "كتيب", "ميليش")):
                emit(i, _token_end(tokens, nxt.end), "ARMED_GROUP", GROUP_HEADS)  # قوات حفتر: possessive group
            elif nxt.type == "PLACE" and " " in " ".join(t.norm for t in tokens[i:j]):
                emit(i, _token_end(tokens, nxt.end), "ARMED_GROUP", GROUP_HEADS)  # غرفة عمليات الجفرة
            elif nxt.type == "PLACE" and not _definite(head.norm):
                emit(i, _token_end(tokens, nxt.end), "ARMED_GROUP", GROUP_HEADS)  # درع الوسطى, كتيبة X
            elif nxt.type == "ARMED_GROUP" and gl == 1 and head.norm in UNIT_HEADS and tokens[j].norm in NAMED_HEADS:
                emit(i, _token_end(tokens, nxt.end), "ARMED_GROUP", GROUP_HEADS)  # كتيبة درع ليبيا 1: one name
            return
        first = tokens[j]
        if _phrase_at(tokens, j, GROUP_HEADS | MILITIA_WORDS) and not (head.norm in UNIT_HEADS and first.norm in NAMED_HEADS):
            return  # ميليشيات سرايا ...: the inner trigger starts the name (not كتيبة درع الجنوب)
        # rank sense of لواء handled above; here: لواء + number/ordinal/name
        if first.norm in NATIONALITIES and head.norm in _words("قوات قوة"):
            emit(i, j + 1, "ARMED_GROUP", GROUP_HEADS)  # قوات مصرية: foreign forces
            return
        if _adjective_like(first.norm) or _generic(first.norm) or first.norm in RANK_WORDS or _is_stop(first):
            return
        if _conj(first) or head.norm in _words("القوه القوات") and not _definite(first.norm):
            return  # القوة ويتحرك: a new clause, not a name
        if head.norm in _words("تنظيم") and not _definite(first.norm):
            return  # إعادة تنظيم صفوفه
        k = j
        while k < n and k - j < MAX_NAME["ARMED_GROUP"]:
            t = tokens[k]
            if k > j and t.break_before:
                break
            if t.text[0].isdigit():
                k += 1
                break
            if _is_stop(t) or t.norm in NATIONALITIES and k > j and tokens[k - 1].text[0].isdigit():
                break
            martyr = tokens[k - 1].norm in MARTYR_WORDS  # كتيبة الشهيد جمال بوزيد: the name is the group's
            if k > j and not martyr and (t.norm in FIRST_NAMES and t.norm not in AMBIGUOUS_FIRST_NAMES or t.norm in RANK_WORDS):
                break  # قوة الردع الخاصة أحمد ...: an apposed person
            if k > j and not martyr and _definite(tokens[k - 1].norm) and not _definite(t.norm) and not t.norm[0] in "لو":
                break  # a definite name word is not followed by an indefinite one (… بنغازي ورغم)
            if k > j:
                if analysis.prior_at(si, k) is not None and analysis.prior_at(si, k).type == "PLACE":
                    k = _token_end(tokens, analysis.prior_at(si, k).end)
                    break
                if _conj(t):
                    prev = tokens[k - 1].norm
                    stem = t.forms[1][0] if len(t.forms) > 1 else t.norm
                    if _definite(prev) or _definite(stem) or stem in GENERIC_NAME_WORDS:
                        break
                elif t.norm[0] == "ل" and not _definite(t.norm):
                    stem = t.forms[1][0] if len(t.forms) > 1 else t.norm
                    if stem in PLACE_CLASSIFIERS:
                        k += 1
                        continue
                    if stem not in PURPOSE_WORDS and not (len(t.forms) > 2 and t.forms[2][0] in PURPOSE_WORDS):
                        break
            if not _definite(t.norm) and t.text.endswith("ت") and len(t.norm) >= 5:
                break  # a past-tense verb (استعادت، انسحبت)
            k += 1
        if k == j or all(_generic(t.norm) for t in tokens[j:k]):
            return
        emit(i, k, "ARMED_GROUP", GROUP_HEADS)

    def _council(self, analysis, si, tokens, i, cl, emit, etype: str = "ORGANIZATION") -> bool:
        """A council head and the place after it; an ``ARMED_GROUP`` council only with a
        place the lexicon knows. True when a council was emitted."""
        n = len(tokens)
        j = i + cl
        if j < n and not tokens[j].break_before and any(f in PLACE_CLASSIFIERS for f, _ in tokens[j].forms):
            j += 1  # المجلس البلدي [ل]مدينة X
        if j >= n or tokens[j].break_before:
            return False
        place = analysis.prior_at(si, j)
        if place is not None:
            if place.type == "PLACE":
                emit(i, _token_end(tokens, place.end), etype, COUNCIL_HEADS if etype == "ORGANIZATION" else MILITARY_COUNCIL_HEADS)
                return True
            return False
        if etype != "ORGANIZATION":
            return False
        t = tokens[j]
        if _is_stop(t) or _generic(t.norm) or _adjective_like(t.norm) or t.text[0].isdigit() or t.norm in NATIONALITIES:
            return False
        k = j + 1
        if t.norm in PLACE_PREFIXES and k < n and not tokens[k].break_before and not _is_stop(tokens[k]):
            k += 1
        emit(i, k, "ORGANIZATION", COUNCIL_HEADS)
        return True

    def _tribes(self, analysis, si, tokens, j, out) -> None:
        n = len(tokens)
        first = True
        while j < n:
            t = tokens[j]
            if not first and not (t.norm[0] == "و" or t.break_before):
                break
            if first and t.break_before:
                break
            cut = 1 if not first and t.norm[0] == "و" and len(t.forms) > 1 else 0
            form = t.forms[1][0] if cut else t.norm
            if form in STOP or form in GENERIC_NAME_WORDS or form in PLACE_CLASSIFIERS or form in TRIBE_WORDS or len(form) < 3:
                break
            if not first and not cut and not analysis.document.text[tokens[j - 1].end : t.start].strip() in ("،", ","):
                break
            if not first and not _definite(form) and form not in TRIBE_PREFIXES and analysis.prior_at(si, j) is None:
                break  # والتبو وقعت: a verb after the list, not one more tribe
            known = analysis.prior_at(si, j)
            if known is not None and known.type != "TRIBE":
                break  # قبائل فزان: a known place, not a tribe
            k = j + 1
            if form in TRIBE_PREFIXES and k < n and not tokens[k].break_before and not _is_stop(tokens[k]):
                k += 1
            if known is None:
                start = tokens[j].start + (1 if cut else 0)
                out.append(analysis.mention(si, start, tokens[k - 1].end, "TRIBE", self.name))
            first = False
            j = k

    def _place(self, analysis, si, tokens, j, emit) -> None:
        n = len(tokens)
        if j >= n or tokens[j].break_before or analysis.prior_at(si, j) is not None:
            return
        t = tokens[j]
        if _is_stop(t) or t.norm in GENERIC_NAME_WORDS or _adjective_like(t.norm) or t.text[0].isdigit():
            return
        if t.norm in NATIONALITIES or t.norm in ORDINALS:
            return
        if t.norm[0] in "يت" and len(t.norm) >= 4 and not _definite(t.norm):
            return  # منطقة يتردد ...: a present-tense verb, not a name
        k = j + 1
        if k < n and not tokens[k].break_before and not _is_stop(tokens[k]):
            nx = tokens[k].norm
            if t.norm in PLACE_PREFIXES:
                k += 1
            elif _definite(t.norm) and _definite(nx) and nx not in NATIONALITIES and nx not in GENERIC_NAME_WORDS:
                k += 1  # الهلال النفطي، الجبل الغربي
        emit(j, k, "PLACE")

    def _facility(self, analysis, si, tokens, i, hl, out) -> None:
        n = len(tokens)
        j = i + hl
        if j >= n or tokens[j].break_before:
            return
        t = tokens[j]
        known = analysis.prior_at(si, j)
        if known is not None and known.type in ("COMMANDER", "PERSON", "ARMED_GROUP", "ORGANIZATION"):
            return  # معسكر حفتر: the camp of a faction
        if known is None and (_is_stop(t) or t.norm in GENERIC_NAME_WORDS or _adjective_like(t.norm) or t.text[0].isdigit()):
            return  # a place the lexicon knows is a name whatever its ending (معسكر بوعطني)
        if t.norm in NATIONALITIES or t.norm in FACILITY_ADJECTIVES:
            return
        k = _token_end(tokens, known.end) if known is not None else j + 1
        if known is None and k < n and t.norm in PLACE_PREFIXES and not tokens[k].break_before and not _is_stop(tokens[k]):
            k += 1
        if k < n and not tokens[k].break_before and tokens[k].norm in FACILITY_ADJECTIVES:
            k += 1
        start = tokens[i].start + _proclitic_len(tokens[i], PLACE_HEADS)
        out.append(analysis.mention(si, start, tokens[k - 1].end, "PLACE", self.name))


DISTRICT = _norm_set("حي")
GLUED_DISTRICT = _norm_set("بحي، وبحي، فبحي")
AT_WORDS = _norm_set("في، فى، ب، من، إلى، الى، داخل، سكان، أحياء")


def _district_at(tokens: list[Token], i: int) -> int:
    """1 when token ``i`` is حي (a district) after a preposition (في حي X، بحي X), else 0.

    A bare حي is also the adjective "alive", so it is read as a trigger only there.
    """
    if tokens[i].norm in GLUED_DISTRICT:
        return 1  # بحي: too short for the proclitic to be detached
    for form, cut in tokens[i].forms:
        if form in DISTRICT:
            if cut and tokens[i].norm[:cut] in AT_WORDS:
                return 1
            if not cut and i and not tokens[i].break_before and tokens[i - 1].norm in AT_WORDS:
                return 1
    return 0


def _inside_prior(analysis: Analysis, si: int, tokens: list[Token], i: int) -> bool:
    """Token ``i`` lies inside a known group name (اللواء طارق بن زياد: a brigade, not a person)."""
    for back in range(1, 4):
        m = analysis.prior_at(si, i - back) if i - back >= 0 else None
        if m is not None and m.type in ("ARMED_GROUP", "ORGANIZATION", "PLACE") and m.end > tokens[i].start:
            return True
    return False


def _proclitic_len(tok: Token, phrases: frozenset[str]) -> int:
    """Characters of a proclitic glued to a trigger word (بمعسكر → 1, لقوات → 1)."""
    for form, cut in tok.forms:
        if form in phrases or any(p.startswith(form + " ") for p in phrases if " " in p):
            return skip_letters(tok.text, cut)
    return 0


def _next_prior(analysis: Analysis, si: int, j: int, n: int) -> int:
    """Index of the first token after ``j`` where an earlier mention starts (else ``n``).

    A known person name does not stop a person name: a first name before a known bare
    surname is another member of the family (عبدالسلام الزادمة, not حسن الزادمة).
    """
    for k in range(j + 1, min(n, j + 6)):
        m = analysis.prior_at(si, k)
        if m is not None and m.type not in ("COMMANDER", "PERSON"):
            return k
    return n


def _token_end(tokens: list[Token], offset: int) -> int:
    for k, t in enumerate(tokens):
        if t.end >= offset:
            return k + 1
    return len(tokens)


def _quote_type(tokens: list[Token], i: int, ql: int) -> str | None:
    forms = _forms(tokens[i])
    if forms & (PLACE_HEADS | PLACE_CLASSIFIERS | _norm_set("معسكر، قاعدة")):
        return "PLACE"
    if forms & _norm_set("عملية"):
        return None  # operation names are events, not entities
    return "ARMED_GROUP"


_MAY_START: dict[str, bool] = {}


def _may_start(tok: Token) -> bool:
    """Whether a trigger phrase or a person's name may start at ``tok``; cached per
    normal form in ``_MAY_START`` (not for علي, where the written form decides)."""
    norm = tok.norm
    if norm in _MAY_START:
        return _MAY_START[norm]
    may = _may_trigger(tok.forms) or _starts_name(tok)
    if norm != "علي":
        if len(_MAY_START) >= 200_000:
            _MAY_START.clear()  # flat memory on huge corpora
        _MAY_START[norm] = may
    return may


def _starts_name(tok: Token) -> bool:
    norm = tok.norm
    if norm == "علي" and not tok.text.endswith("ي"):
        return False  # the preposition على, not the name علي
    return (norm in FIRST_NAMES and norm not in AMBIGUOUS_FIRST_NAMES) or norm == "عبد"


def _role_type(tokens: list[Token], k: int) -> str:
    """COMMANDER when a commander role follows the name (``، قائد``، ``وهو آمر``), else PERSON."""
    for r in range(k, min(k + 2, len(tokens))):
        if _phrase_at(tokens, r, ROLE_AFTER_NAME):
            return "COMMANDER"
        if tokens[r].norm not in ("وهو", "هو", "وهي"):
            break
    return "PERSON"


def _name_before(tokens: list[Token], r: int) -> int | None:
    """Start of a person name that ends right before token ``r`` (a role word)."""
    best = None
    for s in range(r - 1, max(-1, r - 5), -1):
        t = tokens[s]
        if _is_stop(t) or t.norm in NATIONALITIES or t.norm in GENERIC_NAME_WORDS:
            break
        if s < r - 1 and tokens[s + 1].break_before:
            break
        first = t.norm in FIRST_NAMES and t.norm not in AMBIGUOUS_FIRST_NAMES or (
            t.norm in NAME_JOINERS and t.norm in _words("عبد")
        )
        if first and r - s >= 2 and person_name_end(tokens, s) >= r:
            best = s
        if t.break_before:
            break
    return best
