"""Exports of a built folder, each checked by a real reader: networkx (GraphML, GEXF, JSON),
the neo4j-admin header and data rules (CSV), a Bolt server running the Cypher script."""
from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

from conflictkg.cli import main
from conflictkg.graph.export import read_gexf, read_graphml, read_json, write_format
from conflictkg.graph.export_csv import ARRAY_DELIMITER, ARRAY_SUBSTITUTE, admin_command
from conflictkg.graph.export_cypher import statements
from conflictkg.graph.filters import GraphFilter, select, strength
from conflictkg.records import CO_OCCURS_WITH, RELATION_TYPES, TYPE_LABELS
from export_fixture import DOCUMENTS, HOSTILE, make_folder

HOSTILE_NAME = HOSTILE["group:hostile"][1]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return make_folder(tmp_path_factory.mktemp("built"))


@pytest.fixture(scope="module")
def graph(built) -> nx.MultiDiGraph:
    return read_json(built / "graph.json")


def _edges(G):
    return {(a, b, k) for a, b, k in G.edges(keys=True)}


# --- GraphML / GEXF / JSON: re-read with networkx ------------------------------------


@pytest.mark.parametrize("fmt, reader", [("graphml", read_graphml), ("gexf", read_gexf), ("json", read_json)])
def test_file_formats_round_trip_through_networkx(built, graph, tmp_path, fmt, reader):
    out = write_format(select(built), fmt, tmp_path / f"g.{fmt}")
    H = reader(out)
    assert set(H.nodes) == set(graph.nodes)
    assert _edges(H) == _edges(graph)
    for n, d in graph.nodes(data=True):
        for key in ("type", "name", "aliases", "mentions", "degree", "community"):
            assert H.nodes[n][key] == d[key], (fmt, n, key)
        assert H.nodes[n]["betweenness"] == pytest.approx(d["betweenness"])
    for a, b, k, d in graph.edges(keys=True, data=True):
        if k != CO_OCCURS_WITH:
            assert H.edges[a, b, k]["evidence"] == d["evidence"]
            assert H.edges[a, b, k]["count"] == d["count"]
    assert any(H.nodes[n]["name"] == HOSTILE_NAME for n in H)


def test_graphml_types_and_escapes_every_kind_of_value(tmp_path):
    """Numbers are written as they are, strings escaped only where needed, a name seen
    with two types gets the wider one: checked by networkx's own reader."""
    G = nx.MultiDiGraph()
    G.add_node("a", name='<b>"x" & \'y\'', n=1, f=0.25, ok=True, aliases=["x<", "y\x0cz"], gone=None, mix=1)
    G.add_node("b\"'", name="قوة", n=2, f=1.0, ok=False, aliases=[], mix=2.5)
    G.add_node(3, mix=3)
    G.add_edge("a", "b\"'", key="K<&", w=1, s="a\x01b>", ev=["e&"], both=1)
    G.add_edge("a", 3, key=7, w=1.5, s="plain", both="two")
    path = tmp_path / "g.graphml"
    write_format(type("V", (), {"graph": G})(), "graphml", path)
    keys = {(k.get("for"), k.get("attr.name")): k.get("attr.type")
            for k in ET.parse(path).getroot().iter("{http://graphml.graphdrawing.org/xmlns}key")}
    assert keys[("node", "n")] == "long" and keys[("node", "ok")] == "boolean" and keys[("node", "f")] == "double"
    assert keys[("node", "mix")] == "double" and keys[("edge", "w")] == "double" and keys[("edge", "both")] == "string"
    H = read_graphml(path)
    assert H.nodes["a"]["name"] == '<b>"x" & \'y\''
    assert H.nodes["a"]["aliases"] == ["x<", "y\x0cz"]  # JSON inside: escaped as \f
    assert (H.nodes["a"]["n"], H.nodes["a"]["f"], H.nodes["a"]["ok"], H.nodes["b\"'"]["ok"]) == (1, 0.25, True, False)
    assert H.nodes["b\"'"]["label"] == "قوة"
    e = H.edges["a", "b\"'", "K<&"]
    assert (e["s"], e["ev"], e["w"], e["both"]) == ("a b>", ["e&"], 1.0, "1")  # XML cannot carry \x01 at all


