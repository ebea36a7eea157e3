"""The end of ``conflictkg build``: node metrics and the default exports, on all cores.

The same files as ``add_metrics`` followed by ``export.write_build_exports``, byte for
byte, but the work is spread over forked processes that share the graph copy-on-write:

* the edges of GraphML and of the JSON file need no metrics: one process writes them
  to part files as soon as the graph exists;
* betweenness is the sum of independent per-source terms: its sampled sources are
  shared between processes and their terms added up here, in source order;
* the report's layout needs only degrees: one process lays it out;
* meanwhile this process finds the Louvain communities.

Then the nodes (with their metrics) are written here, and each file is put together:
head, nodes, the edge part, tail. A failure in any process fails the whole with its
error; on any failure or Ctrl-C the others are stopped.
"""
from __future__ import annotations

import os
from pathlib import Path

import networkx as nx

from conflictkg.forked import Forked, finish
from conflictkg.graph import export, metrics, report_html
from conflictkg.workfiles import append_file

BETWEENNESS_PROCESSES = 2


def _graphml_edges(G: nx.MultiDiGraph, part: Path) -> dict[str, str]:
    """The edge elements of GraphML, to a part file; returns the GraphML edge keys."""
    keys = export._graphml_keys(d for *_, d in G.edges(data=True))
    with open(part, "w", encoding="utf-8") as fh:
        export.write_graphml_edges(G, fh, keys)
    return keys


def _json_links(G: nx.MultiDiGraph, part: Path) -> None:
    """The links of the JSON file, to a part file."""
    with open(part, "w", encoding="utf-8") as fh:
        export.write_json_links(G, fh)


def _chunks(items: list, n: int) -> list[list]:
    size = -(-len(items) // n)
    return [items[i:i + size] for i in range(0, len(items), size)]


def add_metrics_and_write(G: nx.MultiDiGraph, folder: str | Path, lap=None, parallel: bool = True) -> list[str]:
    """``metrics.add_metrics(G)`` and ``export.write_build_exports(G, folder)``, side by
    side (one after the other if not ``parallel``, or where there is no ``fork``);
    ``lap(stage)`` is called when the metrics are done ("metrics") and at the end
    ("export"). Returns the names of the files written."""
    folder = Path(folder)
    if not parallel or not hasattr(os, "fork"):
        metrics.add_metrics(G)
        if lap:
            lap("metrics")
        written = export.write_build_exports(G, folder)
        if lap:
            lap("export")
        return written
    parts = {"graphml": folder / ".graph.graphml.edges", "json": folder / ".graph.json.links"}
    children: list[Forked] = []
    try:
        # the longest jobs: at the parent's priority
        edges = Forked(_graphml_edges, G, parts["graphml"], name="the GraphML edges", nice=0)
        links = Forked(_json_links, G, parts["json"], name="the JSON links", nice=0)
        children += [edges, links]
        H = metrics.simple_view(G)
        metrics.add_degrees(G, H)
        laid_out = Forked(report_html.view_layout, G, name="the report's layout")
        children.append(laid_out)
        between: list[Forked] = []
        sources = metrics.betweenness_sources(H) if len(H) else []
        if sources is None or len(sources) >= len(H):
            between.append(Forked(metrics.betweenness, H, name="betweenness"))
        elif sources:
            between = [Forked(metrics.source_dependencies, H, chunk, name="betweenness")
                       for chunk in _chunks(sources, BETWEENNESS_PROCESSES)]
        children += between
        if len(H):
            found = metrics.communities(H)
            done = finish(between)
            if sources is None or len(sources) >= len(H):  # (set in add_metrics' order: it is the files' order)
                metrics.set_betweenness(G, *done[0])
            else:
                metrics.set_betweenness(G, *metrics.sampled_betweenness(H, sources, [d for ds in done for d in ds]))
            metrics.set_communities(G, found)
        del H
        if lap:
            lap("metrics")

        written = ["graph.graphml", "graph.json"]
        if G.number_of_edges() <= export.GEXF_MAX_EDGES:
            export.write_gexf(G, folder / "graph.gexf")
            written.append("graph.gexf")
        report_html.write_report(G, folder / "report.html", laid_out=laid_out.result())
        written.append("report.html")
        node_keys = export._graphml_keys(d for _, d in G.nodes(data=True))
        node_keys.setdefault("label", "string")
        edge_keys = edges.result()
        with open(folder / "graph.graphml", "w", encoding="utf-8") as fh:
            export.write_graphml_head(fh, node_keys, edge_keys)
            export.write_graphml_nodes(G, fh, node_keys)
        append_file(parts["graphml"], folder / "graph.graphml")
        with open(folder / "graph.graphml", "a", encoding="utf-8") as fh:
            fh.write(export.GRAPHML_TAIL)
        with open(folder / "graph.json", "w", encoding="utf-8") as fh:
            export.write_json_head(G, fh)
            export.write_json_nodes(G, fh)
            fh.write(export.JSON_BETWEEN)
        links.result()
        append_file(parts["json"], folder / "graph.json")
        with open(folder / "graph.json", "a", encoding="utf-8") as fh:
            fh.write(export.JSON_TAIL)
    except BaseException:
        for child in children:
            child.kill()
        raise
    finally:
        for part in parts.values():
            if part.exists():
                os.unlink(part)
    if lap:
        lap("export")
    return [name for name in export.BUILD_EXPORTS if name in written]
