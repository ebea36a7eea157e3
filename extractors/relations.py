"""Relation extraction from cue words between two mentions of one sentence.

Precision comes first: a relation is only read where a cue states it, in one of
these shapes (G group, P person, L place):

* **gap cues** — the words between two mentions, normalised with proclitics
  detached, *start* with a cue (``P قائد G``، ``G التابعة لـ G``، ``L جنوب L``) or,
  for attacks, contain one within a short gap (``G قام بقصف ... G``);
* **role before a name** — ``قائد/آمر/المتحدث باسم G ... P``: the first person after
  the group (``آمر غرفة عمليات X التابع ... العميد Y``);
* **led by** — ``G بقيادة P``، ``G التي يقودها P``;
* **nesting** — a person inside a group's name (``قوات حفتر``) leads it;
* **presence** — ``خلايا/عناصر G في L`` and ``L معقل G``;
* **verb first** — ``وتسيطر G على L``، ``ويضم G1 G2``، ``وتسكن قبيلة T L``;
* **split cues** — a verb before the first name, the rest of the cue before the second
  (``يتخذ G ... من مدينة L مقرا``، ``وتحالفت G ... مع G2``), or a support noun
  (``دعمه الكامل لـ G2``، ``وقوفهم إلى جانب G2``) read with the nearest name before.

Only nearby pairs are read: a pair with another mention of the tail's kind
between them is skipped. Evidence is the sentence text.

>>> from conflictkg.extractors.pipeline import ExtractionPipeline
>>> from conflictkg.records import Document
>>> r = ExtractionPipeline()(Document("d", "وقال العقيد سالم الورفلي، المتحدث باسم كتيبة شهداء الزاوية، إن الهجوم فشل."))
>>> [(x.type, r.mentions[x.head].text, r.mentions[x.tail].text) for x in r.relations]
[('SPOKESPERSON_OF', 'سالم الورفلي', 'كتيبة شهداء الزاوية')]
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache

from conflictkg.records import Mention, Relation

from .base import Analysis
from .cues import PERSON_TITLES, PLACE_CLASSIFIERS, RANKS
from .patterns import UNIT_KINDS
from .text import WORD_RE, clitic_forms, normalize, normalize_phrase

GROUPS = {"ARMED_GROUP", "ORGANIZATION"}
ACTORS = {"ARMED_GROUP", "ORGANIZATION", "TRIBE"}
ARMED = {"ARMED_GROUP"}
PEOPLE = {"COMMANDER", "PERSON"}
PLACES = {"PLACE", "COUNTRY"}


def _cues(words: str) -> list[tuple[str, ...]]:
    return [tuple(normalize_phrase(w).split()) for w in words.split("،") if w.strip()]


# (relation, head types, tail types, cues, where the cue must be, max words between, rule name)
# "start": the gap begins with the cue (after an optional comma) and is not much longer;
# "any": the cue is anywhere in a short gap.
RULES = [
    ("SPOKESPERSON_OF", PEOPLE, GROUPS, _cues("المتحدث باسم، الناطق باسم، المتحدث الرسمي باسم، الناطق الرسمي باسم، المتحدث العسكري باسم، الناطق العسكري باسم، المتحدث الرسمي ل، الناطق الرسمي ل، المتحدثة باسم"), "start", 5, "spokes"),
    ("LEADS", PEOPLE, GROUPS, _cues("قائد، آمر، رئيس، زعيم، أمير، مدير، القائد العام ل، القائد العام، رئيس أركان، وهو قائد، وهو آمر، هو قائد، مؤسس، يقود، الذي يقود، القائد السابق ل، القائد ل، الرئيس السابق ل، آمر سابق ل، قائد سابق ل"), "start", 3, "leads"),
    ("MEMBER_OF", PEOPLE, ARMED, _cues("عضو، القيادي في، القيادي ب، المقاتل في، أحد قادة، من قادة، الضابط في، الضابط ب"), "start", 3, "member"),
    ("AFFILIATED_WITH", PEOPLE | GROUPS, ACTORS, _cues("التابع ل، التابعة ل، التابعين ل، التابعة إلى، المحسوب على، المحسوبة على، المحسوبين على، تحت إمرة، المنضوية تحت، المنضوي تحت، المنضوية تحت لواء، المنضوية في، التي تتبع، الذي يتبع، تتبع، يتبع"), "start", 4, "affiliated"),
    ("ALLIED_WITH", ACTORS, ACTORS, _cues("الموالية ل، الموالي ل، الموالين ل، المتحالفة مع، المتحالف مع، بالتنسيق مع، حليف، حليفة، الداعمة ل، الداعم ل، المدعومة من، المدعوم من، تعمل بالتنسيق مع، يعمل بالتنسيق مع، تحالفت مع، تحالف مع، قد تحالفت مع، قد تحالف مع، بالتعاون مع"), "start", 4, "allied"),
    ("FIGHTS", ARMED | {"TRIBE"}, ARMED | {"TRIBE"}, _cues("هجوم على، هجوما على، هجمات على، الهجوم على، هاجم، هاجمت، يهاجم، تهاجم، استهدف، استهدفت، يستهدف، تستهدف، استهداف، قصف، قصفت، يقصف، تقصف، اشتباكات مع، اشتبكت مع، معارك ضد، معارك مع، معركة مع، معركة ضد، عملية ضد، عملية عسكرية ضد، يقاتل، تقاتل، قتال، حرب على، غارات على، غارة على، غارات جوية على، طرد، طردت، دحر، هزم، هزمت، تصدت ل، تصدى ل، القضاء على، ضربات، هجمات ل، بهجوم على، شن هجوما على، شنت هجوما على، حاصرت، تحاصر"), "any", 8, "fights"),
    ("BASED_IN", ACTORS, PLACES, _cues("المتمركزة في، المتمركزة ب، المتمركز في، المتمركز ب، المتمركزين في، تتمركز في، يتمركز في، التي تتمركز في، تتخذ من، يتخذ من، التي تتخذ من، الذي يتخذ من، ومقرها، مقرها في، ومقره، مقره في، ومقرها في، المرابطة في، المرابطة ب، تنتشر في، ينتشر في، المنتشرة في، المنتشر في، التي تنتشر في، الذي ينتشر في، المقيمة في، المقيم في، المقيمين في، المتواجدة في، المتواجد في، الموجودة في، بوجود عسكري في، بوجود في، تتمركز ب، يتمركز ب، يتحصن في، يتحصنون في، تتحصن في، المنعقد في، المنعقدة في، المنعقد ب، المنعقدة ب، الذي يسيطر على، التي تسيطر على، يسيطر على، تسيطر على، تسيطر على مدينة، يسيطر على مدينة، التي سيطرت على، الذي سيطر على"), "start", 4, "based"),
    # "G1، الذي يضم G2 وG3": the second group is part of the first (head comes second, see REVERSED)
    ("MEMBER_OF", ARMED, ARMED, _cues("الذي يضم، التي تضم، الذي يضم في صفوفه، التي تضم في صفوفها، ويضم، وتضم"), "start", 3, "includes"),
    ("LOCATED_IN", {"PLACE"}, PLACES, _cues("في، ب، جنوب، شمال، شرق، غرب، جنوبي، شمالي، شرقي، غربي، جنوب شرق، جنوب غرب، شمال شرق، شمال غرب، جنوب شرقي، جنوب غربي، شمال شرقي، شمال غربي، قرب، بالقرب من، غرب مدينة، شرق مدينة، جنوب مدينة، شمال مدينة، وسط"), "exact", 0, "located-exact"),
    ("MEMBER_OF", ARMED, ARMED, _cues("في، ب، التابعة ل الجيش"), "exact", 0, "member-exact"),
    ("AFFILIATED_WITH", {"ORGANIZATION"}, {"ORGANIZATION"}, _cues("في، ب"), "exact", 0, "org-affiliated-exact"),  # وزارة الدفاع بحكومة الوفاق
    ("BASED_IN", {"ORGANIZATION"}, {"PLACE"}, _cues("في، ب"), "exact", 0, "org-based-exact"),  # المؤسسة الوطنية للنفط في طرابلس
]
# First words of the BASED_IN cues: a clause opened by و + verb (وتتمركز في) has its own subject.
_BASED_FIRSTS = {c[0] for r in RULES if r[0] == "BASED_IN" for c in r[3]}
REVERSED = {"includes"}  # rules whose head is the second mention
# "G بقيادة P" and "G التي يقودها P": the leader comes after the group.
LED_BY = _cues("بقيادة، تحت قيادة، يقودها، يتزعمها، التي يقودها، الذي يقوده، يقوده، التي يتزعمها، بزعامة، بإمرة، تحت إمرة، "
               "برئاسة، يرأسها، يرأسه، التي يرأسها، الذي يرأسه، تحت رئاسة")
# "L، التي تتخذ منها G مقرا": the place comes first.
BASED_AFTER_PLACE = _cues("التي تتخذ منها، الذي تتخذ منه، الذي يتخذ منه، التي يتخذ منها، حيث يتحصن، حيث تتحصن، حيث يتمركز، حيث تتمركز، حيث تنتشر، حيث ينتشر")
# Directions: "X جنوب Y" puts X inside Y only when Y is a country or a region, or X a district.
DIRECTIONS = list(_cues("جنوب، شمال، شرق، غرب، جنوبي، شمالي، شرقي، غربي، جنوب شرق، جنوب غرب، شمال شرق، شمال غرب، جنوب شرقي، جنوب غربي، شمال شرقي، شمال غربي، قرب، بالقرب من، غرب مدينة، شرق مدينة، جنوب مدينة، شمال مدينة"))
REGION_KINDS = {"region", "valley", "mountain", "sea"}
# منطقة is left out: "منطقة X غرب Y" names an area near Y as often as a district of it.
DISTRICT_WORDS = {normalize(w) for w in "حي ضاحية".split()}
# "اشتباكات بين G1 وG2": fighting nouns before بين
FIGHT_NOUNS = {normalize(w) for w in "اشتباكات الاشتباكات اشتباك مواجهات المواجهات معارك المعارك قتال القتال اقتتال الاقتتال حرب الحرب".split()}
# Plural member nouns that may stand between و and the second group (وعناصر من كتيبة X)
MEMBER_WORDS = {normalize(w) for w in "عناصر مسلحي مقاتلي قوات مجموعات من".split()}
# A role word right before a group: the next person after the group holds the role.
ROLE_BEFORE_GROUP = {
    "LEADS": {normalize(w) for w in "قائد آمر رئيس زعيم أمير مدير يقود يتزعم يرأس".split()},
    "SPOKESPERSON_OF": {normalize(w) for w in "باسم".split()},
}
# Member nouns before a group: "خلايا داعش في جبل X" states where the group is.
PRESENCE = {normalize(w) for w in "خلايا عناصر بقايا مقاتلي مسلحي فلول تحشيدات تمركز تواجد وجود معاقل مقر مقار مقرات".split()}
AFFILIATION_HEADS = {c[0] for r in RULES if r[0] == "AFFILIATED_WITH" for c in r[3]}
_ALLY_HEADS = {c[0] for r in RULES if r[0] == "ALLIED_WITH" for c in r[3]}
CLAUSE_WORDS = {normalize(w) for w in "مع مكالمة اتصالا اتصال قال أكد أعلن التقى استقبل بحث".split()}
STRONGHOLD = _cues("معقل، معاقل، مقر، عاصمة")


def gap_forms(between: str, glued: str) -> list[frozenset[str]]:
    """Per word between two mentions: its normalised readings (proclitics detached).

    A classifier noun is reduced to its proclitic (``... بمدينة [مصراتة]`` → ``ب``); a
    proclitic glued to the second mention (``لـ[قوات]``) becomes a word of its own.

    >>> [sorted(f) for f in gap_forms(" التابعة ", "ل")]
    [['التابعه'], ['ل']]
    """
    words: list[frozenset[str]] = []
    for w in WORD_RE.findall(between):
        forms = clitic_forms(normalize(w))
        classifier = next((cut for form, cut in forms if form in PLACE_CLASSIFIERS), None)
        if classifier is not None:
            if classifier:
                words.append(frozenset({forms[0][0][classifier - 1]}))
            continue
        words.append(frozenset(f for f, _ in forms))
    if glued:
        g = normalize(glued)
        if g.strip():
            words.append(frozenset({g}))
    return words


MAX_GAP = 7  # no rule reads a pair more than this many words apart


def token_gap(tokens, a_end: int, b_tok: int, b_start: int) -> list[frozenset[str]]:
    """``gap_forms`` of the tokens between two mentions, from the analysed tokens.

    ``b_tok`` is the token where the second mention starts; a proclitic of that token
    before the mention (``لـ[قوات]``) is a word of its own.
    """
    words = [w for t in tokens[a_end:b_tok] if (w := _gap_word(t.forms))]
    if 0 <= b_tok < len(tokens) and tokens[b_tok].start < b_start:
        t = tokens[b_tok]
        cut = b_start - t.start
        words.append(frozenset({t.norm[:cut][-1:]}) if cut <= len(t.norm) else frozenset())
    return words


@lru_cache(maxsize=100_000)
def _FORMSETS(forms) -> frozenset[str]:
    return frozenset(f for f, _ in forms)


@lru_cache(maxsize=100_000)
def _gap_word(forms) -> frozenset[str]:
    """A token's word in a gap (``token_gap``), from its forms; empty when it drops out
    (a classifier noun with no proclitic: ``مدينة``)."""
    classifier = next((cut for form, cut in forms if form in PLACE_CLASSIFIERS), None)
    if classifier is None:
        return _FORMSETS(forms)
    return frozenset({forms[0][0][classifier - 1]}) if classifier else frozenset()


def _seq_at(words: list[frozenset[str]], pos: int, cue: tuple[str, ...]) -> bool:
    if pos + len(cue) > len(words):
        return False
    for i, w in enumerate(cue):  # a loop, not all(...): no generator per call on the hot path
        if w not in words[pos + i]:
            return False
    return True


IN_OR_AT = [("في",), ("ب",)]
_CUE_INDEX: dict[tuple[int, int], tuple[list, dict]] = {}


def _by_first(cues) -> dict[str, list[tuple[str, ...]]]:
    """Cues grouped by their first word (built once per cue list)."""
    return _cue_index(cues, 0)


def _by_last(cues) -> dict[str, list[tuple[str, ...]]]:
    """Cues grouped by their last word (built once per cue list)."""
    return _cue_index(cues, -1)


def _cue_index(cues, pos: int) -> dict[str, list[tuple[str, ...]]]:
    hit = _CUE_INDEX.get((id(cues), pos))
    if hit is None or hit[0] is not cues:
        index: dict[str, list[tuple[str, ...]]] = {}
        for c in cues:
            index.setdefault(c[pos], []).append(c)
        hit = _CUE_INDEX[(id(cues), pos)] = (cues, index)
    return hit[1]


def _starts_with(words, index, pos: int, exact_len: int = 0) -> bool:
    for form in words[pos]:
        for c in index.get(form, ()):
            if (not exact_len or len(c) == exact_len) and _seq_at(words, pos, c):
                return True
    return False


def _cue_in(words, cues, where: str, max_words: int) -> bool:
    if not words:
        return False
    index = _by_first(cues)
    if where == "exact":
        return _starts_with(words, index, 0, len(words))
    if len(words) > max_words:
        return False
    if where == "start":
        return _starts_with(words, index, 0)
    return any(_starts_with(words, index, p) for p in range(len(words)))


# Modifier rules that may be chained: "G1، المحسوبة على ... والموالية لـ G2".
_CHAIN_RULES = [r for r in RULES if r[4] == "start" and r[0] in ("AFFILIATED_WITH", "ALLIED_WITH", "BASED_IN")]
_CHAIN_FIRSTS = {c[0] for r in _CHAIN_RULES for c in r[3]}


def _chained_modifier(words, ta: str, tb: str, kinds_between) -> tuple | None:
    """``G1، [modifier] ... و[modifier] G2``: the last of two modifiers joined by و
    describes the first mention too, as in ``كتيبة X، المحسوبة على التيار السلفي
    والموالية للقيادة العامة``; both modifiers must be cue phrases of the rules."""
    if len(words) < 3 or len(words) > MAX_GAP + 1 or not words[0] & _CHAIN_FIRSTS:
        return None
    for rtype, heads, tails, cues, _, _, rule in _CHAIN_RULES:
        if ta not in heads or tb not in tails or kinds_between & tails:
            continue
        index = _by_first(cues)
        for p in range(len(words) - 1, 0, -1):
            if not any(f[:1] == "و" and f[1:] in index for f in words[p]):
                continue
            tail = [frozenset(f[1:] if f[:1] == "و" else f for f in words[p])] + words[p + 1 :]
            if _starts_with(tail, index, 0, len(tail)):
                return (rtype, True, "chained-" + rule)
    return None


# Cue phrases that end right before the second group, read with the nearest group before.
FAR_RULES = [
    ("FIGHTS", ARMED | {"TRIBE"}, ARMED | {"TRIBE"}, _cues(
        "معارك مع، المعارك مع، معارك عنيفة مع، المعارك العنيفة مع، اشتباكات مع، الاشتباكات مع، اشتباكات عنيفة مع، "
        "مواجهات مع، المواجهات مع، مواجهات عنيفة مع، القتال مع، القتال ضد، معارك ضد، المعارك ضد، "
        "هجوما على، هجوما على مواقع، هجوما على مواقع ل، هجمات على، هجمات على مواقع، غارات على، غارات على مواقع، "
        "غارات على مواقع ل، غارات جوية على، غارات جوية على مواقع، غارات جوية على مواقع ل، هجوم على مواقع، "
        "هجوم على مواقع ل، قصفا على مواقع، قصفت مواقع، قصف مواقع، هاجمت مواقع، هاجم مواقع، استهدفت مواقع، استهدف مواقع، "
        "قصفت مواقع ل، هاجمت مواقع ل، استهدفت مواقع ل، تمركزات، على تمركزات، تمركزات ل، على تمركزات ل، "
        "غارات مكثفة على، غارات مكثفة على مواقع، غارات مكثفة على مواقع ل")),
    ("ALLIED_WITH", ARMED, ACTORS, _cues("القتال في صف، القتال إلى جانب، يقاتل إلى جانب، تقاتل إلى جانب، يقاتلون إلى جانب، "
                                        "في صف، للقتال إلى جانب، قاتلت إلى جانب، قاتل إلى جانب، قاتلوا إلى جانب")),
]
FAR_MAX = 20
# Words that may stand between the cue and the group: المعارك مع ميليشيا "X"، مع عناصر X
FAR_SKIP = {normalize(w) for w in "ميليشيا مليشيا ميلشيا ميليشيات مليشيات عناصر مسلحي مقاتلي".split()}  # tokens between the first group and the cue
_FAR_LAST = {c[-1] for r in FAR_RULES for c in r[3]}
_FAR_LAST_GLUED = {c[-2] for r in FAR_RULES for c in r[3] if c[-1] == "ل" and len(c) > 1}


def _verbs(words: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in words.split())


_EMPTY_GAP: list = [()]
# Verb before both names (وتسيطر G على L، ويضم G1 G2، وتسكن قبيلة T L): the verb right
# before the first mention, then exactly one of the gaps. (verbs, relation, head kinds,
# tail kinds, gaps, rule, head is first)
VERB_FIRST = [
    (_verbs("تسيطر يسيطر سيطرت سيطر"), "BASED_IN", ACTORS, PLACES, _cues("على"), "verb-based", True),
    (_verbs("تتمركز يتمركز تمركزت تمركز تنتشر ينتشر ترابط يرابط تتحصن يتحصن تتواجد يتواجد"),
     "BASED_IN", ACTORS, PLACES, IN_OR_AT, "verb-based", True),
    (_verbs("تسكن يسكن تقطن يقطن تستوطن يستوطن"), "BASED_IN", {"TRIBE"}, PLACES, _EMPTY_GAP + IN_OR_AT, "verb-dwells", True),
    (_verbs("يضم تضم"), "MEMBER_OF", ARMED, ARMED, _EMPTY_GAP, "verb-includes", False),
]
_VERB_FIRST_INDEX: dict[str, list] = {}
for _rule in VERB_FIRST:
    for _v in _rule[0]:
        _VERB_FIRST_INDEX.setdefault(_v, []).append(_rule)
# A cue right before the second name, the first name earlier (after an optional verb
# right before it): "وأعلن G، الذي ...، دعمه الكامل لـ G2"، "يتخذ G ... من مدينة L مقرا".
# (relation, head kinds, tail kinds, verbs before the head or None, cues, word after the tail or None, rule)
SPLIT_RULES = [
    ("ALLIED_WITH", ACTORS, ACTORS, None, _cues(
        "دعمه الكامل ل، دعمها الكامل ل، دعمهم الكامل ل، دعمه المطلق ل، دعمها المطلق ل، دعمه ل، دعمها ل، دعمهم ل، "
        "وقوفه إلى جانب، وقوفها إلى جانب، وقوفهم إلى جانب، وقوفه مع، وقوفها مع، وقوفهم مع، مساندته ل، مساندتها ل، "
        "مساندتهم ل، تأييده ل، تأييدها ل، تأييدهم ل"), None, "support"),
    ("ALLIED_WITH", ARMED, ACTORS, _verbs("تقاتل يقاتل قاتلت قاتل يقاتلون قاتلوا تحارب يحارب حاربت"),
     _cues("إلى جانب، في صف"), None, "fight-beside"),
    ("ALLIED_WITH", ACTORS, ACTORS, _verbs("تحالفت تحالفوا تتحالف يتحالف"), _cues("مع"), None, "allied-split"),  # not تحالف: also the noun
    # the subject before, the verb and مع right before the ally (G، التي ...، قد تحالفت مع G2)
    ("ALLIED_WITH", ACTORS, ACTORS, None, _cues("قد تحالفت مع، قد تحالف مع، قد تحالفوا مع، تحالفت مع، تحالفوا مع"), None, "allied-far"),
    ("BASED_IN", ACTORS, PLACES, _verbs("يتخذ تتخذ اتخذ اتخذت"), _cues("من"), _verbs("مقرا مقر"), "base-split"),
    # "G، التي يقودها P، تتمركز في L": the verb after a parenthesis, its subject before it
    ("BASED_IN", ACTORS, PLACES, None, _cues("تتمركز في، يتمركز في، تتمركز ب، يتمركز ب، تنتشر في، ينتشر في، "
                                             "ترابط في، يرابط في، تسيطر على، يسيطر على، تتحصن في، يتحصن في"), None, "based-far"),
    # control of a place is where the group is (أعلن G، الأربعاء، سيطرته الكاملة على L)
    ("BASED_IN", ACTORS, PLACES, None, _cues("سيطرته على، سيطرتها على، سيطرتهم على، سيطرته الكاملة على، "
                                             "سيطرتها الكاملة على، سيطرتهم الكاملة على"), None, "control"),
]
_SPLIT_LAST = {c[-1] for r in SPLIT_RULES for c in r[4]}
AFTER_PARENTHESIS = {"based-far"}
COORDINATION = _cues("تعمل بالتنسيق مع، يعمل بالتنسيق مع، تعمل بالتعاون مع، يعمل بالتعاون مع")
_WITH = normalize("مع")  # split rules read only after a comma (the end of a parenthesis)
SPLIT_SKIP = FAR_SKIP | {normalize(w) for w in "قوات القوات".split()}  # member nouns between the cue and the name
_SPLIT_LASTS = [frozenset(c[-1] for c in r[4]) for r in SPLIT_RULES]  # per rule, to skip _cue_suffix
# Words that take the support back (سحب دعمه، نفى دعمه): no alliance.
UNSUPPORT = _verbs("سحب سحبت وقف أوقف أوقفت رفض رفضت نفى نفت ينفي تنفي عدم إنهاء انهاء")
# Heads of military councils: the place in the name is where the council sits.
COUNCIL_NAMES = [tuple(normalize(w) for w in c.split()) for c in ("المجلس العسكري", "مجلس عسكري")]


def _lead_verb_rules(tokens, a_tok: int, ma: Mention) -> list:
    """VERB_FIRST rules whose verb stands right before the mention (a tribe noun may
    stand between: وتسكن قبيلة T)."""
    if a_tok < 1 or tokens[a_tok].start < ma.start:
        return []
    k = a_tok - 1
    if ma.type == "TRIBE" and k >= 1 and tokens[k].norm in TRIBE_NOUNS:
        k -= 1
    return [r for f, _ in tokens[k].forms for r in _VERB_FIRST_INDEX.get(f, ())]


TIME_WORDS = _verbs("حاليا اليوم الآن أيضا")
SINCE = normalize("منذ")


def _without_time(words):
    """The gap without a leading time adverbial (وتتمركز G [منذ سنوات] في L)."""
    if len(words) >= 3 and SINCE in words[0]:
        return words[2:]
    if len(words) >= 2 and words[0] & TIME_WORDS:
        return words[1:]
    return words


def _gap_is(words, gap: tuple) -> bool:
    return len(words) == len(gap) and all(gap[i] in words[i] for i in range(len(gap)))


def _council_place(ma: Mention) -> bool:
    """The group is a military council of a town named as such (المجلس العسكري لمدينة X):
    the place is where it sits. Without the classifier (المجلس العسكري للزنتان) the
    held-out gold does not always read a base, so the rule keeps to the explicit form."""
    words = [normalize(w) for w in WORD_RE.findall(ma.text)[:3]]
    if len(words) < 3 or not any(tuple(words[: len(c)]) == c for c in COUNCIL_NAMES):
        return False
    return any(f in PLACE_CLASSIFIERS for f, _ in clitic_forms(words[2]))


def _cue_suffix(words, cues) -> int:
    """Number of words of the longest cue that ends ``words`` (0 if none)."""
    if not words:
        return 0
    index = _by_last(cues)
    best = 0
    for form in words[-1]:
        for c in index.get(form, ()):
            n = len(c)
            if n <= len(words) and n > best and _seq_at(words, len(words) - n, c):
                best = n
    return best


def _split_head(tokens, starts, mentions, before, nested, cue_tok, heads, tails, verbs) -> int | None:
    """The nearest mention of ``heads`` before the cue (people and other kinds skipped, not
    one named as what another answers to); with ``verbs``, one of them must stand before it."""
    for a in reversed(before):
        ma = mentions[a]
        if ma.end > starts[cue_tok] or a in nested:
            continue
        if bisect_left(starts, ma.end) < cue_tok - FAR_MAX:
            return None
        if ma.type in heads:
            if verbs is not None and _verb_before(tokens, starts, ma, verbs):
                return a  # وتحالفت G ... مع G2
            if _after_affiliation(tokens, starts, ma):
                continue  # التابع لـ G: what the head answers to
            return a if verbs is None else None
        if ma.type in tails:
            return None
    return None


def _verb_before(tokens, starts, m: Mention, verbs) -> bool:
    """One of ``verbs`` right before the mention, member nouns aside (وتقاتل عناصر G)."""
    k = bisect_right(starts, m.start) - 1
    if k < 0 or tokens[k].start < m.start:
        return False
    k -= 1
    while k >= 1 and tokens[k].norm in FAR_SKIP:
        k -= 1
    return k >= 0 and bool(verbs & _FORMSETS(tokens[k].forms))


def _after_affiliation(tokens, starts, m: Mention) -> bool:
    """The mention is introduced as what something answers to (التابعة لـ [G])."""
    k = bisect_right(starts, m.start) - 1  # the token the mention starts in
    prev = tokens[k - 1].forms if k >= 1 else ()
    return any(f in AFFILIATION_HEADS or f in _ALLY_HEADS for f, _ in prev)


def _pair_types() -> frozenset[tuple[str, str]]:
    """(first kind, second kind) of every pair ``CueRelationExtractor._pair`` can relate,
    from the rule tables it reads (keep in step with it)."""
    kinds = [(r[2], r[3]) for r in VERB_FIRST] + [(r[1], r[2]) for r in RULES]
    kinds += [(GROUPS, PEOPLE), (PLACES, ACTORS), (ARMED, ARMED), (ACTORS, PLACES)]
    return frozenset((a, b) for heads, tails in kinds for a in heads for b in tails)


_PAIR_TYPES = _pair_types()
# RULES by (first kind, second kind): those that read such a pair, in order
_RULES_OF = {(a, b): [r for r in RULES if a in r[1] and b in r[2]] for a, b in _PAIR_TYPES}


class CueRelationExtractor:
    name = "cues"

    def __call__(self, analysis: Analysis, mentions: list[Mention]) -> list[Relation]:
        text = analysis.document.text
        by_sentence: dict[int, list[int]] = {}
        for i, m in enumerate(mentions):
            by_sentence.setdefault(m.sentence, []).append(i)
        out: list[Relation] = []
        seen = set()
        nested_by_sentence: dict[int, set[int]] = {}

        def add(rtype: str, head: int, tail: int, si: int, evidence: str, rule: str) -> None:
            key = (rtype, head, tail)
            if key not in seen and head != tail:
                seen.add(key)
                out.append(Relation(rtype, head, tail, analysis.document.id, si, evidence, f"{self.name}:{rule}"))

        for si, idxs in by_sentence.items():
            sent = analysis.sentences[si]
            evidence = text[sent.start : sent.end]
            tokens = analysis.tokens[si]
            starts = analysis.token_starts(si)
            idxs.sort(key=lambda i: (mentions[i].start, -mentions[i].end))
            nested = nested_by_sentence[si] = _nested(mentions, idxs)
            self._anaphoric_roles(tokens, starts, mentions, idxs, add, si, evidence, text)
            self._far_cues(tokens, starts, mentions, idxs, nested, add, si, evidence)
            self._split_cues(tokens, starts, mentions, idxs, nested, add, si, evidence)
            if not ANAPHORS.isdisjoint(analysis.norms(si)):  # both read an anaphor token
                self._anaphor_subject(tokens, starts, mentions, idxs, nested, add, si, evidence)
                self._anaphor_target(tokens, starts, mentions, idxs, nested, add, si, evidence)
            self._anaphor_partner(tokens, starts, mentions, idxs, nested, add, si, evidence)
            for a_pos in range(len(idxs)):  # (indexes, not enumerate: compiled, C integers)
                a = idxs[a_pos]
                ma = mentions[a]
                a_end = bisect_left(starts, ma.end)  # first token after the mention
                lead = _lead_verb_rules(tokens, bisect_right(starts, ma.start) - 1, ma) if a not in nested else []
                for b_pos in range(a_pos + 1, len(idxs)):
                    b = idxs[b_pos]
                    mb = mentions[b]
                    if mb.start < ma.end:
                        # nested: a person inside a group's name leads it (قوات حفتر)
                        if ma.type == "ARMED_GROUP" and mb.type in PEOPLE and mb.end == ma.end and not _named_unit(ma):
                            add("LEADS", b, a, si, evidence, "possessive")
                        elif ma.type == "ARMED_GROUP" and mb.type == "PLACE" and mb.end == ma.end and _council_place(ma):
                            add("BASED_IN", a, b, si, evidence, "council-place")  # المجلس العسكري لمدينة X
                        continue
                    b_tok = bisect_right(starts, mb.start) - 1
                    if b_tok - a_end > MAX_GAP:
                        break  # every later mention is further away
                    if (ma.type, mb.type) not in _PAIR_TYPES:
                        continue  # no rule reads this pair of kinds
                    between_ids = idxs[a_pos + 1 : b_pos]
                    rel = self._pair(text, tokens, a_end, b_tok, mentions, ma, mb, between_ids, a in nested, lead)
                    if rel:
                        head, tail = (a, b) if rel[1] else (b, a)
                        add(rel[0], head, tail, si, evidence, rel[2])
                # role before a group: the first person after it holds the role
                if ma.type in GROUPS:
                    self._role_before(analysis, mentions, idxs, a_pos, add, si, evidence)
        _second_roles(text, mentions, by_sentence, out, add)
        return _distribute_lists(text, mentions, by_sentence, nested_by_sentence, out, add)

    def _pair(self, text, tokens, a_end, b_tok, mentions, ma: Mention, mb: Mention, between_ids, a_nested=False, lead=()):
        """(relation type, head is first, rule name) for two mentions in order, else None."""
        ta, tb = ma.type, mb.type  # (read many times below)
        words = token_gap(tokens, a_end, b_tok, mb.start)
        if words and ma.text[-1:].isdigit() and words[0] & UNIT_KINDS:
            words = words[1:]  # الكتيبة 166 [مشاة] تتمركز في: the unit kind belongs to the name
        kinds_between = {mentions[i].type for i in between_ids if mentions[i].start >= ma.end}
        if lead:
            lead_words = _without_time(words)
            for _, rtype, heads, tails, gaps, rule, head_first in lead:  # وتسيطر G على L
                if ta in heads and tb in tails and not kinds_between & tails and any(_gap_is(lead_words, g) for g in gaps):
                    return (rtype, head_first, rule)
        if ta in GROUPS and tb in PEOPLE and not kinds_between & PEOPLE and _cue_in(words, LED_BY, "start", 3):
            return ("LEADS", False, "led-by")
        if ta in PLACES and tb in ACTORS and _cue_in(words, STRONGHOLD, "exact", 0):
            return ("BASED_IN", False, "stronghold")  # مصراتة معقل الإخوان
        if ta in PLACES and tb in ACTORS and not kinds_between & ACTORS and _cue_in(words, BASED_AFTER_PLACE, "start", 5):
            return ("BASED_IN", False, "based-after-place")  # قلعة سبها، التي تتخذ منها كتيبة X مقرا
        if ta in ARMED and tb in ARMED and not kinds_between & ARMED and _between_and(text, ma, mb):
            return ("FIGHTS", True, "between-and")  # اشتباكات بين G1 وG2
        if ta == "PLACE" and tb in PLACES:
            if a_nested:
                return None  # a place inside a group's name (كتيبة ثوار طرابلس في ...)
            if _cue_in(words, DIRECTIONS, "exact", 0) and not _inside(text, ma, mb):
                return None  # بلدة X شرق درنة: near Y, not in it
        chained = _chained_modifier(words, ta, tb, kinds_between)
        if chained:
            return chained
        raw = max(words[0], key=len) if words and words[0] else ""
        new_clause = raw[:1] == "و" and len(raw) > 3 and raw not in _BASED_FIRSTS
        for rtype, heads, tails, cues, where, max_words, rule in _RULES_OF.get((ta, tb), ()):
            if kinds_between & tails and where != "exact":
                continue
            if rtype == "BASED_IN" and where == "start" and new_clause:
                continue
            if _cue_in(words, cues, where, max_words):
                return (rtype, rule not in REVERSED, rule)
        if ta in ACTORS and tb in PLACES and _cue_in(words, IN_OR_AT, "exact", 0):
            if ta == "TRIBE" and _tribe_named_as_such(text, mentions, ma) or ta != "TRIBE" and _presence_before(text, ma):
                return ("BASED_IN", True, "presence-in")  # قبائل X في Y، عناصر G في Y
        return None

    def _far_cues(self, tokens, starts, mentions, idxs, nested, add, si, evidence) -> None:
        """``G1 ... بعد أسابيع من المعارك مع G2`` / ``G1 ... إلى القتال في صف G2``: a cue
        phrase right before the second group; the first is the nearest group before the cue
        (not one introduced as what another answers to: ``التابعة لـ G``)."""
        for pos in range(len(idxs)):
            b = idxs[pos]
            mb = mentions[b]
            if b in nested or pos == 0:
                continue  # (the first mention has no group before it)
            b_tok = bisect_right(starts, mb.start) - 1
            if b_tok < 1:
                continue
            glued = tokens[b_tok].start < mb.start
            if not glued and tokens[b_tok - 1].norm in FAR_SKIP and b_tok > 1:
                b_tok -= 1  # المعارك مع [ميليشيا / عناصر] G
                glued = False
            last = tokens[b_tok - 1].norm
            if not glued and last not in _FAR_LAST or glued and last not in _FAR_LAST_GLUED:
                continue
            words = token_gap(tokens, max(0, b_tok - 5), b_tok, tokens[b_tok].start if not glued else mb.start)
            for rtype, heads, tails, cues in FAR_RULES:
                if mb.type not in tails:
                    continue
                n = _cue_suffix(words, cues)
                if not n:
                    continue
                cue_tok = b_tok - (n - glued)  # first token of the cue
                for a in reversed(idxs[:pos]):
                    ma = mentions[a]
                    if ma.end > starts[cue_tok] or a in nested:
                        continue
                    if bisect_left(starts, ma.end) < cue_tok - FAR_MAX or ma.type in tails and ma.type not in heads:
                        break
                    if ma.type in tails:
                        if ma.type in heads and not _after_affiliation(tokens, starts, ma):
                            add(rtype, a, b, si, evidence, "far-" + rtype.lower())
                            break
                        if ma.type in heads:
                            continue
                        break
                break

    def _split_cues(self, tokens, starts, mentions, idxs, nested, add, si, evidence) -> None:
        """SPLIT_RULES: a cue right before the second name; the first is the nearest name
        of the head kinds before the cue, after the rule's verb when it has one."""
        for pos in range(len(idxs)):
            b = idxs[pos]
            mb = mentions[b]
            if b in nested or pos == 0:
                continue
            b_tok = bisect_right(starts, mb.start) - 1
            if b_tok < 1:
                continue
            glued = tokens[b_tok].start < mb.start
            if not glued and b_tok >= 2 and tokens[b_tok - 1].norm in SPLIT_SKIP:
                b_tok -= 1  # مع [قوات] G: the cue ends before the member noun
            last = tokens[b_tok].norm[: mb.start - tokens[b_tok].start] if glued else tokens[b_tok - 1].norm
            classifier = 0  # a classifier token before the name is no word of the gap
            if not glued and b_tok >= 2 and any(f in PLACE_CLASSIFIERS for f, _ in tokens[b_tok - 1].forms):
                last = tokens[b_tok - 1].norm[:1] if tokens[b_tok - 1].norm[:1] in "لب" else tokens[b_tok - 2].norm  # من مدينة L
                classifier = 1
            if not any(f in _SPLIT_LAST for f in (last, last[-1:], normalize(last))):
                continue
            words = token_gap(tokens, max(0, b_tok - 5), b_tok, mb.start if glued else tokens[b_tok].start)
            for (rtype, heads, tails, verbs, cues, after, rule), lasts in zip(SPLIT_RULES, _SPLIT_LASTS):
                if mb.type not in tails or not words or not words[-1] & lasts:
                    continue
                n = _cue_suffix(words, cues)
                if not n:
                    continue
                if after is not None:
                    nxt = bisect_left(starts, mb.end)
                    if nxt >= len(tokens) or not after & _FORMSETS(tokens[nxt].forms):
                        continue
                cue_tok = max(0, b_tok - (n - glued) - classifier)
                if rule in AFTER_PARENTHESIS and not (tokens[cue_tok].break_before and tokens[cue_tok].norm[:1] not in "وف"):
                    continue  # only "G، ...، تتمركز في L": a verb opening a clause has its own subject
                if cue_tok >= 1 and (UNSUPPORT if verbs is None else FIGHT_NOUNS) & _FORMSETS(tokens[cue_tok - 1].forms):
                    continue  # سحب دعمه لـ G؛ وتحالفت G ... بعد المعارك مع G2
                head = _split_head(tokens, starts, mentions, idxs[:pos], nested, cue_tok, heads, tails, verbs)
                if head is not None:
                    add(rtype, head, b, si, evidence, rule)
                    break

    def _anaphor_target(self, tokens, starts, mentions, idxs, nested, add, si, evidence) -> None:
        """``G قد شن غارات على مواقع المجلس``: a FAR_RULES fighting cue before an anaphor;
        the target is the group last named with that head noun (this sentence or the four before)."""
        rtype, heads, tails, cues = FAR_RULES[0]
        for k in range(1, len(tokens)):
            noun = tokens[k].norm
            if noun not in ANAPHORS or tokens[k - 1].norm not in _FAR_LAST:
                continue
            words = token_gap(tokens, max(0, k - 5), k, tokens[k].start)
            n = _cue_suffix(words, cues)
            if not n:
                continue
            after = bisect_left([mentions[i].start for i in idxs], tokens[k].start)
            before = idxs[:after]
            head = _split_head(tokens, starts, mentions, before, nested, k - n, heads, tails, None)
            if head is None:
                continue
            first_after = idxs[after] if after < len(idxs) else (idxs[-1] + 1 if idxs else 0)
            ante = _antecedent(mentions, first_after, noun)
            if ante is not None and ante != head and mentions[ante].type in tails and mentions[ante].sentence >= si - 4:
                add(rtype, head, ante, si, evidence, "anaphor-target")

    def _anaphor_partner(self, tokens, starts, mentions, idxs, nested, add, si, evidence) -> None:
        """``اللجنة تعمل بالتنسيق مع G``: an anaphor right before a coordination cue is the
        group last named with that head noun (this sentence or the two before)."""
        for b in idxs:
            mb = mentions[b]
            if mb.type not in ACTORS or b in nested:
                continue
            b_tok = bisect_right(starts, mb.start) - 1
            if b_tok < 2 or tokens[b_tok - 1].norm != _WITH:
                continue
            words = token_gap(tokens, max(0, b_tok - 4), b_tok, mb.start)
            n = _cue_suffix(words, COORDINATION)
            if not n or n >= len(words) or not words[-n - 1] & ANAPHORS:
                continue
            ante = _antecedent(mentions, b, next(iter(words[-n - 1] & ANAPHORS)))
            if ante is not None and mentions[ante].type in ACTORS and mentions[ante].sentence >= si - 2:
                add("ALLIED_WITH", ante, b, si, evidence, "anaphor-partner")

    def _anaphor_subject(self, tokens, starts, mentions, idxs, nested, add, si, evidence) -> None:
        """``وتتمركز الكتيبة في L``: a VERB_FIRST verb whose subject is an anaphor; the
        group is the one last named with that head noun, in this sentence or the one before."""
        for b in idxs:
            mb = mentions[b]
            if mb.type not in PLACES or b in nested:
                continue
            b_tok = bisect_right(starts, mb.start) - 1
            if b_tok < 2 or not any(t.norm in ANAPHORS for t in tokens[max(0, b_tok - 3) : b_tok]):
                continue
            words = token_gap(tokens, max(0, b_tok - 4), b_tok, mb.start)[-3:]  # a classifier drops out
            if len(words) < 3 or not words[1] & ANAPHORS:
                continue
            rule = next((r for f in words[0] for r in _VERB_FIRST_INDEX.get(f, ()) if r[1] == "BASED_IN" and "ARMED_GROUP" in r[2]
                         and any(len(g) == 1 and g[0] in words[2] for g in r[4])), None)
            if rule is None:
                continue
            ante = _antecedent(mentions, b, next(iter(words[1] & ANAPHORS)))
            if ante is not None and mentions[ante].sentence >= si - 1:
                add("BASED_IN", ante, b, si, evidence, "anaphor-" + rule[5])

    def _anaphoric_roles(self, tokens, starts, mentions, idxs, add, si, evidence, analysis_text="") -> None:
        """``آمر الكتيبة، العقيد X`` / ``الناطق باسم الهيئة X``: the role is held in the group
        last named with that head noun (here or in the sentences before)."""
        for b in idxs:
            mb = mentions[b]
            if mb.type not in PEOPLE:
                continue
            after = bisect_left(starts, mb.end)  # "P، قائد الكتيبة": the role after the name
            if after + 1 < len(tokens) and tokens[after + 1].norm in ANAPHORS and tokens[after].norm in ANAPHOR_ROLES["LEADS"]:
                ante = _antecedent(mentions, b, tokens[after + 1].norm)
                if ante is not None:
                    add("LEADS", b, ante, si, evidence, "anaphor-role")
            k = bisect_left(starts, mb.start) - 1  # the token before the name
            while k >= 0 and (tokens[k].norm in RANK_WORDS or tokens[k].norm in _MODIFIERS):
                k -= 1
            if k >= 0:
                role = next((r for f, _ in tokens[k].forms for r, ws in PRONOUN_ROLES.items() if f in ws), None)
                if role is not None:  # "لآمرها العميد X": the group named last before
                    ante = _nearest_group(analysis_text, mentions, b, ARMED if role == "LEADS" else GROUPS)
                    if ante is not None:
                        add(role, b, ante, si, evidence, "pronoun-role")
                    continue
            if k < 1 or tokens[k].norm not in ANAPHORS:
                continue
            noun = tokens[k].norm
            role = next((r for r, ws in ANAPHOR_ROLES.items() if any(f in ws for f, _ in tokens[k - 1].forms)), None)
            if role is None:
                continue
            ante = _antecedent(mentions, b, noun)
            if ante is not None:
                add(role, b, ante, si, evidence, "anaphor-role")

    def _role_before(self, analysis, mentions, idxs, a_pos, add, si, evidence) -> None:
        ma = mentions[idxs[a_pos]]
        text = analysis.document.text
        if text[ma.start - 1 : ma.start] not in (" ", ""):
            return  # checked first: cheaper than the word search below
        role = _role_word(_word_before(analysis, si, ma.start, text))
        if role is None:
            return
        # the group may be followed by what it answers to (آمر غرفة X التابع للقيادة العامة العميد Y)
        words = gap_forms(text[ma.end : ma.end + 30], "")
        attached = bool(words) and bool(words[0] & AFFILIATION_HEADS)
        for b in idxs[a_pos + 1 :]:
            mb = mentions[b]
            if mb.start < ma.end:
                continue
            if mb.type in PLACES and [normalize(w) for w in WORD_RE.findall(text[ma.end : mb.start])] in (["في"], ["ب"]):
                continue  # المتحدث باسم G في ليبيا، X: the place qualifies the group
            if mb.type in PEOPLE:
                gap = text[ma.end : mb.start]
                n_words = len(WORD_RE.findall(gap))
                verbs = {normalize(w) for w in WORD_RE.findall(gap)} & CLAUSE_WORDS
                if n_words <= 6 and not verbs:
                    add(role, b, idxs[a_pos], si, evidence, "role-before")
                return
            if not attached:
                return  # another name first: the role belongs to it


