"""The build's faster graph code gives exactly what the plain code and networkx give:
the array-based adding up of the evidence log, the graph filled in directly, the simple
view, and the ports of networkx's sampled betweenness and Louvain communities."""
from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictkg.graph import metrics
from conflictkg.graph import model
from conflictkg.graph.model import GraphAccumulator
from conflictkg.records import CO_OCCURS_WITH, Entity


def random_documents(seed: int, n: int = 300, entities: int = 14):
    rng = random.Random(seed)
    ents = sorted({f"e{rng.randint(0, 99):02d}" for _ in range(entities)})
    docs = []
    for i in range(n):
        ments = [(rng.choice([0, 1, 2, 5, 9, -1]), rng.choice(ents)) for _ in range(rng.randint(0, 9))]
        rels = [(rng.choice(["FIGHTS", "ALLIED_WITH"]), rng.choice(ents[:4]), rng.choice(ents[:4]), 0,
                 f"ev{rng.randint(0, 5)}") for _ in range(rng.randint(0, 3))]
        date = "" if rng.random() < 0.3 else f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        docs.append((f"d{i}", date, ments, rels))
    return docs, ents


@pytest.mark.parametrize("seed", range(12))
def test_array_and_plain_adding_up_agree(seed):
    docs, _ = random_documents(seed, n=random.Random(seed).choice([1, 4, 60, 400]))
    if seed % 2:  # mentions in text order (each sentence's together), as extractors list them
        docs = [(d, date, sorted(ments, key=lambda m: m[0]), rels) for d, date, ments, rels in docs]
    acc = GraphAccumulator()
    for doc in docs:
        acc.add_document(*doc)
    rows = np.concatenate(acc._mentions) if acc._mentions else np.empty((0, 3), dtype=np.int64)
    plain = model._sum_small(rows, acc.ids, acc._dates)
    arrays = model._sum_numpy(rows, acc.ids, acc._dates)
    assert arrays == plain
    assert len(plain.a) == len({(a, b) for a, b in zip(plain.a, plain.b)})  # each pair once
    assert all(acc.ids[a] < acc.ids[b] for a, b in zip(plain.a, plain.b))


def test_bulk_adding_and_merging_equal_one_by_one(monkeypatch):
    monkeypatch.setattr(model, "SMALL_LOG", 0)  # the array path even for small logs
    docs, ents = random_documents(5, n=200)
    one = GraphAccumulator()
    for doc in docs:
        one.add_document(*doc)
    bulk = GraphAccumulator(ents)
    code = {e: i for i, e in enumerate(ents)}
    rows = np.array([(i, si, code[e]) for i, (_, _, ments, _) in enumerate(docs[:120]) for si, e in ments])
    bulk.add_documents([d[0] for d in docs[:120]], [d[1] for d in docs[:120]], rows, [d[3] for d in docs[:120]])
    rest = GraphAccumulator()
    for doc in docs[120:]:
        rest.add_document(*doc)
    bulk.merge(rest)  # another entity numbering: recoded
    for attr in ("cooc", "relations"):
        assert list(getattr(bulk, attr).items()) == list(getattr(one, attr).items()), attr
    assert bulk.node_seen == one.node_seen
    assert bulk.entity_counts() == one.entity_counts()
    with pytest.raises(ValueError, match="already added"):
        bulk.add_documents(["d3"], [""], np.empty((0, 3), dtype=np.int64), [[]])


def _orders(G):
    return (list(G.nodes(data=True)), list(G.edges(keys=True, data=True)),
            [(n, list(p)) for n, p in G.pred.items()], [(n, list(s)) for n, s in G.succ.items()])


def test_graph_is_what_add_node_and_add_edge_make():
    docs, ents = random_documents(7)
    acc = GraphAccumulator()
    for doc in docs:
        acc.add_document(*doc)
    entities = {e: Entity(e, "PLACE", e.upper(), [e], i, i + 1) for i, e in enumerate(ents[:-2])}  # two left out
    reference = nx.MultiDiGraph()
    for eid, ent in entities.items():
        seen = acc.node_seen.get(eid, model.EdgeStats())
        reference.add_node(eid, type=ent.type, name=ent.name, aliases=list(ent.aliases), mentions=ent.mentions,
                           documents=ent.documents, first_seen=seen.first_seen, last_seen=seen.last_seen)
    for (a, b), s in acc.cooc.items():
        reference.add_edge(a, b, key=CO_OCCURS_WITH, type=CO_OCCURS_WITH, weight=s.count, sentences=s.count,
                           documents=s.documents, first_seen=s.first_seen, last_seen=s.last_seen)
    for (rtype, head, tail), s in acc.relations.items():
        reference.add_edge(head, tail, key=rtype, type=rtype, count=s.count, documents=s.documents,
                           evidence=list(s.evidence), doc_ids=list(s.doc_ids), first_seen=s.first_seen,
                           last_seen=s.last_seen)
    assert _orders(acc.to_networkx(entities)) == _orders(reference)


