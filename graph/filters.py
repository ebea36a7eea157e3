"""Export filters: entity types, tie strength, a date window, one actor's neighbourhood.

Filters apply in this order:

1. ``since``/``until`` (ISO dates, inclusive, compared on the first 10 characters of the
   document date): the graph is rebuilt from the documents of the window only, so counts,
   evidence and metrics are those of the window; undated documents are left out;
2. ``types``: only entities of these types (and the ties between them);
3. ``min_weight``: only ties at least this strong (``weight`` of ``CO_OCCURS_WITH``,
   ``count`` of typed relations); entities left without a tie are dropped;
4. ``ego``/``depth``: the entities within ``depth`` ties of the named actor.

Without a date window the node metrics are those of the whole graph (an actor's
betweenness in the full network, even when only its neighbourhood is shown).

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> for n, t in [("a", "ARMED_GROUP"), ("b", "PLACE"), ("c", "ARMED_GROUP"), ("d", "TRIBE")]:
...     G.add_node(n, type=t, name=n, aliases=[n])
>>> _ = G.add_edge("a", "b", key="CO_OCCURS_WITH", weight=1)
>>> _ = G.add_edge("a", "c", key="FIGHTS", count=4)
>>> _ = G.add_edge("c", "d", key="CO_OCCURS_WITH", weight=2)
>>> sorted(apply_structural(G, GraphFilter(types=("ARMED_GROUP",))).nodes)
['a', 'c']
>>> sorted(apply_structural(G, GraphFilter(min_weight=2)).nodes)
['a', 'c', 'd']
>>> sorted(apply_structural(G, GraphFilter(ego="b", depth=1)).nodes)
['a', 'b']
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from conflictkg.records import CO_OCCURS_WITH, ENTITY_TYPES, TYPE_LABELS, Entity

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass
class GraphFilter:
    types: tuple[str, ...] = ()
    min_weight: float = 0.0
    since: str = ""
    until: str = ""
    ego: str = ""
    depth: int = 1

    def __post_init__(self) -> None:
        self.types = tuple(parse_type(t) for t in self.types)
        for name in ("since", "until"):
            value = getattr(self, name)
            if value and not _DATE.match(value):
                raise ValueError(f"--{name} {value!r}: expected an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        if self.depth < 0:
            raise ValueError("--depth must be 0 or more")

    @property
    def windowed(self) -> bool:
        return bool(self.since or self.until)

    def in_window(self, date: str) -> bool:
        """Whether a document date falls in the window (always, without a window).

        >>> f = GraphFilter(since="2024-02", until="2024-03-31")
        >>> [f.in_window(d) for d in ("2024-01-31", "2024-02-01", "2024-03-31T10:00", "")]
        [False, True, True, False]
        """
        if not self.windowed:
            return True
        day = (date or "")[:10]
        if not day:
            return False
        if self.since and day < self.since:
            return False
        # "2024-03" as an upper bound means the whole month: compare on its own length
        if self.until and day[: len(self.until)] > self.until:
            return False
        return True


def parse_type(name: str) -> str:
    """``ARMED_GROUP``, ``armed_group`` or the label ``ArmedGroup`` → ``ARMED_GROUP``.

    >>> parse_type("armedgroup"), parse_type("Place")
    ('ARMED_GROUP', 'PLACE')
    """
    key = name.strip().replace("-", "_").upper()
    if key in ENTITY_TYPES:
        return key
    for etype, label in TYPE_LABELS.items():
        if label.upper() == key.replace("_", ""):
            return etype
    raise ValueError(f"unknown entity type {name!r}; expected one of {', '.join(ENTITY_TYPES)}")


def strength(data: dict) -> float:
    """Strength of one tie: co-occurrence weight or relation count."""
    if data.get("type", "") == CO_OCCURS_WITH or "weight" in data:
        return float(data.get("weight", 0) or 0)
    return float(data.get("count", 0) or 0)


@dataclass
class View:
    """What the exports write: the filtered graph, and the documents it may cite."""

    graph: nx.MultiDiGraph
    folder: Path | None = None
    docs: set[str] | None = None  # None: every document of the folder


def select(folder: str | Path, flt: GraphFilter | None = None) -> View:
    """Load a built folder and apply the filters."""
    from conflictkg.graph.folder import documents, load_graph

    flt = flt or GraphFilter()
    folder = Path(folder)
    docs = None
    if flt.windowed:
        meta = documents(folder)
        docs = {d for d, m in meta.items() if flt.in_window(m.get("date", ""))}
        G = window_graph(folder, load_graph(folder), docs, meta)
    else:
        G = load_graph(folder)
    return View(apply_structural(G, flt), folder, docs)


def window_graph(folder: Path, full: nx.MultiDiGraph, docs: set[str], meta: dict[str, dict]) -> nx.MultiDiGraph:
    """The graph a build of only ``docs`` would give (same entities, same evidence rules)."""
    from conflictkg.graph.folder import mentions_by_document, relations_by_document
    from conflictkg.graph.metrics import add_metrics
    from conflictkg.graph.model import GraphAccumulator

    acc = GraphAccumulator()
    rels = relations_by_document(folder, docs)
    mentions: Counter = Counter()
    in_docs: Counter = Counter()
    for doc, rows in mentions_by_document(folder):
        if doc not in docs:
            continue
        acc.add_document(doc, meta.get(doc, {}).get("date", ""), rows, rels.get(doc, []))
        mentions.update(eid for _, eid in rows)
        in_docs.update({eid for _, eid in rows})
    entities = {}
    for eid in mentions:
        if eid not in full:
            continue
        d = full.nodes[eid]
        entities[eid] = Entity(eid, d["type"], d["name"], list(d.get("aliases", [])), mentions[eid], in_docs[eid])
    G = acc.to_networkx(entities)
    G.remove_nodes_from([n for n in list(G) if n not in entities])
    add_metrics(G)
    return G


def apply_structural(G: nx.MultiDiGraph, flt: GraphFilter) -> nx.MultiDiGraph:
    """Types, minimum weight and ego neighbourhood, on a copy of ``G``."""
    H = G.copy()
    if flt.types:
        H.remove_nodes_from([n for n, t in H.nodes(data="type") if t not in flt.types])
    if flt.min_weight:
        weak = [(a, b, k) for a, b, k, d in H.edges(keys=True, data=True) if strength(d) < flt.min_weight]
        H.remove_edges_from(weak)
        H.remove_nodes_from([n for n in list(H) if H.degree(n) == 0])
    if flt.ego:
        centre = find_entity(H, flt.ego)
        keep = nx.single_source_shortest_path_length(H.to_undirected(as_view=True), centre, cutoff=flt.depth)
        H = H.subgraph(keep).copy()
    return H


def find_entity(G: nx.MultiDiGraph, name: str) -> str:
    """The node an actor's name (or id) designates; the most mentioned on a tie.

    Names match through the resolver's matching key, so titles, spelling variants and
    ة/ه do not matter.
    """
    if name in G:
        return name
    from conflictkg.resolvers.keys import matching_key

    hits = []
    for n, d in G.nodes(data=True):
        etype = d.get("type", "")
        wanted = matching_key(name, etype)
        names = [d.get("name", "")] + list(d.get("aliases", []) or [])
        if wanted and any(matching_key(x, etype) == wanted for x in names if x):
            hits.append((-(d.get("mentions") or 0), n))
    if not hits:
        raise ValueError(f"--ego {name!r}: no such entity in the (filtered) graph")
    return min(hits)[1]