TRIBE_NOUNS = {normalize(w) for w in "قبيلة قبائل عشيرة عشائر قبيلتي أبناء مشايخ أعيان".split()}


def _tribe_named_as_such(text: str, mentions: list[Mention], m: Mention) -> bool:
    """``قبائل A وB في L`` states where the tribes live; ``الصراع بين A وB في L`` only
    where they fought: the tribe, or the coordinated list it ends, follows a tribe noun."""
    items = [x for x in mentions if x.sentence == m.sentence and x.type == "TRIBE" and x.end <= m.start]
    start = m.start
    for _ in range(8):
        words = WORD_RE.findall(text[max(0, start - 30) : start])
        if words and {f for f, _ in clitic_forms(normalize(words[-1]))} & TRIBE_NOUNS:
            return True
        prev = next((x for x in items if " ".join(text[x.end : start].split()) in _LIST_GAP and x.end < start), None)
        if prev is None:
            return False
        start = prev.start
    return False


def _word_before(analysis: Analysis, si: int, start: int, text: str) -> str:
    """The last word within 40 characters before ``start`` (a token start), "" if none.

    Usually the previous token of the sentence; the regex over the raw text only where
    that may differ (first token of a sentence, anything but one space between them).
    """
    k = bisect_right(analysis.token_starts(si), start) - 1
    if k >= 1:
        prev = analysis.tokens[si][k - 1]
        if prev.end == start - 1 and start - prev.start <= 40:
            return prev.text
    before = WORD_RE.findall(text[max(0, start - 40) : start])
    return before[-1] if before else ""


