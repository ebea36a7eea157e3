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

import networkx as nx

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
    for a, b, data in G.edges(data=True):
        w = float(data.get("weight", data.get("count", 1)))
        if H.has_edge(a, b):
            H[a][b]["weight"] += w
        else:
            H.add_edge(a, b, weight=w)
    return H


def betweenness(H: nx.Graph) -> tuple[dict, str]:
    """Betweenness of every node of ``H`` and a description of how it was computed.

    >>> b, how = betweenness(nx.path_graph(3))
    >>> b[1], how
    (1.0, 'exact, weighted (distance = 1/weight)')
    """
    V, E = H.number_of_nodes(), H.number_of_edges()
    if V * max(E, 1) <= EXACT_BUDGET:
        for _, _, d in H.edges(data=True):
            w = d.get("weight", 1.0)
            d["distance"] = 1.0 / w if w else 1.0  # strong ties are short paths
        return (nx.betweenness_centrality(H, weight="distance", normalized=True),
                "exact, weighted (distance = 1/weight)")
    k = int(min(V, max(MIN_SAMPLES, EDGE_BUDGET // max(E, 1))))
    return (nx.betweenness_centrality(H, k=k, normalized=True, seed=SEED),
            f"sampled from {k} of {V} sources, unweighted")


def add_metrics(G: nx.MultiDiGraph) -> None:
    """Set ``degree``, ``weighted_degree``, ``betweenness`` and ``community`` on every node.

    Communities are Louvain with a fixed seed, numbered by size (0 = largest).
    """
    H = simple_view(G)
    for n in H.nodes:
        G.nodes[n]["degree"] = H.degree(n)
        G.nodes[n]["weighted_degree"] = float(H.degree(n, weight="weight"))
    if H.number_of_nodes() == 0:
        return
    bc, how = betweenness(H)
    G.graph["betweenness"] = how
    for n, v in bc.items():
        G.nodes[n]["betweenness"] = round(v, 6)
    communities = nx.community.louvain_communities(H, weight="weight", seed=SEED)
    communities = sorted(communities, key=lambda c: (-len(c), min(c)))
    for i, members in enumerate(communities):
        for n in members:
            G.nodes[n]["community"] = i
