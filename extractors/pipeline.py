"""Stage 1: a document in, its sentences, mentions and relations out.

The components run in order, each seeing the mentions of those before it
(``Analysis.prior``: the patterns do not re-type a name the lexicon knows). After
overlap resolution, document-level passes that need all mentions run (``coref``):
aliases introduced by ``المكنى بـ``, later bare-surname mentions of a named person,
and one person type per name in a document.
"""
from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from conflictkg.records import DocResult, Document, Mention

from . import lexicon_extractor, patterns  # noqa: F401  (register the built-in components)
from .base import Analysis, available, create, resolve_overlaps
from .cues import FIRST_NAMES, FUNCTION_WORDS, NATIONALITIES, _norm_set
from .patterns import CLOSE_QUOTES, OPEN_QUOTES, ROLE_AFTER_NAME, STOP, _phrase_at, person_name_end
from .text import Token, normalize_phrase, skip_letters
from .relations import CueRelationExtractor

DEFAULT_EXTRACTORS = ("lexicon", "pattern")


class ExtractionPipeline:
    """Runs the named mention extractors, resolves overlaps, then finds relations.

    >>> from conflictkg.records import Document
    >>> pipe = ExtractionPipeline()
    >>> result = pipe(Document("d1", "قال العقيد سالم الفيتوري إن الهجوم فشل."))
    >>> [(m.text, m.type) for m in result.mentions]
    [('سالم الفيتوري', 'COMMANDER')]
    """

    def __init__(self, extractors=DEFAULT_EXTRACTORS, lexicon_files=()):
        self.names = tuple(extractors)
        self.lexicon_files = tuple(str(p) for p in lexicon_files)
        if "camel-ner" in self.names and "camel-ner" not in available():
            from . import camel_ner  # noqa: F401  (registers itself; imports the model lazily)
        self.components = []
        for name in self.names:
            options = {"lexicon_files": self.lexicon_files} if name in ("lexicon", "camel-ner") else {}
            self.components.append(create(name, **options))
        self.relation_extractor = CueRelationExtractor()

    def __call__(self, document: Document) -> DocResult:
        analysis = Analysis.of(document)
        for component in self.components:
            analysis.add_prior(component(analysis))
        mentions = resolve_overlaps(analysis.prior)
        mentions = resolve_overlaps(document_passes(analysis, mentions))
        relations = self.relation_extractor(analysis, mentions)
        _commanders_by_relation(mentions, relations)
        return DocResult(document, analysis.sentences, mentions, relations)


PEOPLE = ("COMMANDER", "PERSON")
ALIAS_CUES = _norm_set("المكنى، المكني، المكناة، الملقب، الملقبة، المعروف، المعروفة، الشهير، الشهيرة، الملقب ب، المكنى ب")
KUNYA_HEADS = _norm_set("أبو، أبي، ابو، ابي، أم")
POSSESSIVE_GROUP = _norm_set("قوات، ميليشيا، مليشيا، ميلشيا، ميليشيات، مليشيات، ميلشيات، كتيبة، كتائب، جماعة")


def document_passes(analysis: Analysis, mentions: list[Mention]) -> list[Mention]:
    """Mentions completed with what only the whole document tells.

    * ``<person> المكنى بـ "أبوعزام"``: the alias is a mention of the same person;
    * a person named in full is later mentioned by the surname alone (``حفتر``);
    * ``قوات <person>`` is a group mention containing the person mention;
    * a name typed COMMANDER once is a COMMANDER in the whole document;
    * operations (``عملية بركان الغضب``) are events, and ``شرق ليبيا`` after a compass
      word (``جنوب شرق ليبيا``) is a direction, not the region: both are dropped;
    * a unit number after a known group name belongs to it (``كتيبة الفاروق 301``);
    * a civilian named only at the end of a unit's name is not mentioned (``كتيبة عمر المختار``);
    * a group ``التابعة ل`` a body of the other camp is not the lexicon's group of that
      name (``الجيش الليبي التابع لحكومة الوفاق`` is not the LNA).
    """
    index = _TokenIndex(analysis)
    out = _not_entities(analysis, index, mentions)
    _numbered_units(analysis, index, out)
    _other_side(analysis, index, out)
    out += _aliases(analysis, index, out)
    out += _surnames(analysis, index, out)
    out += _spokespeople(analysis, index, out)
    out += _possessive_groups(analysis, index, out)
    _role_after(analysis, index, out)
    _one_person_type(out)
    return _honoured_names(index, out)


class _TokenIndex:
    def __init__(self, analysis: Analysis):
        self.tokens = analysis.tokens
        self.starts = [analysis.token_starts(si) for si in range(len(analysis.tokens))]

    def at(self, sentence: int, offset: int) -> int:
        """Index of the token of ``sentence`` that contains ``offset``."""
        return max(0, bisect_right(self.starts[sentence], offset) - 1)