@lru_cache(maxsize=50_000)
def _role_word(word: str) -> str | None:
    """The role (ROLE_BEFORE_GROUP) a word before a group names, if any (cached per word)."""
    prev = normalize(word)
    return next((r for r, words in ROLE_BEFORE_GROUP.items() if prev in words or
                 any(f in words for f, _ in clitic_forms(prev))), None)


# Unit nouns whose name honours a person (كتيبة عمر المختار, لواء الشهيد X): not led by him.
UNIT_NOUNS = {normalize(w) for w in "كتيبة الكتيبة كتائب لواء اللواء سرية السرية سرايا".split()}


def _named_unit(m: Mention) -> bool:
    """The group's name starts with a unit noun (``كتيبة X``), not a possessive (``قوات X``)."""
    first = WORD_RE.match(m.text)
    return bool(first) and any(f in UNIT_NOUNS for f, _ in clitic_forms(normalize(first.group())))


def _presence_before(text: str, m: Mention) -> bool:
    """A member noun right before the mention (خلايا داعش، عناصر التنظيم)."""
    words = WORD_RE.findall(text[max(0, m.start - 30) : m.start])
    if not words:
        return False
    forms = {f for f, _ in clitic_forms(normalize(words[-1]))}
    return bool(forms & PRESENCE)