def test_edges_written_from_the_evidence_are_the_graphs_byte_for_byte(tmp_path):
    """The build's writers take the edges from the evidence (co-occurrences as tuples,
    written from one format); the bytes are what writing the graph's edges gives, with
    hostile text, and with a value whose text needs the key types (found first then)."""
    import io

    from conflictkg.graph import export, finish
    from conflictkg.graph.model import GraphAccumulator
    from conflictkg.records import Entity

    acc = GraphAccumulator()
    ids = ["a", 'b"<&', "c%s", "d"]
    for i in range(40):
        ments = [(i % 3, ids[(i * 7 + j) % 4]) for j in range(i % 5)]
        rels = [("FIGHTS", ids[i % 4], ids[(i + 1) % 4], 0, f"قصف & <{i % 3}> \x0c %s")] if i % 4 else []
        acc.add_document(f"d{i}", ["", "2024-01-0%d" % (i % 9 + 1), "x&<"][i % 3], ments, rels)
    G = acc.to_networkx({e: Entity(e, "PLACE", e, [e]) for e in ids[:3]})
    edges = lambda: acc.edges({e: Entity(e, "PLACE", e, [e]) for e in ids[:3]})  # noqa: E731
    keys = export._graphml_keys(d for *_, d in G.edges(data=True))
    want, got = io.StringIO(), io.StringIO()
    export.write_graphml_edges(G, want, keys)
    assert export.write_graphml_edges(edges(), got) == keys and got.getvalue() == want.getvalue()
    want, got = io.StringIO(), io.StringIO()
    export.write_json_links(G, want)
    export.write_json_links(edges(), got)
    assert got.getvalue() == want.getvalue() and want.getvalue().count('"key": "CO_OCCURS_WITH"') == len(acc.cooc) > 3

    G.add_edge("a", "d", key="X", flag=True)  # a bool: its text depends on the key's type
    G.add_edge("d", "a", key="X", flag=1)
    keys = export._graphml_keys(d for *_, d in G.edges(data=True))
    want = io.StringIO()
    export.write_graphml_edges(G, want, keys)
    links = io.StringIO()
    export.write_json_links(G, links)
    every = lambda: list(G.edges(keys=True, data=True))  # noqa: E731
    assert finish._edge_parts(every, every, tmp_path, 0) == ("keys", keys)
    assert (tmp_path / (finish.GRAPHML_EDGES + ".0")).read_text(encoding="utf-8") == want.getvalue()
    assert (tmp_path / (finish.JSON_LINKS + ".0")).read_text(encoding="utf-8") == links.getvalue()
    assert '<data key="flag">True</data>' in want.getvalue()


