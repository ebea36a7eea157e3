"""Node metrics stored on the graph: degree, weighted degree, betweenness, community.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> _ = G.add_edge("a", "b", key="CO_OCCURS_WITH", weight=3)
>>> _ = G.add_edge("b", "c", key="FIGHTS", count=1)
>>> add_metrics(G)
>>> G.nodes["b"]["degree"], G.nodes["b"]["weighted_degree"], G.nodes["b"]["betweenness"]
(2, 4.0, 1.0)
>>> G.graph["betweenness"]
'exact, weighted (distance = 1/weight)'
"""
from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import numpy as np

from conflictkg.graph.louvain import louvain_groups

SEED = 42
# Exact weighted betweenness costs one Dijkstra per node: O(V·E log V). It is kept
# while V·E stays under this budget (a few seconds); above it, shortest paths are
# counted from a sample of source nodes, as many as EDGE_BUDGET / E allows, on the
# unweighted graph (a BFS is several times cheaper than a Dijkstra). Sampled
# betweenness ranks the main brokers the same way; the method used is recorded in
# ``G.graph["betweenness"]`` so nobody mistakes it for the exact figure.
EXACT_BUDGET = 5e7
EDGE_BUDGET = 4e6
MIN_SAMPLES = 32


def simple_view(G: nx.MultiDiGraph) -> nx.Graph:
    """Undirected simple graph; an edge's weight sums co-occurrence and relation counts."""
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    add_simple_edges(H, G.edges(data=True))
    return H


def add_simple_edges(H: nx.Graph, edges) -> None:
    """Add ``(a, b, data)`` edges to ``H`` as :func:`simple_view` does, summing weights.

    The adjacency dicts are filled directly (``H.add_edge`` per edge costs several
    times more), exactly as ``H.add_edge(a, b, weight=w)`` and ``H[a][b]["weight"] += w``
    would, in the same order: betweenness and Louvain visit neighbours in that order.
    """
    adj = H._adj
    for a, b, data in edges:
        w = float(data.get("weight", data.get("count", 1)))
        e = adj[a].get(b)
        if e is None:
            adj[a][b] = adj[b][a] = {"weight": w}
        else:
            e["weight"] += w