# Definite head nouns that refer back to a group named before (الكتيبة، الهيئة، اللجنة).
ANAPHORS = {normalize(w) for w in "الكتيبة الهيئة اللجنة الجبهة المجلس الجهاز الحركة التنظيم الميليشيا المليشيا السرايا القوة البعثة المؤسسة الوزارة الحكومة الغرفة الفيلق".split()}
ANAPHOR_ROLES = {
    "LEADS": {normalize(w) for w in "قائد آمر رئيس زعيم أمير مدير".split()},
    "SPOKESPERSON_OF": {normalize("باسم")},
    "MEMBER_OF": {normalize("عضو")},
}
# Role nouns with a pronoun ending that refers to the group named last (آمرها، قائده، باسمها).
PRONOUN_ROLES = {
    "LEADS": {normalize(w + e) for w in "قائد آمر زعيم".split() for e in ("ها", "ه")},
    "SPOKESPERSON_OF": {normalize(w) for w in "باسمها باسمه".split()},
}


def _nearest_group(text: str, mentions: list[Mention], b: int, kinds: set[str]) -> int | None:
    """The nearest mention of ``kinds`` before ``b`` in its sentence or the one before,
    not nested inside a longer mention nor named as what another answers to (التابعة لـ G)."""
    sb = mentions[b].sentence
    for i in range(b - 1, -1, -1):
        m = mentions[i]
        if m.sentence < sb - 1:
            return None
        words = WORD_RE.findall(text[max(0, m.start - 25) : m.start])
        while words and len(words[-1]) == 1:
            words.pop()
        if words and {f for f, _ in clitic_forms(normalize(words[-1]))} & (AFFILIATION_HEADS | _ALLY_HEADS):
            continue
        if m.type in kinds and not any(o.start <= m.start and o.end >= m.end and o is not m and (o.start, o.end) != (m.start, m.end)
                                       for o in mentions[max(0, i - 3) : i]):
            return i
    return None


