"""Neo4j loader throughput: the loader vs a hand-written UNWIND of 10k rows vs per-row MERGE.

A synthetic graph (default 100,000 entities, 300,000 relationships: 100k MENTIONED_IN,
150k CO_OCCURS_WITH, 50k typed relations over the 8 types, with per-document evidence
lists like a real build) is written three ways, each into a fresh database:

  loader       Neo4jLoader.load (UNWIND batches of --batch-size, per label / type, execute_write)
  hand-written UNWIND $rows (10,000 rows) MERGE ... SET x += row.props, one statement per
               batch, the simplest correct form (one label, no per-document merge logic)
  per-row      one MERGE per row, each in its own transaction (on a sample, rates extrapolate)

Prints nodes/s and relationships/s and the ratios (goal: loader >= 0.9x hand-written,
>= 20x per-row). Without --uri it starts the ArcadeDB Bolt test server (tests/boltserver.py),
a fresh one per method (ArcadeDB's DETACH DELETE is too slow to reset between runs).

Example:
  python bench/bench_loader.py                 # 100k entities, 300k relationships
  python bench/bench_loader.py --quick         # 10k / 30k, a smoke run
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from conflictkg.graph.dialect import detect  # noqa: E402
from conflictkg.graph.neo4j_loader import (  # noqa: E402
    BuildData, DOCUMENT_STATEMENT, MENTION_STATEMENT, Neo4jLoader, apply_schema, _edge_props,
)
from conflictkg.records import RELATION_TYPES, TYPE_LABELS  # noqa: E402

HAND_BATCH = 10_000


def synthetic(n_entities: int, n_rels: int, seed: int = 7) -> BuildData:
    rng = random.Random(seed)
    types = list(TYPE_LABELS)
    n_docs = max(1, n_entities // 5)
    data = BuildData()
    for d in range(n_docs):
        data.documents.append({"id": f"doc{d}", "props": {"id": f"doc{d}", "title": f"مقال {d}",
                                                          "date": f"2024-{1 + d % 12:02d}-{1 + d % 28:02d}",
                                                          "url": "", "source": f"doc{d}.txt"}})
    ids = [f"e{i:07d}" for i in range(n_entities)]
    for i, eid in enumerate(ids):
        etype = types[i % len(types)]
        props = {"id": eid, "name": f"كيان {i}", "name_normalized": f"كيان {i}", "type": etype,
                 "mentions": 1, "documents": 1, "first_seen": "2024-01-01", "last_seen": "2024-01-01",
                 "degree": 3, "weighted_degree": 3.0, "betweenness": 0.0, "community": i % 50}
        data.entities.setdefault(TYPE_LABELS[etype], []).append({"id": eid, "props": props, "aliases": [f"ك{i}"]})
    n_mentions = min(n_entities, n_rels // 3)
    for i in range(n_mentions):
        data.mentions.append({"e": ids[i], "d": f"doc{i % n_docs}", "count": 1, "sentences": [0]})
    n_cooc = (n_rels - n_mentions) * 3 // 4
    n_typed = n_rels - n_mentions - n_cooc
    seen = set()

    def pairs(k):
        while k:
            a, b = sorted(rng.sample(ids, 2))
            if (a, b) not in seen:
                seen.add((a, b))
                k -= 1
                yield a, b

    for a, b in pairs(n_cooc):
        doc = f"doc{rng.randrange(n_docs)}"
        lists = {"doc_ids": [doc], "doc_counts": [1], "doc_dates": ["2024-01-01"], "doc_evidence": [""]}
        data.edges.setdefault("CO_OCCURS_WITH", []).append({"a": a, "b": b, "props": _edge_props("CO_OCCURS_WITH", lists)})
    for i, (a, b) in enumerate(pairs(n_typed)):
        rtype = RELATION_TYPES[i % len(RELATION_TYPES)]
        lists = {"doc_ids": [f"doc{i % n_docs}"], "doc_counts": [1], "doc_dates": ["2024-01-01"],
                 "doc_evidence": ["جملة الدليل"]}
        data.edges.setdefault(rtype, []).append({"a": a, "b": b, "props": _edge_props(rtype, lists)})
    return data


def n_nodes(data):
    return len(data.documents) + sum(len(r) for r in data.entities.values())


def n_rels(data):
    return len(data.mentions) + sum(len(r) for r in data.edges.values())


def run_loader(session, dialect, data, batch_size):
    marks = {}

    def progress(msg):
        if "MENTIONED_IN" in msg and "rels" not in marks:
            marks["rels"] = time.monotonic()

    apply_schema(session, dialect)  # schema outside the timing, as for the others
    t0 = time.monotonic()
    Neo4jLoader(session, dialect, batch_size, progress).load(None, data)
    t1 = time.monotonic()
    return marks["rels"] - t0, t1 - marks["rels"]


def run_hand(session, dialect, data):
    apply_schema(session, dialect)

    def batches(query, rows):
        for i in range(0, len(rows), HAND_BATCH):
            chunk = rows[i : i + HAND_BATCH]
            session.execute_write(lambda tx: tx.run(query, rows=chunk).consume())

    t0 = time.monotonic()
    batches(DOCUMENT_STATEMENT, data.documents)
    batches("UNWIND $rows AS row MERGE (n:Entity {id: row.id}) SET n += row.props, n.aliases = row.aliases",
            [r for rows in data.entities.values() for r in rows])
    t1 = time.monotonic()
    batches(MENTION_STATEMENT, data.mentions)
    for rtype, rows in data.edges.items():
        batches("UNWIND $rows AS row MATCH (a:Entity {id: row.a}) MATCH (b:Entity {id: row.b}) "
                f"MERGE (a)-[r:{rtype}]->(b) SET r += row.props", rows)
    return t1 - t0, time.monotonic() - t1


def run_per_row(session, dialect, data, sample):
    apply_schema(session, dialect)
    ents = [r for rows in data.entities.values() for r in rows][:sample]
    t0 = time.monotonic()
    for r in ents:
        session.execute_write(lambda tx: tx.run("MERGE (n:Entity {id: $id}) SET n += $props, n.aliases = $aliases",
                                                id=r["id"], props=r["props"], aliases=r["aliases"]).consume())
    t1 = time.monotonic()
    have = {r["id"] for r in ents}
    rels = [(t, r) for t, rows in data.edges.items() for r in rows if r["a"] in have and r["b"] in have][:sample]
    if len(rels) < sample // 4:  # sample too sparse: connect sampled entities along a chain
        ids = sorted(have)
        rels = [("CO_OCCURS_WITH", {"a": a, "b": b, "props": {"weight": 1}}) for a, b in zip(ids, ids[1:])][:sample]
    t2 = time.monotonic()
    for rtype, r in rels:
        session.execute_write(lambda tx: tx.run(
            f"MATCH (a:Entity {{id: $a}}) MATCH (b:Entity {{id: $b}}) MERGE (a)-[r:{rtype}]->(b) SET r += $props",
            a=r["a"], b=r["b"], props=r["props"]).consume())
    t3 = time.monotonic()
    return len(ents) / (t1 - t0), len(rels) / (t3 - t2)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--entities", type=int, default=100_000)
    p.add_argument("--relationships", type=int, default=300_000)
    p.add_argument("--batch-size", type=int, default=5000)
    p.add_argument("--per-row-sample", type=int, default=1000)
    p.add_argument("--quick", action="store_true", help="10k entities, 30k relationships")
    a = p.parse_args(argv)
    if a.quick:
        a.entities, a.relationships, a.per_row_sample = 10_000, 30_000, 300
    from boltserver import start_bolt_server

    t = time.monotonic()
    data = synthetic(a.entities, a.relationships)
    nodes, rels = n_nodes(data), n_rels(data)
    print(f"synthetic graph: {nodes:,} nodes ({a.entities:,} entities), {rels:,} relationships "
          f"(generated in {time.monotonic() - t:.1f} s)")
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-loader-") as tmp:
        for name in ("loader", "hand-written", "per-row"):
            server = start_bolt_server(Path(tmp) / name)
            try:
                with server.driver() as driver, driver.session(database=server.database) as session:
                    dialect = detect(driver)
                    if name == "loader":
                        tn, tr = run_loader(session, dialect, data, a.batch_size)
                        results[name] = (nodes / tn, rels / tr)
                    elif name == "hand-written":
                        tn, tr = run_hand(session, dialect, data)
                        results[name] = (nodes / tn, rels / tr)
                    else:
                        results[name] = run_per_row(session, dialect, data, a.per_row_sample)
                    if name != "per-row":
                        print(f"{name:13s} nodes {tn:7.1f} s  relationships {tr:7.1f} s", flush=True)
            finally:
                server.stop()
    print(f"{'method':13s} {'nodes/s':>10s} {'rels/s':>10s}")
    for name, (ns, rs) in results.items():
        print(f"{name:13s} {ns:10,.0f} {rs:10,.0f}")
    (ln, lr), (hn, hr), (pn, pr) = results["loader"], results["hand-written"], results["per-row"]
    print(f"loader / hand-written: nodes {ln / hn:.2f}x, relationships {lr / hr:.2f}x  (goal >= 0.9x)")
    print(f"loader / per-row:      nodes {ln / pn:.1f}x, relationships {lr / pr:.1f}x  (goal >= 20x)")
    print(f"per-row rates measured on a sample of {a.per_row_sample:,} nodes and relationships")
    return 0


if __name__ == "__main__":
    sys.exit(main())