# Unit nouns whose name honours a person (كتيبة عمر المختار); not كتائب (كتائب القذافي: his).
HONOUR_UNITS = _norm_set("كتيبة، الكتيبة، لواء، سرية، سرايا")


def _honoured_names(index: _TokenIndex, mentions: list[Mention]) -> list[Mention]:
    """Without a civilian named only as the end of a unit's name: ``كتيبة عمر المختار``
    is named after the man, it does not mention him (a commander stays: he may lead it)."""
    units = []
    for m in mentions:
        if m.type == "ARMED_GROUP":
            t = index.tokens[m.sentence][index.at(m.sentence, m.start)]
            if any(f in HONOUR_UNITS for f, _ in t.forms):  # also لكتيبة، وكتيبة
                units.append(m)
    if not units:
        return mentions
    inside = [m for m in mentions if m.type == "PERSON" and any(u.start < m.start and u.end == m.end for u in units)]
    if not inside:
        return mentions
    outside = {m.text for m in mentions if m.type in PEOPLE and m not in inside}
    drop = {id(m) for m in inside if m.text not in outside}
    return [m for m in mentions if id(m) not in drop]


def _aliases(analysis: Analysis, index: _TokenIndex, mentions: list[Mention]) -> list[Mention]:
    text = analysis.document.text
    found = []
    people = [m for m in mentions if m.type in PEOPLE]
    for m in people:
        toks = index.tokens[m.sentence]
        i = index.at(m.sentence, m.end - 1) + 1
        if i >= len(toks) or toks[i].norm not in ALIAS_CUES:
            continue
        j = i + 1
        if j >= len(toks):
            continue
        # بـ as its own token, or glued to the alias (بأبي عزام)
        cut = 0
        if toks[j].norm == "ب":
            j += 1
        elif toks[j].norm.startswith("ب") and len(toks[j].forms) > 1:
            cut = 1
        if j >= len(toks):
            continue
        gap = text[toks[j - 1].end : toks[j].start] if j > i + 1 or cut == 0 else ""
        quoted = any(c in OPEN_QUOTES for c in gap)
        k = j
        if quoted:
            while k < len(toks) and k - j < 4:
                k += 1
                if k < len(toks) and any(c in CLOSE_QUOTES for c in text[toks[k - 1].end : toks[k].start]):
                    break
        else:
            head = toks[j].forms[cut][0] if cut else toks[j].norm
            if head in KUNYA_HEADS and j + 1 < len(toks) and not toks[j + 1].break_before:
                k = j + 2
            elif head not in STOP:
                k = j + 1
        if k == j:
            continue
        start = toks[j].start + (skip_letters(toks[j].text, cut) if cut else 0)
        if not m.canonical:
            m.canonical = m.text  # the name and its alias share one canonical name
        found.append(analysis.mention(m.sentence, start, toks[k - 1].end, m.type, "pattern",
                                      canonical=m.canonical or m.text, attrs={"alias_of": m.text}))
    return found


def _sentences_with(analysis: Analysis, probes: set[str]) -> list[int]:
    """The sentences, in order, whose tokens' normal forms joined by spaces contain one of
    ``probes`` (strings without white space): one search of the whole document per probe.

    >>> from conflictkg.records import Document
    >>> _sentences_with(Analysis.of(Document("d", "وصل حفتر. ثم غادر. وقال الحفتري.")), {"فتر"})
    [0, 2]
    """
    lines = [" ".join(analysis.norms(si)) for si in range(len(analysis.tokens))]
    text = "\n".join(lines)
    ends = list(accumulate(len(line) + 1 for line in lines))  # where each line's successor starts
    hits = set()
    for probe in probes:
        at = text.find(probe)
        while at >= 0:
            si = bisect_right(ends, at)
            hits.add(si)
            at = text.find(probe, ends[si])
    return sorted(hits)


