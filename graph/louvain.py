# cython: boundscheck=False, wraparound=False, cdivision=True
"""Louvain communities exactly as networkx finds them, on flat arrays.

networkx's ``louvain_partitions``, ``_one_level`` and ``_gen_graph`` (networkx 3.x,
undirected, resolution 1) keep the graph as dicts of dicts and visit every neighbour
through them. Here each level is a compressed adjacency (``indptr``, ``indices``,
``weights``) holding the neighbours in the order networkx's dicts hold them, so that
the same floats are added in the same order and the same random order of nodes is
visited: the same moves, the same communities. Compiled with the extractors
(``conflictkg compile``), the loops run on C arrays, several times faster than
networkx's; as plain Python they give the same result.

Weighted degrees are added up by Python's own ``sum``, as networkx adds them (whose
rounding changed in Python 3.12). Only the modularity that decides when to stop is added
up in another order (networkx's own order follows the hashing of the node names, so it
varies from run to run anyway): it could only matter for a gain within a rounding error
of the threshold.

Two triangles joined by a light edge (2-3), node 5 with a self-loop:

>>> sizes = [2, 2, 3, 3, 2, 3]
>>> targets = [1, 2, 0, 2, 1, 0, 3, 2, 4, 5, 3, 5, 4, 3, 5]
>>> weights = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0]
>>> louvain_groups(sizes, targets, weights, seed=42)
[[0, 1, 2], [3, 4, 5]]
"""
from __future__ import annotations

import random
from array import array

try:
    import cython  # (compiled: the types below are C types)
except ImportError:  # Cython is optional: plain Python reads the annotations as nothing
    cython = None


def louvain_groups(sizes, targets, weights, seed: int, threshold: float = 1e-7) -> list[list[int]]:
    """The Louvain communities of a graph given as each node's neighbours: node ``i`` has
    ``sizes[i]`` of them, the next ones in ``targets`` with the weights of those edges
    in ``weights`` (``metrics.Simple.flat``; an edge is listed at both ends, a
    self-loop once). Returns the communities as lists of node numbers, as
    ``nx.community.louvain_communities(G, weight="weight", seed=seed)`` finds them."""
    sizes, targets, weights = list(sizes), list(targets), list(weights)  # (Python numbers)
    n = len(sizes)
    rng = random.Random(seed)
    # the starting modularity (every node alone), on the graph as given
    deg, loop, at = [], [], 0
    for i, k in enumerate(sizes):
        here = targets[at:at + k]
        w_loop = weights[at + here.index(i)] if i in here else False
        deg.append(sum(weights[at:at + k]) + w_loop)  # as nx.Graph.degree(weight=...)
        loop.append(w_loop or 0)
        at += k
    deg_sum = sum(deg)
    m, norm = deg_sum / 2, 1 / deg_sum ** 2
    mod = sum(w / m - 1 * d * d * norm for w, d in zip(loop, deg))
    # networkx copies the graph (weights only) and reads that copy from then on
    level = _copied(array("q", sizes), array("q", targets), array("d", weights))
    degrees = _degrees(*level)
    m = sum(degrees) / 2
    members = [[u] for u in range(n)]
    node2com, count, improvement = _one_level(*level, degrees, m, rng)
    partition = _groups(node2com, count, members)
    improvement = True
    while improvement:
        result = partition
        new_mod = _modularity(*level, degrees, node2com, count)
        if new_mod - mod <= threshold:
            break
        mod = new_mod
        level, members = _next_level(*level, node2com, count), partition
        degrees = _degrees(*level)
        node2com, count, improvement = _one_level(*level, degrees, m, rng)
        partition = _groups(node2com, count, members)
    return result


def _copied(sizes: cython.longlong[:], targets: cython.longlong[:], weights: cython.double[:]) -> tuple:
    """networkx's copy of the graph: ``copy[a][b] = copy[b][a] = w`` for the edges in
    node order, each once (from its first end), so that a node's neighbours are those
    with a smaller number first (in their order), then its own from the list."""
    n: cython.Py_ssize_t = len(sizes)
    i: cython.Py_ssize_t
    k: cython.Py_ssize_t
    at: cython.Py_ssize_t
    a: cython.Py_ssize_t
    b: cython.Py_ssize_t
    counts = array("q", bytes(8 * (n + 1)))
    c: cython.longlong[:] = counts
    at = 0
    for a in range(n):
        for k in range(at, at + sizes[a]):
            b = targets[k]
            if b >= a:
                c[a + 1] += 1
                if b != a:
                    c[b + 1] += 1
        at += sizes[a]
    for i in range(n):
        c[i + 1] += c[i]
    indptr = array("q", counts)
    indices_a = array("q", bytes(8 * c[n]))
    weights_a = array("d", bytes(8 * c[n]))
    ind: cython.longlong[:] = indices_a
    wts: cython.double[:] = weights_a
    fill: cython.longlong[:] = counts  # each node's next free place
    at = 0
    for a in range(n):
        for k in range(at, at + sizes[a]):
            b = targets[k]
            if b >= a:
                ind[fill[a]] = b
                wts[fill[a]] = weights[k]
                fill[a] += 1
                if b != a:
                    ind[fill[b]] = a
                    wts[fill[b]] = weights[k]
                    fill[b] += 1
        at += sizes[a]
    return indptr, indices_a, weights_a


