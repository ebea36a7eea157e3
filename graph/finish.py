"""The end of ``conflictkg build``: node metrics and the default exports, on all cores.

The same files as ``add_metrics`` followed by ``export.write_build_exports``, byte for
byte, but the metrics are computed by helper processes while this one writes:

* ``Helpers`` are forked early (the build forks them right after name resolution),
  while this process is still small: a process that reads a structure shared with
  another copies it page by page (reference counts are writes), so the graph must not
  exist yet when they are forked. Each is handed a compact input later: the simple
  view as arrays for Louvain and for each half of the betweenness sources (their
  terms are added up here, in source order), and with the few hundred nodes the report
  shows for their layout.
* Forked processes write the edges of GraphML and of the JSON file (they need no
  metrics) to part files, each a part of the edges (``edge_writers``). Meanwhile this
  one reads what it needs from the edges (the report's canvas edges and tie lists),
  sets the metrics, writes the report and the nodes, and joins head, nodes, edge
  parts and tail.
* The build sets all this going before the graph exists (``start``), from the graph's
  evidence: the writers take the edges from ``GraphAccumulator.edge_blocks`` and share
  none of the graph's pages, the simple view is made from ``GraphAccumulator.edge_ends``,
  the report's canvas edges and tie lists are read from the accumulator too, and the
  helpers work while this process makes the graph, which then need not hold its
  co-occurrence edges (``needs_co_occurrences``). Given only the graph,
  ``add_metrics_and_write`` forks one writer first and makes the simple view from it.

A failure in any helper fails the whole with its error; on any failure or Ctrl-C the
helpers are stopped.
"""
from __future__ import annotations

import functools
import glob
import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from conflictkg.forked import BELOW, Forked, finish
from conflictkg.graph import export, metrics, report_html
from conflictkg.graph.model import EdgeBlock, cooc_data
from conflictkg.workfiles import move_to_end

BETWEENNESS_PROCESSES = 2
GRAPHML_EDGES, JSON_LINKS = ".graph.graphml.edges", ".graph.json.links"  # the edge writers' part files
EDGE_WRITERS = 2  # processes writing a build's edges, each a part (one for a graph given alone)
# Edges written at a time: the text of a whole block of edges (megabytes) was mapped
# afresh by malloc, encoded into another such buffer, and unmapped, at each write: page
# faults on zeroed pages (10k articles: 0.1 s of system time less in each writer).
WRITE_EDGES = 512


class Helpers:
    """The waiting processes of ``add_metrics_and_write``: Louvain, the betweenness
    sources (in ``BETWEENNESS_PROCESSES`` shares) and the report layout."""

    def __init__(self):
        self.all: list[Forked] = []
        try:
            self.louvain = self._fork("Louvain communities", nice=0)  # waited for first: at this process' priority
            self.between = [self._fork("betweenness") for _ in range(BETWEENNESS_PROCESSES)]
            self.layout = self._fork("the report's layout")
        except BaseException:
            self.kill()
            raise

    def _fork(self, name: str, nice: int = BELOW) -> Forked:
        child = Forked.waiting(name, nice=nice)
        self.all.append(child)
        return child

    def kill(self) -> None:
        for child in self.all:
            child.kill()


def _edge_parts(edges, everything, folder: Path, part: int) -> tuple[str, object]:
    """The edge elements of GraphML and the links of the JSON file of ``edges()``, to the
    part files ``part`` in ``folder``, in one pass. Returns ``("shapes", data)``: the data
    of the first edge of each shape (``export.graphml_edge_renderer``), or, when a value
    needed the keys to be written, ``("keys", keys)`` found first over ``everything()``.
    ``edges()`` and ``everything()`` give the edges afresh at each call."""
    try:
        return "shapes", list(_write_parts(edges(), folder, part, None).values())  # the keys found on the way
    except export.KeysNeeded:
        keys = export._graphml_keys(d if isinstance(d, dict) else cooc_data(*d)
                                    for *_, d in export._edges_of(everything()))
        _write_parts(edges(), folder, part, keys)
        return "keys", keys


def _part(folder: Path, name: str, part: int) -> Path:
    return folder / f"{name}.{part}"


