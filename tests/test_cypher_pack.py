"""The Cypher pack: every query parses, documents its parameters, runs on the real Bolt
server and returns the rows the built files say it should (on the invented example graph
and on the graph built from the seed articles)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

from conflictkg.commands.query import parse_params, run_query
from conflictkg.cypher import load_query, query_names, read_text, schema_statements
from conflictkg.graph.neo4j_loader import wipe
from conflictkg.records import RELATION_TYPES, TYPE_LABELS
from neo4j_fixtures import DOCS, load, make_build, read_graph

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "corpus" / "seeds"
PLACE_LIKE = {"PLACE", "COUNTRY"}


# --- static checks (no server) --------------------------------------------------------------

def test_pack_has_the_analyst_queries_with_documented_parameters():
    names = query_names()
    assert len(names) >= 10
    for required in ("who_leads_what", "militia_profile", "linked_to_town", "tribe_town_map", "top_cooccurrences",
                     "shortest_path", "top_brokers", "communities", "entity_evidence", "new_actors_since"):
        assert required in names
    for name in names:
        q = load_query(name)
        assert q.title and q.description, name
        used = set(re.findall(r"\$(\w+)", q.text))
        assert used == set(q.params), f"{name}: parameters used {used} vs declared {set(q.params)}"
        assert all(p.doc for p in q.params.values()), name
        for label in re.findall(r"\(\w*:(\w+)", q.text):
            assert label in {"Entity", "Document", *TYPE_LABELS.values()}, (name, label)


def test_style_has_a_colour_and_name_caption_per_label_and_relationship_captions():
    grass = read_text("style.grass")
    for label in TYPE_LABELS.values():
        block = re.search(r"node\.%s \{(.*?)\n\}" % label, grass, re.S)
        assert block and "color:" in block.group(1) and "caption: '{name}'" in block.group(1), label
    for rtype in RELATION_TYPES + ("CO_OCCURS_WITH",):
        block = re.search(r"relationship\.%s \{(.*?)\n\}" % rtype, grass, re.S)
        assert block and "caption:" in block.group(1), rtype


def test_schema_declares_constraints_indexes_and_arabic_fulltext():
    texts = [s.text for s in schema_statements()]
    assert any("Entity) REQUIRE n.id IS UNIQUE" in t for t in texts)
    assert any("Document) REQUIRE d.id IS UNIQUE" in t for t in texts)
    assert any("ON (n.name_normalized)" in t for t in texts)
    fulltext = [s for s in schema_statements() if "FULLTEXT" in s.text]
    assert len(fulltext) == 1 and fulltext[0].requires == "fulltext_index_ddl" and "'arabic'" in fulltext[0].text


def test_parameters_are_typed_by_the_header():
    q = load_query("linked_to_town")
    values = q.coerce(parse_params(["town=وادي الرمال", "include_cooccurrence=false", "limit=3"]))
    assert values == {"town": "وادي الرمال", "include_cooccurrence": False, "limit": 3}
    with pytest.raises(ValueError):
        q.coerce({"limit": "many"})
    with pytest.raises(ValueError):
        q.coerce({"nope": "1"})


# --- against the server ------------------------------------------------------------------------

class Loaded:
    def __init__(self, server, folder):
        self.server, self.folder = server, Path(folder)
        self.G = read_graph(folder)
        self.relations = _jsonl(self.folder / "relations.jsonl")
        self.mentions = _jsonl(self.folder / "mentions.jsonl")

    def rows(self, name, **params):
        with self.server.driver() as driver, driver.session(database=self.server.database) as s:
            keys, rows = run_query(s, name, {k: str(v).lower() if isinstance(v, bool) else str(v)
                                             for k, v in params.items()})
        return [dict(zip(keys, r)) for r in rows]

    def node(self, nid):
        return self.G.nodes[nid]

    def by_degree(self, types=None):
        nodes = [n for n, d in self.G.nodes(data=True) if types is None or d["type"] in types]
        return sorted(nodes, key=lambda n: (-self.G.nodes[n]["degree"], n))

    def edges(self, rtype=None):
        return [(a, k, b, d) for a, b, k, d in self.G.edges(keys=True, data=True) if rtype in (None, k)]


def _jsonl(path):
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


@pytest.fixture(scope="module", params=["example", "seeds"])
def graph(request, bolt, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "example":
        make_build(folder, DOCS)
    else:
        if not SEEDS.is_dir():
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"seeds missing: {SEEDS}")
            pytest.skip(f"seeds missing: {SEEDS}")
        from conflictkg.build import BuildOptions, build

        build([str(SEEDS)], folder, BuildOptions(workers=1, quiet=True))
    with bolt.driver() as driver, driver.session(database=bolt.database) as s:
        wipe(s)
    load(bolt, folder)
    return Loaded(bolt, folder)


def test_who_leads_what(graph):
    expected = {(a, b, d["count"], d["documents"]) for a, _, b, d in graph.edges("LEADS")}
    # the LEADS rows of relations.jsonl, counted per (head, tail)
    stated = defaultdict(int)
    for r in graph.relations:
        if r["type"] == "LEADS":
            stated[(r["head"], r["tail"])] += 1
    assert {(a, b, c) for a, b, c, _ in expected} == {(a, b, c) for (a, b), c in stated.items()}
    rows = graph.rows("who_leads_what", limit=1000)
    assert {(r["leader_id"], r["leads_id"], r["count"], r["documents"]) for r in rows} == expected
    assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True)
    assert all(r["example"] in {x["evidence"] for x in graph.relations} for r in rows)


def test_militia_profile(graph):
    groups = [n for n, d in graph.G.nodes(data=True) if d["type"] == "ARMED_GROUP"]
    role = {"ALLIED_WITH": "ally", "FIGHTS": "enemy"}
    expected = set()
    for a, k, b, d in graph.edges():
        for g, other in ((a, b), (b, a)):
            if g in groups and k in role:
                expected.add((g, role[k], other, d["count"]))
        if a in groups and k == "BASED_IN":
            expected.add((a, "base", b, d["count"]))
    rows = graph.rows("militia_profile")
    assert {(r["actor_id"], r["role"], r["other_id"], r["count"]) for r in rows} == expected
    if groups:
        g = max(groups, key=lambda n: (len([x for x in expected if x[0] == n]), n))
        one = graph.rows("militia_profile", actor=graph.node(g)["name"])
        assert {(r["actor_id"], r["role"], r["other_id"], r["count"]) for r in one} == {x for x in expected if x[0] == g}


def test_linked_to_town(graph):
    places = graph.by_degree({"PLACE"})
    if not places:
        pytest.skip("no place in this graph")
    town = places[0]
    expected = {(b if a == town else a, k) for a, k, b, _ in graph.edges() if town in (a, b)}
    rows = graph.rows("linked_to_town", town=graph.node(town)["name"], limit=100000)
    assert {(r["entity_id"], r["relation"]) for r in rows} == expected
    stated = graph.rows("linked_to_town", town=town, include_cooccurrence=False, limit=100000)
    assert {(r["entity_id"], r["relation"]) for r in stated} == {x for x in expected if x[1] != "CO_OCCURS_WITH"}
    flags = [r["cooccurrence_only"] for r in rows]
    assert flags == sorted(flags)  # stated relations first


def test_tribe_town_map(graph):
    pairs = defaultdict(lambda: [set(), 0])
    for a, k, b, d in graph.edges():
        ta, tb = graph.node(a)["type"], graph.node(b)["type"]
        if {ta, tb} == {"TRIBE", "PLACE"}:
            key = (a, b) if ta == "TRIBE" else (b, a)
            if k == "CO_OCCURS_WITH":
                pairs[key][1] += d["weight"]
            else:
                pairs[key][0].add(k)
    expected = {(t, p, frozenset(rel), w) for (t, p), (rel, w) in pairs.items()}
    rows = graph.rows("tribe_town_map", min_cooccurrences=1, limit=100000)
    assert {(r["tribe_id"], r["place_id"], frozenset(r["relations"]), r["cooccurrences"]) for r in rows} == expected


def test_top_cooccurrences(graph):
    actor = graph.by_degree()[0]
    expected = {(b if a == actor else a, d["weight"], d["documents"])
                for a, k, b, d in graph.edges("CO_OCCURS_WITH") if actor in (a, b)}
    rows = graph.rows("top_cooccurrences", actor=actor, limit=100000)
    assert {(r["partner_id"], r["sentences"], r["documents"]) for r in rows} == expected
    assert [r["sentences"] for r in rows] == sorted((r["sentences"] for r in rows), reverse=True)
    top = graph.rows("top_cooccurrences", limit=3)
    best = sorted((d["weight"] for *_, d in graph.edges("CO_OCCURS_WITH")), reverse=True)[:3]
    assert [r["sentences"] for r in top] == best


def test_shortest_path(graph):
    U = nx.Graph(graph.G.to_undirected())
    source = graph.by_degree()[0]
    lengths = nx.single_source_shortest_path_length(U, source, cutoff=6)
    target = max((n for n in lengths if n != source), key=lambda n: (lengths[n], n))
    rows = graph.rows("shortest_path", source=graph.node(source)["name"], target=target)
    assert len(rows) == 1
    assert rows[0]["hops"] == lengths[target]
    assert rows[0]["path"][0] == graph.node(source)["name"] and rows[0]["path"][-1] == graph.node(target)["name"]
    typed = nx.Graph()
    typed.add_edges_from((a, b) for a, k, b, _ in graph.edges() if k != "CO_OCCURS_WITH")
    stated = graph.rows("shortest_stated_path", source=source, target=target)
    if typed.has_node(source) and typed.has_node(target) and nx.has_path(typed, source, target) \
            and nx.shortest_path_length(typed, source, target) <= 6:
        assert stated[0]["hops"] == nx.shortest_path_length(typed, source, target)
        assert "CO_OCCURS_WITH" not in stated[0]["relations"]
    else:
        assert stated == []


def test_top_brokers(graph):
    expected = {(n, round(d["betweenness"], 6)) for n, d in graph.G.nodes(data=True) if d["betweenness"] > 0}
    rows = graph.rows("top_brokers", limit=100000)
    assert {(r["id"], round(r["betweenness"], 6)) for r in rows} == expected
    assert [r["betweenness"] for r in rows] == sorted((r["betweenness"] for r in rows), reverse=True)
    commanders = graph.rows("top_brokers", type="COMMANDER", limit=100000)
    assert {r["id"] for r in commanders} == {n for n, _ in expected if graph.node(n)["type"] == "COMMANDER"}


def test_communities(graph):
    expected = defaultdict(set)
    for n, d in graph.G.nodes(data=True):
        expected[d["community"]].add(n)
    rows = graph.rows("communities", min_size=1, members=100000, limit=100000)
    assert {r["community"]: set(r["member_ids"]) for r in rows} == dict(expected)
    assert all(r["size"] == len(expected[r["community"]]) for r in rows)
    big = graph.rows("communities", min_size=3, members=2, limit=100000)
    assert {r["community"] for r in big} == {c for c, m in expected.items() if len(m) >= 3}
    assert all(len(r["members"]) == min(2, r["size"]) for r in big)


def test_entity_evidence(graph):
    typed = [(a, k, b) for a, k, b, _ in graph.edges() if k != "CO_OCCURS_WITH"]
    actor = max(graph.G.nodes, key=lambda n: (sum(n in (a, b) for a, _, b in typed), graph.node(n)["mentions"], n))
    rows = graph.rows("entity_evidence", actor=graph.node(actor)["name"])
    sentences = [r for r in rows if r["kind"] == "sentence"]
    stated = {(r["type"], r["evidence"]) for r in graph.relations if actor in (r["head"], r["tail"])}
    assert {(r["relation"], r["text"]) for r in sentences} <= stated
    assert {r["relation"] for r in sentences} == {k for a, k, b in typed if actor in (a, b)}
    docs = {r["documents"][0] for r in rows if r["kind"] == "document"}
    assert docs == {m["doc"] for m in graph.mentions if m["entity"] == actor}


def test_new_actors_since(graph):
    dated = sorted({d["first_seen"] for _, d in graph.G.nodes(data=True) if d["first_seen"]})
    since = dated[len(dated) // 2] if dated else "1900-01-01"
    expected = {n for n, d in graph.G.nodes(data=True)
                if d["first_seen"] and d["first_seen"] >= since and d["type"] not in PLACE_LIKE}
    rows = graph.rows("new_actors_since", since=since, limit=100000)
    assert {r["id"] for r in rows} == expected
    with_places = graph.rows("new_actors_since", since=since, include_places=True, limit=100000)
    assert {r["id"] for r in with_places} == {n for n, d in graph.G.nodes(data=True)
                                              if d["first_seen"] and d["first_seen"] >= since}
    assert [r["first_seen"] for r in rows] == sorted((r["first_seen"] for r in rows), reverse=True)


def test_find_entity(graph):
    from conflictkg.extractors.text import normalize_phrase

    name = graph.node(graph.by_degree()[0])["name"]
    text = name.split()[-1]
    expected = {n for n, d in graph.G.nodes(data=True)
                if text in d["name"] or text in normalize_phrase(d["name"]) or any(text in a for a in d["aliases"])}
    rows = graph.rows("find_entity", text=text, limit=100000)
    assert {r["id"] for r in rows} == expected


def test_graph_summary(graph):
    rows = graph.rows("graph_summary")
    got = {(r["kind"], r["name"]): r["count"] for r in rows}
    types = defaultdict(int)
    for _, d in graph.G.nodes(data=True):
        types[("entity", d["type"])] += 1
    rels = defaultdict(int)
    for _, k, _, _ in graph.edges():
        rels[("relationship", k)] += 1
    rels[("relationship", "MENTIONED_IN")] = len({(m["entity"], m["doc"]) for m in graph.mentions})
    docs = len(_jsonl(graph.folder / "documents.jsonl"))
    assert got == {**types, ("document", "Document"): docs, **rels}


def test_query_command_prints_a_table(graph, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["NEO4J_PASSWORD"] = graph.server.password
    proc = subprocess.run(
        [sys.executable, "-m", "conflictkg", "query", "top_brokers", "--param", "limit=2",
         "--uri", graph.server.uri, "--user", graph.server.user, "--database", graph.server.database],
        capture_output=True, text=True, env=env, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["name", "id", "type", "betweenness", "degree", "weighted_degree", "community"]
    top = sorted(graph.G.nodes(data=True), key=lambda x: (-x[1]["betweenness"], x[0]))
    expected_ids = [n for n, d in top if d["betweenness"] > 0][:2]
    assert [line.split("  ")[0:1] and next(t for t in line.split() if ":" in t) for line in lines[2:]] == expected_ids
    assert graph.server.password not in proc.stdout + proc.stderr