@pytest.mark.parametrize("seed", range(6))
def test_edges_written_a_block_at_a_time_are_those_written_one_by_one(tmp_path, seed):
    """The build's writers take the edges in blocks, co-occurrences as columns: the same
    bytes and the same shapes of data (in the same order) as edge by edge, across block
    ends, and with dates of another type (a column form cannot take them)."""
    import random

    from conflictkg.graph import finish
    from conflictkg.graph.model import GraphAccumulator
    from conflictkg.records import Entity

    rng = random.Random(seed)
    ids = ["a", 'b"<&', "c%s", "d", "e", "f"]
    acc = GraphAccumulator()
    for i in range(rng.choice([1, 5, 40])):
        ments = [(rng.randint(0, 2), rng.choice(ids)) for _ in range(rng.randint(0, 5))]
        rels = [(rng.choice(["FIGHTS", "LEADS"]), rng.choice(ids), rng.choice(ids), 0, rng.choice(["x & <", "قصف"]))
                for _ in range(rng.randint(0, 2))]
        date = rng.choice(["", "2024-01-02", "x&<"]) if seed % 3 else rng.choice([0, 20240102])
        acc.add_document(f"d{i}", date, ments, rels)
    entities = {e: Entity(e, "PLACE", e, [e]) for e in ids[:4]}
    one, blocks = tmp_path / "one", tmp_path / "blocks"
    one.mkdir()
    blocks.mkdir()
    want = finish._edge_parts(lambda: acc.edges(entities), lambda: acc.edges(entities), one, 0)
    for size in (1, 2, 3, 7, 8192):
        got = finish._edge_parts(lambda: acc.edge_blocks(entities, size=size), lambda: acc.edges(entities), blocks, 0)
        assert got == want
        for name in (finish.GRAPHML_EDGES, finish.JSON_LINKS):
            assert (blocks / f"{name}.0").read_bytes() == (one / f"{name}.0").read_bytes(), size
    assert (one / f"{finish.JSON_LINKS}.0").read_text(encoding="utf-8").count("CO_OCCURS_WITH") == 2 * len(acc.cooc)


def test_gephi_sees_labels_and_weights_in_gexf(built, graph, tmp_path):
    out = write_format(select(built), "gexf", tmp_path / "g.gexf")
    root = ET.parse(out).getroot()
    ns = {"g": root.tag[1:].split("}")[0]}
    assert ns["g"].startswith("http://www.gexf.net/")
    labels = {n.get("id"): n.get("label") for n in root.iterfind(".//g:node", ns)}
    assert labels == {n: d["name"] for n, d in graph.nodes(data=True)}
    for e in root.iterfind(".//g:edge", ns):
        assert e.get("type") in (None, "directed", "undirected", "mutual")  # GEXF's own meaning of type
        assert e.get("label") in RELATION_TYPES + (CO_OCCURS_WITH,)
        assert float(e.get("weight")) > 0


# --- CSV for neo4j-admin ---------------------------------------------------------------

ADMIN_TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "point",
               "date", "localtime", "time", "localdatetime", "datetime", "duration"}
FIELD = re.compile(r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+)(?P<array>\[\])?(?:\((?P<group>[^()]+)\))?)?$")


def parse_header(row: list[str]) -> list[dict]:
    """A header row read by the neo4j-admin rules: ``name:type[](group)``, special fields upper case."""
    fields = []
    for raw in row:
        m = FIELD.match(raw)
        assert m, f"malformed header field {raw!r}"
        name, typ, group = m["name"], m["type"], m["group"]
        special = typ in ("ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE")
        if typ is not None and not special:
            assert typ in ADMIN_TYPES, f"unknown property type {typ!r} in {raw!r}"
            assert name, f"property without a name: {raw!r}"
        if special:
            assert not m["array"], raw
            assert group is None or typ in ("ID", "START_ID", "END_ID"), f"id space only on id fields: {raw!r}"
            assert not name or typ == "ID", f"only :ID may carry a property name: {raw!r}"
        else:
            assert group is None, raw
        fields.append({"name": name, "type": typ or "string", "array": bool(m["array"]), "group": group,
                       "special": special})
    return fields


def read_admin_csv(path: Path):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))  # RFC 4180, the neo4j-admin default (no legacy quoting)
    fields = parse_header(rows[0])
    for i, row in enumerate(rows[1:], 2):
        assert len(row) == len(fields), f"{path.name}:{i}: {len(row)} fields, header has {len(fields)}"
    return fields, rows[1:]


def convert(value: str, f: dict):
    if value == "":
        return None
    items = value.split(ARRAY_DELIMITER) if f["array"] else [value]
    conv = {"int": int, "long": int, "float": float, "double": float}.get(f["type"], str)
    out = [conv(v) for v in items]
    return out if f["array"] else out[0]


