"""Matching keys: the normalised form two names must share to be the same entity.

>>> matching_key("العقيد أحمد المسمارى", "COMMANDER") == matching_key("أحمد المسماري", "COMMANDER")
True
>>> matching_key("مدينة مصراته", "PLACE") == matching_key("مصراتة", "PLACE")
True
"""
from __future__ import annotations

from functools import lru_cache

from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.transliterate import Transliterator

from conflictkg.extractors.cues import ALL_TITLES, PLACE_CLASSIFIERS, SPELLING_FAMILIES
from conflictkg.extractors.text import normalize_phrase

_BW = Transliterator(CharMapper.builtin_mapper("ar2safebw"))


@lru_cache(maxsize=200_000)
def matching_key(name: str, etype: str) -> str:
    words = normalize_phrase(name).split()
    # leading titles and ranks, one or two words each, possibly stacked (اللواء الركن ...)
    changed = True
    while changed and len(words) > 1:
        changed = False
        for n in (2, 1):
            if len(words) > n and " ".join(words[:n]) in ALL_TITLES:
                words = words[n:]
                changed = True
                break
    if etype in ("PLACE", "COUNTRY", "TRIBE") and len(words) > 1 and words[0] in PLACE_CLASSIFIERS:
        words = words[1:]
    words = [SPELLING_FAMILIES.get(w, w) for w in words]
    words = _join_compounds(words)
    return " ".join(words)


def _join_compounds(words: list[str]) -> list[str]:
    """عبد الله / عبدالله and أبو عزام / أبوعزام share one form: the joined one."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in ("عبد", "ابو") and i + 1 < len(words):
            out.append(w + words[i + 1])
            i += 2
            continue
        out.append(w)
        i += 1
    return out


def transliterate(key: str) -> str:
    """ASCII-safe Buckwalter form of a key, for ids.

    >>> transliterate("خليفه حفتر")
    'xlyfh_Hftr'
    """
    return "_".join(_BW.transliterate(w) for w in key.split())


def entity_id(etype: str, key: str) -> str:
    """Stable id of the entity with this type and canonical key.

    >>> entity_id("PLACE", "مصراته")
    'place:mSrAth'
    """
    return f"{etype.lower()}:{transliterate(key)}"
