"""Helpers for the Neo4j tests: small build folders written like ``conflictkg build`` does,
and a snapshot of everything conflictkg put in the database.

The example graph is invented for the tests (names, places and sentences are made up).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from conflictkg.graph.export import write_json
from conflictkg.graph.metrics import add_metrics
from conflictkg.graph.model import GraphAccumulator
import pytest

from conflictkg.records import TYPE_LABELS, Entity

# id -> (type, canonical name)
ENTITIES = {
    "armed_group:nswr": ("ARMED_GROUP", "كتيبة النسور"),
    "armed_group:Smwd": ("ARMED_GROUP", "لواء الصمود"),
    "armed_group:Hmyh": ("ARMED_GROUP", "قوة الحماية"),
    "commander:sAlm": ("COMMANDER", "سالم بن عمران"),
    "commander:mrAd": ("COMMANDER", "مراد الهاشمي"),
    "person:nAdr": ("PERSON", "نادر الطرابلسي"),
    "place:wAdy": ("PLACE", "وادي الرمال"),
    "place:byr": ("PLACE", "بئر الغزال"),
    "place:qlEh": ("PLACE", "القلعة"),
    "tribe:sEdwn": ("TRIBE", "آل سعدون"),
    "country:jzyrh": ("COUNTRY", "جمهورية الجزيرة"),
    "organization:Hlf": ("ORGANIZATION", "منظمة الهلال"),
}
A, S, H = "armed_group:nswr", "armed_group:Smwd", "armed_group:Hmyh"
C1, C2, P = "commander:sAlm", "commander:mrAd", "person:nAdr"
W, B, Q, T = "place:wAdy", "place:byr", "place:qlEh", "tribe:sEdwn"
K, O = "country:jzyrh", "organization:Hlf"

# documents: id, date, sentences (lists of (entity id, surface form)), relations
# (type, head, tail, sentence index, evidence sentence)
DOCS = [
    {"id": "d1", "date": "2024-01-05", "title": "اشتباكات قرب وادي الرمال", "sentences": [
        [(C1, "سالم بن عمران"), (A, "كتيبة النسور"), (W, "وادي الرمال")],
        [(A, "النسور"), (S, "لواء الصمود")],
        [(K, "جمهورية الجزيرة")]],
     "relations": [("LEADS", C1, A, 0, "يقود سالم بن عمران كتيبة النسور في وادي الرمال"),
                   ("BASED_IN", A, W, 0, "تتمركز كتيبة النسور في وادي الرمال"),
                   ("FIGHTS", A, S, 1, "اشتبكت النسور مع لواء الصمود")]},
    {"id": "d2", "date": "2024-02-10", "title": "تحالف جديد", "sentences": [
        [(A, "كتيبة النسور"), (H, "قوة الحماية")],
        [(C2, "مراد الهاشمي"), (S, "لواء الصمود"), (B, "بئر الغزال")],
        [(P, "نادر الطرابلسي"), (S, "لواء الصمود")]],
     "relations": [("ALLIED_WITH", A, H, 0, "تحالفت كتيبة النسور مع قوة الحماية"),
                   ("LEADS", C2, S, 1, "يقود مراد الهاشمي لواء الصمود"),
                   ("BASED_IN", S, B, 1, "يتمركز لواء الصمود في بئر الغزال"),
                   ("SPOKESPERSON_OF", P, S, 2, "قال نادر الطرابلسي المتحدث باسم لواء الصمود")]},
    {"id": "d3", "date": "2024-03-01", "title": "قبيلة آل سعدون", "sentences": [
        [(T, "آل سعدون"), (B, "بئر الغزال")],
        [(T, "قبيلة آل سعدون"), (S, "الصمود")],
        [(B, "بئر الغزال"), (W, "وادي الرمال"), (Q, "القلعة")]],
     "relations": [("BASED_IN", T, B, 0, "تقطن قبيلة آل سعدون بئر الغزال"),
                   ("AFFILIATED_WITH", S, T, 1, "ينتمي لواء الصمود إلى آل سعدون"),
                   ("LOCATED_IN", Q, W, 2, "تقع القلعة في وادي الرمال")]},
    {"id": "d4", "date": "2024-03-20", "title": "هجوم", "sentences": [
        [(A, "كتيبة النسور"), (S, "لواء الصمود"), (B, "بئر الغزال")],
        [(C1, "سالم بن عمران"), (A, "كتيبة النسور")],
        [(O, "منظمة الهلال"), (B, "بئر الغزال")]],
     "relations": [("FIGHTS", A, S, 0, "هاجمت كتيبة النسور لواء الصمود في بئر الغزال"),
                   ("LEADS", C1, A, 1, "قاد سالم بن عمران كتيبة النسور"),
                   ("MEMBER_OF", C1, A, 1, "سالم بن عمران من كتيبة النسور")]},
    {"id": "d5", "date": "", "title": "بلا تاريخ", "sentences": [
        [(H, "قوة الحماية"), (Q, "القلعة")],
        [(K, "الجزيرة"), (O, "منظمة الهلال")]],
     "relations": [("BASED_IN", H, Q, 0, "تتخذ قوة الحماية من القلعة مقرا")]},
]


def make_build(folder, docs=DOCS, entities=ENTITIES, rename: dict | None = None) -> Path:
    """Write a build folder for ``docs`` the way ``conflictkg build`` does.

    ``rename`` maps an entity id to another (simulates a resolver that merges differently).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rename = rename or {}
    acc = GraphAccumulator()
    surfaces: dict[str, list[str]] = {}
    mentions = Counter()
    doc_count = Counter()
    with open(folder / "documents.jsonl", "w", encoding="utf-8") as d_fh, \
            open(folder / "mentions.jsonl", "w", encoding="utf-8") as m_fh, \
            open(folder / "relations.jsonl", "w", encoding="utf-8") as r_fh:
        for doc in docs:
            d_fh.write(json.dumps({"id": doc["id"], "source": f"{doc['id']}.txt", "title": doc["title"],
                                   "date": doc["date"], "url": f"https://example.org/{doc['id']}",
                                   "chars": 100, "sentences": len(doc["sentences"])}, ensure_ascii=False) + "\n")
            ids = []
            for si, sentence in enumerate(doc["sentences"]):
                for eid, surface in sentence:
                    eid = rename.get(eid, eid)
                    ids.append((si, eid))
                    mentions[eid] += 1
                    if surface not in surfaces.setdefault(eid, []):
                        surfaces[eid].append(surface)
                    m_fh.write(json.dumps({"doc": doc["id"], "sentence": si, "start": 0, "end": len(surface),
                                           "text": surface, "type": entities[eid][0], "entity": eid,
                                           "extractor": "test"}, ensure_ascii=False) + "\n")
            for eid in {e for _, e in ids}:
                doc_count[eid] += 1
            rels = []
            for rtype, head, tail, si, evidence in doc["relations"]:
                head, tail = rename.get(head, head), rename.get(tail, tail)
                rels.append((rtype, head, tail, si, evidence))
                r_fh.write(json.dumps({"type": rtype, "head": head, "tail": tail, "doc": doc["id"], "sentence": si,
                                       "evidence": evidence, "extractor": "test"}, ensure_ascii=False) + "\n")
            acc.add_document(doc["id"], doc["date"], ids, rels)
    ents = {}
    with open(folder / "entities.jsonl", "w", encoding="utf-8") as fh:
        for eid in sorted(surfaces):
            etype, name = entities[eid]
            aliases = [name] + [s for s in surfaces[eid] if s != name]
            ents[eid] = Entity(eid, etype, name, aliases, mentions[eid], doc_count[eid])
            fh.write(json.dumps(ents[eid].to_json(), ensure_ascii=False) + "\n")
    G = acc.to_networkx(ents)
    add_metrics(G)
    write_json(G, folder / "graph.json")
    return folder