def test_csv_follows_neo4j_admin_rules_and_holds_the_graph(built, graph, tmp_path):
    out = write_format(select(built), "csv", tmp_path / "import")
    ids: dict[str, set] = defaultdict(set)
    nodes: dict[str, dict] = {}
    for name in ("entities.csv", "documents.csv"):
        fields, rows = read_admin_csv(out / name)
        assert [f["type"] for f in fields].count("ID") == 1
        assert [f["type"] for f in fields].count("LABEL") == 1
        id_field = next(f for f in fields if f["type"] == "ID")
        for row in rows:
            rec = {f["name"] or f["type"]: row[i] if f["special"] else convert(row[i], f) for i, f in enumerate(fields)}
            key = row[fields.index(id_field)]
            assert key not in ids[id_field["group"]], f"duplicate id {key!r} in {name}"
            ids[id_field["group"]].add(key)
            labels = rec["LABEL"].split(ARRAY_DELIMITER)
            assert set(labels) <= {"Entity", "Document", *TYPE_LABELS.values()}
            nodes[key] = rec
            if id_field["group"] == "Entity":
                assert labels == ["Entity", TYPE_LABELS[rec["type"]]]
    assert ids["Entity"] == set(graph.nodes)
    for n, d in graph.nodes(data=True):
        rec = nodes[n]
        assert rec["name"] == d["name"] and rec["mentions"] == d["mentions"] and rec["community"] == d["community"]
        assert rec["betweenness"] == pytest.approx(d["betweenness"])
        expected = [" ".join(a.splitlines()).replace(";", ARRAY_SUBSTITUTE) for a in d["aliases"]]
        assert rec["aliases"] == expected

    seen_edges = set()
    for name in ("relations.csv", "cooccurs.csv", "mentioned_in.csv"):
        fields, rows = read_admin_csv(out / name)
        kinds = [f["type"] for f in fields]
        assert kinds.count("START_ID") == kinds.count("END_ID") == kinds.count("TYPE") == 1
        start = next(f for f in fields if f["type"] == "START_ID")
        end = next(f for f in fields if f["type"] == "END_ID")
        for row in rows:
            a, b, t = row[kinds.index("START_ID")], row[kinds.index("END_ID")], row[kinds.index("TYPE")]
            assert a in ids[start["group"]] and b in ids[end["group"]], (name, a, b)
            assert t in RELATION_TYPES + (CO_OCCURS_WITH, "MENTIONED_IN")
            rec = {f["name"]: convert(row[i], f) for i, f in enumerate(fields) if not f["special"]}
            if t == "MENTIONED_IN":
                seen_edges.add((a, b, t, rec["count"], rec["sentences"]))
            else:
                seen_edges.add((a, b, t))
                d = graph.edges[a, b, t]
                assert rec.get("count", rec.get("weight")) == d.get("count", d.get("weight"))
    assert {e for e in seen_edges if e[2] != "MENTIONED_IN"} == _edges(graph)

    # MENTIONED_IN counted independently from the fixture's documents
    expected = set()
    for doc, _, sentences, _ in [d for d in DOCUMENTS] + [("d07", "", [["group:hostile", "group:nasr"]], [])]:
        per = defaultdict(list)
        for si, ents in enumerate(sentences):
            for e in ents:
                per[e].append(si)
        expected |= {(e, doc, "MENTIONED_IN", len(s), len(set(s))) for e, s in per.items()}
    assert {e for e in seen_edges if e[2] == "MENTIONED_IN"} == expected
    assert ids["Document"] == {e[1] for e in expected}
    assert admin_command() in (out / "import.sh").read_text(encoding="utf-8")


def test_admin_command_names_every_file_written(built, tmp_path):
    out = write_format(select(built), "csv", tmp_path / "import")
    named = set(re.findall(r"--(?:nodes|relationships)=import/(\S+)", admin_command()))
    assert named == {p.name for p in out.glob("*.csv")}
    assert admin_command().startswith("neo4j-admin database import full neo4j ")