@pytest.mark.parametrize("seed", range(4))
def test_graph_without_co_occurrences_is_the_graph_less_those_edges(seed):
    """The build makes the graph without its co-occurrence edges when it reads them from
    the evidence: every node, in its place, and every other edge as the whole graph has it."""
    docs, ents = random_documents(seed, n=random.Random(seed).choice([3, 80, 300]))
    acc = GraphAccumulator()
    for doc in docs:
        acc.add_document(*doc)
    kept = ents[:-3] if seed % 2 else ents[::-1]  # ids no entity has come in where the pairs name them
    entities = {e: Entity(e, "PLACE", e.upper(), [e]) for e in kept}
    G = acc.to_networkx(entities)
    G.remove_edges_from([(a, b, k) for a, b, k in G.edges(keys=True) if k == CO_OCCURS_WITH])
    assert _orders(acc.to_networkx(entities, co_occurrences=False)) == _orders(G)


@pytest.mark.parametrize("seed", range(6))
def test_edges_come_as_the_graph_lists_them(seed, monkeypatch):
    """``GraphAccumulator.edges`` gives the graph's edges, data and order, without it:
    relations sharing a co-occurring pair, others alone, ids no entity has."""
    monkeypatch.setattr(model, "SMALL_LOG", 0 if seed % 2 else 10**9)  # both ways of adding up
    docs, ents = random_documents(seed, n=random.Random(seed).choice([3, 80, 300]))
    acc = GraphAccumulator()
    for doc in docs:
        acc.add_document(*doc)
    kept = ents[:-2] if seed % 3 else ents[::-1]  # some ids left out of the entities; another order
    entities = {e: Entity(e, "PLACE", e.upper(), [e]) for e in kept}
    edges = [(a, b, k, model.cooc_data(*d) if isinstance(d, tuple) else d) for a, b, k, d in acc.edges(entities)]
    assert edges == list(acc.to_networkx(entities).edges(keys=True, data=True))
    assert any(isinstance(d, tuple) for *_, d in acc.edges(entities)) == bool(acc.cooc)


@pytest.mark.parametrize("seed", range(6))
def test_simple_view_from_the_evidence_is_the_graphs(seed):
    """The build makes the simple view from the evidence, before the graph exists: the
    same nodes, neighbours in the same order and weights as made from the graph."""
    docs, ents = random_documents(seed, n=random.Random(seed).choice([3, 80, 300]), entities=30)
    acc = GraphAccumulator()
    for doc in docs:
        acc.add_document(*doc)
    kept = ents[:-3] if seed % 2 else ents[::-1]
    entities = {e: Entity(e, "PLACE", e, [e]) for e in kept}
    G = acc.to_networkx(entities)
    want, got = metrics.Simple.of_multigraph(G), metrics.Simple.of_edges(*acc.edge_ends(entities))
    assert got.labels == want.labels == list(G)
    assert [list(row.items()) for row in got.adj] == [list(row.items()) for row in want.adj]
    assert [(n, list(nbrs.items())) for n, nbrs in got.graph().adjacency()] == \
        [(n, list(nbrs.items())) for n, nbrs in metrics.simple_view(G).adjacency()]
    with pytest.raises(ValueError, match="integers"):
        metrics.Simple.of_edges(["a"], np.array([0]), np.array([0]), np.array([0.5]))


@pytest.mark.parametrize("seed", range(4))
def test_report_layout_from_the_simple_view_is_the_subgraphs(seed):
    """The build lays out the report's nodes from the simple view, in another process:
    the same positions as laying out the subgraph read from the graph's edges."""
    from conflictkg.graph import report_html

    docs, ents = random_documents(seed, n=200, entities=30)
    acc = GraphAccumulator()
    for doc in docs:
        acc.add_document(*doc)
    G = acc.to_networkx({e: Entity(e, "PLACE", e, [e]) for e in ents})
    S = metrics.Simple.of_multigraph(G)
    metrics.add_degrees(G, S)
    keep, H, edges = report_html.view_subgraph(G, max_nodes=[5, 12, 20, 100][seed])
    assert keep == report_html.view_nodes(G.nodes(data=True), max_nodes=[5, 12, 20, 100][seed])
    assert report_html.layout_simple(S, keep) == report_html.layout(H) and len(H.edges) > 3
    assert report_html.layout_simple(S.among(set(keep)), keep) == report_html.layout(H)  # what a build sends
    assert report_html.canvas_edges(G, keep) == edges