def _write_parts(edges, folder: Path, part: int, keys: dict | None) -> dict:
    element, found = export.graphml_edge_renderer(keys)
    link = export.json_link_renderer()
    with open(_part(folder, GRAPHML_EDGES, part), "w", encoding="utf-8") as gml, \
            open(_part(folder, JSON_LINKS, part), "w", encoding="utf-8") as js:
        opening = True
        for elements, links in _texts(edges, element, link):
            for at in range(0, len(elements), WRITE_EDGES):  # (see WRITE_EDGES)
                gml.write("".join(elements[at:at + WRITE_EDGES]))
            for at in range(0, len(links), WRITE_EDGES):
                js.write(("" if opening else ", ") + ", ".join(links[at:at + WRITE_EDGES]))
                opening = False
    return found


def _texts(edges, element, link):
    """The GraphML elements and JSON links of ``edges`` (a graph, its edges, or the
    ``EdgeBlock`` objects of ``GraphAccumulator.edge_blocks``), as lists, a batch at a time."""
    items = iter(export._edges_of(edges))
    first = next(items, None)
    if isinstance(first, EdgeBlock):
        for block in itertools.chain([first], items):
            yield element.block(block), link.block(block)
    elif first is not None:
        items = itertools.chain([first], items)
        while batch := list(itertools.islice(items, 4096)):
            yield [element(e) for e in batch], [link(e) for e in batch]


def edge_writers(parts: list, everything, folder: str | Path, nice: int = 0) -> list[Forked]:
    """Fork the processes that write the edges of GraphML and of the JSON file to part
    files in ``folder``, one per part of the edges (``add_metrics_and_write`` joins
    them): ``parts``, in order, give each part's edges when called (a graph's,
    ``GraphAccumulator.edges`` or its ``edge_blocks``), ``everything()`` all of them. With the latter they are
    forked before the graph exists and share none of its pages; they also start sooner.
    Each process writes both files' part: a process that reads an edge's evidence
    copies the pages of its text, so the edges are split, not the formats. ``nice``:
    their priority below this process'."""
    writers: list[Forked] = []
    try:
        for part, edges in enumerate(parts):
            writers.append(Forked(_edge_parts, edges, everything, Path(folder), part, nice=nice,
                                  name=f"the GraphML and JSON edges ({part + 1} of {len(parts)})"))
    except BaseException:
        for writer in writers:
            writer.kill()
        raise
    return writers


def _remove_parts(folder: Path) -> None:
    for name in (GRAPHML_EDGES, JSON_LINKS):
        for path in folder.glob(glob.escape(name) + ".*"):
            os.unlink(path)


def _join_edges(folder: Path, found: list, head, tail) -> dict[str, str]:
    """Join the writers' part files into graph.graphml and graph.json, ``head(name, fh,
    edge_keys)`` written before each file's edges and ``tail(name)`` after; ``found``:
    what the writers returned.

    The two files are joined side by side, in two threads: the parts are moved by the
    kernel (``move_to_end``, which frees each part's memory as it fills the file's),
    without the interpreter lock, while the other thread writes its head (10k articles:
    0.30 s one after the other, 0.18-0.21 s side by side, 0.11-0.13 s moved, at the very
    end of a build, where nothing else runs)."""
    full = [value for kind, value in found if kind == "keys"]
    edge_keys = full[0] if full else export._graphml_keys(d for _, shapes in found for d in shapes)

    def join(name: str, part_name: str, sep: str) -> None:
        with open(folder / name, "w", encoding="utf-8") as fh:
            head(name, fh, edge_keys)
        written = False
        for part in range(len(found)):
            path = _part(folder, part_name, part)
            if path.stat().st_size:
                if written and sep:
                    with open(folder / name, "a", encoding="utf-8") as fh:
                        fh.write(sep)
                move_to_end(path, folder / name)
                written = True
        with open(folder / name, "a", encoding="utf-8") as fh:
            fh.write(tail(name))

    with ThreadPoolExecutor(2) as pool:
        joins = [pool.submit(join, "graph.graphml", GRAPHML_EDGES, ""), pool.submit(join, "graph.json", JSON_LINKS, ", ")]
        for done in joins:
            done.result()  # (its error, if it failed)
    return edge_keys