def docs_subset(ids) -> list[dict]:
    return [d for d in DOCS if d["id"] in ids]


def snapshot(server) -> dict:
    """Every node and relationship conflictkg wrote: labels/types, endpoints, properties."""
    with server.driver() as driver, driver.session(database=server.database) as s:
        nodes = s.execute_read(lambda tx: [
            (r["id"], tuple(sorted(r["labels"])), r["props"])
            for r in tx.run("MATCH (n) WHERE n:Entity OR n:Document "
                            "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")])
        rels = s.execute_read(lambda tx: [
            (r["a"], r["t"], r["b"], r["props"])
            for r in tx.run("MATCH (a)-[r]->(b) WHERE a:Entity OR a:Document "
                            "RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props")])
    return {"nodes": {(i, labels): p for i, labels, p in nodes},
            "rels": {(a, t, b): p for a, t, b, p in rels},
            "node_count": len(nodes), "rel_count": len(rels)}


def load(server, folder, batch_size: int = 5000):
    from conflictkg.graph.neo4j_loader import Neo4jLoader
    from conflictkg.graph.dialect import detect

    with server.driver() as driver, driver.session(database=server.database) as s:
        return Neo4jLoader(s, detect(driver), batch_size=batch_size).load(folder)


def read_graph(folder):
    from conflictkg.graph.export import read_json

    return read_json(Path(folder) / "graph.json")