class Simple:
    """:func:`simple_view` as integer-numbered adjacency dicts: ``labels[i]`` is node i (in
    the graph's node order), ``adj[i]`` maps each neighbour j to the edge's weight, in
    the order ``simple_view``'s dicts have them. Degrees, betweenness and Louvain all
    work on this; building it costs half of building the ``nx.Graph``."""

    def __init__(self, labels: list, adj: list[dict]):
        self.labels, self._adj, self._flat = labels, adj, None

    @property
    def adj(self) -> list[dict]:
        if self._adj is None:  # unpickled: the dicts are made when first needed
            sizes, targets, weights = self._flat
            targets, at, self._adj = targets.tolist(), 0, []
            for n in sizes.tolist():
                self._adj.append(dict(zip(targets[at:at + n], weights[at:at + n])))
                at += n
        return self._adj

    def flat(self) -> tuple[np.ndarray, np.ndarray, list]:
        """Neighbours in one array: how many each node has, all of them in order (as an
        array), and the weights in the same order (a list: the floats exactly)."""
        if self._flat is None:
            adj = self._adj
            sizes = np.fromiter(map(len, adj), dtype=np.int64, count=len(adj))
            targets = np.fromiter(itertools.chain.from_iterable(adj), dtype=np.int64, count=int(sizes.sum()))
            self._flat = sizes, targets, list(itertools.chain.from_iterable(map(dict.values, adj)))
        return self._flat

    @classmethod
    def of_multigraph(cls, G: nx.MultiDiGraph) -> "Simple":
        """The simple view of ``G`` (see :func:`simple_view`)."""
        labels = list(G)
        index = {n: i for i, n in enumerate(labels)}
        adj: list[dict] = [{} for _ in labels]
        for a, b, data in G.edges(data=True):
            w = float(data.get("weight", data.get("count", 1)))
            i, j = index[a], index[b]
            row = adj[i]
            if j in row:  # the two directions share one weight, as simple_view's one dict
                row[j] = adj[j][i] = row[j] + w
            else:
                row[j] = adj[j][i] = w
        return cls(labels, adj)

    @classmethod
    def of_edges(cls, labels: list, source: np.ndarray, target: np.ndarray, weight: np.ndarray) -> "Simple":
        """The simple view of a multigraph given as its nodes (``labels``, in order) and,
        for each edge in its order, the indexes of its ends and its integer weight: what
        ``of_multigraph`` makes of the graph, with array operations. (Sums of integers
        are the same floats in any order of adding.)

        >>> S = Simple.of_edges(["a", "b", "c"], np.array([1, 0, 0]), np.array([2, 1, 2]), np.array([2, 1, 3]))
        >>> S.adj
        [{1: 1.0, 2: 3.0}, {2: 2.0, 0: 1.0}, {1: 2.0, 0: 3.0}]
        """
        if weight.dtype.kind not in "iu":
            raise ValueError("Simple.of_edges: weights must be integers")
        n, m = len(labels), len(source)
        mirrored = source != target  # a self-loop is one entry, as in of_multigraph
        row = np.concatenate([source, target[mirrored]]).astype(np.int64)
        col = np.concatenate([target, source[mirrored]]).astype(np.int64)
        when = np.concatenate([np.arange(m), np.arange(m)[mirrored]])
        key = row * max(n, 1) + col
        del row, col
        by = _lexsort(when, key, m)  # each (row, neighbour) together, in edge order
        key, when = key[by], when[by]
        w = weight.astype(np.int64)[when]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
        total = np.add.reduceat(w, starts) if len(key) else w
        key, first = key[starts], when[starts]
        order = _lexsort(first, key // max(n, 1), m)  # a row's neighbours in the order edges first joined them
        S = cls(labels, None)
        S._flat = (np.bincount(key // max(n, 1), minlength=n).astype(np.int64), key[order] % max(n, 1),
                   total[order].astype(float).tolist())
        return S

    @classmethod
    def of_graph(cls, H: nx.Graph) -> "Simple":
        """An undirected simple ``nx.Graph`` (weights from ``weight``, default 1)."""
        labels = list(H)
        index = {n: i for i, n in enumerate(labels)}
        return cls(labels, [{index[m]: d.get("weight", 1) for m, d in nbrs.items()} for nbrs in H._adj.values()])

    def __len__(self) -> int:
        return len(self.labels)

    def among(self, nodes: set) -> "Simple":
        """The view of the subgraph of ``nodes``: their rows, with only the neighbours
        among them, in order (less to send to another process).

        >>> S = Simple(["a", "b", "c"], [{1: 2.0, 2: 1.0}, {0: 2.0}, {0: 1.0}]).among({"a", "b"})
        >>> S.labels, S.adj
        (['a', 'b'], [{1: 2.0}, {0: 2.0}])
        """
        sizes, targets, weights = self.flat()
        inside = np.array([n in nodes for n in self.labels] + [False], dtype=bool)
        number = np.cumsum(inside) - 1  # new numbers of the nodes kept
        row = np.repeat(np.arange(len(sizes)), sizes)
        kept = inside[row] & inside[targets] if len(targets) else np.zeros(0, dtype=bool)
        sub = Simple([n for n, i in zip(self.labels, inside) if i], None)
        sub._flat = (np.bincount(number[row[kept]], minlength=int(inside.sum())).astype(np.int64), number[targets[kept]],
                     np.array(weights, dtype=float)[kept].tolist() if weights is not None else None)
        return sub

    def graph(self, nodes: set | None = None) -> nx.Graph:
        """This view as the ``nx.Graph`` ``simple_view`` makes (the same nodes, neighbours
        and weights, in the same order), or the subgraph of ``nodes`` in it.

        >>> G = nx.MultiDiGraph([("b", "a", "X"), ("a", "b", "Y"), ("a", "c", "X")])
        >>> H = Simple.of_multigraph(G).graph()
        >>> list(H.adjacency()) == list(simple_view(G).adjacency())
        True
        """
        labels = self.labels
        H = nx.Graph()
        H.add_nodes_from(n for n in labels if nodes is None or n in nodes)
        adj = H._adj
        sizes, targets, weights = self.flat()  # (only the rows wanted are read)
        starts = np.r_[0, np.cumsum(sizes)].tolist()
        for i, a in enumerate(labels):
            if a not in adj:
                continue
            row, lo, hi = adj[a], starts[i], starts[i + 1]
            for j, w in zip(targets[lo:hi].tolist(), weights[lo:hi]):
                b = labels[j]
                if b in adj:
                    row[b] = adj[b].get(a) or {"weight": w}  # one dict for both directions
        return H

    def unweighted(self) -> "Simple":
        """This graph without its weights (all betweenness needs): less to send."""
        sizes, targets, _ = self.flat()
        light = Simple(self.labels, None)
        light._flat = sizes, targets, None
        return light

    def degrees(self) -> tuple[list, list]:
        """Each node's degree and weighted degree (floats), as ``H.degree()`` and
        ``H.degree(weight="weight")`` count them (a self-loop twice); from the flat
        arrays when the weights are whole numbers (then any order of adding gives the
        same sums), without making the dicts.

        >>> Simple(["a", "b"], [{0: 2.0, 1: 1.5}, {0: 1.5}]).degrees()
        ([3, 1], [5.5, 1.5])
        """
        if self._adj is None and self._flat[2] is not None:
            sizes, targets, weights = self._flat
            w = np.array(weights, dtype=float)
            if np.all(np.floor(w) == w) and float(np.abs(w).sum()) < 2.0 ** 52:
                n = len(sizes)
                row = np.repeat(np.arange(n), sizes)
                loop = targets == row
                degree = sizes + np.bincount(row[loop], minlength=n)
                weighted = np.bincount(row, weights=w, minlength=n) + np.bincount(row[loop], weights=w[loop], minlength=n)
                return degree.tolist(), weighted.tolist()
        adj = self.adj
        return ([len(nbrs) + (i in nbrs) for i, nbrs in enumerate(adj)],
                [float(sum(nbrs.values()) + (i in nbrs and nbrs[i])) for i, nbrs in enumerate(adj)])

    def __getstate__(self):  # pickled flat: far smaller and faster than the dicts
        return self.labels, self.flat()

    def __setstate__(self, state):
        self.labels, self._flat = state
        self._adj = None

    def number_of_edges(self) -> int:
        """As ``nx.Graph.number_of_edges``: a self-loop is one edge, seen once."""
        sizes, targets, _ = self.flat()
        loops = int(np.count_nonzero(targets == np.repeat(np.arange(len(sizes)), sizes)))
        return (int(sizes.sum()) + loops) // 2


def _lexsort(minor: np.ndarray, major: np.ndarray, bound: int) -> np.ndarray:
    """``np.lexsort((minor, major))`` for distinct pairs of integers, ``major >= 0`` and
    ``0 <= minor < bound``: one sort of ``major * bound + minor`` when that fits in 63
    bits, a few times cheaper (the pairs being distinct, any sort gives the order).

    >>> _lexsort(np.array([2, 0, 1, 0]), np.array([1, 1, 0, 2]), 3).tolist()
    [2, 1, 0, 3]
    """
    bound = max(int(bound), 1)
    if not len(major) or int(major.max()) * bound + bound < 2 ** 62:
        return np.argsort(major * bound + minor)
    return np.lexsort((minor, major))


def add_degrees(G: nx.MultiDiGraph, S: Simple) -> None:
    """``degree`` and ``weighted_degree`` of every node of ``G``, from its simple view (as
    ``H.degree()`` and ``H.degree(weight="weight")`` count them: a self-loop twice)."""
    nodes = G.nodes
    for n, degree, weighted in zip(S.labels, *S.degrees()):
        d = nodes[n]
        d["degree"] = degree
        d["weighted_degree"] = weighted


def betweenness_sources(S: Simple) -> list | None:
    """The source nodes betweenness is sampled from, or None when it is computed exactly
    (see the budgets above): the sample ``nx.betweenness_centrality(H, k, seed=SEED)`` draws."""
    V, E = len(S), S.number_of_edges()
    if V * max(E, 1) <= EXACT_BUDGET:
        return None
    k = int(min(V, max(MIN_SAMPLES, EDGE_BUDGET // max(E, 1))))
    return random.Random(SEED).sample(list(S.labels), k)


def betweenness(H: nx.Graph) -> tuple[dict, str]:
    """Betweenness of every node of ``H`` and a description of how it was computed.

    >>> b, how = betweenness(nx.path_graph(3))
    >>> b[1], how
    (1.0, 'exact, weighted (distance = 1/weight)')
    """
    S = Simple.of_graph(H)
    sources = betweenness_sources(S)
    if sources is None:
        return exact_betweenness(H)
    if len(sources) >= len(S):  # networkx then takes every node, unsampled and in order
        return (nx.betweenness_centrality(H, k=len(sources), normalized=True, seed=SEED),
                f"sampled from {len(sources)} of {len(S)} sources, unweighted")
    return sampled_betweenness(S, sources, source_dependencies(S, sources))


def exact_betweenness(H: nx.Graph) -> tuple[dict, str]:
    for _, _, d in H.edges(data=True):
        w = d.get("weight", 1.0)
        d["distance"] = 1.0 / w if w else 1.0  # strong ties are short paths
    return (nx.betweenness_centrality(H, weight="distance", normalized=True),
            "exact, weighted (distance = 1/weight)")


def source_dependencies(S: Simple, sources: list) -> list[np.ndarray]:
    """For each source, in order, the dependency of every node (in node order) on the
    shortest paths from it: what ``nx.betweenness_centrality`` adds to each node's total
    for that source (unweighted, endpoints excluded). One source at a time, so sources
    can be shared between processes; the floats are networkx's to the last bit.

    The breadth-first search runs a level at a time on arrays. Path counts are whole
    numbers, exact in any order of addition (below 2**53: else ``_plain_dependencies``).
    A node's dependency gets one term per successor, added in the order networkx adds
    them (successors latest found first): ``np.bincount`` adds its weights in array order.
    """
    sizes, nbr, _ = S.flat()
    ptr = np.r_[0, np.cumsum(sizes)]
    index = {n: i for i, n in enumerate(S.labels)}
    out = []
    for source in sources:
        delta = _level_dependencies(ptr, nbr, index[source], len(S))
        out.append(delta if delta is not None else _plain_dependencies(S, [source])[0])
    return out


def _level_dependencies(ptr: np.ndarray, nbr: np.ndarray, s: int, n: int) -> np.ndarray | None:
    dist = np.full(n, -1, dtype=np.int64)
    sigma = np.zeros(n)
    position = np.zeros(n, dtype=np.int64)  # order in which the search reaches each node
    dist[s], sigma[s] = 0, 1.0
    frontier, reached, level = np.array([s]), 1, 0
    steps = []  # per level: (predecessor, node) of every shortest-path edge into it
    while len(frontier):
        first, count = ptr[frontier], ptr[frontier + 1] - ptr[frontier]
        total = int(count.sum())
        src = np.repeat(frontier, count)
        dst = nbr[np.repeat(first - np.cumsum(count) + count, count) + np.arange(total)]
        fresh = dst[dist[dst] < 0]
        if len(fresh):
            _, seen_at = np.unique(fresh, return_index=True)
            found = fresh[np.sort(seen_at)]  # in the order the search meets them
        else:
            found = fresh
        dist[found] = level + 1
        position[found] = np.arange(reached, reached + len(found))
        reached += len(found)
        onto = dist[dst] == level + 1
        pv, pw = src[onto], dst[onto]
        sigma += np.bincount(pw, weights=sigma[pv], minlength=n)
        steps.append((pv, pw))
        frontier, level = found, level + 1
    if sigma.max(initial=0) >= 2 ** 53:
        return None
    delta = np.zeros(n)
    for pv, pw in reversed(steps):
        coeff = (1 + delta[pw]) / sigma[pw]
        order = np.argsort(-position[pw], kind="stable")  # latest found first, as networkx pops them
        delta += np.bincount(pv[order], weights=(sigma[pv] * coeff)[order], minlength=n)
    delta[s] = 0.0  # a source is not between itself and others
    return delta


def _plain_dependencies(S: Simple, sources: list) -> list[np.ndarray]:
    """``source_dependencies`` step by step as networkx's ``_single_source_shortest_path_basic``
    and ``_accumulate_basic`` go, on integer-numbered lists."""
    index = {n: i for i, n in enumerate(S.labels)}
    sizes, targets, _ = S.flat()
    targets, adj, at = targets.tolist(), [], 0
    for size in sizes.tolist():
        adj.append(targets[at:at + size])
        at += size
    n = len(adj)
    out = []
    for source in sources:
        s = index[source]
        sigma = [0.0] * n
        dist = [-1] * n
        preds: list[list[int]] = [[] for _ in range(n)]
        sigma[s] = 1.0
        dist[s] = 0
        order = [s]  # the BFS queue, which is also the order nodes are settled in
        i = 0
        while i < len(order):
            v = order[i]
            i += 1
            dv = dist[v] + 1
            sv = sigma[v]
            for w in adj[v]:
                dw = dist[w]
                if dw < 0:
                    order.append(w)
                    dist[w] = dw = dv
                if dw == dv:
                    sigma[w] += sv
                    preds[w].append(v)
        delta = [0.0] * n
        for w in reversed(order):
            coeff = (1 + delta[w]) / sigma[w]
            for v in preds[w]:
                delta[v] += sigma[v] * coeff
        delta[s] = 0.0  # a source is not between itself and others
        out.append(np.array(delta))
    return out


def sampled_betweenness(S: Simple, sources: list, dependencies: list[np.ndarray]) -> tuple[dict, str]:
    """``nx.betweenness_centrality(H, k=len(sources), normalized=True, seed=SEED)`` from
    the dependencies of its sampled ``sources`` (fewer than the nodes), added up in
    source order."""
    V, k = len(S), len(sources)
    if k >= V:
        raise ValueError("sampled_betweenness: as many sources as nodes is not a sample")
    total = np.zeros(V)
    for d in dependencies:
        total += d
    # networkx's _rescale for k sampled sources, endpoints excluded, normalised
    N = V - 1
    if N >= 2:
        scale_source = 1 / ((k - 1) * (N - 1)) if k > 1 else math.nan
        scale = np.full(V, 1 / (k * (N - 1)))
        index = {n: i for i, n in enumerate(S.labels)}
        scale[[index[s] for s in set(sources)]] = scale_source
        total *= scale
    return dict(zip(S.labels, total.tolist())), f"sampled from {k} of {V} sources, unweighted"


def communities(S: Simple) -> list[set]:
    """Louvain communities with a fixed seed, largest first (ties: smallest member)."""
    return sorted(_louvain(S, SEED), key=lambda c: (-len(c), min(c)))


def louvain(H: nx.Graph, seed: int = SEED) -> list[set]:
    """``nx.community.louvain_communities(H, weight="weight", seed=seed)`` for an
    undirected simple graph: the same communities (see ``_louvain``).

    >>> G = nx.barbell_graph(5, 1)
    >>> sorted(map(sorted, louvain(G))) == sorted(map(sorted, nx.community.louvain_communities(G, seed=SEED)))
    True
    """
    return _louvain(Simple.of_graph(H), seed)


def _louvain(S: Simple, seed: int, threshold: float = 1e-7) -> list[set]:
    """networkx's Louvain on the simple view (see ``graph/louvain.py``)."""
    labels = S.labels
    if S.number_of_edges() == 0:
        return [{u} for u in labels]
    sizes, targets, weights = S.flat()  # the graph's own adjacency, node by node, in order
    return [{labels[i] for i in c} for c in louvain_groups(sizes.tolist(), targets.tolist(), weights, seed, threshold)]


def set_communities(G: nx.MultiDiGraph, found: list[set]) -> None:
    for i, members in enumerate(found):
        for n in members:
            G.nodes[n]["community"] = i


def set_betweenness(G: nx.MultiDiGraph, bc: dict, how: str) -> None:
    G.graph["betweenness"] = how
    for n, v in bc.items():
        G.nodes[n]["betweenness"] = round(v, 6)


def add_metrics(G: nx.MultiDiGraph) -> None:
    """Set ``degree``, ``weighted_degree``, ``betweenness`` and ``community`` on every node.

    Communities are Louvain with a fixed seed, numbered by size (0 = largest).
    """
    S = Simple.of_multigraph(G)
    add_degrees(G, S)
    if not len(S):
        return
    sources = betweenness_sources(S)
    if sources is None or len(sources) >= len(S):
        set_betweenness(G, *betweenness(simple_view(G)))
    else:
        set_betweenness(G, *sampled_betweenness(S, sources, source_dependencies(S, sources)))
    set_communities(G, communities(S))
