"""Matching keys: the normalised form two names must share to be the same entity.

A key is the camel-tools normalisation of the extraction layer (``text.normalize``)
plus name-level rules:

* leading titles and ranks are dropped from people's names (العقيد، اللواء المتقاعد ...);
* generic classifier nouns are dropped in front of places and tribes (مدينة، قبيلة ...);
* a single-word place or country name loses its article (التشاد = تشاد);
* عبد/أبو/أم compounds are written joined (عبد الله = عبدالله, أبو عزام = أبوعزام);
* spelling families are folded (مليشيا/ميلشيا → ميليشيا).

>>> matching_key("العقيد أحمد المسمارى", "COMMANDER") == matching_key("أحمد المسماري", "COMMANDER")
True
>>> matching_key("مدينة مصراته", "PLACE") == matching_key("مصراتة", "PLACE")
True
>>> matching_key("التشاد", "COUNTRY") == matching_key("تشاد", "COUNTRY")
True
>>> matching_key("ليبيا", "COUNTRY") == matching_key("ليبيا الجديدة", "COUNTRY")
False

Ranks are only titles in front of a person: ``اللواء`` heads the name of a brigade.

>>> matching_key("اللواء 444", "ARMED_GROUP")
'اللواء 444'
"""
from __future__ import annotations

from functools import lru_cache

from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.transliterate import Transliterator

from conflictkg.extractors.cues import ALL_TITLES, PLACE_CLASSIFIERS, SPELLING_FAMILIES, TRIBE_TRIGGERS
from conflictkg.extractors.text import normalize_phrase

_BW = Transliterator(CharMapper.builtin_mapper("ar2safebw"))

PERSON_TYPES = frozenset({"PERSON", "COMMANDER"})
PLACE_TYPES = frozenset({"PLACE", "COUNTRY"})

# Words that qualify a rank and go with it (اللواء المتقاعد، العميد الركن).
RANK_MODIFIERS = frozenset(normalize_phrase(w) for w in ("المتقاعد", "الركن", "ركن", "متقاعد", "أول"))
# Spelling families the resolver folds on top of the extraction layer's.
NAME_FAMILIES = {
    **SPELLING_FAMILIES,
    normalize_phrase("الأمريكية"): normalize_phrase("الأميركية"),
    normalize_phrase("الأمريكي"): normalize_phrase("الأميركي"),
    normalize_phrase("أمريكا"): normalize_phrase("أميركا"),
    normalize_phrase("إفريقيا"): normalize_phrase("أفريقيا"),
}
_COMPOUND_HEADS = frozenset(normalize_phrase(w) for w in ("عبد", "أبو", "أم", "بو"))
_CLASSIFIERS = {"PLACE": PLACE_CLASSIFIERS, "COUNTRY": PLACE_CLASSIFIERS, "TRIBE": TRIBE_TRIGGERS | PLACE_CLASSIFIERS}


def family(etype: str) -> str:
    """Types whose names can denote one entity share a family: PERSON and COMMANDER.

    >>> family("COMMANDER"), family("PERSON"), family("TRIBE")
    ('PERSON', 'PERSON', 'TRIBE')
    """
    return "PERSON" if etype in PERSON_TYPES else etype


@lru_cache(maxsize=300_000)
def matching_key(name: str, etype: str) -> str:
    """The key of ``name`` as an entity of type ``etype`` (see the module docstring).

    >>> matching_key("اللواء المتقاعد خليفة حفتر", "COMMANDER")
    'خليفه حفتر'
    >>> matching_key("أبو عزام", "COMMANDER") == matching_key("أبوعزام", "COMMANDER")
    True
    >>> matching_key("ميلشيا الكانيات", "ARMED_GROUP") == matching_key("مليشيا الكانيات", "ARMED_GROUP")
    True
    """
    words = normalize_phrase(name).split()
    if etype in PERSON_TYPES:
        words = _drop_titles(words)
    classifiers = _CLASSIFIERS.get(etype)
    if classifiers and len(words) > 1:
        if " ".join(words[:2]) in classifiers and len(words) > 2:
            words = words[2:]
        elif words[0] in classifiers:
            words = words[1:]
    words = [NAME_FAMILIES.get(w, w) for w in words]
    words = _join_compounds(words)
    if etype in PLACE_TYPES and len(words) == 1:
        words = [strip_article(words[0])]
    return " ".join(words)


def _drop_titles(words: list[str]) -> list[str]:
    """Leading titles and ranks, one or two words each, possibly stacked (اللواء الركن ...)."""
    changed = True
    while changed and len(words) > 1:
        changed = False
        for n in (2, 1):
            if len(words) > n and " ".join(words[:n]) in ALL_TITLES:
                words = words[n:]
                changed = True
                break
        while changed and len(words) > 1 and words[0] in RANK_MODIFIERS:
            words = words[1:]
    return words


def _join_compounds(words: list[str]) -> list[str]:
    """عبد الله / عبدالله and أبو عزام / أبوعزام share one form: the joined one."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in _COMPOUND_HEADS and i + 1 < len(words) and not words[i + 1].isdigit():
            out.append(w + words[i + 1])
            i += 2
            continue
        out.append(w)
        i += 1
    return out


def strip_article(word: str) -> str:
    """``word`` without a leading ال when at least three letters remain.

    >>> strip_article("الجفره"), strip_article("الله")
    ('جفره', 'الله')
    """
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def compact(key: str) -> str:
    """The key without spaces: names that differ only in word breaks are one name.

    >>> compact("او باري") == compact("اوباري")
    True
    """
    return key.replace(" ", "")


def loose_tokens(key: str, etype: str) -> tuple[str, ...]:
    """Tokens a fuzzy comparison looks at: articles, the conjunction و and classifier
    nouns inside the name removed, sorted so that word order does not count.

    >>> loose_tokens(matching_key("قوة تأمين وحماية سرت", "ARMED_GROUP"), "ARMED_GROUP") == \\
    ...     loose_tokens(matching_key("قوة حماية وتأمين سرت", "ARMED_GROUP"), "ARMED_GROUP")
    True
    >>> loose_tokens("المجلس العسكري لمدينه مصراته", "ARMED_GROUP")
    ('عسكري', 'مجلس', 'مصراته')
    """
    words = key.split()
    out = []
    for i, w in enumerate(words):
        if len(words) > 1 and i and w.startswith("و") and len(w) > 4:
            w = w[1:]
        if w.startswith("لل") and len(w) > 4:
            w = "ا" + w[1:]
        elif len(words) > 1 and i and w.startswith("ل") and w[1:] in PLACE_CLASSIFIERS:
            continue
        if len(words) > 1 and w in PLACE_CLASSIFIERS:
            continue
        out.append(strip_article(w))
    return tuple(sorted(out or words))


def transliterate(key: str) -> str:
    """ASCII-safe Buckwalter form of a key, for ids.

    >>> transliterate("خليفه حفتر")
    'xlyfh_Hftr'
    """
    return "_".join(map(_transliterated_word, key.split()))


@lru_cache(maxsize=1 << 16)
def _transliterated_word(word: str) -> str:
    # a corpus' entity names share most of their words: each is transliterated once
    return _BW.transliterate(word)


def entity_id(etype: str, key: str) -> str:
    """Stable id of the entity with this type and canonical key.

    >>> entity_id("PLACE", "مصراته")
    'place:mSrAth'
    """
    return f"{etype.lower()}:{transliterate(key)}"