def _degrees(indptr, indices, weights) -> list:
    """Weighted degrees as ``nx.Graph.degree(weight=...)`` adds them up (Python's ``sum``
    over the neighbours in order; a self-loop twice)."""
    out = []
    loops = _loops(indptr, indices)
    for u in range(len(indptr) - 1):
        d = sum(weights[indptr[u]:indptr[u + 1]])
        out.append(d if loops[u] < 0 else d + weights[loops[u]])
    return out


def _loops(indptr: cython.longlong[:], indices: cython.longlong[:]):
    """Where each node's self-loop is among the neighbours, -1 for none."""
    n: cython.Py_ssize_t = len(indptr) - 1
    u: cython.Py_ssize_t
    k: cython.Py_ssize_t
    at_a = array("q", [-1]) * n
    at: cython.longlong[:] = at_a
    for u in range(n):
        for k in range(indptr[u], indptr[u + 1]):
            if indices[k] == u:
                at[u] = k
                break
    return at_a


def _one_level(indptr, indices, weights, degrees: list, m, rng) -> tuple:
    """networkx's ``_one_level``: each node, in a random order, moves to the neighbouring
    community it gains most modularity by, until none moves. Returns each node's
    community, numbered from 0 in the order of the communities' first members, how many
    there are, and whether any node moved."""
    n = len(indptr) - 1
    rand_nodes = list(range(n))
    rng.shuffle(rand_nodes)
    node2com = array("q", range(n))
    moved = _moves(indptr, indices, weights, array("d", degrees), m, 2 * m ** 2, array("q", rand_nodes), node2com)
    count = _renumber(node2com)
    return node2com, count, moved


def _moves(indptr: cython.longlong[:], indices: cython.longlong[:], weights: cython.double[:],
           degrees: cython.double[:], m: cython.double, two_m2: cython.double,
           rand_nodes: cython.longlong[:], node2com: cython.longlong[:]) -> bool:
    n: cython.Py_ssize_t = len(degrees)
    stot_a = array("d", degrees)
    stot: cython.double[:] = stot_a
    w2c_a = array("d", bytes(8 * n))
    w2c: cython.double[:] = w2c_a  # weights2com: the weight to each community ...
    touched_a = array("q", bytes(8 * n))
    touched: cython.longlong[:] = touched_a  # ... the communities in the order first seen
    mark_a = array("q", [-1]) * n
    mark: cython.longlong[:] = mark_a
    i: cython.Py_ssize_t
    j: cython.Py_ssize_t
    k: cython.Py_ssize_t
    u: cython.Py_ssize_t
    v: cython.Py_ssize_t
    c: cython.Py_ssize_t
    nt: cython.Py_ssize_t
    best_com: cython.Py_ssize_t
    visit: cython.longlong = 0
    nb_moves: cython.Py_ssize_t = 1
    best_mod: cython.double
    gain: cython.double
    degree: cython.double
    remove_cost: cython.double
    improvement: cython.bint = False
    while nb_moves > 0:
        nb_moves = 0
        for i in range(n):
            u = rand_nodes[i]
            best_mod = 0
            best_com = node2com[u]
            visit += 1
            nt = 0
            for k in range(indptr[u], indptr[u + 1]):
                v = indices[k]
                if v == u:
                    continue
                c = node2com[v]
                if mark[c] != visit:
                    mark[c] = visit
                    w2c[c] = 0.0
                    touched[nt] = c
                    nt += 1
                w2c[c] = w2c[c] + weights[k]
            degree = degrees[u]
            stot[best_com] -= degree
            if mark[best_com] != visit:  # (networkx's defaultdict read inserts it, last)
                mark[best_com] = visit
                w2c[best_com] = 0.0
                touched[nt] = best_com
                nt += 1
            remove_cost = -w2c[best_com] / m + (stot[best_com] * degree) / two_m2
            for j in range(nt):
                c = touched[j]
                gain = remove_cost + w2c[c] / m - (stot[c] * degree) / two_m2
                if gain > best_mod:
                    best_mod = gain
                    best_com = c
            stot[best_com] += degree
            if best_com != node2com[u]:
                improvement = True
                nb_moves += 1
                node2com[u] = best_com
    return improvement


