"""Arabic text layer: normalisation for matching, sentences and tokens with offsets.

Normalisation is only ever used to *compare* strings; every span handed to the rest of
the pipeline is a pair of offsets into the original text.

>>> normalize("مُصْرَاتَة")
'مصراته'
>>> normalize("الليبى") == normalize("الليبي")
True
>>> [t.text for t in tokenize("وبنغازى، ٢٠١٩")]
['وبنغازى', '٢٠١٩']
>>> tokenize("وبنغازى")[0].forms
(('وبنغازي', 0), ('بنغازي', 1), ('نغازي', 2))
"""
from __future__ import annotations

import re
from functools import lru_cache

from camel_tools.utils.charsets import AR_DIAC_CHARSET
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

from conflictkg.records import Sentence

try:
    import cython
except ImportError:  # Cython is optional: without it, what this module asks of it does nothing
    class cython:  # noqa: N801
        cclass = no_gc = staticmethod(lambda cls: cls)
        freelist = staticmethod(lambda size: lambda cls: cls)
        declare = staticmethod(lambda *args, **kwargs: None)

TATWEEL = "\u0640"
_MARKS = "".join(sorted(AR_DIAC_CHARSET)) + "\u0610-\u061a\u0656-\u065f\u0670\u06d6-\u06ed" + TATWEEL
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PERSIAN = str.maketrans({"ی": "ي", "ک": "ك", "ۀ": "ه"})

# A word is a run of letters and marks. Written as runs of runs, (?:[^\W\d_]+|[marks]+)+,
# rather than one character at a time, (?:[^\W\d_]|[marks])+: the same matches, ~20%
# faster in the re engine. Nothing follows the loop, so it never backtracks.
WORD_RE = re.compile(rf"(?:[^\W\d_]+|[{_MARKS}]+)+|\d+(?:[.,٫]\d+)*")
# A sentence ends at . ! ? ؟ ؛ or a line break. The Arabic comma ، only separates
# clauses: a name and its apposition ("العقيد أحمد المسماري، المتحدث باسم ...") share
# one sentence. A full stop between digits (3.5) or after a one-letter abbreviation
# (د. for doctor) does not end one.
# Written punctuation-first, with the look-behinds moved after the first mark (they then
# look one character further back), and one character set in front of both cases (a
# line break, then more; or a mark): the same matches as
# (?<!\b\w)(?<!\d)[.!?؟؛]+(?!\d)...|\n+, but the re engine skips ahead to candidate
# characters instead of trying the pattern at every position (~12x faster).
_SENTENCE_END = re.compile(r"[.!?؟؛\n](?:(?<=\n)\n*|(?<!\b\w.)(?<!\d.)[.!?؟؛]*(?!\d)[\"'»”)\]]*)")

PROCLITICS = "وفبلك"


@lru_cache(maxsize=500_000)
def normalize(text: str) -> str:
    """Matching form of ``text`` (camel-tools normalisation).

    Unicode compatibility forms, diacritics and tatweel are removed; alef variants
    become ا, final ى becomes ي, ة becomes ه, Eastern Arabic digits become 0-9.
    Lengths may change, so never slice original text with offsets of the result.

    >>> normalize("الـجـيـش الوطنـى")
    'الجيش الوطني'
    """
    text = normalize_unicode(text)
    text = dediac_ar(text).replace(TATWEEL, "")
    text = normalize_alef_ar(text)
    text = normalize_alef_maksura_ar(text)
    text = normalize_teh_marbuta_ar(text)
    return text.translate(_DIGITS).translate(_PERSIAN)


def normalize_phrase(text: str) -> str:
    """Normalised form of a multi-word string with white space folded."""
    return " ".join(normalize(w) for w in WORD_RE.findall(text))


# Two-letter first words of names that a conjunction may be glued to (وأم الأرانب، وبن جواد).
_SHORT_NAME_HEADS = frozenset({"ام", "بن", "بو"})


@lru_cache(maxsize=500_000)
def clitic_forms(norm: str) -> tuple[tuple[str, int], ...]:
    """The token itself and its readings with one-letter proclitics detached.

    Each entry is ``(form, chars_removed)``; the bare token comes first. ``لل`` also
    yields the form with the article restored: ``للقياده`` → ``القياده``.

    >>> clitic_forms("للقياده")
    (('للقياده', 0), ('لقياده', 1), ('القياده', 1))
    >>> clitic_forms("وبالجفره")
    (('وبالجفره', 0), ('بالجفره', 1), ('الجفره', 2))
    """
    forms = [(norm, 0)]
    # conjunction و/ف, then preposition ب/ل/ك, each optional; stems keep >= 2 letters
    heads = [(norm, 0)]
    if len(norm) > 3 and norm[0] in "وف" or norm[1:] in _SHORT_NAME_HEADS and norm[0] == "و":
        heads.append((norm[1:], 1))
    for stem, cut in heads:
        if cut:
            forms.append((stem, cut))
        if len(stem) > 3 and stem[0] in "بلك":
            rest = stem[1:]
            forms.append((rest, cut + 1))
            if stem[0] == "ل" and rest.startswith("ل"):
                forms.append(("ا" + rest, cut + 1))
    seen = set()
    out = []
    for form, cut in forms:
        if form not in seen:
            seen.add(form)
            out.append((form, cut))
    return tuple(out)