# --- Cypher script ---------------------------------------------------------------------


def split_statements(script: str) -> list[str]:
    """Split like cypher-shell: on ``;`` outside strings, identifiers and comments."""
    out, cur, i, quote = [], [], 0, None
    while i < len(script):
        c = script[i]
        if quote:
            cur.append(c)
            if c == "\\":
                cur.append(script[i + 1])
                i += 1
            elif c == quote:
                quote = None
        elif c in "'\"`":
            quote = c
            cur.append(c)
        elif script.startswith("//", i):
            i = script.index("\n", i)
            continue
        elif c == ";":
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    assert not "".join(cur).strip(), "text after the last ;"
    return out


def test_cypher_script_is_parameterless_whitelisted_and_splits_cleanly(built, tmp_path):
    out = write_format(select(built), "cypher", tmp_path / "g.cypher")
    script = out.read_text(encoding="utf-8")
    stmts = split_statements(script)
    # every statement ends at a line end, so a line-based splitter agrees with the quote-aware one
    assert len(stmts) == len(re.findall(r";\n", script)) == script.count(";")
    for s in stmts:
        code = re.sub(r"'(?:\\.|[^'\\])*'", "''", s)  # drop string literals
        assert "$" not in code, s[:80]
        for label in re.findall(r"\((?:\w+)?((?::\w+)+)", code) + re.findall(r"SET \w+((?::\w+)+)", code):
            assert set(label.strip(":").split(":")) <= {"Entity", "Document", *TYPE_LABELS.values()}
        for rtype in re.findall(r"\[\w*:(\w+)", code):
            assert rtype in RELATION_TYPES + (CO_OCCURS_WITH, "MENTIONED_IN")
    assert ";" not in "".join(re.findall(r"'(?:\\.|[^'\\])*'", script))  # no raw ; inside strings


def test_cypher_script_loads_the_same_graph_over_bolt(built, graph, bolt_db):
    """The script's statements, run one by one as cypher-shell does, give the graph back, hostile names intact."""
    view = select(built)
    stmts = split_statements("".join(s + ";\n" for s in statements(view, batch=4)))  # small batches: several per type
    with bolt_db.driver() as driver, driver.session(database=bolt_db.database) as session:
        for _ in range(2):  # idempotent: a second run changes nothing
            for s in stmts:
                session.execute_write(lambda tx, s=s: tx.run(s).consume())
        count = lambda q: session.run(q).single()[0]  # noqa: E731
        assert count("MATCH (n:Entity) RETURN count(n)") == graph.number_of_nodes()
        assert count("MATCH (:Entity)-[r]->(:Entity) RETURN count(r)") == graph.number_of_edges()
        assert count("MATCH (n:ArmedGroup) RETURN count(n)") == sum(
            1 for _, t in graph.nodes(data="type") if t == "ARMED_GROUP")
        rec = session.run("MATCH (n:Entity {id: $id}) RETURN n.name AS name, n.aliases AS aliases",
                          id="group:hostile").single()
        assert rec["name"] == HOSTILE_NAME
        assert rec["aliases"] == HOSTILE["group:hostile"][2]
        ev = session.run("MATCH (:Entity {id: 'group:hostile'})-[r:FIGHTS]->() RETURN r.evidence AS e").single()["e"]
        assert ev == graph.edges["group:hostile", "group:nasr", "FIGHTS"]["evidence"]
        assert count("MATCH (:Entity)-[r:MENTIONED_IN]->(:Document) RETURN count(r)") > 0


# --- filters ---------------------------------------------------------------------------


