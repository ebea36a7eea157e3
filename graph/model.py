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

from collections import Counter
from dataclasses import dataclass, field
import itertools
from itertools import groupby

import networkx as nx
import numpy as np

from conflictkg.records import CO_OCCURS_WITH, Entity

MAX_EVIDENCE = 3
MAX_DOC_IDS = 50  # documents listed per relation edge
# Below this many mentions the co-occurrences are added up in plain Python: numpy's
# cost per call would outweigh it (the Neo4j loader accumulates one document at a time).
SMALL_LOG = 2000


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
    """Collects per-document evidence; ``to_networkx`` turns it into the graph.

    Mentions are kept as a log, one ``(document, sentence, entity)`` row of integers
    each (entities as codes into ``self.ids``), and added up once, when the graph is
    made: co-occurrences are counted per sentence, so nothing can be added up before
    every document is in. Relations are few and are added up as they come.
    """

    def __init__(self, ids=()) -> None:
        self.ids: list = list(ids)  # entity code → entity id
        self._code = {e: i for i, e in enumerate(self.ids)}
        self.docs: set[str] = set()
        self._doc_ids: list = []  # document index → id, date
        self._dates: list = []
        self._mentions: list[np.ndarray] = []  # (n, 3) int64 rows: document index, sentence, entity code
        self._rel: dict[tuple, list] = {}  # (type, head, tail) → [count, documents, evidence, doc_ids, first, last]
        self._sums = self._rel_items = None

    # --- adding evidence ---------------------------------------------------------------

    def add_document(self, doc: str, date: str, sentence_entities, relations) -> None:
        """Add one document's evidence.

        ``sentence_entities``: ``(sentence index, entity id)`` for every mention;
        ``relations``: ``(type, head id, tail id, sentence index, evidence)``.
        """
        if doc in self.docs:
            raise ValueError(f"document {doc!r} was already added to the graph")
        self._open()
        self.docs.add(doc)
        d = len(self._doc_ids)
        self._doc_ids.append(doc)
        self._dates.append(date)
        if sentence_entities:
            code = self._code_of
            self._mentions.append(np.array([(d, si, code(e)) for si, e in sentence_entities], dtype=np.int64))
        self._add_relations(doc, date, relations)
        self._sums = self._rel_items = None

    def add_documents(self, docs: list, dates: list, mentions: np.ndarray, relations: list) -> None:
        """Many documents at once, as ``add_document`` one after the other would.

        ``mentions``: an ``(n, 3)`` integer array of (index in ``docs``, sentence, entity
        code in ``self.ids``); ``relations[i]``: the relations of ``docs[i]`` as in
        ``add_document``, with entity ids.
        """
        fresh = set(docs)
        if len(fresh) != len(docs) or not self.docs.isdisjoint(fresh):
            earlier = set(self.docs)
            dup = next(d for d in docs if d in earlier or earlier.add(d))
            raise ValueError(f"document {dup!r} was already added to the graph")
        self._open()
        base = len(self._doc_ids)
        self.docs |= fresh
        self._doc_ids.extend(docs)
        self._dates.extend(dates)
        if len(mentions):
            rows = np.array(mentions, dtype=np.int64, copy=True).reshape(-1, 3)
            rows[:, 0] += base
            self._mentions.append(rows)
        for doc, date, rels in zip(docs, dates, relations):
            if rels:
                self._add_relations(doc, date, rels)
        self._sums = self._rel_items = None

    def _open(self) -> None:
        if self._mentions is None:
            raise ValueError("documents cannot be added once the evidence is summed")

    def _code_of(self, eid) -> int:
        code = self._code.get(eid)
        if code is None:
            code = self._code[eid] = len(self.ids)
            self.ids.append(eid)
        return code

    def _add_relations(self, doc: str, date: str, relations) -> None:
        seen_here = set()
        rel = self._rel
        for rtype, head, tail, si, evidence in relations:
            if head == tail:
                continue
            key = (rtype, head, tail)
            s = rel.get(key)
            if s is None:  # what the steps below make of a first relation
                rel[key] = [1, 1, [evidence], [doc], date or "", date or ""]
                seen_here.add(key)
                continue
            s[0] += 1
            if key not in seen_here:
                seen_here.add(key)
                s[1] += 1
                if len(s[3]) < MAX_DOC_IDS:
                    s[3].append(doc)
            if len(s[2]) < MAX_EVIDENCE and evidence not in s[2]:
                s[2].append(evidence)
            if date:
                if not s[4] or date < s[4]:
                    s[4] = date
                if not s[5] or date > s[5]:
                    s[5] = date

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
        self._open()
        other._open()
        base = len(self._doc_ids)
        self.docs |= other.docs
        self._doc_ids.extend(other._doc_ids)
        self._dates.extend(other._dates)
        recode = None
        if other.ids != self.ids:
            recode = np.array([self._code_of(e) for e in other.ids] or [0], dtype=np.int64)
        for rows in other._mentions:
            rows = rows.copy()
            rows[:, 0] += base
            if recode is not None:
                rows[:, 2] = recode[rows[:, 2]]
            self._mentions.append(rows)
        for key, (count, documents, evidence, doc_ids, first, last) in other._rel.items():
            s = self._rel.get(key)
            if s is None:
                s = self._rel[key] = [0, 0, [], [], "", ""]
            s[0] += count
            s[1] += documents
            for ev in evidence:
                if len(s[2]) < MAX_EVIDENCE and ev not in s[2]:
                    s[2].append(ev)
            s[3].extend(doc_ids[: MAX_DOC_IDS - len(s[3])])
            for date in (first, last):
                if date:
                    _see_dates(s, date)
        self._sums = self._rel_items = None
        return self

    # --- adding up -------------------------------------------------------------------

    def _summed(self) -> "_Sums":
        if self._sums is None:
            self._open()
            if len(self._mentions) != 1:  # one array from now on, not the pieces and their sum
                self._mentions = [np.concatenate(self._mentions) if self._mentions else np.empty((0, 3), dtype=np.int64)]
            rows = self._mentions[0]
            add_up = _sum_small if len(rows) < SMALL_LOG else _sum_numpy
            self._sums = add_up(rows, self.ids, self._dates)
        return self._sums

    def summed(self) -> None:
        """Add up the evidence now and let the mention log go (tens of MB per million
        mentions): what the graph needs is kept. No document may be added after this.

        >>> g = GraphAccumulator()
        >>> g.add_document("d1", "", [(0, "a"), (0, "b")], [])
        >>> g.summed()
        >>> list(g.cooc), g.entity_counts()[0]["a"]
        ([('a', 'b')], 1)
        >>> g.add_document("d2", "", [(0, "a")], [])
        Traceback (most recent call last):
        ValueError: documents cannot be added once the evidence is summed
        """
        self._summed()
        self._mentions = None

    def entity_counts(self) -> tuple[Counter, Counter]:
        """Mentions and documents per entity id."""
        s = self._summed()
        ids = self.ids
        return (Counter({ids[e]: n for e, n in zip(s.ent, s.ent_mentions)}),
                Counter({ids[e]: n for e, n in zip(s.ent, s.ent_docs)}))

    @property
    def node_seen(self) -> dict[str, EdgeStats]:
        """Entity id → documents that mention it, first and last date."""
        s = self._summed()
        return {self.ids[e]: EdgeStats(0, n, [], [], f, l)
                for e, n, f, l in zip(s.ent, s.ent_docs, s.ent_first, s.ent_last)}

    @property
    def cooc(self) -> dict[tuple[str, str], EdgeStats]:
        """(smaller id, larger id) → sentences and documents naming both, in first-seen order."""
        return {(a, b): EdgeStats(n, d, [], [], f, l) for a, b, n, d, f, l in self._pairs()}

    def _pairs(self):
        """(a, b, sentences, documents, first, last) of every pair, in first-seen order,
        converted to Python values a block at a time (a million pairs as lists would
        leave hundreds of MB of small objects behind)."""
        s = self._summed()
        ids = np.array(self.ids + [None], dtype=object)
        for lo in range(0, len(s.a), 1 << 16):
            hi = lo + (1 << 16)
            yield from zip(ids[s.a[lo:hi]].tolist(), ids[s.b[lo:hi]].tolist(), s.count[lo:hi].tolist(),
                           s.docs[lo:hi].tolist(), s.first[lo:hi].tolist(), s.last[lo:hi].tolist())

    @property
    def relations(self) -> dict[tuple[str, str, str], EdgeStats]:
        """(type, head, tail) → the relation's counts and evidence, in first-seen order."""
        return {key: EdgeStats(c, d, list(ev), list(di), f, l) for key, (c, d, ev, di, f, l) in self._rel.items()}

    def relation_edges(self, types) -> list:
        """``(head, tail, type, data)`` of the relation edges of ``to_networkx`` whose
        type is one of ``types`` (in first-seen order; the lists in ``data`` are the
        accumulator's own)."""
        return [(head, tail, rtype, relation_data(rtype, stats, copies=False))
                for (rtype, head, tail), stats in self._rel.items() if rtype in types]

    def to_networkx(self, entities: dict[str, Entity], co_occurrences: bool = True) -> nx.MultiDiGraph:
        """The graph, as ``G.add_node``/``G.add_edge`` for every entity, pair and relation
        in turn would make it; the adjacency dicts are filled directly, which is several
        times cheaper for a graph of a million edges.

        ``co_occurrences=False``: the same graph but for the co-occurrence edges (every
        node is there and everything is in its place, as if they had been taken out; but
        a relation typed ``CO_OCCURS_WITH`` makes the graph whole), for a reader that
        takes those from ``edges``: most of a big graph's edges, and most of the time and
        memory it takes to make.

        >>> g = GraphAccumulator()
        >>> g.add_document("d1", "", [(0, "a"), (0, "b")], [("FIGHTS", "b", "a", 0, "b a")])
        >>> list(g.to_networkx({}, co_occurrences=False).edges(keys=True)), list(g.to_networkx({}))
        ([('b', 'a', 'FIGHTS')], ['a', 'b'])
        """
        s = self._summed()
        ids = self.ids
        seen = {ids[e]: (f, l) for e, f, l in zip(s.ent, s.ent_first, s.ent_last)}
        G = nx.MultiDiGraph()
        node, succ, pred = G._node, G._succ, G._pred
        for eid, ent in entities.items():
            first, last = seen.get(eid, ("", ""))
            if eid not in succ:
                succ[eid] = {}
                pred[eid] = {}
                node[eid] = {}
            node[eid].update(type=ent.type, name=ent.name, aliases=list(ent.aliases), mentions=ent.mentions,
                             documents=ent.documents, first_seen=first, last_seen=last)

        def add_node(n):
            if n is None:
                raise ValueError("None cannot be a node")
            succ[n] = {}
            pred[n] = {}
            node[n] = {}

        if not co_occurrences and not self._merged_relations():
            if any(e not in succ for e in ids):  # the nodes the pairs name first, in that order
                ends = np.column_stack((s.a, s.b)).ravel()
                for e in ends[np.sort(np.unique(ends, return_index=True)[1])].tolist():
                    if ids[e] not in succ:
                        add_node(ids[e])
            relations = self._relation_items()
            for (_, head, tail), _ in relations:
                for n in (head, tail):
                    if n not in succ:
                        add_node(n)
            # each (head, tail) slot filled when the whole graph fills it (see _relation_slots)
            relations = [relations[j] for j in np.argsort(self._relation_slots(), kind="stable").tolist()]
        else:
            for a, b, n, d, f, l in self._pairs():
                if a not in succ:
                    add_node(a)
                if b not in succ:
                    add_node(b)
                # a pair is unique (a < b): this edge is new, and no other a → b edge came first
                succ[a][b] = pred[b][a] = {CO_OCCURS_WITH: cooc_data(n, d, f, l)}
            relations = self._rel.items()
        for (rtype, head, tail), stats in relations:
            for n in (head, tail):
                if n not in succ:
                    add_node(n)
            data = relation_data(rtype, stats)
            keyed = succ[head].get(tail)
            if keyed is None:
                succ[head][tail] = pred[tail][head] = {rtype: data}
            elif rtype in keyed:  # as add_edge: an edge's attributes are updated
                keyed[rtype].update(data)
            else:
                keyed[rtype] = data
        return G

    def edges(self, entities: dict[str, Entity], order: tuple | None = None, copies: bool = True):
        """The edges of ``to_networkx(entities)`` in the order of its ``edges(keys=True,
        data=True)``, without making the graph: ``(a, b, key, data)``, where ``data`` is
        the edge's dict for a relation and, for a co-occurrence, the tuple ``(sentences,
        documents, first_seen, last_seen)`` of ``cooc_data``. Writers render the many
        co-occurrences from that tuple; nothing per edge stays in memory.

        The graph lists a node's edges by neighbour, in the order each neighbour was
        first reached from it: co-occurrences first (pairs in first-seen order), then
        relations, which join a co-occurrence's neighbour when they share it.

        >>> g = GraphAccumulator()
        >>> g.add_document("d1", "", [(0, "a"), (0, "b"), (0, "c")], [("FIGHTS", "b", "a", 0, "b a"), ("LEADS", "a", "c", 0, "a c")])
        >>> ents = {e: Entity(e, "PLACE", e, [e]) for e in "cab"}
        >>> [(a, b, k) for a, b, k, _ in g.edges(ents)]
        [('a', 'b', 'CO_OCCURS_WITH'), ('a', 'c', 'CO_OCCURS_WITH'), ('a', 'c', 'LEADS'), ('b', 'c', 'CO_OCCURS_WITH'), ('b', 'a', 'FIGHTS')]
        >>> [(a, b, k) for a, b, k in g.to_networkx(ents).edges(keys=True)] == _
        True

        ``order``: what ``edge_order(entities)`` returns, if it was called already;
        ``copies=False``: a relation's lists are the accumulator's own (for a reader that
        leaves them as they are).
        """
        for block in self.edge_blocks(entities, order, copies):
            yield from block.edges()

    def edge_blocks(self, entities: dict[str, Entity], order: tuple | None = None, copies: bool = True,
                    size: int = 1 << 13):
        """The edges of ``edges``, ``size`` at a time, as ``EdgeBlock`` objects: a writer renders
        a block's co-occurrences column by column.

        >>> g = GraphAccumulator()
        >>> g.add_document("d1", "", [(0, "a"), (0, "b")], [("FIGHTS", "b", "a", 0, "b a")])
        >>> [(b.pairs, [e[:3] for e in b.relations], b.is_pair) for b in g.edge_blocks({})]
        [((['a'], ['b'], [1], [1], [''], ['']), [('b', 'a', 'FIGHTS')], [True, False])]
        """
        if self._merged_relations():  # (see edge_order) the graph's edges, as relations
            edges = self.to_networkx(entities).edges(keys=True, data=True)
            while block := list(itertools.islice(edges, size)):
                yield EdgeBlock(((), (), (), (), (), ()), block, [False] * len(block))
            return
        s = self._summed()
        nodes, ends, order = order or self.edge_order(entities)
        P = len(s.a)
        relations = self._relation_items()
        for lo in range(0, len(order), size):
            block = order[lo:lo + size]
            is_pair = block < P
            pairs = block[is_pair]
            rels = []
            for e in block[~is_pair].tolist():
                (rtype, head, tail), stats = relations[e - P]
                rels.append((head, tail, rtype, relation_data(rtype, stats, copies)))
            yield EdgeBlock((nodes[ends[pairs, 0]].tolist(), nodes[ends[pairs, 1]].tolist(), s.count[pairs].tolist(),
                             s.docs[pairs].tolist(), s.first[pairs].tolist(), s.last[pairs].tolist()),
                            rels, is_pair.tolist())

    def edge_strengths(self, listed: np.ndarray) -> tuple[list, list, list]:
        """For the edges numbered ``listed`` (as ``edge_order`` numbers them: pairs first):
        the key, the strength (a co-occurrence's sentences, a relation's count) and the
        evidence (a relation's own list; none for a co-occurrence) of each.

        >>> g = GraphAccumulator()
        >>> g.add_document("d1", "", [(0, "a"), (0, "b")], [("FIGHTS", "b", "a", 0, "b a")])
        >>> g.edge_strengths(np.array([1, 0]))
        (['FIGHTS', 'CO_OCCURS_WITH'], [1, 1], [['b a'], []])
        """
        s, relations = self._summed(), self._relation_items()
        P = len(s.a)
        listed = np.asarray(listed, dtype=np.int64)
        count = s.count[np.minimum(listed, max(P - 1, 0))].tolist() if P else [0] * len(listed)
        keys, strengths, evidence = [], [], []
        for e, n in zip(listed.tolist(), count):
            if e < P:
                keys.append(CO_OCCURS_WITH)
                strengths.append(n)
                evidence.append([])
            else:
                (rtype, _, _), stats = relations[e - P]
                keys.append(rtype)
                strengths.append(stats[0])
                evidence.append(stats[2])
        return keys, strengths, evidence

    def edge_ends(self, entities: dict[str, Entity], order: tuple | None = None) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
        """The nodes of ``to_networkx(entities)`` in order and, for each of its edges in
        order (``edges``), the index of its source and of its target among them and its
        strength (a co-occurrence's sentences, a relation's count): what the simple view
        adds up (``metrics.Simple.of_edges``), without making the graph.

        >>> g = GraphAccumulator()
        >>> g.add_document("d1", "", [(0, "a"), (0, "b")], [("FIGHTS", "b", "a", 0, "b a")])
        >>> nodes, source, target, weight = g.edge_ends({e: Entity(e, "PLACE", e, [e]) for e in "ba"})
        >>> nodes, source.tolist(), target.tolist(), weight.tolist()
        (['b', 'a'], [0, 1], [1, 0], [1, 1])

        ``order``: as for ``edges``.
        """
        if self._merged_relations():
            G = self.to_networkx(entities)
            index = {n: i for i, n in enumerate(G)}
            rows = [(index[a], index[b], d.get("weight", d.get("count", 1))) for a, b, d in G.edges(data=True)]
            source, target, weight = (np.array(c, dtype=np.int64) for c in (list(zip(*rows)) or [(), (), ()]))
            return list(G), source, target, weight
        s = self._summed()
        nodes, ends, order = order or self.edge_order(entities)
        weight = np.concatenate([s.count, np.array([stats[0] for stats in self._rel.values()], dtype=np.int64)])
        return nodes.tolist(), ends[order, 0], ends[order, 1], weight[order]

    def _relation_items(self) -> list:
        """``list(self._rel.items())``, made once: a process forked after that reads only
        the relations it uses (reading an object writes its reference count, which
        copies its page; ``edge_order`` makes the list before the edge writers fork)."""
        if self._rel_items is None:
            self._rel_items = list(self._rel.items())
        return self._rel_items

    def _merged_relations(self) -> bool:
        """Is any relation typed ``CO_OCCURS_WITH``? The graph then merges it into the
        co-occurrence's dict (never the case with the relation whitelist)."""
        return any(rtype == CO_OCCURS_WITH for rtype, _, _ in self._rel)

    def _relation_slots(self) -> np.ndarray:
        """For each relation, in order, when the graph first fills its ``(head, tail)``
        slot (which orders the neighbours and the edges): for a relation from the smaller
        id of a co-occurring pair to the larger, with that pair (its number); else with
        the first relation between them (the number of pairs plus its own)."""
        s = self._summed()
        n_ids, P = max(len(self.ids), 1), len(s.a)
        first_of: dict = {}  # (head, tail) → the first relation between them
        firsts = [first_of.setdefault((head, tail), j) for j, (_, head, tail) in enumerate(self._rel)]
        del first_of
        rel_slot = P + np.array(firsts, dtype=np.int64)
        head_codes = np.array([self._code.get(head, -1) for _, head, _ in self._rel], dtype=np.int64)
        tail_codes = np.array([self._code.get(tail, -1) for _, _, tail in self._rel], dtype=np.int64)
        rel_key = head_codes * n_ids + tail_codes
        pair_key = s.a.astype(np.int64) * n_ids + s.b
        by_key = np.argsort(pair_key)
        at = np.minimum(np.searchsorted(pair_key, rel_key, sorter=by_key), max(P - 1, 0))
        if P:
            shared = (head_codes >= 0) & (tail_codes >= 0) & (pair_key[by_key[at]] == rel_key)
            rel_slot[shared] = by_key[at[shared]]
        return rel_slot

    def edge_order(self, entities: dict[str, Entity]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The graph's nodes in order (an object array), and for each co-occurring pair
        then each relation, the positions of its ends among them (an ``(n, 2)`` array),
        and the order ``edges`` lists them in (pairs numbered first). Empty when a
        relation is typed ``CO_OCCURS_WITH`` (``edges`` then reads the graph)."""
        if self._merged_relations():
            return ()
        s = self._summed()
        self._relation_items()
        # the nodes in to_networkx's order: the entities, then any other id an edge names
        ids = self.ids
        position = {n: i for i, n in enumerate(entities)}
        if any(e not in position for e in ids):
            for e in itertools.chain.from_iterable(zip(s.a.tolist(), s.b.tolist())):
                position.setdefault(ids[e], len(position))
        for _, head, tail in self._rel:
            position.setdefault(head, len(position))
            position.setdefault(tail, len(position))
        code_position = np.array([position.get(e, -1) for e in ids] or [0], dtype=np.int64)  # -1: in no edge
        # each edge's source, the moment its (source, target) slot was first filled, and its own
        P = len(s.a)
        heads = [position[head] for _, head, _ in self._rel]
        tails = [position[tail] for _, _, tail in self._rel]
        ends = np.empty((P + len(heads), 2), dtype=np.int64)
        ends[:P, 0], ends[:P, 1] = code_position[s.a], code_position[s.b]
        ends[P:, 0], ends[P:, 1] = heads, tails
        slot = np.concatenate([np.arange(P), self._relation_slots()])
        order = np.lexsort((np.arange(len(slot)), slot, ends[:, 0]))
        nodes = np.empty(len(position), dtype=object)
        nodes[:] = list(position)
        return nodes, ends, order


@dataclass
class EdgeBlock:
    """Consecutive edges of a graph (``GraphAccumulator.edge_blocks``): ``pairs``, the
    co-occurrences among them as columns ``(a, b, sentences, documents, first_seen,
    last_seen)`` (lists, in order); ``relations``, the other edges ``(a, b, key, data)``
    in order; ``is_pair``, for each edge in order, whether it is the next co-occurrence
    (else the next relation)."""

    pairs: tuple
    relations: list
    is_pair: list

    def edges(self):
        """The block's edges one by one, as ``GraphAccumulator.edges`` gives them."""
        pairs, relations = zip(*self.pairs), iter(self.relations)
        for is_pair in self.is_pair:
            if is_pair:
                a, b, n, d, f, l = next(pairs)
                yield a, b, CO_OCCURS_WITH, (n, d, f, l)
            else:
                yield next(relations)


def cooc_data(sentences: int, documents: int, first: str, last: str) -> dict:
    """The data of a ``CO_OCCURS_WITH`` edge."""
    return {"type": CO_OCCURS_WITH, "weight": sentences, "sentences": sentences, "documents": documents,
            "first_seen": first, "last_seen": last}


def relation_data(rtype: str, stats: list, copies: bool = True) -> dict:
    """The data of a relation edge, from its ``[count, documents, evidence, doc_ids, first, last]``
    (``copies=False``: with those very lists, for a reader that leaves them as they are)."""
    count, documents, evidence, doc_ids, first, last = stats
    if copies:
        evidence, doc_ids = list(evidence), list(doc_ids)
    return {"type": rtype, "count": count, "documents": documents, "evidence": evidence,
            "doc_ids": doc_ids, "first_seen": first, "last_seen": last}


def _see_dates(s: list, date: str) -> None:
    """``EdgeStats.see`` for a relation's list ``[count, documents, evidence, doc_ids, first, last]``."""
    if not s[4] or date < s[4]:
        s[4] = date
    if not s[5] or date > s[5]:
        s[5] = date


@dataclass(eq=False)
class _Sums:
    """The mention log added up: per entity (``ent`` codes, first-seen order; lists) and
    per co-occurring pair (``a`` < ``b`` by id, first-seen order; arrays: integers, and
    objects for the dates)."""

    ent: list
    ent_mentions: list
    ent_docs: list
    ent_first: list
    ent_last: list
    a: list
    b: list
    count: list
    docs: list
    first: list
    last: list

    def __eq__(self, other) -> bool:
        return all(np.array_equal(getattr(self, f), getattr(other, f)) for f in self.__dataclass_fields__)


def _see(s: list, date: str) -> None:
    """``EdgeStats.see`` for the list form ``[.., .., first, last]``."""
    if date:
        if not s[2] or date < s[2]:
            s[2] = date
        if not s[3] or date > s[3]:
            s[3] = date


def _sum_small(rows: np.ndarray, ids: list, dates: list) -> _Sums:
    """The log added up one document at a time, in plain Python (see ``_sum_numpy``)."""
    ents: dict[int, list] = {}  # code → [mentions, documents, first, last]
    pairs: dict[tuple[int, int], list] = {}  # (a, b) → [sentences, documents, first, last]
    by_id = ids.__getitem__
    for d, doc_rows in groupby(rows.tolist(), key=lambda r: r[0]):
        by_sentence: dict[int, set[int]] = {}
        for _, si, e in doc_rows:
            by_sentence.setdefault(si, set()).add(e)
            ents.setdefault(e, [0, 0, "", ""])[0] += 1
        pair_sentences: dict[tuple[int, int], int] = {}
        for members in by_sentence.values():
            ordered = sorted(members, key=by_id)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    pair_sentences[(a, b)] = pair_sentences.get((a, b), 0) + 1
        touched = [ents[e] for e in set().union(*by_sentence.values())]
        for pair, n in pair_sentences.items():
            s = pairs.setdefault(pair, [0, 0, "", ""])
            s[0] += n
            touched.append(s)
        for s in touched:
            s[1] += 1
            _see(s, dates[d])
    e_cols = list(zip(*([e, *v] for e, v in ents.items()))) or [()] * 5
    p_cols = list(zip(*([a, b, *v] for (a, b), v in pairs.items()))) or [()] * 6
    return _Sums(*map(list, e_cols), *(np.array(c, dtype=np.int64) for c in p_cols[:4]),
                 *(np.array(c, dtype=object) for c in p_cols[4:]))


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` for integers (sorted): sort and drop repeats, several times
    cheaper than numpy 2's hashing ``unique`` for arrays of millions."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _runs(sorted_keys: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in a sorted array."""
    if not len(sorted_keys):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])


def _sum_numpy(rows: np.ndarray, ids: list, dates: list) -> _Sums:
    """The log added up with array operations: the same figures, in the same order, as
    adding documents one by one (``_sum_small``).

    Co-occurrences: within each sentence (a document's sentences in order of their first
    mention) the distinct entities in id order give pairs ``a < b``; a pair's first row
    in that order is where sequential adding would have first seen it. Only plain sorts
    of integers are used (stable ones of millions are several times slower), and big
    intermediates are dropped as soon as they are used.
    """
    n = len(rows)
    doc, sent, code = (rows[:, i].astype(np.int64) for i in range(3))
    n_ids, n_docs = max(len(ids), 1), len(dates) + 1
    rank = np.empty(n_ids, dtype=np.int64)
    rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    code_of_rank = np.argsort(rank)
    known = sorted({d for d in dates if d})
    date_rank = {d: i for i, d in enumerate(known)}
    doc_date = np.array([date_rank[d] if d else -1 for d in dates] or [-1], dtype=np.int64)
    date_of = np.array(known + [""], dtype=object)  # rank → date; len(known) and -1 → ""

    def first_last(values: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Earliest and latest date of each run of ``values`` (date ranks, -1: none)."""
        if not len(values):
            return date_of[:0], date_of[:0]
        first = np.minimum.reduceat(np.where(values < 0, len(known), values), starts)
        return date_of[first], date_of[np.maximum.reduceat(values, starts)]

    # entities: mentions, distinct documents and dates; in order of first mention
    ent_mentions = np.bincount(code, minlength=n_ids)
    first_row = np.full(n_ids, n, dtype=np.int64)
    np.minimum.at(first_row, code, np.arange(n))
    ent = np.flatnonzero(ent_mentions)
    ent = ent[np.argsort(first_row[ent])]
    by_ent = np.sort(code * n_docs + doc)
    by_ent = by_ent[_runs(by_ent)]  # distinct (entity, document), by entity then document
    starts = _runs(by_ent // n_docs)
    e_first, e_last = first_last(doc_date[by_ent % n_docs], starts)
    where = np.empty(n_ids, dtype=np.int64)
    where[by_ent[starts] // n_docs] = np.arange(len(starts))
    ent_docs = np.diff(np.r_[starts, len(by_ent)])
    del by_ent, starts

    # sentences numbered in order of first mention: runs, when each sentence's mentions
    # are together (the extractors list them in text order); else by first row
    key = doc * (int(sent.max(initial=0)) - int(sent.min(initial=0)) + 1) + (sent - sent.min(initial=0))
    new = np.r_[True, key[1:] != key[:-1]] if n else np.zeros(0, dtype=bool)
    if n and len(_runs(np.sort(key))) == int(new.sum()):
        sentence = np.cumsum(new) - 1
    else:
        _, s_first, s_index = np.unique(key, return_index=True, return_inverse=True)
        s_number = np.empty(len(s_first), dtype=np.int64)
        s_number[np.argsort(s_first, kind="stable")] = np.arange(len(s_first))
        sentence = s_number[s_index.reshape(-1)]
    del key, new
    sentence_doc = np.zeros(int(sentence.max(initial=-1)) + 1, dtype=np.int64)
    sentence_doc[sentence] = doc
    # distinct (sentence, entity) in id order, then every pair within a sentence
    members = np.sort(sentence * n_ids + rank[code])
    members = members[_runs(members)]
    del sentence
    m_sentence, m_rank = members // n_ids, members % n_ids
    starts = _runs(m_sentence)
    sizes = np.diff(np.r_[starts, len(members)])
    place = np.arange(len(members)) - np.repeat(starts, sizes)
    partners = np.repeat(sizes, sizes) - place - 1  # members after this one in its sentence
    del starts, sizes, place
    left = np.repeat(np.arange(len(members)), partners)
    right = left + 1 + (np.arange(len(left)) - np.repeat(np.cumsum(partners) - partners, partners))
    pair = m_rank[left] * n_ids + m_rank[right]  # rows in first-seen order
    pair_doc = sentence_doc[m_sentence[left]]
    del members, m_sentence, m_rank, partners, left, right
    # each pair's rows together, in row order: one plain sort of pair · rows + row
    P = len(pair)
    if n_ids * n_ids * max(P, 1) < 2 ** 62:
        packed = np.sort(pair * P + np.arange(P))
        pair, row = packed // P, packed % P
        del packed
    else:  # too many to pack into one integer
        row = np.argsort(pair, kind="stable")
        pair = pair[row]
    starts = _runs(pair)
    keys, p_first = pair[starts], row[starts]
    p_count = np.diff(np.r_[starts, P])
    p_doc = pair_doc[row]  # within a pair's rows, documents come in order
    del pair, row, pair_doc
    fresh = np.r_[True, p_doc[1:] != p_doc[:-1]] if P else np.zeros(0, dtype=bool)
    fresh[starts] = True
    pd_doc = p_doc[fresh]  # distinct (pair, document)
    del p_doc
    doc_runs = np.cumsum(fresh)[starts] - 1  # where each pair's documents start among pd_doc
    p_docs = np.diff(np.r_[doc_runs, len(pd_doc)])
    p_first_date, p_last_date = first_last(doc_date[pd_doc], doc_runs)
    order = np.argsort(p_first)  # first rows are distinct: any sort is stable here
    e_order = where[ent]
    return _Sums(
        ent=ent.tolist(), ent_mentions=ent_mentions[ent].tolist(), ent_docs=ent_docs[e_order].tolist(),
        ent_first=e_first[e_order].tolist(), ent_last=e_last[e_order].tolist(),
        a=code_of_rank[keys[order] // n_ids], b=code_of_rank[keys[order] % n_ids],
        count=p_count[order], docs=p_docs[order], first=p_first_date[order], last=p_last_date[order],
    )
