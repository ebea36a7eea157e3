"""Stage 3: the knowledge graph in memory (networkx).

Nodes are entities (keyed by entity id). Edges of a ``networkx.MultiDiGraph`` are keyed
by relation type: typed relations (``LEADS``, ``FIGHTS`` ...) point from head to tail,
and ``CO_OCCURS_WITH`` is stored once per unordered pair, from the smaller id to the
larger. Every count is derived from per-document evidence added exactly once per
document, so adding the same document twice is refused rather than double counted.

>>> from conflictkg.records import Entity
>>> g = GraphAccumulator()
>>> g.add_document("d1", "2024-01-02", [(0, "a"), (0, "b"), (1, "a")], [("FIGHTS", "a", "b", 0, "a قصف b")])
>>> g.add_document("d2", "", [(0, "b"), (0, "a")], [])
>>> G = g.to_networkx({e: Entity(e, "ARMED_GROUP", e, [e]) for e in "ab"})
>>> G.edges["a", "b", "CO_OCCURS_WITH"]["weight"], G.edges["a", "b", "CO_OCCURS_WITH"]["documents"]
(2, 2)
>>> G.edges["a", "b", "FIGHTS"]["count"]
1
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from conflictkg.records import CO_OCCURS_WITH, Entity

MAX_EVIDENCE = 3
MAX_DOC_IDS = 50  # documents listed per relation edge


@dataclass
class EdgeStats:
    count: int = 0
    documents: int = 0
    evidence: list = field(default_factory=list)
    doc_ids: list = field(default_factory=list)
    first_seen: str = ""
    last_seen: str = ""

    def see(self, date: str) -> None:
        if date:
            if not self.first_seen or date < self.first_seen:
                self.first_seen = date
            if not self.last_seen or date > self.last_seen:
                self.last_seen = date


class GraphAccumulator:
    """Collects per-document evidence; ``to_networkx`` turns it into the graph."""

    def __init__(self) -> None:
        self.docs: set[str] = set()
        self.node_seen: dict[str, EdgeStats] = {}
        self.cooc: dict[tuple[str, str], EdgeStats] = {}
        self.relations: dict[tuple[str, str, str], EdgeStats] = {}

    def add_document(self, doc: str, date: str, sentence_entities, relations) -> None:
        """Add one document's evidence.

        ``sentence_entities``: ``(sentence index, entity id)`` for every mention;
        ``relations``: ``(type, head id, tail id, sentence index, evidence)``.
        """
        if doc in self.docs:
            raise ValueError(f"document {doc!r} was already added to the graph")
        self.docs.add(doc)
        by_sentence: dict[int, set[str]] = {}
        for si, eid in sentence_entities:
            by_sentence.setdefault(si, set()).add(eid)
        for eid in {e for _, e in sentence_entities}:
            stats = self.node_seen.setdefault(eid, EdgeStats())
            stats.documents += 1
            stats.see(date)
        pair_sentences: dict[tuple[str, str], int] = {}
        for ents in by_sentence.values():
            ordered = sorted(ents)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    pair_sentences[(a, b)] = pair_sentences.get((a, b), 0) + 1
        for pair, n in pair_sentences.items():
            stats = self.cooc.setdefault(pair, EdgeStats())
            stats.count += n
            stats.documents += 1
            stats.see(date)
        seen_here = set()
        for rtype, head, tail, si, evidence in relations:
            if head == tail:
                continue
            stats = self.relations.setdefault((rtype, head, tail), EdgeStats())
            stats.count += 1
            if (rtype, head, tail) not in seen_here:
                seen_here.add((rtype, head, tail))
                stats.documents += 1
                if len(stats.doc_ids) < MAX_DOC_IDS:
                    stats.doc_ids.append(doc)
            if len(stats.evidence) < MAX_EVIDENCE and evidence not in stats.evidence:
                stats.evidence.append(evidence)
            stats.see(date)

    def merge(self, other: "GraphAccumulator") -> "GraphAccumulator":
        """Add ``other``'s documents, as if they had been added after this one's, in order.

        Counts add up; evidence (first ``MAX_EVIDENCE`` distinct) and ``doc_ids`` (first
        50) keep this accumulator's first, then ``other``'s; edges keep first-seen order.
        So accumulating partitions separately and merging them in partition order gives
        exactly the sequential result (and merging is associative: any tree of merges
        that keeps the order does too).

        >>> a, b, seq = GraphAccumulator(), GraphAccumulator(), GraphAccumulator()
        >>> for g, doc in ((a, "d1"), (b, "d2"), (seq, "d1"), (seq, "d2")):
        ...     g.add_document(doc, "", [(0, "x"), (0, "y")], [("FIGHTS", "x", "y", 0, "x قصف y " + doc)])
        >>> m = a.merge(b)
        >>> m.relations == seq.relations and m.cooc == seq.cooc and m.node_seen == seq.node_seen
        True
        """
        if self.docs & other.docs:
            raise ValueError(f"document {min(self.docs & other.docs)!r} was already added to the graph")
        self.docs |= other.docs
        for mine, theirs in ((self.node_seen, other.node_seen), (self.cooc, other.cooc),
                             (self.relations, other.relations)):
            for key, s in theirs.items():
                stats = mine.setdefault(key, EdgeStats())
                stats.count += s.count
                stats.documents += s.documents
                for ev in s.evidence:
                    if len(stats.evidence) < MAX_EVIDENCE and ev not in stats.evidence:
                        stats.evidence.append(ev)
                stats.doc_ids.extend(s.doc_ids[: MAX_DOC_IDS - len(stats.doc_ids)])
                stats.see(s.first_seen)
                stats.see(s.last_seen)
        return self

    def to_networkx(self, entities: dict[str, Entity]) -> nx.MultiDiGraph:
        G = nx.MultiDiGraph()
        for eid, ent in entities.items():
            seen = self.node_seen.get(eid, EdgeStats())
            G.add_node(
                eid,
                type=ent.type,
                name=ent.name,
                aliases=list(ent.aliases),
                mentions=ent.mentions,
                documents=ent.documents,
                first_seen=seen.first_seen,
                last_seen=seen.last_seen,
            )
        for (a, b), s in self.cooc.items():
            G.add_edge(
                a, b, key=CO_OCCURS_WITH, type=CO_OCCURS_WITH, weight=s.count, sentences=s.count,
                documents=s.documents, first_seen=s.first_seen, last_seen=s.last_seen,
            )
        for (rtype, head, tail), s in self.relations.items():
            G.add_edge(
                head, tail, key=rtype, type=rtype, count=s.count, documents=s.documents,
                evidence=list(s.evidence), doc_ids=list(s.doc_ids), first_seen=s.first_seen, last_seen=s.last_seen,
            )
        return G