def test_date_window_keeps_only_the_evidence_of_its_documents(built):
    view = select(built, GraphFilter(since="2024-01", until="2024-02"))
    window = [d for d in DOCUMENTS if d[1][:7] in ("2024-01", "2024-02")]
    assert view.docs == {d[0] for d in window}
    expected_nodes = {e for d in window for s in d[2] for e in s}
    assert set(view.graph.nodes) == expected_nodes
    fights = view.graph.edges["group:nasr", "group:sumud", "FIGHTS"]
    assert fights["count"] == 1 and fights["evidence"] == [window[1][3][0][4]]
    assert not view.graph.has_edge("group:nasr", "group:fajr")  # their alliance is dated 2023-12 and 2024-03
    assert all(view.graph.nodes[n]["first_seen"] >= "2024-01" for n in view.graph)
    assert "degree" in view.graph.nodes["group:nasr"]  # metrics recomputed on the window's graph


def test_types_min_weight_and_ego_filters(built, graph):
    G = select(built, GraphFilter(types=("armed_group", "Commander"))).graph
    assert G.number_of_nodes() > 0
    assert {t for _, t in G.nodes(data="type")} == {"ARMED_GROUP", "COMMANDER"}
    assert _edges(G) == {e for e in _edges(graph) if e[0] in G and e[1] in G}

    G = select(built, GraphFilter(min_weight=2)).graph
    assert G.number_of_edges() > 0
    assert all(strength(d) >= 2 for *_, d in G.edges(data=True))
    assert all(G.degree(n) > 0 for n in G)
    assert {e for e in _edges(graph) if strength(graph.edges[e]) >= 2} == _edges(G)

    ego = select(built, GraphFilter(ego="العقيد سالم الورفلى", depth=2)).graph  # title, ى for ي
    U = graph.to_undirected()
    dist = nx.single_source_shortest_path_length(U, "cmd:salem", cutoff=2)
    assert set(ego.nodes) == set(dist)
    assert "cmd:hamid" not in ego  # three ties away
    with pytest.raises(ValueError, match="no such entity"):
        select(built, GraphFilter(ego="لا أحد"))
    with pytest.raises(ValueError, match="unknown entity type"):
        GraphFilter(types=("MILITIA",))
    with pytest.raises(ValueError, match="ISO date"):
        GraphFilter(since="05/01/2024")


# --- command line ----------------------------------------------------------------------


def test_export_command_writes_each_format_and_fails_clearly(built, tmp_path, capsys):
    assert main(["export", str(built), "--format", "gexf", "--out", str(tmp_path / "a.gexf"),
                 "--types", "ARMED_GROUP", "--quiet"]) == 0
    assert {d["type"] for _, d in read_gexf(tmp_path / "a.gexf").nodes(data=True)} == {"ARMED_GROUP"}

    assert main(["export", str(built), "--format", "html", "--ego", "كتيبة النصر", "--depth", "1"]) == 0
    assert (built / "report-filtered.html").is_file()  # the build's own report.html is not replaced
    assert "report-filtered.html" in capsys.readouterr().out

    assert main(["export", str(built), "--format", "csv", "--out", str(tmp_path / "imp")]) == 0
    assert admin_command() in capsys.readouterr().out

    assert main(["export", str(tmp_path / "nothing"), "--format", "json"]) == 1
    assert "not a built folder" in capsys.readouterr().err
    assert main(["export", str(built), "--format", "json", "--ego", "لا أحد"]) == 1
    assert "no such entity" in capsys.readouterr().err


def test_build_exports_are_the_cheap_formats_and_readable(graph, tmp_path):
    from conflictkg.graph.export import BUILD_EXPORTS, write_build_exports

    write_build_exports(graph, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(BUILD_EXPORTS)
    for reader, name in [(read_graphml, "graph.graphml"), (read_gexf, "graph.gexf"), (read_json, "graph.json")]:
        assert _edges(reader(tmp_path / name)) == _edges(graph)
    assert '<html lang="ar" dir="rtl">' in (tmp_path / "report.html").read_text(encoding="utf-8")
