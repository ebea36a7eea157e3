"""Stage 1: a document in, its sentences, mentions and relations out."""
from __future__ import annotations

from conflictkg.records import DocResult, Document, Sentence

from . import lexicon_extractor, patterns  # noqa: F401  (register the built-in components)
from .base import Analysis, create, resolve_overlaps
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
        self.components = []
        for name in self.names:
            options = {"lexicon_files": self.lexicon_files} if name == "lexicon" else {}
            self.components.append(create(name, **options))
        self.relation_extractor = CueRelationExtractor()

    def __call__(self, document: Document) -> DocResult:
        analysis = Analysis.of(document)
        found = []
        for component in self.components:
            found.extend(component(analysis))
        mentions = resolve_overlaps(found)
        relations = self.relation_extractor(analysis, mentions)
        sentences = [Sentence(s.index, s.start, s.end) for s in analysis.sentences]
        return DocResult(document, sentences, mentions, relations)