def skip_letters(surface: str, n: int) -> int:
    """Offset in ``surface`` after its first ``n`` letters (marks after a letter go with it).

    >>> skip_letters("وبِنغازي", 2)
    3
    """
    i = 0
    while n and i < len(surface):
        i += 1
        n -= 1
        while i < len(surface) and not surface[i].isalnum():
            i += 1
    return i


@cython.no_gc
@cython.freelist(1024)
@cython.cclass
class Token:
    """A word or number: ``text[start:end]``, its normal form, its readings with
    proclitics off (``forms``: ``((normalised form, proclitic chars removed), ...)``),
    and whether punctuation or a line break separates it from the previous token.

    Compiled (``conflictkg compile``) it is an extension type that the tokenizer fills
    in with one allocation per word (a named tuple took two: its fields, then the copy),
    taken from a list of freed tokens kept for reuse; its fields are read-only, and
    hold only numbers, strings and tuples of them, so it never needs the cycle
    collector's tracking.
    """

    start = cython.declare(object, visibility="readonly")
    end = cython.declare(object, visibility="readonly")
    text = cython.declare(object, visibility="readonly")
    norm = cython.declare(object, visibility="readonly")
    forms = cython.declare(object, visibility="readonly")
    break_before = cython.declare(object, visibility="readonly")

    def __init__(self, start: int, end: int, text: str, norm: str, forms: tuple, break_before: bool):
        self.start, self.end, self.text, self.norm = start, end, text, norm
        self.forms, self.break_before = forms, break_before

    def _fields(self) -> tuple:
        return (self.start, self.end, self.text, self.norm, self.forms, self.break_before)

    def __eq__(self, other):
        return isinstance(other, Token) and self._fields() == other._fields()

    def __hash__(self):
        return hash(self._fields())

    def __repr__(self):
        return "Token(start={!r}, end={!r}, text={!r}, norm={!r}, forms={!r}, break_before={!r})".format(*self._fields())


def _surface_forms(surface: str) -> tuple[str, tuple] | None:
    """``(norm, clitic_forms(norm))`` of a token's surface, or None when nothing is left.

    Cached by surface string (a plain dict, cleared when full) instead of two cached
    calls (``normalize`` then ``clitic_forms``); read when a new piece of text is
    tokenized (``_chunk_tokens``), since ``tokenize`` caches whole pieces.

    >>> _surface_forms("وبنغازى")
    ('وبنغازي', (('وبنغازي', 0), ('بنغازي', 1), ('نغازي', 2)))
    >>> _surface_forms("ـ") is None
    True
    """
    forms = _FORMS.get(surface, _MISSING)
    if forms is _MISSING:
        if len(_FORMS) >= _MAX_FORMS:
            _FORMS.clear()  # keeps memory flat on huge corpora; refilled from the common words
        norm = normalize(surface)
        forms = _FORMS[surface] = (norm, clitic_forms(norm)) if norm else None
    return forms


_FORMS: dict[str, tuple[str, tuple] | None] = {}
_MAX_FORMS = 500_000
_MISSING = object()
# WORD_RE with a group: re.split then yields gap, word, gap, word ..., gap in C, and
# offsets follow from the lengths, instead of a Match object per word.
_WORD_SPLIT = re.compile(f"({WORD_RE.pattern})").split

# ``Sentence(...)`` goes through the Python-level ``__new__`` that NamedTuple generates;
# ``tuple.__new__(Sentence, fields)`` builds the very same object in C (what
# ``Sentence._make`` does), which matters at one call per sentence.
_new_tuple = tuple.__new__


def _is_break(gap: str) -> bool:
    """Whether text between two tokens separates them: anything but spaces and tabs."""
    return bool(gap.strip()) or "\n" in gap


