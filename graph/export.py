"""Sinks that write the graph to files: GraphML and GEXF (Gephi), JSON (networkx node-link).

GraphML and GEXF have no list type Gephi reads reliably, so list values (aliases,
evidence) are written as JSON arrays in a string attribute (``["مصراتة", "مصراته"]``);
``read_graphml``/``read_gexf`` turn them back into lists. Every node also gets a
``label`` (its Arabic name), which Gephi shows as the node caption.

GEXF reserves the edge attributes ``type`` (directed/undirected), ``label`` and
``weight``: there the relation type is written as the edge ``label`` and as the
attribute ``relation``, and ``weight`` is the co-occurrence weight or the relation
count, so Gephi's layouts and filters see how strong each tie is.

The other formats live beside this module: ``export_csv`` (neo4j-admin import),
``export_cypher`` (cypher-shell script) and ``report_html`` (offline report);
``write_format`` dispatches to all of them.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import networkx as nx


def _flat(value):
    if isinstance(value, (list, tuple, set)):
        return json.dumps(list(value), ensure_ascii=False)
    if value is None:
        return ""
    return value


_GRAPHML_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"), (str, "string"))


def _graphml_type(value) -> str:
    for py, name in _GRAPHML_TYPES:
        if isinstance(value, py):
            return name
    return "string"


def _graphml_keys(items) -> dict[str, str]:
    """Attribute name → GraphML type over all items; a name seen with two types is a string."""
    keys: dict[str, str] = {}
    for d in items:
        for k, v in d.items():
            t = _graphml_type(_flat(v))
            if keys.setdefault(k, t) != t:
                keys[k] = "string" if "string" in (t, keys[k]) else "double"
    return keys


# characters XML 1.0 cannot carry at all (scraped text has form feeds and the like)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _graphml_value(value, gtype: str) -> str:
    value = _flat(value)
    if gtype == "boolean":
        return "true" if value else "false"
    return escape(_NOT_XML.sub(" ", str(value)))


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``G`` as GraphML (what ``nx.write_graphml`` writes), streamed.

    The file is written element by element from ``G`` itself: no flattened copy of the
    graph is made, so a graph of millions of edges does not double in memory.
    """
    node_keys = _graphml_keys(d for _, d in G.nodes(data=True))
    node_keys.setdefault("label", "string")
    edge_keys = _graphml_keys(d for *_, d in G.edges(data=True))
    with open(path, "w", encoding="utf-8") as fh:
        w = fh.write
        w('<?xml version=\'1.0\' encoding=\'utf-8\'?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
          'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for domain, keys in (("node", node_keys), ("edge", edge_keys)):
            for k, t in keys.items():
                w(f'  <key id={quoteattr(k)} for="{domain}" attr.name={quoteattr(k)} attr.type="{t}" />\n')
        w('  <graph edgedefault="directed">\n')
        for n, d in G.nodes(data=True):
            w(f"    <node id={quoteattr(str(n))}>\n")
            if "label" not in d:
                w(f'      <data key="label">{_graphml_value(d.get("name", n), "string")}</data>\n')
            for k, v in d.items():
                w(f"      <data key={quoteattr(k)}>{_graphml_value(v, node_keys[k])}</data>\n")
            w("    </node>\n")
        for a, b, key, d in G.edges(keys=True, data=True):
            w(f"    <edge source={quoteattr(str(a))} target={quoteattr(str(b))} id={quoteattr(str(key))}>\n")
            for k, v in d.items():
                w(f"      <data key={quoteattr(k)}>{_graphml_value(v, edge_keys[k])}</data>\n")
            w("    </edge>\n")
        w("  </graph>\n</graphml>\n")


def read_graphml(path: str | Path) -> nx.MultiDiGraph:
    """Read a GraphML file written by :func:`write_graphml`, lists restored."""
    G = nx.read_graphml(str(path), force_multigraph=True)
    _restore_lists(G)
    return G


def _restore_lists(G: nx.MultiDiGraph) -> None:
    for _, d in list(G.nodes(data=True)) + [(None, d) for *_, d in G.edges(data=True)]:
        for k, v in d.items():
            if isinstance(v, str) and v.startswith("[") and v.endswith("]"):
                try:
                    d[k] = json.loads(v)
                except ValueError:
                    pass


def for_gexf(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` for GEXF: flat values, relation type moved off the reserved ``type``."""
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: _flat(v) for k, v in d.items() if k not in ("id", "start", "end")})
        H.nodes[n].setdefault("label", d.get("name", str(n)))
    for a, b, k, d in G.edges(keys=True, data=True):
        attrs = {kk: _flat(v) for kk, v in d.items() if kk not in ("type", "label", "weight", "id", "start", "end")}
        rtype = d.get("type", k)
        attrs.update(relation=rtype, label=rtype, weight=float(d.get("weight", d.get("count", 1)) or 0))
        H.add_edge(a, b, key=k, **attrs)
    return H


def write_gexf(G: nx.MultiDiGraph, path: str | Path) -> None:
    nx.write_gexf(for_gexf(G), str(path), encoding="utf-8")


def read_gexf(path: str | Path) -> nx.MultiDiGraph:
    """Read a GEXF file written by :func:`write_gexf`, lists restored, keyed by relation type."""
    R = nx.read_gexf(str(path))
    _restore_lists(R)
    G = nx.MultiDiGraph()
    G.add_nodes_from(R.nodes(data=True))
    for a, b, d in R.edges(data=True):
        d = dict(d)
        d.pop("id", None)
        rtype = d.get("relation", d.get("label"))
        G.add_edge(a, b, key=rtype, **d)
    return G


def write_json(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``G`` as networkx node-link JSON (``nx.node_link_data(G, edges="links")``), streamed."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f'{{"directed": {dumps(G.is_directed())}, "multigraph": {dumps(G.is_multigraph())}, '
                 f'"graph": {dumps(G.graph)}, "nodes": [')
        for i, (n, d) in enumerate(G.nodes(data=True)):
            fh.write(("" if i == 0 else ", ") + dumps({**d, "id": n}))
        fh.write('], "links": [')
        for i, (a, b, k, d) in enumerate(G.edges(keys=True, data=True)):
            fh.write(("" if i == 0 else ", ") + dumps({**d, "source": a, "target": b, "key": k}))
        fh.write("]}")


def read_json(path: str | Path) -> nx.MultiDiGraph:
    with open(path, encoding="utf-8") as fh:
        return nx.node_link_graph(json.load(fh), edges="links")


BUILD_EXPORTS = ("graph.graphml", "graph.json", "graph.gexf", "report.html")


# networkx's GEXF writer is slow (~19 s for 170k edges) and builds its whole XML tree in
# memory: above this size ``build`` leaves GEXF to ``conflictkg export --format gexf``.
GEXF_MAX_EDGES = 50_000


def write_build_exports(G: nx.MultiDiGraph, folder: str | Path) -> list[str]:
    """What ``conflictkg build`` writes by default: the exports that need only the graph
    (no pass over ``mentions.jsonl``): GraphML, JSON, GEXF (up to ``GEXF_MAX_EDGES``
    edges) and the HTML report. Returns the names written."""
    from conflictkg.graph.report_html import write_report

    folder = Path(folder)
    write_graphml(G, folder / "graph.graphml")
    write_json(G, folder / "graph.json")
    if G.number_of_edges() <= GEXF_MAX_EDGES:
        write_gexf(G, folder / "graph.gexf")
    write_report(G, folder / "report.html")
    return [name for name in BUILD_EXPORTS if (folder / name).exists()]


FORMATS = ("graphml", "gexf", "json", "csv", "cypher", "html")
DEFAULT_NAMES = {
    "graphml": "graph.graphml",
    "gexf": "graph.gexf",
    "json": "graph.json",
    "csv": "neo4j-import",
    "cypher": "graph.cypher",
    "html": "report.html",
}


def write_format(view, fmt: str, out: str | Path) -> Path:
    """Write a :class:`~conflictkg.graph.filters.View` in one of ``FORMATS`` to ``out``.

    ``csv`` writes a folder of files; every other format one file.
    """
    out = Path(out)
    if fmt == "graphml":
        write_graphml(view.graph, out)
    elif fmt == "gexf":
        write_gexf(view.graph, out)
    elif fmt == "json":
        write_json(view.graph, out)
    elif fmt == "csv":
        from conflictkg.graph.export_csv import write_csv

        write_csv(view, out)
    elif fmt == "cypher":
        from conflictkg.graph.export_cypher import write_cypher

        write_cypher(view, out)
    elif fmt == "html":
        from conflictkg.graph.report_html import write_report

        write_report(view.graph, out)
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return out
