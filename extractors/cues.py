"""Domain cue words, in normalised form (see ``text.normalize``).

Shared by the extractors (trigger words before names) and the resolver (titles and
classifier nouns dropped from matching keys). Kept as plain sets so that a user or a
later component can extend them.
"""
from __future__ import annotations

from .text import normalize_phrase


def _norm_set(words: str) -> frozenset[str]:
    return frozenset(normalize_phrase(w) for w in words.split("،") if w.strip())


# Generic nouns in front of a place name that are not part of it (مدينة الجفرة → الجفرة).
PLACE_CLASSIFIERS = _norm_set(
    "مدينة، مدينتي، بلدة، بلدية، منطقة، مناطق، إقليم، قرية، محافظة، ولاية، حي، ضاحية، واحة، شعبية، مدن، بلدات، مديريات، منطقتي، محيط، ضواحي"
)
# Head nouns that start a facility or feature name and stay part of it (قاعدة الجفرة الجوية).
PLACE_HEADS = _norm_set(
    "قاعدة، ميناء، مرفأ، مطار، معسكر، جبل، وادي، سجن، حقل، مصفاة، منفذ، معبر، بوابة، ساحة، جزيرة، خليج، بحر، صحراء، مرسى، ميدان"
)
TRIBE_TRIGGERS = _norm_set("قبيلة، قبائل، عشيرة، عشائر، أعيان ومشايخ، مشايخ، أعيان، أبناء قبيلة، قبيلتي، مكون، مكونات")
# Military ranks and roles: the name that follows is a COMMANDER.
RANKS = _norm_set(
    "المشير، الفريق أول، الفريق، اللواء، العميد، العقيد، المقدم، الرائد، النقيب، الملازم أول، الملازم، "
    "الجنرال، العريف، الرقيب، المقاتل، مشير، فريق، لواء، عميد، عقيد، مقدم، رائد، نقيب، ملازم"
)
COMMANDER_ROLES = _norm_set(
    "آمر، قائد، القائد، الآمر، أمير، زعيم، زعيم ميليشيا، المتحدث العسكري، الناطق العسكري، قائد ميليشيا، آمر كتيبة، قائد كتيبة"
)
# Civilian titles: the name that follows is a PERSON.
PERSON_TITLES = _norm_set(
    "الشيخ، الرئيس، السيد، السيدة، الدكتور، الدكتورة، المستشار، الوزير، الوزيرة، النائب، الأستاذ، الحاج، الإمام، المبعوث، السفير، الأمير، الملك، د"
)
ALL_TITLES = RANKS | COMMANDER_ROLES | PERSON_TITLES
# Nouns that head the name of an armed group (كتيبة ..., ميليشيا ...).
GROUP_TRIGGERS = _norm_set(
    "ميليشيا، مليشيا، ميلشيا، ميليشيات، مليشيات، ميلشيات، كتيبة، لواء، سرايا، سرية، قوة، قوات، غرفة عمليات، "
    "مجلس شورى، المجلس العسكري، درع، جماعة، تنظيم، فيلق، جيش، حركة، جبهة، الكتيبة، اللواء، القوة، الجماعة، التنظيم، الفيلق، كتائب"
)
# Spelling families folded together in matching keys.
SPELLING_FAMILIES = {
    normalize_phrase("مليشيا"): normalize_phrase("ميليشيا"),
    normalize_phrase("ميلشيا"): normalize_phrase("ميليشيا"),
    normalize_phrase("مليشيات"): normalize_phrase("ميليشيات"),
    normalize_phrase("ميلشيات"): normalize_phrase("ميليشيات"),
    normalize_phrase("ميليشات"): normalize_phrase("ميليشيات"),
}