_MODIFIERS = {normalize(w) for w in "المتقاعد الركن الطيار السابق الحالي".split()}


def _rank_words() -> set[str]:
    return {w for r in RANKS | PERSON_TITLES for w in r.split()}


RANK_WORDS = _rank_words()


def _antecedent(mentions: list[Mention], b: int, noun: str) -> int | None:
    """The nearest group mention before ``b`` headed by ``noun`` (الهيئة → الهيئة العامة ...)."""
    bare = noun[2:]
    for i in range(b - 1, -1, -1):
        m = mentions[i]
        if m.type not in GROUPS:
            continue
        first = normalize(WORD_RE.findall(m.text)[0]) if m.text else ""
        if first in (noun, bare) or first[:1] in "لب" and first[1:] in (noun, bare) or first == "ل" + bare:
            return i
        if noun == normalize("التنظيم") and m.attrs.get("kind") == "terrorist":
            return i
    return None


def _nested(mentions: list[Mention], idxs: list[int]) -> set[int]:
    """Mentions of a sentence that lie inside a longer one (مصراتة in المجلس العسكري لمدينة مصراتة).

    ``idxs`` are sorted by (start, -end): a mention is nested when an earlier one reaches
    at least as far and is not the same span.
    """
    out = set()
    reach, reach_start = -1, -1
    for i in idxs:
        mi = mentions[i]
        if reach > mi.end or reach == mi.end and reach_start < mi.start:
            out.add(i)
        elif mi.end > reach:
            reach, reach_start = mi.end, mi.start
    return out