def _surnames(analysis: Analysis, index: _TokenIndex, mentions: list[Mention]) -> list[Mention]:
    """Bare surname and full-name mentions of people already named in the document."""
    names: dict[str, tuple[str, str]] = {}  # normalised form -> (type, canonical)
    for m in mentions:
        if m.type not in PEOPLE or "alias_of" in m.attrs:
            continue
        toks = index.tokens[m.sentence]
        a, b = index.at(m.sentence, m.start), index.at(m.sentence, m.end - 1) + 1
        words = [t.norm for t in toks[a:b]]
        if len(words) < 2:
            continue
        last = words[-1]
        if len(last) >= 4 and last not in STOP and last not in FIRST_NAMES and last not in NATIONALITIES:
            names.setdefault(last, (m.type, m.canonical or m.text))
    if not names:
        return []
    # a surname inside a group's name is still a mention of the person (قوات حفتر)
    taken = [(m.sentence, m.start, m.end) for m in mentions if m.type in PEOPLE or m.type in ("PLACE", "COUNTRY", "TRIBE")]
    covered = {}
    for si, s, e in taken:
        covered.setdefault(si, []).append((s, e))
    found = []
    # A name's form is the token's normal form or a tail of it (a proclitic off), or with
    # لل read as ال: it always contains the name without its first letter. Sentences
    # where no name does so are skipped.
    for si in _sentences_with(analysis, {name[1:] for name in names}):
        toks = index.tokens[si]
        spans = covered.get(si, [])
        for ti, t in enumerate(toks):
            for form, cut in t.forms:
                hit = names.get(form)
                if hit is None:
                    continue
                start = t.start + skip_letters(t.text, cut)
                if any(s <= start < e for s, e in spans):
                    break
                if ti and not t.break_before and not cut and toks[ti - 1].norm in FIRST_NAMES:
                    break  # another person with the same family name
                found.append(analysis.mention(si, start, t.end, hit[0], "pattern", canonical=hit[1]))
                break
    return found


SPOKES_CUES = _norm_set("باسم، الرسمي باسم، العسكري باسم")


def _spokespeople(analysis: Analysis, index: _TokenIndex, mentions: list[Mention]) -> list[Mention]:
    """``المتحدث باسم <group> <name>``: the name after the group is its spokesperson."""
    taken: dict[tuple[int, int], list[Mention]] = {}
    for m in mentions:
        taken.setdefault((m.sentence, m.start), []).append(m)
    found = []
    for m in mentions:
        if m.type not in ("ARMED_GROUP", "ORGANIZATION"):
            continue
        toks = index.tokens[m.sentence]
        i = index.at(m.sentence, m.start)
        if i == 0 or toks[i - 1].norm != "باسم":
            continue
        j = index.at(m.sentence, m.end - 1) + 1
        if j >= len(toks):
            continue
        if (m.sentence, toks[j].start) in taken:
            for x in taken[(m.sentence, toks[j].start)]:  # a name found without its role: now typed by it
                if x.type == "PERSON" and x.extractor != "lexicon":
                    x.type = "COMMANDER" if m.type == "ARMED_GROUP" else "PERSON"
            continue
        gap = analysis.document.text[m.end : toks[j].start]
        if gap.strip() not in ("", "،", ","):
            continue
        k = person_name_end(toks, j)
        if k - j >= 2 and (toks[j].norm in FIRST_NAMES or not toks[j].norm.startswith("ال")):
            etype = "COMMANDER" if m.type == "ARMED_GROUP" else "PERSON"
            found.append(analysis.mention(m.sentence, toks[j].start, toks[k - 1].end, etype, "pattern"))
    return found


def _possessive_groups(analysis: Analysis, index: _TokenIndex, mentions: list[Mention]) -> list[Mention]:
    found = []
    for m in mentions:
        if m.type not in PEOPLE:
            continue
        toks = index.tokens[m.sentence]
        i = index.at(m.sentence, m.start)
        if i == 0 or toks[i].start != m.start or toks[i].break_before:
            continue
        prev: Token = toks[i - 1]
        for form, cut in prev.forms:
            if form in POSSESSIVE_GROUP:
                start = prev.start + skip_letters(prev.text, cut)
                found.append(analysis.mention(m.sentence, start, m.end, "ARMED_GROUP", "pattern"))
                break
    return found


def _role_after(analysis: Analysis, index: _TokenIndex, mentions: list[Mention]) -> None:
    """``<name> (المكنى بـ "...")? (وهو)? قائد ...``: a pattern-found person is a COMMANDER."""
    starts = {(m.sentence, index.at(m.sentence, m.start)) for m in mentions}
    aliases: dict[str, list[Mention]] = {}
    for x in mentions:
        if "alias_of" in x.attrs:
            aliases.setdefault(x.attrs["alias_of"], []).append(x)
    for m in mentions:
        if m.type != "PERSON" or m.extractor == "lexicon":
            continue
        toks = index.tokens[m.sentence]
        k = index.at(m.sentence, m.end - 1) + 1
        skipped = 0
        while k < len(toks) and skipped < 6:
            if _phrase_at(toks, k, ROLE_AFTER_NAME, bare=True):
                m.type = "COMMANDER"
                break
            if (m.sentence, k) in starts and toks[k].start >= m.end:
                if not any(x.start == toks[k].start for x in aliases.get(m.text, ())):
                    break
            if toks[k].norm not in ("وهو", "هو", "الذي") and toks[k].norm not in ALIAS_CUES and toks[k].norm != "ب" \
                    and not any(x.start <= toks[k].start < x.end for x in aliases.get(m.text, ())):
                break
            k += 1
            skipped += 1


