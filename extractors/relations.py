"""Relation extraction from cue words between two mentions of one sentence.

The text between a head and a tail mention is normalised and searched for cue
phrases; the first cue that fits the two entity types decides the relation. Evidence
is the sentence text.
"""
from __future__ import annotations

from conflictkg.records import Mention, Relation

from .base import Analysis
from .cues import PLACE_CLASSIFIERS
from .text import clitic_forms, normalize_phrase

GROUPS = {"ARMED_GROUP", "ORGANIZATION"}
ACTORS = {"ARMED_GROUP", "ORGANIZATION", "TRIBE"}
PEOPLE = {"COMMANDER", "PERSON"}
PLACES = {"PLACE", "COUNTRY"}


def _cues(words: str) -> list[str]:
    return [normalize_phrase(w) for w in words.split("،") if w.strip()]


# (relation, head types, tail types, cues between head and tail, max words between)
RULES = [
    ("SPOKESPERSON_OF", PEOPLE, GROUPS, _cues("المتحدث باسم، الناطق باسم، المتحدث الرسمي باسم، الناطق الرسمي باسم، المتحدث العسكري باسم، الناطق الرسمي ل، المتحدث الرسمي ل"), 6),
    ("LEADS", PEOPLE, GROUPS, _cues("قائد، آمر، رئيس، زعيم، أمير، مدير، رئيس أركان، القائد العام ل، القائد العام"), 4),
    ("AFFILIATED_WITH", PEOPLE | GROUPS, GROUPS, _cues("التابع ل، التابعة ل، التابعين ل، المحسوب على، المحسوبة على، تحت إمرة، الموالي ل، الموالية ل، المنضوية تحت، المنضوي تحت، التابع، التابعة"), 5),
    ("ALLIED_WITH", ACTORS, ACTORS, _cues("بالتنسيق مع، حليف، حليفة، المتحالفة مع، المتحالف مع، بدعم من، الداعمة ل، الداعم ل، دعم"), 5),
    ("FIGHTS", ACTORS, ACTORS, _cues("هجوم على، هجوما على، هجمات على، استهدف، استهدفت، استهداف، قصف، قصفت، اشتباكات مع، اشتباكات بين، معارك ضد، معارك مع، ضد، يقاتل، تقاتل، قتال، حرب على، غارات على، غارة على، طرد، دحر"), 8),
    ("BASED_IN", ACTORS, PLACES, _cues("المتمركزة في، المتمركزة ب، المتمركز في، المتمركز ب، تتمركز في، يتمركز في، تتخذ من، يتخذ من، معقل، مقرها، مقره، في، ب"), 3),
    ("LOCATED_IN", {"PLACE"}, PLACES, _cues("في، ب، جنوب، شمال، شرق، غرب، جنوبي، شمالي، شرقي، غربي، جنوب شرق، جنوب غرب، شمال شرق، شمال غرب، قرب، بالقرب من"), 3),
]
# "X بقيادة Y" and "Y يقود X": the leader comes after the group.
LED_BY = _cues("بقيادة، تحت قيادة، يقودها، يتزعمها، التي يقودها، الذي يقوده، يقوده")



def gap_words(between: str, glued: str) -> str:
    """Normalised words between two mentions, classifier nouns reduced to their proclitics.

    ``... بمدينة [مصراتة]`` gives ``ب``; a proclitic glued to the second mention
    (``لـ[قوات]``) is appended as a word of its own.
    """
    words = []
    for w in normalize_phrase(between).split():
        for form, cut in clitic_forms(w):
            if form in PLACE_CLASSIFIERS:
                if cut:
                    words.append(w[:cut][-1])
                break
        else:
            words.append(w)
    if glued:
        words.append(normalize_phrase(glued) or glued)
    return " ".join(words)


def _has_cue(gap: str, cues: list[str], max_words: int) -> bool:
    if len(gap.split()) > max_words:
        return False
    padded = f" {gap} "
    for cue in cues:
        if len(cue) <= 2:  # a bare preposition links only adjacent names
            if gap == cue:
                return True
        elif f" {cue} " in padded:
            return True
    return False


class CueRelationExtractor:
    name = "cues"

    def __call__(self, analysis: Analysis, mentions: list[Mention]) -> list[Relation]:
        text = analysis.document.text
        by_sentence: dict[int, list[int]] = {}
        for i, m in enumerate(mentions):
            by_sentence.setdefault(m.sentence, []).append(i)
        out: list[Relation] = []
        seen = set()
        for si, idxs in by_sentence.items():
            sent = analysis.sentences[si]
            evidence = text[sent.start : sent.end]
            idxs.sort(key=lambda i: mentions[i].start)
            for a_pos, a in enumerate(idxs):
                ma = mentions[a]
                for b in idxs[a_pos + 1 :]:
                    mb = mentions[b]
                    if mb.start < ma.end:
                        continue
                    glued = ""
                    if mb.start > ma.end and not text[mb.start - 1].isspace():
                        glued = text[mb.start - 1]
                        between = text[ma.end : mb.start - 1]
                    else:
                        between = text[ma.end : mb.start]
                    gap = gap_words(between, glued)
                    rel = _match(ma, mb, gap)
                    if rel:
                        head, tail = (a, b) if rel[1] else (b, a)
                        key = (rel[0], head, tail)
                        if key not in seen:
                            seen.add(key)
                            out.append(Relation(rel[0], head, tail, analysis.document.id, si, evidence, self.name))
        return out


def _match(first: Mention, second: Mention, gap: str):
    """(relation type, head is first) for a pair of mentions and the words between."""
    if first.type in GROUPS and second.type in PEOPLE and _has_cue(gap, LED_BY, 3):
        return ("LEADS", False)
    for rtype, heads, tails, cues, max_words in RULES:
        if first.type in heads and second.type in tails and _has_cue(gap, cues, max_words):
            return (rtype, True)
    return None
