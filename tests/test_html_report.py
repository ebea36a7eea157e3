"""The offline HTML report: checked statically always, and in headless Chromium when installed."""
from __future__ import annotations

import json
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest

from chromium_cdp import find_chromium, open_page
from conflictkg.graph.export import read_json, write_format
from conflictkg.graph.filters import select
from conflictkg.graph.report_html import RELATION_STYLE, TYPE_STYLE, summary
from export_fixture import HOSTILE, make_folder

HOSTILE_NAME = HOSTILE["group:hostile"][1]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return make_folder(tmp_path_factory.mktemp("built"))


@pytest.fixture(scope="module")
def report(built, tmp_path_factory) -> Path:
    return write_format(select(built), "html", tmp_path_factory.mktemp("html") / "report.html")


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script":
            self._in_script = attrs
            self.scripts.append((attrs, ""))

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def test_report_is_self_contained_and_rtl(report):
    text = report.read_text(encoding="utf-8")
    page = _Collect()
    page.feed(text)
    assert page.tags[0] == ("html", {"lang": "ar", "dir": "rtl"})
    for tag, attrs in page.tags:
        assert "src" not in attrs or tag == "img" and attrs["src"].startswith("data:"), (tag, attrs)
        assert not re.match(r"\s*(https?:|//)", attrs.get("href") or ""), (tag, attrs)
        assert tag not in ("link", "iframe", "object", "embed"), tag
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?\s*(https?:)?//|<script[^>]+src", text, re.I)
    assert not re.search(r"\b(fetch|XMLHttpRequest|WebSocket|EventSource|importScripts|sendBeacon)\b", text)
    # exactly the data block and the renderer: a hostile name cannot close the script element
    assert [a.get("type") for a, _ in page.scripts] == ["application/json", None]
    assert "</script><b>" not in text
    data = json.loads(page.scripts[0][1])
    assert HOSTILE_NAME in [n["name"] for n in data["nodes"]]


def test_report_shows_graph_and_summary_of_the_folder(built, report):
    G = read_json(built / "graph.json")
    text = report.read_text(encoding="utf-8")
    page = _Collect()
    page.feed(text)
    data = json.loads(page.scripts[0][1])
    assert {n["id"] for n in data["nodes"]} == set(G.nodes)
    assert len(data["edges"]) == G.number_of_edges()
    assert {n["id"]: n["degree"] for n in data["nodes"]} == dict(G.nodes(data="degree"))

    s = summary(G)
    assert s["types"]["ARMED_GROUP"] == sum(1 for _, t in G.nodes(data="type") if t == "ARMED_GROUP")
    top_ally = s["alliances"][0]
    assert (top_ally["a"], top_ally["b"], top_ally["count"]) == ("group:nasr", "group:fajr", 2)  # dated 2023-12 and 2024-03
    assert (s["confrontations"][0]["a"], s["confrontations"][0]["count"]) == ("group:nasr", 2)
    for sentence in top_ally["evidence"] + s["confrontations"][0]["evidence"]:
        assert sentence in text  # evidence quoted in the summary
    top_deg = max(G.nodes, key=lambda n: G.nodes[n]["degree"])
    assert s["top_degree"][0][0] == top_deg
    assert s["top_betweenness"][0][0] == max(G.nodes, key=lambda n: G.nodes[n]["betweenness"])
    sizes = [c["size"] for c in s["communities"]]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == G.number_of_nodes()
    for etype, (_, arabic) in TYPE_STYLE.items():
        if s["types"].get(etype):
            assert arabic in text


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


PROBE = """(function(){
 var c=document.getElementById('canvas'), x=c.getContext('2d'), img=x.getImageData(0,0,c.width,c.height).data;
 var seen={}, cols=%s;
 for (var i=0;i<img.length;i+=4){var h='#'+[img[i],img[i+1],img[i+2]].map(function(v){return ('0'+v.toString(16)).slice(-2);}).join('');
  if(cols.indexOf(h)>=0) seen[h]=(seen[h]||0)+1;}
 var rg=document.createRange(); rg.selectNodeContents(document.querySelector('h1'));
 var h1=rg.getBoundingClientRect(), aside=document.getElementById('summary').getBoundingClientRect(),
     cv=c.getBoundingClientRect();
 return {report: window.ckgReport, csp: window.__cspViolations, colours: seen,
  dir: getComputedStyle(document.querySelector('aside h2')).direction, width: innerWidth,
  h1_right: h1.right, h1_left: h1.left, aside_left: aside.left, canvas_left: cv.left};
})()"""


@pytest.mark.skipif(find_chromium() is None, reason="chromium not installed (apt-get install chromium)")
def test_report_renders_offline_in_headless_chromium(built, report, tmp_path):
    G = read_json(built / "graph.json")
    colours = sorted({c for c, _ in TYPE_STYLE.values()})
    run = open_page(report, probe=PROBE % json.dumps(colours), ready="window.ckgReport && window.ckgReport.ready")
    # no network: the page itself is the only request, and nothing was blocked by the CSP either
    assert run.requests == [report.resolve().as_uri()]
    assert run.state["csp"] == []
    # the graph was drawn: every node, with captions, each present type in its colour
    assert run.state["report"]["nodes"] == G.number_of_nodes()
    assert run.state["report"]["labels"] >= min(G.number_of_nodes(), 5)
    present = {TYPE_STYLE[t][0] for _, t in G.nodes(data="type")}
    assert set(run.state["colours"]) >= present
    # right to left: the title's text hugs the right edge, the summary column sits right of the graph
    assert run.state["dir"] == "rtl"
    assert run.state["width"] - run.state["h1_right"] < 40 < run.state["h1_left"]
    assert run.state["aside_left"] > run.state["canvas_left"]
    assert _png_size(run.png) == (1400, 900)
    (tmp_path / "report.png").write_bytes(run.png)


def test_relation_styles_cover_every_relation_type():
    from conflictkg.records import CO_OCCURS_WITH, RELATION_TYPES

    assert set(RELATION_STYLE) == set(RELATION_TYPES) | {CO_OCCURS_WITH}


_RENDER = """
import sys, networkx as nx
from conflictkg.graph.metrics import add_metrics
from conflictkg.graph.report_html import render
G = nx.MultiDiGraph()
for i in range(40):  # a hub with spokes (more than max_nodes), islands of two and three
    G.add_node(f"n{i:02d}", type="PLACE", name=f"n{i:02d}", mentions=i)
for i in range(1, 24):
    G.add_edge("n00", f"n{i:02d}", key="CO_OCCURS_WITH", weight=1 + i % 3)
for a, b in (("n24", "n25"), ("n26", "n27"), ("n27", "n28"), ("n29", "n30"), ("n31", "n32")):
    G.add_edge(a, b, key="CO_OCCURS_WITH", weight=2)
add_metrics(G)
sys.stdout.write(render(G, max_nodes=16))
"""


def test_the_same_graph_gives_the_same_report_whatever_the_hash_seed():
    import os
    import subprocess
    import sys

    pages = [subprocess.run([sys.executable, "-c", _RENDER], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")]
    assert '"id":"n25"' in pages[0]  # an island is drawn
    assert pages[0] == pages[1] == pages[2]
