"""The report's spring layout (graph/spring.py): networkx's positions, bit for bit."""
import random

import networkx as nx
import numpy as np
import pytest

from conflictkg.graph.spring import spring_positions

# networkx 3.6 clips short displacements at 0.01 (earlier versions set them to 0.1)
NX_VERSION = tuple(int(x) for x in nx.__version__.split(".")[:2])


def _weighted(seed: int) -> nx.Graph:
    r = random.Random(seed)
    G = nx.gnm_random_graph(r.randint(2, 160), r.randint(1, 700), seed=seed)
    G = nx.relabel_nodes(G, {n: f"e{r.randint(0, 10**6)}-{n}" for n in G})  # string ids, not in sorted order
    for u, v in G.edges:
        G[u][v]["weight"] = 1.0 + (r.random() * 30) ** 0.5
    return G


@pytest.mark.skipif(NX_VERSION < (3, 6), reason="networkx before 3.6 clips displacements differently")
@pytest.mark.parametrize("seed", range(25))
def test_same_positions_as_networkx(seed):
    G = _weighted(seed)
    ours = spring_positions(G)
    theirs = nx.spring_layout(G, weight="weight", seed=42, iterations=100)
    assert list(ours) == list(theirs)
    assert all(np.array_equal(ours[n], theirs[n]) for n in G)


@pytest.mark.skipif(NX_VERSION < (3, 6), reason="networkx before 3.6 clips displacements differently")
def test_same_positions_when_converged_early_and_unweighted():
    G = nx.star_graph(3)  # converges in fewer than 400 iterations: the threshold stops it
    ours = spring_positions(G, iterations=400, weight=None)
    theirs = nx.spring_layout(G, weight=None, seed=42, iterations=400)
    assert all(np.array_equal(ours[n], theirs[n]) for n in G)


def test_layout_pulls_neighbours_together():
    # two cliques joined by one edge: a node is nearer its own clique than the other one
    G = nx.barbell_graph(8, 0)
    pos = spring_positions(G)
    left, right = range(8), range(8, 16)
    mean = lambda a, b: np.mean([np.linalg.norm(pos[i] - pos[j]) for i in a for j in b if i != j])
    assert mean(left, left) < mean(left, right) / 2 and mean(right, right) < mean(left, right) / 2
    assert max(abs(c) for p in pos.values() for c in p) == pytest.approx(1.0)


def test_small_graphs():
    assert spring_positions(nx.Graph()) == {}
    assert list(spring_positions(nx.Graph([("a", "a")])).keys()) == ["a"]