def _chunk_tokens(chunk: str) -> tuple[tuple, bool, bool]:
    """``(tokens, break at start, break at end)`` of a space-free piece of text.

    ``tokens`` holds ``(start, end, surface, norm, forms, break_before)`` relative to the
    chunk; the first one's ``break_before`` is left to the caller, who also sees the text
    before the chunk. The flags tell whether the text before the first token (or the whole
    chunk, when it has none) and after the last one holds a break.

    >>> _chunk_tokens("«بنغازي»،")[1:]
    (True, True)
    >>> [t[:3] for t in _chunk_tokens("طرابلس-مصراتة")[0]]
    [(0, 6, 'طرابلس'), (7, 13, 'مصراتة')]
    """
    parts = _WORD_SPLIT(chunk)
    tokens = []
    pos = 0
    gap = ""
    for i in range(1, len(parts), 2):
        surface = parts[i]
        gap += parts[i - 1]
        s = pos + len(parts[i - 1])
        pos = s + len(surface)
        forms = _surface_forms(surface)
        if forms is None:
            gap += surface  # a lone tatweel or diacritic: nothing to match, and not a word boundary
            continue
        tokens.append((s, pos, surface, forms[0], forms[1], _is_break(gap)))
        gap = ""
    if not tokens:
        return (), _is_break(gap + parts[-1]), False
    lead = tokens[0][5]
    return tuple(tokens), lead, _is_break(gap + parts[-1])


_CHUNKS: dict[str, tuple[tuple, bool, bool]] = {}


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word and number tokens of ``text[start:end]`` with offsets into ``text``.

    ``break_before`` is set when the text between a token and the previous one (or
    ``start``) holds anything but spaces and tabs: punctuation or a line break.

    The text is cut at spaces (in C) and each piece looked up in a cache of its tokens:
    words repeat, so the regular expression runs once per distinct piece.

    >>> [(t.text, t.break_before) for t in tokenize("قال: «قوات  الردع»\\tفي\\nطرابلس")]
    [('قال', False), ('قوات', True), ('الردع', False), ('في', True), ('طرابلس', True)]
    """
    return tokenize_columns(text, start, end)[0]


def tokenize_columns(text: str, start: int = 0, end: int | None = None) -> tuple[list[Token], list[int], list[str]]:
    """``tokenize``'s tokens, and their start offsets and normal forms as lists of their
    own, made in the same pass (the extractors bisect the offsets and look the forms up
    by token number; collecting them afterwards cost two more passes over every token).

    >>> tokens, starts, norms = tokenize_columns("قال العقيد", 4)
    >>> starts == [t.start for t in tokens] == [4], norms == [t.norm for t in tokens] == ["العقيد"]
    (True, True)
    """
    end = len(text) if end is None else end
    tokens: list[Token] = []
    starts: list = []
    norms: list = []
    chunks: dict = _CHUNKS  # (exact types: direct dict access and list appends, compiled)
    pos = start
    pending = False  # a break in the text since the last token
    for chunk in text[start:end].split(" "):
        if not chunk:
            pos += 1
            continue
        cached = chunks.get(chunk)
        if cached is None:
            if len(chunks) >= _MAX_FORMS:
                chunks.clear()  # keeps memory flat on huge corpora
            cached = chunks[chunk] = _chunk_tokens(chunk)
        rel, lead, trail = cached
        if rel:
            for k in range(len(rel)):
                s, e, surface, norm, forms, brk = rel[k]
                at = pos + s
                # (compiled, Token.__new__ and the field stores below are C: no __init__ call)
                token: Token = Token.__new__(Token)
                token.start, token.end, token.text, token.norm = at, pos + e, surface, norm
                token.forms, token.break_before = forms, (pending or lead) if k == 0 else brk
                tokens.append(token)
                starts.append(at)
                norms.append(norm)
            pending = trail
        elif lead:
            pending = True
        pos += len(chunk) + 1
    return tokens, starts, norms


def split_sentences(text: str) -> list[Sentence]:
    """Sentence spans of ``text``, trimmed of surrounding white space, never empty.

    >>> [text[s.start:s.end] for text in ["قال المتحدث. ثم غادر؟\\nنعم"] for s in split_sentences(text)]
    ['قال المتحدث.', 'ثم غادر؟', 'نعم']
    """
    spans: list[Sentence] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        _add_span(text, pos, end, spans)
        pos = end
    _add_span(text, pos, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[Sentence]) -> None:
    # str.strip() and str.isspace() use the same definition of white space
    seg = text[start:end]
    end = start + len(seg.rstrip())
    start += len(seg) - len(seg.lstrip())
    # a letter first (the usual case) starts a word: the regular expression only otherwise
    if end > start and (text[start].isalpha() or WORD_RE.search(text, start, end)):
        spans.append(_new_tuple(Sentence, (len(spans), start, end)))  # = Sentence(...), in C