def _renumber(node2com: cython.longlong[:]) -> int:
    """Number the communities 0, 1, ... in the order of their numbers now (networkx
    drops the empty ones from its list of them); returns how many there are."""
    n: cython.Py_ssize_t = len(node2com)
    u: cython.Py_ssize_t
    count: cython.Py_ssize_t = 0
    new_a = array("q", [-1]) * n
    new: cython.longlong[:] = new_a
    for u in range(n):
        new[node2com[u]] = 0
    for u in range(n):
        if new[u] == 0:
            new[u] = count + 1
            count += 1
    for u in range(n):
        node2com[u] = new[node2com[u]] - 1
    return count


def _groups(node2com, count: int, members: list) -> list[list[int]]:
    """The original nodes of each community."""
    groups: list[list[int]] = [[] for _ in range(count)]
    for u, c in enumerate(node2com):
        groups[c].extend(members[u])
    return groups


def _modularity(indptr: cython.longlong[:], indices: cython.longlong[:], weights: cython.double[:],
                degrees: list, node2com: cython.longlong[:], count: cython.Py_ssize_t) -> float:
    """Modularity of the communities ``node2com`` of this level's graph (resolution 1)."""
    n: cython.Py_ssize_t = len(node2com)
    u: cython.Py_ssize_t
    k: cython.Py_ssize_t
    c: cython.Py_ssize_t
    deg_sum: cython.double = sum(degrees)
    m: cython.double = deg_sum / 2
    norm: cython.double = 1 / deg_sum ** 2
    inside_a = array("d", bytes(8 * count))
    out_a = array("d", bytes(8 * count))
    inside: cython.double[:] = inside_a
    out: cython.double[:] = out_a
    deg_a = array("d", degrees)
    deg: cython.double[:] = deg_a
    total: cython.double = 0
    for u in range(n):
        c = node2com[u]
        out[c] += deg[u]
        for k in range(indptr[u], indptr[u + 1]):
            if indices[k] >= u and node2com[indices[k]] == c:  # each edge once
                inside[c] += weights[k]
    for c in range(count):
        total += inside[c] / m - out[c] * out[c] * norm
    return total


def _next_level(indptr: cython.longlong[:], indices: cython.longlong[:], weights: cython.double[:],
                node2com: cython.longlong[:], count: cython.Py_ssize_t) -> tuple:
    """networkx's ``_gen_graph``: one node per community; the weights between two
    communities added up in edge order, into the copy of each end as its neighbour is
    first met."""
    n: cython.Py_ssize_t = len(node2com)
    u: cython.Py_ssize_t
    k: cython.Py_ssize_t
    v: cython.Py_ssize_t
    c1: cython.Py_ssize_t
    c2: cython.Py_ssize_t
    s: cython.Py_ssize_t
    slot_of: dict = {}  # community pair → its weight's place
    owner_a, other_a, slot_a, total_a = array("q"), array("q"), array("q"), array("d")
    for u in range(n):
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            if v < u:
                continue  # (seen from its first end)
            c1, c2 = node2com[u], node2com[v]
            key = c1 * count + c2 if c1 <= c2 else c2 * count + c1
            s = slot_of.get(key, -1)
            if s < 0:
                s = len(total_a)
                slot_of[key] = s
                total_a.append(weights[k] + 0)
                owner_a.append(c1)
                other_a.append(c2)
                slot_a.append(s)
                if c1 != c2:
                    owner_a.append(c2)
                    other_a.append(c1)
                    slot_a.append(s)
            else:
                total_a[s] = weights[k] + total_a[s]
    # each community's neighbours in the order they were met (a stable counting sort)
    e: cython.Py_ssize_t = len(owner_a)
    counts = array("q", bytes(8 * (count + 1)))
    cnt: cython.longlong[:] = counts
    owner: cython.longlong[:] = owner_a
    other: cython.longlong[:] = other_a
    slot: cython.longlong[:] = slot_a
    total: cython.double[:] = total_a
    for k in range(e):
        cnt[owner[k] + 1] += 1
    for c1 in range(count):
        cnt[c1 + 1] += cnt[c1]
    indptr_new = array("q", counts)
    indices_a = array("q", bytes(8 * e))
    weights_a = array("d", bytes(8 * e))
    ind: cython.longlong[:] = indices_a
    wts: cython.double[:] = weights_a
    for k in range(e):
        c1 = owner[k]
        ind[cnt[c1]] = other[k]
        wts[cnt[c1]] = total[slot[k]]
        cnt[c1] += 1
    return indptr_new, indices_a, weights_a