def _chunks(items: list, n: int) -> list[list]:
    size = -(-len(items) // n)
    return [items[i:i + size] for i in range(0, len(items), size)]


@dataclass
class Started:
    """What was set going for a graph before its metrics: the edge writers, and the
    helpers' work from its simple view ``S`` (betweenness ``sources``, None when exact;
    the betweenness helpers used; the nodes the report shows, ``keep``); and, when
    read from the evidence, what the report reads from the edges (``canvas``: its
    ``report_html.canvas_edges``, ``figures``: its ``report_html.edge_figures``)."""

    writers: list[Forked]
    S: metrics.Simple
    sources: list | None
    between: list[Forked]
    keep: list
    canvas: list | None = None
    figures: dict | None = None

    def kill(self) -> None:
        for writer in self.writers:
            writer.kill()


def start(acc, entities: dict, folder: str | Path, helpers: Helpers) -> Started:
    """Set going, before the graph ``acc.to_networkx(entities)`` is made, everything that
    does not need it: the edge writers, and the helpers' work from the simple view made
    from the evidence (``GraphAccumulator.edge_ends``). ``add_metrics_and_write`` of that
    graph then finishes it."""
    order = acc.edge_order(entities)  # once, for the writers and the simple view
    if order:  # the edges in EDGE_WRITERS parts of about one size
        nodes, ends, listed = order
        cuts = [len(listed) * k // EDGE_WRITERS for k in range(EDGE_WRITERS + 1)]
        parts = [functools.partial(acc.edge_blocks, entities, (nodes, ends, listed[lo:hi]), False)
                 for lo, hi in zip(cuts, cuts[1:])]
    else:  # (see GraphAccumulator.edge_order)
        parts = [functools.partial(acc.edge_blocks, entities, copies=False)]
    # Their files are joined last: below Louvain and this process, which make the graph
    # and the metrics meanwhile (10k articles: 0.1 s sooner, 100k: 0.5 s).
    writers = edge_writers(parts, functools.partial(acc.edges, entities, order), folder, nice=BELOW)
    try:
        S = metrics.Simple.of_edges(*acc.edge_ends(entities, order))
        mentions = {eid: ent.mentions for eid, ent in entities.items()}
        started = _hand_out(S, helpers, writers, mentions.get)
        if order:  # what the report reads from the edges, from the evidence too
            started.canvas = _canvas_edges(acc, order, started.keep)
            named = {eid: ent.name for eid, ent in entities.items()}
            started.figures = report_html.tie_figures(acc.relation_edges(report_html.TIE_TYPES), len(order[2]),
                                                      lambda n: named.get(n) or str(n))
        return started
    except BaseException:
        for writer in writers:
            writer.kill()
        raise


def needs_co_occurrences(started: Started | None) -> bool:
    """Does ``add_metrics_and_write`` read the graph's co-occurrence edges, after ``start``
    set ``started`` going? Only to write GEXF (a small graph's) or when the report's
    edges could not be read from the evidence; else the graph may be made without them
    (``GraphAccumulator.to_networkx(..., co_occurrences=False)``)."""
    return started is None or started.canvas is None or started.figures is None \
        or started.figures["ties"] <= export.GEXF_MAX_EDGES


def _canvas_edges(acc, order: tuple, keep: list) -> list:
    """``report_html.canvas_edges`` of the graph ``acc.to_networkx(entities)``, from its
    ``edge_order(entities)``: the edges among the ``keep`` nodes, in the graph's order."""
    nodes, ends, listed = order
    position = {n: i for i, n in enumerate(nodes.tolist())}
    at = np.full(len(nodes), -1, dtype=np.int64)  # node → its place in keep
    at[[position[n] for n in keep]] = np.arange(len(keep))
    among = listed[(at[ends[listed, 0]] >= 0) & (at[ends[listed, 1]] >= 0)]
    keys, strengths, evidence = acc.edge_strengths(among)
    return report_html.canvas_rows(at[ends[among, 0]].tolist(), at[ends[among, 1]].tolist(), keys, strengths, evidence)


def _hand_out(S: metrics.Simple, helpers: Helpers, writers: list[Forked], mentions) -> Started:
    """Give the helpers their work: Louvain, the betweenness sources, the report's layout
    (its nodes ranked by degree, then ``mentions(node)``)."""
    if len(S):
        helpers.louvain.give(metrics.communities, S)  # first: it is waited for first
    sources = metrics.betweenness_sources(S) if len(S) else []
    exact = sources is None or len(sources) >= len(S)
    degree = S.degrees()[0]  # as add_degrees sets it
    keep = report_html.view_nodes((n, {"degree": d, "mentions": mentions(n)}) for n, d in zip(S.labels, degree))
    helpers.layout.give(report_html.layout_simple, S.among(set(keep)), keep)  # the graph among them
    between: list[Forked] = []
    if len(S):
        if exact:  # a small graph: networkx on the nx.Graph view
            helpers.between[0].give(metrics.betweenness, S.graph())
            between = helpers.between[:1]
            sources = None
        else:
            chunks = _chunks(sources, len(helpers.between))
            between = helpers.between[:len(chunks)]
            light = S.unweighted()
            for helper, chunk in zip(between, chunks):
                helper.give(metrics.source_dependencies, light, chunk)
    return Started(writers, S, sources, between, keep)


def add_metrics_and_write(G: nx.MultiDiGraph, folder: str | Path, lap=None, helpers: Helpers | None = None,
                          started: Started | None = None) -> list[str]:
    """``metrics.add_metrics(G)`` and ``export.write_build_exports(G, folder)``: with
    ``helpers``, side by side (see the module docstring), else one after the other;
    ``lap(stage)`` is called when the metrics are done ("metrics") and at the end
    ("export"). ``started``: what ``start`` set going for ``G``, if it was called (``G``
    may then lack its co-occurrence edges, unless ``needs_co_occurrences(started)``).
    Returns the names of the files written."""
    folder = Path(folder)
    if helpers is None:
        if started is not None:
            started.kill()
        _remove_parts(folder)
        metrics.add_metrics(G)
        if lap:
            lap("metrics")
        written = export.write_build_exports(G, folder)
        if lap:
            lap("export")
        return written
    writers: list[Forked] = started.writers if started is not None else []
    try:
        if started is None:
            writers = edge_writers([lambda: G], lambda: G, folder)  # first: it takes longest (G's pages it reads are copied)
            started = _hand_out(metrics.Simple.of_multigraph(G), helpers, writers, lambda n: G.nodes[n].get("mentions"))
        S, sources, between, keep = started.S, started.sources, started.between, started.keep
        canvas_edges, figures = started.canvas, started.figures
        started = None
        metrics.add_degrees(G, S)
        if canvas_edges is None:
            canvas_edges = report_html.canvas_edges(G, keep)
        if figures is None:
            figures = report_html.edge_figures(G)
        small_graph = figures["ties"] <= export.GEXF_MAX_EDGES

        if len(S):
            found = helpers.louvain.result()
            done = finish(between)
            if sources is None:  # exact (set in add_metrics' order: it is the files' order)
                metrics.set_betweenness(G, *done[0])
            else:
                metrics.set_betweenness(G, *metrics.sampled_betweenness(S, sources, [d for ds in done for d in ds]))
            metrics.set_communities(G, found)
        del S
        if lap:
            lap("metrics")

        written = ["graph.graphml", "graph.json"]
        if small_graph:
            export.write_gexf(G, folder / "graph.gexf")
            written.append("graph.gexf")
        report_html.write_report(G, folder / "report.html", laid_out=(keep, helpers.layout.result(), canvas_edges),
                                 edges=figures)
        written.append("report.html")
        node_keys = export._graphml_keys(d for _, d in G.nodes(data=True))
        node_keys.setdefault("label", "string")
        parts = finish(writers)

        def head(name: str, fh, edge_keys: dict) -> None:
            if name == "graph.graphml":
                export.write_graphml_head(fh, node_keys, edge_keys)
                export.write_graphml_nodes(G, fh, node_keys)
            else:
                export.write_json_head(G, fh)
                export.write_json_nodes(G, fh)
                fh.write(export.JSON_BETWEEN)

        _join_edges(folder, parts, head, lambda name: export.GRAPHML_TAIL if name == "graph.graphml" else export.JSON_TAIL)
    finally:
        helpers.kill()  # done (each result was waited for) or failed: none may stay behind
        for writer in writers:
            writer.kill()
        _remove_parts(folder)
    if lap:
        lap("export")
    return [name for name in export.BUILD_EXPORTS if name in written]