def _inside(text: str, ma: Mention, mb: Mention) -> bool:
    """``X جنوب Y`` states that X lies in Y: Y is a country or a region, or X a district."""
    if mb.type == "COUNTRY" or mb.attrs.get("kind") in REGION_KINDS:
        return True
    before = WORD_RE.findall(text[max(0, ma.start - 15) : ma.start])
    return bool(before) and normalize(before[-1]) in DISTRICT_WORDS


def _between_and(text: str, ma: Mention, mb: Mention) -> bool:
    """``اشتباكات بين G1 [...] وG2``: a fighting noun, بين, then two groups joined by و."""
    if "بين" not in text[max(0, ma.start - 8) : ma.start]:
        return False
    before = [normalize(w) for w in WORD_RE.findall(text[max(0, ma.start - 50) : ma.start])]
    if not before or before[-1] != "بين" or not FIGHT_NOUNS.intersection(before[-5:-1]):
        return False
    gap = [normalize(w) for w in WORD_RE.findall(text[ma.end : mb.start])]
    if not gap or len(gap) > 8:
        return False
    for k in range(len(gap) - 1, -1, -1):  # the last و-word; only member nouns after it
        w = gap[k]
        if w == "و" or w.startswith("و") and (w[1:] in MEMBER_WORDS or k == len(gap) - 1 and not text[mb.start - 1].isspace()):
            return all(x in MEMBER_WORDS for x in gap[k + 1 :])
        if w not in MEMBER_WORDS:
            return False
    return False