def assert_db_equals_build(server, folder):
    """Everything in the database equals what the build folder says, property by property."""
    G = read_graph(folder)
    snap = snapshot(server)
    docs = [json.loads(l) for l in (Path(folder) / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    nodes = {nid: props for (nid, labels), props in snap["nodes"].items() if "Entity" in labels}
    doc_nodes = {nid for (nid, labels) in snap["nodes"] if labels == ("Document",)}
    assert doc_nodes == {d["id"] for d in docs}
    assert set(nodes) == set(G.nodes)
    for (nid, labels), props in snap["nodes"].items():
        if "Entity" in labels:
            data = G.nodes[nid]
            assert labels == tuple(sorted(("Entity", TYPE_LABELS[data["type"]])))
            for key in ("name", "type", "mentions", "documents", "first_seen", "last_seen", "degree", "community"):
                assert props[key] == data[key], (nid, key)
            assert set(props["aliases"]) == set(data["aliases"])
            assert props["betweenness"] == pytest.approx(data["betweenness"], abs=1e-9)
            assert props["weighted_degree"] == pytest.approx(data["weighted_degree"])
    edges = {(a, k, b): d for a, b, k, d in G.edges(keys=True, data=True)}
    db_edges = {k: p for k, p in snap["rels"].items() if k[1] != "MENTIONED_IN"}
    assert set(db_edges) == set(edges)
    for key, d in edges.items():
        p = db_edges[key]
        if key[1] == "CO_OCCURS_WITH":
            assert (p["weight"], p["sentences"], p["documents"]) == (d["weight"], d["sentences"], d["documents"])
            assert key[0] < key[2]
        else:
            assert (p["count"], p["documents"]) == (d["count"], d["documents"]), key
            assert 1 <= len(p["evidence"]) <= 3 and set(p["evidence"]) <= set(p["doc_evidence"])
        assert (p["first_seen"], p["last_seen"]) == (d["first_seen"], d["last_seen"]), key
    mentions = [json.loads(l) for l in (Path(folder) / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    pairs = {(m["entity"], m["doc"]) for m in mentions}
    db_mentions = {(a, b): p for (a, t, b), p in snap["rels"].items() if t == "MENTIONED_IN"}
    assert set(db_mentions) == pairs
    assert sum(p["count"] for p in db_mentions.values()) == len(mentions)
    return snap
