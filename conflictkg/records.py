"""The records that flow through the pipeline: documents → mentions → entities → graph.

Every stage takes and returns these plain dataclasses, so any extractor, resolver or
sink can be swapped for another that speaks the same types.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator, NamedTuple

ENTITY_TYPES = ("ARMED_GROUP", "COMMANDER", "PLACE", "TRIBE", "PERSON", "ORGANIZATION", "COUNTRY")

RELATION_TYPES = (
    "LEADS",
    "MEMBER_OF",
    "AFFILIATED_WITH",
    "BASED_IN",
    "LOCATED_IN",
    "ALLIED_WITH",
    "FIGHTS",
    "SPOKESPERSON_OF",
)
CO_OCCURS_WITH = "CO_OCCURS_WITH"

# The Neo4j label of each entity type. This mapping is the whitelist: no other label
# ever reaches a Cypher statement.
TYPE_LABELS = {
    "ARMED_GROUP": "ArmedGroup",
    "COMMANDER": "Commander",
    "PLACE": "Place",
    "TRIBE": "Tribe",
    "PERSON": "Person",
    "ORGANIZATION": "Organization",
    "COUNTRY": "Country",
}


@dataclass
class Document:
    """One input article. ``text`` is kept exactly as read: every offset points into it."""

    id: str
    text: str
    title: str = ""
    date: str = ""
    url: str = ""
    source: str = ""

    def meta(self, sentences: int) -> dict:
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "date": self.date,
            "url": self.url,
            "chars": len(self.text),
            "sentences": sentences,
        }


@dataclass
class Skipped:
    """An input that could not be turned into a document, and why."""

    source: str
    reason: str
    line: int | None = None
    id: str | None = None

    def to_json(self) -> dict:
        row = {"source": self.source, "reason": self.reason}
        if self.line is not None:
            row["line"] = self.line
        if self.id is not None:
            row["id"] = self.id
        return row


@dataclass
class Mention:
    """A span of a document that names an entity.

    ``start``/``end`` index the original document text: ``text == doc.text[start:end]``.
    ``entity`` is empty until a resolver fills it in.
    """

    doc: str
    sentence: int
    start: int
    end: int
    text: str
    type: str
    extractor: str
    entity: str = ""
    canonical: str = ""  # a lexicon's canonical name for the span, when one is known
    attrs: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "doc": self.doc,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "type": self.type,
            "entity": self.entity,
            "extractor": self.extractor,
        }


@dataclass
class Relation:
    """A stated relation between two mentions of one sentence.

    ``head``/``tail`` are indexes into the document's mention list until resolution,
    then entity ids.
    """

    type: str
    head: int | str
    tail: int | str
    doc: str
    sentence: int
    evidence: str
    extractor: str

    def to_json(self) -> dict:
        return asdict(self)


class Sentence(NamedTuple):
    """A sentence of a document: its number and its span (offsets into the text)."""

    index: int
    start: int
    end: int


@dataclass
class DocResult:
    """What extraction makes of one document."""

    document: Document
    sentences: list[Sentence]
    mentions: list[Mention]
    relations: list[Relation]


@dataclass
class Entity:
    id: str
    type: str
    name: str
    aliases: list[str]
    mentions: int = 0
    documents: int = 0
    key: str = ""
    attrs: dict = field(default_factory=dict)
    merges: list[dict] = field(default_factory=list)  # why each alias joined this entity

    def to_json(self) -> dict:
        row = {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "aliases": self.aliases,
            "mentions": self.mentions,
            "documents": self.documents,
        }
        if self.attrs:
            row["attrs"] = self.attrs
        if self.merges:
            row["merges"] = self.merges
        return row


def read_jsonl(path: str | Path, error: type[Exception] = ValueError) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for every non-blank line of an output ``.jsonl`` file.

    A line that is not a JSON object raises ``error`` naming the file and line.
    """
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise error(f"{path}:{lineno}: not valid JSON ({getattr(exc, 'msg', exc)})") from None
            if not isinstance(row, dict):
                raise error(f"{path}:{lineno}: expected a JSON object")
            yield lineno, row