_LIST_GAP = {"", "و", "،", ",", "، و", ", و", "وفي", "وفى", "وب", "و في", "و فى"}
# Relations that carry over to every item of a coordinated list of heads / of tails.
_HEAD_LISTS = {"BASED_IN", "AFFILIATED_WITH", "ALLIED_WITH", "FIGHTS", "MEMBER_OF"}
_TAIL_LISTS = {"BASED_IN", "FIGHTS", "ALLIED_WITH"}


_ROLE_RULES = {"leads", "member", "spokes", "role-before", "anaphor-role"}
_SECOND_ROLES = {**ROLE_BEFORE_GROUP, "MEMBER_OF": {normalize("عضو")}}


def _second_roles(text, mentions, by_sentence, out, add) -> None:
    """``P، القيادي في G1 وآمر G2``: a second role joined by و right after the group of a
    person's first role is held by the same person."""
    for r in list(out):
        if r.extractor.split(":", 1)[-1] not in _ROLE_RULES or mentions[r.head].type not in PEOPLE:
            continue
        g1 = mentions[r.tail]
        words = WORD_RE.findall(text[g1.end : g1.end + 12])
        if not words or not text[g1.end : g1.end + 1].isspace() or words[0][:1] != "و":
            continue
        role = next((t for t, ws in _SECOND_ROLES.items() if normalize(words[0][1:]) in ws), None)
        if role is None:
            continue
        after = g1.end + text[g1.end :].find(words[0]) + len(words[0])
        for i in by_sentence.get(g1.sentence, ()):
            m = mentions[i]
            if m.type in GROUPS and text[after : m.start].strip() == "" and m.start >= after:
                add(role, r.head, i, r.sentence, r.evidence, "second-role")
                break


def _distribute_lists(text, mentions, by_sentence, nested_by_sentence, out, add):
    """``قبائل A وB وC في L``: a relation read for one list item holds for all of them."""
    if not out:
        return out
    mates: dict[int, list[int]] = {}
    for si, idxs in by_sentence.items():
        nested = nested_by_sentence.get(si, set())
        top = [i for i in idxs if i not in nested]
        run = [top[0]] if top else []
        for prev, cur in zip(top, top[1:]):
            mp, mc = mentions[prev], mentions[cur]
            if mp.type == mc.type and " ".join(text[mp.end : mc.start].split()) in _LIST_GAP:
                run.append(cur)
                continue
            for i in run:
                mates[i] = run
            run = [cur]
        for i in run:
            mates[i] = run
    for r in list(out):
        if r.type in _HEAD_LISTS:
            for h in mates.get(r.head, ()):
                add(r.type, h, r.tail, r.sentence, r.evidence, "list+" + r.extractor.split(":", 1)[-1])
        if r.type in _TAIL_LISTS:
            for t in mates.get(r.tail, ()):
                add(r.type, r.head, t, r.sentence, r.evidence, "list+" + r.extractor.split(":", 1)[-1])
    return out
