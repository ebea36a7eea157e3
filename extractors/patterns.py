"""Pattern extractor: names that no lexicon knows, found after trigger words.

``العقيد <name>`` → COMMANDER, ``الشيخ <name>`` → PERSON, ``مدينة <name>`` → PLACE,
``قبيلة <name>`` → TRIBE, ``كتيبة <name>`` → ARMED_GROUP. A name runs over the
following words until a boundary: punctuation, a function word, a verb-like or
common word, a number, or the sentence end.
"""
from __future__ import annotations

from conflictkg.records import Mention

from .base import Analysis, register
from .cues import GROUP_TRIGGERS, PERSON_TITLES, PLACE_CLASSIFIERS, RANKS, TRIBE_TRIGGERS
from .text import Token, normalize_phrase


def _words(s: str) -> frozenset[str]:
    return frozenset(normalize_phrase(w) for w in s.split())


# Words that never belong to a name: they end it.
STOP = _words(
    "في فى من إلى الى على عن مع و أو ثم قد لقد كان كانت هو هي هم التي الذي الذين اللذين أن إن أنه بأن "
    "حيث بعد قبل خلال بين ضد منذ عند حول لدى نحو وفق وفقا بينما فيما كما لكن إلا غير ذلك تلك هذا هذه هؤلاء "
    "اليوم أمس الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت أمس صباح مساء يوم عام "
    "قال قالت أكد أكدت أعلن أعلنت أوضح أوضحت أشار أشارت ذكر ذكرت أضاف أضافت نفى نفت وصف وصل وصلت "
    "المتحدث الناطق باسم رئيس قائد آمر التابع التابعة الموالية الموالي المحسوبة المحسوب المسلحة المسلح "
    "الإرهابية الإرهابي المتطرفة مدينة منطقة بلدة قوات ميليشيا ميليشيات كتيبة جنوب شمال شرق غرب"
)
MAX_NAME = {"COMMANDER": 4, "PERSON": 4, "PLACE": 3, "TRIBE": 2, "ARMED_GROUP": 4}


def _trigger_types(tok: Token, nxt: Token | None) -> list[tuple[str, int]]:
    """Entity types a trigger starting at ``tok`` announces, with the trigger's length."""
    out = []
    forms = {f for f, _ in tok.forms}
    two = {f"{f} {nxt.norm}" for f, _ in tok.forms} if nxt is not None and not nxt.break_before else set()
    for cues, etype in ((RANKS, "COMMANDER"), (PERSON_TITLES, "PERSON"), (PLACE_CLASSIFIERS, "PLACE"), (TRIBE_TRIGGERS, "TRIBE")):
        if two & cues:
            out.append((etype, 2))
        elif forms & cues:
            out.append((etype, 1))
    return out


@register("pattern")
class PatternExtractor:
    name = "pattern"

    def __call__(self, analysis: Analysis) -> list[Mention]:
        out: list[Mention] = []
        for si, tokens in enumerate(analysis.tokens):
            n = len(tokens)
            for i, tok in enumerate(tokens):
                nxt = tokens[i + 1] if i + 1 < n else None
                for etype, tlen in _trigger_types(tok, nxt):
                    j = i + tlen
                    k = j
                    while k < n and k - j < MAX_NAME[etype]:
                        t = tokens[k]
                        if t.break_before or t.text.isdigit() or t.norm in STOP or len(t.norm) < 2:
                            break
                        k += 1
                    if k == j:
                        continue
                    if etype == "COMMANDER" and tlen == 1 and k - j == 1 and tokens[j].norm.startswith("ال"):
                        continue  # "اللواء المتقاعد" and the like: a rank followed by an adjective
                    out.append(analysis.mention(si, tokens[j].start, tokens[k - 1].end, etype, self.name))
        return out
