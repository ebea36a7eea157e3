"""Sinks that write the graph to files: GraphML (Gephi) and JSON (networkx node-link).

GraphML has no list type, so list values (aliases, evidence) are written as JSON
arrays in a string attribute (``["مصراتة", "مصراته"]``); ``read_graphml`` turns them
back into lists.
"""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx


def _flat(value):
    if isinstance(value, (list, tuple, set)):
        return json.dumps(list(value), ensure_ascii=False)
    if value is None:
        return ""
    return value


def for_graphml(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` whose attribute values GraphML can hold."""
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: _flat(v) for k, v in d.items()})
    for a, b, k, d in G.edges(keys=True, data=True):
        H.add_edge(a, b, key=k, **{kk: _flat(v) for kk, v in d.items()})
    return H


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> None:
    nx.write_graphml(for_graphml(G), str(path), encoding="utf-8", named_key_ids=True)


def read_graphml(path: str | Path) -> nx.MultiDiGraph:
    """Read a GraphML file written by :func:`write_graphml`, lists restored."""
    G = nx.read_graphml(str(path), force_multigraph=True)
    for _, d in list(G.nodes(data=True)) + [(None, d) for *_, d in G.edges(data=True)]:
        for k, v in d.items():
            if isinstance(v, str) and v.startswith("[") and v.endswith("]"):
                try:
                    d[k] = json.loads(v)
                except ValueError:
                    pass
    return G


def write_json(G: nx.MultiDiGraph, path: str | Path) -> None:
    data = nx.node_link_data(G, edges="links")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)


def read_json(path: str | Path) -> nx.MultiDiGraph:
    with open(path, encoding="utf-8") as fh:
        return nx.node_link_graph(json.load(fh), edges="links")