@pytest.mark.parametrize("seed", range(6))
def test_report_edges_from_the_evidence_are_the_graphs(seed):
    """The build reads the report's canvas edges and strongest ties from the evidence,
    before the graph exists: the same as read from the graph."""
    from conflictkg.graph import finish, report_html

    docs, ents = random_documents(seed, n=random.Random(seed).choice([3, 80, 300]), entities=30)
    acc = GraphAccumulator()
    for doc in docs:
        acc.add_document(*doc)
    kept = ents[:-3] if seed % 2 else ents[::-1]  # ids no entity has: named by their id
    entities = {e: Entity(e, "PLACE", e.upper(), [e]) for e in kept}
    G = acc.to_networkx(entities)
    metrics.add_degrees(G, metrics.Simple.of_multigraph(G))
    keep = report_html.view_nodes(G.nodes(data=True), max_nodes=[3, 8, 20][seed % 3])
    order = acc.edge_order(entities)
    assert finish._canvas_edges(acc, order, keep) == report_html.canvas_edges(G, keep)
    named = {e: ent.name for e, ent in entities.items()}
    got = report_html.tie_figures(acc.relation_edges(report_html.TIE_TYPES), len(order[2]), lambda n: named.get(n) or n,
                                  top=[2, 5, 50][seed % 3])
    assert got == report_html.edge_figures(G, top=[2, 5, 50][seed % 3])
    assert got["ties"] == G.number_of_edges() and (got["alliances"] or got["confrontations"] or not acc.relations)


def random_graph(seed: int) -> nx.Graph:
    r = random.Random(seed)
    n = r.randint(2, 250)
    kind = seed % 5
    if kind == 0:
        G = nx.gnm_random_graph(n, r.randint(0, 3 * n), seed=seed)
    elif kind == 1:
        G = nx.planted_partition_graph(r.randint(2, 6), r.randint(3, 30), 0.5, 0.02, seed=seed)
    elif kind == 2:
        G = nx.barabasi_albert_graph(max(n, 4), r.randint(1, 3), seed=seed)
    elif kind == 3:
        G = nx.connected_caveman_graph(r.randint(2, 8), r.randint(2, 8))
    else:
        G = nx.watts_strogatz_graph(max(n, 5), 4, 0.1, seed=seed)
    G = nx.relabel_nodes(G, {u: f"n{r.randint(0, 10**6)}:{u}" for u in G})
    if seed % 3 == 0:
        for u in r.sample(list(G), min(2, len(G))):
            G.add_edge(u, u)
    for _, _, d in G.edges(data=True):
        d["weight"] = float(r.choice([1, 1, 2, 3, 0.5, 7.25]))
    return G


@given(st.sets(st.tuples(st.integers(0, 2 ** 40), st.integers(0, 50)), max_size=40), st.sampled_from([51, 2 ** 30]))
def test_packed_sort_is_lexsort(pairs, bound):
    """The simple view sorts distinct pairs of integers by packing them into one (or, when
    they do not fit, with np.lexsort): the order np.lexsort gives."""
    major = np.array([a for a, _ in pairs], dtype=np.int64)
    minor = np.array([b for _, b in pairs], dtype=np.int64)
    assert metrics._lexsort(minor, major, bound).tolist() == np.lexsort((minor, major)).tolist()