def _one_person_type(mentions: list[Mention]) -> None:
    """A pattern-found person is a COMMANDER when the same name is one elsewhere."""
    commanders = set()
    for m in mentions:
        if m.type == "COMMANDER":
            commanders.add(m.canonical or m.text)
            commanders.update(_name_keys(m.text))
    for m in mentions:
        if m.type == "PERSON" and m.extractor != "lexicon":
            if (m.canonical and m.canonical in commanders) or _name_keys(m.text) & commanders:
                m.type = "COMMANDER"


@lru_cache(maxsize=100_000)
def _name_keys(text: str) -> frozenset[str]:
    words = [w for w in normalize_phrase(text).split() if w not in FUNCTION_WORDS]
    return frozenset({" ".join(words)}) if words else frozenset()


OPERATION_WORDS = _norm_set("عملية")
COMPASS = _norm_set("جنوب، شمال، شرق، غرب، جنوبي، شمالي، شرقي، غربي")
# Camps of the lexicon's ``side`` attribute: a group answering to the other camp is another group.
CAMPS = {"GNA": "west", "GNU": "west", "GNC": "west", "LNA": "east", "GNS": "east"}
ANSWERS_TO = _norm_set("التابع، التابعة، التابعين، الموالية، الموالي، الموالين")


def _not_entities(analysis: Analysis, index: _TokenIndex, mentions: list[Mention]) -> list[Mention]:
    """Mentions without operations (events) and compass directions read as regions."""
    out = []
    for m in mentions:
        toks = index.tokens[m.sentence]
        i = index.at(m.sentence, m.start)
        if m.type == "ARMED_GROUP" and toks[i].start == m.start and toks[i].norm in OPERATION_WORDS:
            continue  # عملية بركان الغضب: an operation; قوات بركان الغضب is the group
        if m.type == "PLACE" and toks[i].norm in COMPASS and i and toks[i - 1].norm in COMPASS \
                and not toks[i].break_before:
            continue  # جنوب شرق ليبيا: south-east of Libya, not the eastern region
        out.append(m)
    return out


def _numbered_units(analysis: Analysis, index: _TokenIndex, mentions: list[Mention]) -> None:
    """``كتيبة الفاروق 301``: a 1-3 digit number after a group name ends the name, unless it
    counts what follows (``كتيبة الفاروق 200 مقاتل``)."""
    for m in mentions:
        if m.type != "ARMED_GROUP":
            continue
        toks = index.tokens[m.sentence]
        j = index.at(m.sentence, m.end - 1) + 1
        if j >= len(toks) or toks[j].break_before or toks[j].start - m.end > 1:
            continue
        num = toks[j].text
        if not (num.isdigit() and len(num) <= 3):
            continue
        if j + 1 < len(toks) and not toks[j + 1].break_before and not toks[j + 1].norm.startswith("ال"):
            continue
        m.end = toks[j].end
        m.text = analysis.document.text[m.start : m.end]
        m.canonical = ""


def _other_side(analysis: Analysis, index: _TokenIndex, mentions: list[Mention]) -> None:
    """``الجيش الليبي التابع لحكومة الوفاق``: the lexicon's group of that name is of the
    other camp, so the mention stands for a group of its own (no canonical, no side)."""
    starts = {(m.sentence, m.start): m for m in mentions}
    for m in mentions:
        camp = CAMPS.get(m.attrs.get("side", ""))
        if m.type != "ARMED_GROUP" or camp is None:
            continue
        toks = index.tokens[m.sentence]
        j = index.at(m.sentence, m.end - 1) + 1
        if j >= len(toks) or toks[j].norm not in ANSWERS_TO or j + 1 >= len(toks):
            continue
        t = toks[j + 1]
        tail = starts.get((m.sentence, t.start + (1 if t.norm[:1] == "ل" and len(t.forms) > 1 else 0)))
        other = CAMPS.get(tail.attrs.get("side", "")) if tail is not None else None
        if other is not None and other != camp:
            m.canonical = m.text
            m.attrs = {k: v for k, v in m.attrs.items() if k != "side"}


def _commanders_by_relation(mentions: list[Mention], relations) -> None:
    """A person stated to lead or speak for an armed group (``التي يقودها X``) is a COMMANDER."""
    changed = False
    for r in relations:
        head, tail = mentions[r.head], mentions[r.tail]
        if r.type in ("LEADS", "SPOKESPERSON_OF") and tail.type == "ARMED_GROUP" and head.type == "PERSON" \
                and head.extractor != "lexicon":
            head.type = "COMMANDER"
            changed = True
    if changed:
        _one_person_type(mentions)
