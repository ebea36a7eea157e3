"""What every extractor shares: the analysed document, the component interface, the
registry of components by name, and overlap resolution between their mentions."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Callable, Protocol

from conflictkg.records import Document, Mention, Relation

from .text import Sentence, Token, split_sentences, tokenize_columns


@dataclass
class Analysis:
    """A document split into sentences and tokens once, shared by all extractors."""

    document: Document
    sentences: list[Sentence]
    tokens: list[list[Token]]  # per sentence
    # mentions found by the components that ran before (the lexicon before the patterns)
    prior: list[Mention] = field(default_factory=list)
    _prior_index: dict | None = field(default=None, repr=False)
    _starts: list | None = field(default=None, repr=False)
    _norms: list | None = field(default=None, repr=False)

    def prior_at(self, sentence: int, token: int) -> Mention | None:
        """The earlier mention that starts inside token ``token`` of ``sentence``, if any.

        When several do, the longest (the first one seen among equally long ones).
        """
        index = self._prior_index
        if index is None:
            index = self._prior_index = self._index_prior()
        return index.get((sentence, token))

    def _index_prior(self) -> dict[tuple[int, int], Mention]:
        index: dict[tuple[int, int], Mention] = {}
        for m in self.prior:
            ti = bisect_right(self.token_starts(m.sentence), m.start) - 1  # last token starting at or before m
            if ti < 0 or m.start >= self.tokens[m.sentence][ti].end:
                continue  # m starts between two tokens
            key = (m.sentence, ti)
            old = index.get(key)
            if old is None or old.end - old.start < m.end - m.start:
                index[key] = m
        return index

    def token_starts(self, sentence: int) -> list[int]:
        """Start offsets of the tokens of ``sentence`` (for bisecting an offset to a token)."""
        if self._starts is None:
            self._starts = [[t.start for t in toks] for toks in self.tokens]
        return self._starts[sentence]

    def norms(self, sentence: int) -> list[str]:
        """Normal forms of the tokens of ``sentence``."""
        if self._norms is None:
            self._norms = [[t.norm for t in toks] for toks in self.tokens]
        return self._norms[sentence]

    def add_prior(self, mentions: list[Mention]) -> None:
        self.prior.extend(mentions)
        self._prior_index = None

    @classmethod
    def of(cls, document: Document) -> "Analysis":
        text = document.text
        sentences = split_sentences(text)
        columns = [tokenize_columns(text, s.start, s.end) for s in sentences]
        return cls(document, sentences, [c[0] for c in columns], _starts=[c[1] for c in columns],
                   _norms=[c[2] for c in columns])

    def mention(self, sentence: int, start: int, end: int, etype: str, extractor: str,
                canonical: str = "", attrs: dict | None = None) -> Mention:
        # positional: a dataclass called with keywords costs twice as much, once per mention
        document = self.document
        return Mention(document.id, sentence, start, end, document.text[start:end], etype, extractor, "",
                       canonical, {} if attrs is None else attrs)


class MentionExtractor(Protocol):
    """A component that finds entity mentions in an analysed document."""

    name: str

    def __call__(self, analysis: Analysis) -> list[Mention]: ...


class RelationExtractor(Protocol):
    """A component that finds stated relations between the mentions of a sentence."""

    name: str

    def __call__(self, analysis: Analysis, mentions: list[Mention]) -> list[Relation]: ...


_REGISTRY: dict[str, Callable[..., MentionExtractor]] = {}


def register(name: str):
    """Register an extractor factory under ``name`` (used by ``--extractor NAME``)."""

    def deco(factory):
        _REGISTRY[name] = factory
        return factory

    return deco


def available() -> list[str]:
    return sorted(_REGISTRY)


def create(name: str, **options) -> MentionExtractor:
    if name not in _REGISTRY:
        raise KeyError(f"unknown extractor {name!r}; available: {', '.join(available())}")
    return _REGISTRY[name](**options)


# Lower wins when two overlapping spans are equally long.
_EXTRACTOR_RANK = {"lexicon": 0, "pattern": 1, "camel-ner": 2}


def resolve_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep non-overlapping mentions: the longest span wins, then the lexicon.

    A mention nested inside a kept one survives when it has another type (a place
    named inside a group's name, ``المجلس العسكري لمدينة مصراتة``): the gold
    convention counts both. Partial overlaps are dropped.
    """
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:  # mentions never cross sentences: resolve each sentence alone
        by_sentence.setdefault(m.sentence, []).append(m)
    kept: list[Mention] = []
    for group in by_sentence.values():
        kept.extend(_resolve_sentence(group) if len(group) > 1 else group)
    kept.sort(key=lambda m: (m.start, -m.end))
    return kept


def _resolve_sentence(mentions: list[Mention]) -> list[Mention]:
    ordered = sorted(mentions, key=lambda m: (-(m.end - m.start), _EXTRACTOR_RANK.get(m.extractor, 9), m.start))
    kept: list[Mention] = []
    for m in ordered:
        ok = True
        for k in kept:
            if m.start >= k.end or m.end <= k.start:
                continue
            nested = k.start <= m.start and m.end <= k.end and m.type != k.type and m.attrs.get("nested_ok", True)
            if not nested or (m.start, m.end) == (k.start, k.end):
                ok = False
                break
        if ok:
            kept.append(m)
    return kept