def test_simple_view_is_what_add_edge_makes():
    M = nx.MultiDiGraph()
    r = random.Random(1)
    for _ in range(300):
        a, b = f"e{r.randint(0, 30)}", f"e{r.randint(0, 30)}"
        M.add_edge(a, b, key=r.choice(["CO_OCCURS_WITH", "FIGHTS"]), **r.choice([{"weight": 2}, {"count": 3}, {}]))
    reference = nx.Graph()
    reference.add_nodes_from(M.nodes)
    for a, b, data in M.edges(data=True):
        w = float(data.get("weight", data.get("count", 1)))
        if reference.has_edge(a, b):
            reference[a][b]["weight"] += w
        else:
            reference.add_edge(a, b, weight=w)
    H = metrics.simple_view(M)
    assert [(n, list(nbrs.items())) for n, nbrs in H.adj.items()] == \
        [(n, list(nbrs.items())) for n, nbrs in reference.adj.items()]
    S = metrics.Simple.of_multigraph(M)  # the same, numbered
    assert [(S.labels[i], [(S.labels[j], {"weight": w}) for j, w in nbrs.items()]) for i, nbrs in enumerate(S.adj)] == \
        [(n, list(nbrs.items())) for n, nbrs in reference.adj.items()]
    G = nx.MultiDiGraph(M)
    metrics.add_degrees(G, S)
    assert [(d["degree"], d["weighted_degree"]) for _, d in G.nodes(data=True)] == \
        [(reference.degree(n), float(reference.degree(n, weight="weight"))) for n in reference]


@pytest.mark.parametrize("by_levels", [True, False])
@pytest.mark.parametrize("seed", range(0, 40, 3))
def test_sampled_betweenness_is_networkx_to_the_last_bit(seed, by_levels):
    H = random_graph(seed)
    k = max(1, len(H) // 3)
    if k >= len(H):
        pytest.skip("too small to sample")
    sources = random.Random(metrics.SEED).sample(list(H.nodes()), k)
    half = len(sources) // 2  # the dependencies of two processes, added up in order
    S = metrics.Simple.of_graph(H)
    dependencies = metrics.source_dependencies if by_levels else metrics._plain_dependencies
    deps = dependencies(S, sources[:half]) + dependencies(S, sources[half:])
    mine, how = metrics.sampled_betweenness(S, sources, deps)
    assert mine == nx.betweenness_centrality(H, k=k, normalized=True, seed=metrics.SEED)
    assert how == f"sampled from {k} of {len(H)} sources, unweighted"


def test_betweenness_samples_the_sources_networkx_would(monkeypatch):
    H = random_graph(2)
    monkeypatch.setattr(metrics, "EXACT_BUDGET", 0)
    monkeypatch.setattr(metrics, "EDGE_BUDGET", 1)
    monkeypatch.setattr(metrics, "MIN_SAMPLES", 7)
    bc, how = metrics.betweenness(H)
    assert bc == nx.betweenness_centrality(H, k=7, normalized=True, seed=metrics.SEED)
    assert how.startswith("sampled from 7 of")


@pytest.mark.parametrize("seed", range(60))
def test_louvain_finds_networkx_communities(seed):
    H = random_graph(seed)
    norm = lambda found: sorted(sorted(c) for c in found)  # noqa: E731
    assert norm(metrics.louvain(H)) == norm(nx.community.louvain_communities(H, weight="weight", seed=metrics.SEED))


@pytest.mark.parametrize("seed", range(10))
def test_degrees_from_the_flat_view_are_networkx_degrees(seed):
    """Degrees read from the flat arrays (whole-number weights) or the dicts (any weights)
    are what networkx counts, a self-loop twice."""
    import pickle

    H = random_graph(seed)
    if seed % 2:  # whole numbers: the flat arrays are added up
        for _, _, d in H.edges(data=True):
            d["weight"] = float(round(d["weight"] * 3))
    S = metrics.Simple.of_graph(H)
    flat = pickle.loads(pickle.dumps(S))
    want = ([d for _, d in H.degree()], [float(d) for _, d in H.degree(weight="weight")])
    assert flat.degrees() == S.degrees() == want
    assert flat._adj is None or not seed % 2  # (not made for whole numbers)


@pytest.mark.parametrize("seed", range(0, 30, 4))
def test_the_simple_view_sent_to_another_process_gives_the_same_metrics(seed):
    import pickle

    H = random_graph(seed)
    S = metrics.Simple.of_graph(H)
    sent = pickle.loads(pickle.dumps(S))  # arrays only: its dicts are not rebuilt unless asked for
    assert sent.number_of_edges() == S.number_of_edges() == H.number_of_edges()
    assert metrics.communities(sent) == metrics.communities(S)
    sources = list(H)[: max(1, len(H) // 4)]
    light = pickle.loads(pickle.dumps(S.unweighted()))
    for deps in (metrics.source_dependencies(sent, sources), metrics.source_dependencies(light, sources),
                 metrics._plain_dependencies(light, sources)):
        assert all(np.array_equal(a, b) for a, b in zip(deps, metrics.source_dependencies(S, sources)))
    assert sent.adj == S.adj
