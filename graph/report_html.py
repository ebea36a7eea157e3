"""One self-contained HTML report: an interactive graph and a summary, fully offline.

The file holds everything it needs: CSS, a small vanilla-JS canvas renderer and the
data (a ``<script type="application/json">`` block). It loads nothing: no script,
style, font or image from the network, so it can be mailed to a colleague and opened
anywhere, including air-gapped machines. The page is Arabic, right to left
(``<html lang="ar" dir="rtl">``); identifiers and numbers are isolated with ``<bdi>``.

Graph view: nodes coloured by type, sized by degree, Arabic captions; drag to pan,
wheel to zoom, drag a node to move it, click a node for its details and evidence,
tick the legend to hide a type, search by name. The layout is computed here
(Fruchterman–Reingold, ``graph/spring.py``, fixed seed), so the same graph always gives
the same picture. Very large graphs show their ``max_nodes`` best-connected entities
(the summary covers all); narrow the view with the export filters (``--types``,
``--ego``...).

Summary: entities per type, top actors by degree and by betweenness, strongest
alliances (``ALLIED_WITH``) and confrontations (``FIGHTS``) with evidence sentences,
and the largest communities with their members.
"""
from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx

from conflictkg.graph.spring import spring_positions
from conflictkg.records import CO_OCCURS_WITH, ENTITY_TYPES

MAX_NODES = 400
TOP = 10

TYPE_STYLE = {  # colour, Arabic name
    "ARMED_GROUP": ("#d62728", "جماعة مسلحة"),
    "COMMANDER": ("#ff7f0e", "قائد"),
    "PLACE": ("#2ca02c", "مكان"),
    "TRIBE": ("#8c564b", "قبيلة"),
    "PERSON": ("#1f77b4", "شخص"),
    "ORGANIZATION": ("#9467bd", "منظمة"),
    "COUNTRY": ("#17becf", "دولة"),
}
RELATION_STYLE = {  # colour, Arabic name
    "LEADS": ("#ff7f0e", "يقود"),
    "MEMBER_OF": ("#9467bd", "عضو في"),
    "AFFILIATED_WITH": ("#7f7f7f", "تابع لـ"),
    "BASED_IN": ("#2ca02c", "يتمركز في"),
    "LOCATED_IN": ("#98df8a", "يقع في"),
    "ALLIED_WITH": ("#1a9850", "متحالف مع"),
    "FIGHTS": ("#d73027", "يقاتل"),
    "SPOKESPERSON_OF": ("#1f77b4", "متحدث باسم"),
    CO_OCCURS_WITH: ("#b0b0b0", "يرد معه"),
}


def _e(text) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def _name(G, n) -> str:
    return G.nodes[n].get("name") or str(n)


TIE_TYPES = ("ALLIED_WITH", "FIGHTS")  # the relations whose strongest ties the summary lists


def edge_figures(G: nx.MultiDiGraph, top: int = TOP) -> dict:
    """What the summary reads from the edges (so a build can read them before handing the
    graph's edges to another process): their number and the strongest ties of each kind."""
    return tie_figures(G.edges(keys=True, data=True), G.number_of_edges(), lambda n: _name(G, n), top)


def tie_figures(edges, ties: int, name, top: int = TOP) -> dict:
    """``edge_figures`` from ``edges``, ``(a, b, key, data)`` of every edge keyed by one of
    ``TIE_TYPES`` (others are skipped; any order), the number of edges ``ties``, and
    ``name(node)`` (a node's ``name``, else its id).

    >>> f = tie_figures([("a", "b", "FIGHTS", {"count": 2, "documents": 1, "evidence": ["x"]})], 7, str.upper)
    >>> f["ties"], f["confrontations"][0]["b_name"], f["alliances"]
    (7, 'B', [])
    """
    typed = {t: [] for t in TIE_TYPES}
    for a, b, k, d in edges:
        if k in typed:
            typed[k].append((d.get("count", 0), a, b, d))

    def listed(rtype):
        rows = typed[rtype]
        rows.sort(key=lambda r: (-r[0], r[1], r[2]))
        return [{"a": a, "b": b, "a_name": name(a), "b_name": name(b), "count": c,
                 "documents": d.get("documents", 0), "evidence": list(d.get("evidence") or [])}
                for c, a, b, d in rows[:top]]

    return {"ties": ties, "alliances": listed("ALLIED_WITH"), "confrontations": listed("FIGHTS")}


def summary(G: nx.MultiDiGraph, top: int = TOP, edges: dict | None = None) -> dict:
    """The figures of the summary panel (plain data, also handy in tests); ``edges``:
    ``edge_figures(G, top)`` if it was computed already."""
    nodes = list(G.nodes(data=True))
    by_deg = sorted(nodes, key=lambda x: (-(x[1].get("degree") or 0), -(x[1].get("mentions") or 0), x[0]))
    by_btw = sorted(nodes, key=lambda x: (-(x[1].get("betweenness") or 0), x[0]))
    edges = edges or edge_figures(G, top)

    members = defaultdict(list)
    for n, d in nodes:
        if d.get("community") is not None:
            members[d["community"]].append(n)
    communities = []
    for cid, ms in sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]:
        ms.sort(key=lambda n: (-(G.nodes[n].get("degree") or 0), n))
        communities.append({"id": cid, "size": len(ms), "members": [_name(G, n) for n in ms[:12]]})
    return {
        "types": dict(Counter(d.get("type", "") for _, d in nodes)),
        "entities": G.number_of_nodes(),
        "ties": edges["ties"],
        "top_degree": [(n, _name(G, n), d.get("type", ""), d.get("degree") or 0) for n, d in by_deg[:top]],
        "top_betweenness": [(n, _name(G, n), d.get("type", ""), d.get("betweenness") or 0.0)
                            for n, d in by_btw[:top] if (d.get("betweenness") or 0) > 0],
        "alliances": edges["alliances"],
        "confrontations": edges["confrontations"],
        "communities": communities,
    }


def view_layout(G: nx.MultiDiGraph, max_nodes: int = MAX_NODES) -> tuple[list, dict, list]:
    """The part of the canvas data that needs no betweenness or communities (so a build
    can compute it meanwhile): the ``max_nodes`` best-connected nodes, their positions
    and the edges among them."""
    keep, H, edges = view_subgraph(G, max_nodes)
    return keep, layout(H), edges


def view_subgraph(G: nx.MultiDiGraph, max_nodes: int = MAX_NODES) -> tuple[list, nx.Graph, list]:
    """The ``max_nodes`` best-connected nodes, the simple graph among them to lay out
    (``layout``) and the canvas edges among them."""
    from conflictkg.graph.metrics import add_simple_edges

    keep = view_nodes(G.nodes(data=True), max_nodes)
    kept = set(keep)
    among = _among(G, kept)
    H = nx.Graph()
    H.add_nodes_from(n for n in G if n in kept)
    add_simple_edges(H, ((a, b, d) for a, b, _, d in among))
    _damp(H)
    return keep, H, canvas_of(keep, among)


def view_nodes(nodes, max_nodes: int = MAX_NODES) -> list:
    """The ``max_nodes`` best-connected of ``nodes`` (``(node, data)`` as ``G.nodes(data=True)``
    gives them), best first: by degree, then mentions."""
    ranked = sorted(nodes, key=lambda x: (-(x[1].get("degree") or 0), -(x[1].get("mentions") or 0), x[0]))
    return [n for n, _ in ranked[:max_nodes]]


def _among(G: nx.MultiDiGraph, kept: set) -> list:
    """The edges among ``kept`` nodes, in G's own order (as G.subgraph(keep) would give
    them); only their data is looked at (in a forked process, what is read is copied)."""
    adj = G._adj
    return [(a, b, k, d) for a in G if a in kept for nbrs in (adj[a],) for b in nbrs if b in kept
            for k, d in nbrs[b].items()]


def _damp(H: nx.Graph) -> None:
    for _, _, d in H.edges(data=True):  # damped weights keep hubs from collapsing the layout
        d["weight"] = 1.0 + (d["weight"] ** 0.5)


def canvas_of(keep: list, among: list) -> list:
    """The canvas edges among the ``keep`` nodes, from ``among``: ``(a, b, key, data)``
    of the edges among them, in the graph's order."""
    index = {n: i for i, n in enumerate(keep)}
    return canvas_rows([index[a] for a, _, _, _ in among], [index[b] for _, b, _, _ in among],
                       [d.get("type", k) for _, _, k, d in among],
                       [d.get("weight", d.get("count", 1)) for *_, d in among],
                       [d.get("evidence") for *_, d in among])


def canvas_rows(sources: list, targets: list, types: list, weights: list, evidence: list) -> list:
    """Canvas edges from their columns: ends (places among the nodes shown), type,
    weight (none or 0: 1) and evidence (the first three are shown).

    >>> canvas_rows([0], [1], ["FIGHTS"], [0], [["a", "b", "c", "d"]])
    [{'s': 0, 't': 1, 'type': 'FIGHTS', 'w': 1, 'evidence': ['a', 'b', 'c']}]
    """
    return [{"s": s, "t": t, "type": k, "w": w or 1, "evidence": list(ev or [])[:3]}
            for s, t, k, w, ev in zip(sources, targets, types, weights, evidence)]


def canvas_edges(G: nx.MultiDiGraph, keep: list) -> list:
    """The canvas edges among the ``keep`` nodes (what ``view_subgraph`` gives third)."""
    return canvas_of(keep, _among(G, set(keep)))


def layout_simple(S, keep: list) -> dict:
    """``layout`` of the simple graph among ``keep`` (what ``view_subgraph`` gives second),
    made from ``S``, the ``metrics.Simple`` view of the whole graph: a build lays it
    out in another process, before the canvas edges are read.

    ``S`` numbers the nodes in G's order and holds each pair's summed weight, its
    neighbours in the order G's edges first join them: the graph among ``keep`` is
    ``S`` cut down to them, as ``add_simple_edges`` over the edges among them makes it.
    """
    H = S.graph(set(keep))
    _damp(H)
    return layout(H)


def view_data(G: nx.MultiDiGraph, max_nodes: int = MAX_NODES, laid_out: tuple | None = None,
              total_edges: int | None = None) -> dict:
    """Nodes with layout positions and edges for the canvas (the best-connected ``max_nodes``).

    ``laid_out``: what ``view_layout(G, max_nodes)`` returns, if it was computed already
    (and ``total_edges``: ``G.number_of_edges()``).
    """
    keep, pos, edges = laid_out or view_layout(G, max_nodes)
    nodes = []
    for n in keep:
        d = G.nodes[n]
        x, y = pos.get(n, (0.0, 0.0))
        nodes.append({
            "id": n, "name": d.get("name") or n, "type": d.get("type", ""), "aliases": list(d.get("aliases") or [])[:8],
            "degree": d.get("degree") or 0, "betweenness": d.get("betweenness") or 0.0,
            "community": d.get("community"), "mentions": d.get("mentions") or 0,
            "x": round(float(x), 4), "y": round(float(y), 4),
        })
    return {"nodes": nodes, "edges": edges, "total_nodes": G.number_of_nodes(),
            "total_edges": G.number_of_edges() if total_edges is None else total_edges,
            "types": {t: list(TYPE_STYLE[t]) for t in ENTITY_TYPES},
            "relations": {t: list(v) for t, v in RELATION_STYLE.items()}}


def _induced(H: nx.Graph, nodes) -> nx.Graph:
    """The subgraph of ``nodes`` as a graph of its own, nodes and neighbours in ``H``'s order.

    ``H.subgraph(nodes)`` would iterate a small node set in the set's order, which changes
    from run to run with string hashing; the spring layout's start positions follow the
    node order, so the picture would too.
    """
    if len(nodes) == len(H):
        return H
    keep = set(nodes)
    S = nx.Graph()
    for n, nbrs in H._adj.items():
        if n in keep:
            S._node[n] = H._node[n]
            S._adj[n] = {m: d for m, d in nbrs.items() if m in keep}
    return S


def layout(H: nx.Graph) -> dict:
    """Positions for an undirected graph: each connected component laid out on its own
    (spring layout, fixed seed) in a square of side ~sqrt(size), squares packed in rows,
    largest first, so small islands do not squash the main component into a corner."""
    comps = sorted((sorted(c) for c in nx.connected_components(H)), key=lambda c: (-len(c), c[0]))
    sides = [max(len(c), 1) ** 0.5 for c in comps]
    row_width = max([sides[0] if sides else 1.0, sum(x * x for x in sides) ** 0.5 * 1.3])
    pos, x, y, row_h = {}, 0.0, 0.0, 0.0
    for comp, side in zip(comps, sides):
        if x > 0 and x + side > row_width:
            x, y, row_h = 0.0, y + row_h + 0.4, 0.0
        if len(comp) == 1:
            local = {comp[0]: (0.5, 0.5)}
        else:
            raw = spring_positions(_induced(H, comp))
            xs, ys = [p[0] for p in raw.values()], [p[1] for p in raw.values()]
            w, h = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
            local = {n: ((p[0] - min(xs)) / w, (p[1] - min(ys)) / h) for n, p in raw.items()}
        for n, (lx, ly) in local.items():
            pos[n] = (x + lx * side * 0.85, y + ly * side * 0.85)
        x += side + 0.4
        row_h = max(row_h, side)
    return pos


def _script_json(data) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _actor_rows(rows, fmt) -> str:
    out = []
    for n, name, etype, value in rows:
        colour, tname = TYPE_STYLE.get(etype, ("#999", etype))
        out.append(f'<tr><td><span class="dot" style="background:{colour}"></span>{_e(name)}</td>'
                   f"<td>{_e(tname)}</td><td class=num><bdi>{fmt(value)}</bdi></td></tr>")
    return "\n".join(out) or '<tr><td colspan=3 class="none">لا شيء</td></tr>'


def _tie_list(ties) -> str:
    if not ties:
        return '<p class="none">لا توجد علاقات من هذا النوع في هذا الرسم.</p>'
    out = ["<ol class=ties>"]
    for t in ties:
        ev = "".join(f"<blockquote>{_e(s)}</blockquote>" for s in t["evidence"])
        out.append(f"<li><b>{_e(t['a_name'])}</b> ← <b>{_e(t['b_name'])}</b> "
                   f"<span class=meta>(<bdi>{t['count']}</bdi> مرة، <bdi>{t['documents']}</bdi> وثيقة)</span>{ev}</li>")
    out.append("</ol>")
    return "\n".join(out)


def render(G: nx.MultiDiGraph, title: str = "شبكة الفاعلين في النزاع", max_nodes: int = MAX_NODES,
           laid_out: tuple | None = None, edges: dict | None = None) -> str:
    """The whole report as one HTML string (``laid_out``: see ``view_data``; ``edges``:
    see ``summary``). With both, the graph's edges are not read at all."""
    s = summary(G, edges=edges)
    data = view_data(G, max_nodes, laid_out, None if edges is None else edges["ties"])
    type_rows = "\n".join(
        f'<tr><td><span class="dot" style="background:{TYPE_STYLE[t][0]}"></span>{_e(TYPE_STYLE[t][1])} '
        f'<bdi class=code>{t}</bdi></td><td class=num><bdi>{s["types"].get(t, 0)}</bdi></td></tr>'
        for t in ENTITY_TYPES if s["types"].get(t)
    )
    communities = "\n".join(
        f"<li><b>المجموعة <bdi>{c['id']}</bdi></b> <span class=meta>(<bdi>{c['size']}</bdi> كيان)</span>: "
        f"{_e('، '.join(c['members']))}</li>" for c in s["communities"]
    ) or '<li class="none">لا شيء</li>'
    shown = "" if data["total_nodes"] <= len(data["nodes"]) else (
        f'<p class=meta>يعرض الرسم أكثر <bdi>{len(data["nodes"])}</bdi> كيانا ارتباطا من أصل '
        f'<bdi>{data["total_nodes"]}</bdi>؛ استخدم مرشحات التصدير لتضييق العرض.</p>')
    return (_TEMPLATE
            .replace("%TITLE%", _e(title))
            .replace("%ENTITIES%", str(s["entities"]))
            .replace("%TIES%", str(s["ties"]))
            .replace("%TYPE_ROWS%", type_rows)
            .replace("%TOP_DEGREE%", _actor_rows(s["top_degree"], lambda v: str(v)))
            .replace("%TOP_BETWEENNESS%", _actor_rows(s["top_betweenness"], lambda v: f"{v:.3f}"))
            .replace("%ALLIANCES%", _tie_list(s["alliances"]))
            .replace("%CONFRONTATIONS%", _tie_list(s["confrontations"]))
            .replace("%COMMUNITIES%", communities)
            .replace("%SHOWN%", shown)
            .replace("%CSS%", _CSS)
            .replace("%JS%", _JS)
            .replace("%DATA%", _script_json(data)))


def write_report(G: nx.MultiDiGraph, path: str | Path, **kw) -> Path:
    path = Path(path)
    path.write_text(render(G, **kw), encoding="utf-8")
    return path


_TEMPLATE = """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>%TITLE%</title>
<style>%CSS%</style>
</head>
<body>
<header><h1>%TITLE%</h1>
<p class=meta><bdi>%ENTITIES%</bdi> كيان، <bdi>%TIES%</bdi> علاقة. أنشأه conflictkg.</p></header>
<main>
<aside id="summary">
<section><h2>الكيانات حسب النوع</h2><table>%TYPE_ROWS%</table></section>
<section><h2>أبرز الفاعلين حسب عدد الروابط</h2><table><tr><th>الاسم</th><th>النوع</th><th>الروابط</th></tr>%TOP_DEGREE%</table></section>
<section><h2>أبرز الوسطاء (مركزية البينية)</h2><table><tr><th>الاسم</th><th>النوع</th><th>البينية</th></tr>%TOP_BETWEENNESS%</table></section>
<section><h2>أقوى التحالفات</h2>%ALLIANCES%</section>
<section><h2>أقوى المواجهات</h2>%CONFRONTATIONS%</section>
<section><h2>المجموعات (مجتمعات لوفان)</h2><ul class=communities>%COMMUNITIES%</ul></section>
</aside>
<section id="graph">
<div id="tools"><input id="search" type="search" placeholder="ابحث عن اسم…" aria-label="بحث"><span id="legend"></span></div>
%SHOWN%
<canvas id="canvas" aria-label="رسم الشبكة"></canvas>
<div id="details" hidden></div>
<div id="tip" hidden></div>
</section>
</main>
<script type="application/json" id="ckg-data">%DATA%</script>
<script>%JS%</script>
</body>
</html>
"""

_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Naskh Arabic","Noto Sans Arabic","Geeza Pro","Segoe UI","DejaVu Sans",Tahoma,Arial,sans-serif;
 color:#222;background:#f6f6f4;font-size:15px;line-height:1.55}
header{padding:10px 18px;background:#263238;color:#fff}
header h1{margin:0;font-size:22px}
header .meta{color:#cfd8dc;margin:2px 0 0}
main{display:grid;grid-template-columns:minmax(320px,430px) 1fr;height:calc(100vh - 78px)}
aside{overflow:auto;padding:8px 16px;background:#fff;border-inline-end:1px solid #ddd}
h2{font-size:16px;margin:14px 0 6px;color:#263238;border-bottom:1px solid #e0e0e0}
table{border-collapse:collapse;width:100%}
td,th{padding:2px 6px;text-align:start;vertical-align:top}
th{font-weight:normal;color:#666;font-size:13px}
td.num{text-align:end;font-variant-numeric:tabular-nums}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-inline-end:6px}
.code{font-family:monospace;font-size:11px;color:#888}
.meta,.none{color:#777;font-size:13px}
blockquote{margin:3px 0 6px;padding:2px 8px;border-inline-start:3px solid #ccc;color:#444;font-size:13px;background:#fafafa}
ol.ties,ul.communities{padding-inline-start:20px;margin:0}
#graph{position:relative;overflow:hidden}
#tools{position:absolute;top:8px;inset-inline-start:8px;inset-inline-end:8px;z-index:2;display:flex;gap:10px;flex-wrap:wrap;align-items:center}
#search{font:inherit;padding:3px 8px;width:200px}
#legend input{margin:0 0 0 4px;vertical-align:middle}
#legend label{display:inline-block;background:#ffffffd0;padding:1px 6px;border-radius:8px;font-size:13px;cursor:pointer;margin-inline-end:4px}
#graph>p.meta{position:absolute;bottom:4px;inset-inline-start:10px;margin:0;z-index:2}
canvas{display:block;width:100%;height:100%;cursor:grab}
#details{position:absolute;bottom:10px;inset-inline-end:10px;width:340px;max-height:55%;overflow:auto;background:#fff;
 border:1px solid #ccc;border-radius:6px;padding:8px 12px;z-index:3;box-shadow:0 2px 8px #0002;font-size:14px}
#tip{position:absolute;pointer-events:none;background:#263238;color:#fff;padding:2px 8px;border-radius:4px;font-size:13px;z-index:4}
"""

_JS = r"""
(function(){
"use strict";
var D=JSON.parse(document.getElementById("ckg-data").textContent);
var N=D.nodes, E=D.edges, cv=document.getElementById("canvas"), ctx=cv.getContext("2d");
var tip=document.getElementById("tip"), det=document.getElementById("details");
var hidden={}, sel=-1, hover=-1, query="", W=0, H=0, dpr=window.devicePixelRatio||1;
var view={s:1,x:0,y:0}, maxDeg=1, adj=N.map(function(){return [];});
N.forEach(function(n){if(n.degree>maxDeg)maxDeg=n.degree;});
N.forEach(function(n){n.r=4+14*Math.sqrt(n.degree/maxDeg);});
E.forEach(function(e,i){adj[e.s].push(i);adj[e.t].push(i);});
var order=N.map(function(_,i){return i;}).sort(function(a,b){return N[b].degree-N[a].degree;});
var FONT=getComputedStyle(document.body).fontFamily;
function norm(s){return (s||"").replace(/[\u064B-\u065F\u0670\u0640]/g,"").replace(/[\u0622\u0623\u0625]/g,"\u0627")
 .replace(/\u0649/g,"\u064A").replace(/\u0629/g,"\u0647").toLowerCase();}
function resize(){var r=cv.getBoundingClientRect();W=r.width;H=r.height;cv.width=W*dpr;cv.height=H*dpr;fit();draw();}
function fit(){var pad=60,xs=N.map(function(n){return n.x;}),ys=N.map(function(n){return n.y;});
 if(!N.length)return;var x0=Math.min.apply(null,xs),x1=Math.max.apply(null,xs),y0=Math.min.apply(null,ys),y1=Math.max.apply(null,ys);
 var sx=(W-2*pad)/((x1-x0)||1),sy=(H-2*pad-40)/((y1-y0)||1);
 // fill the panel, but never stretch one axis more than 1.6 times the other
 sx=Math.min(sx,1.6*sy);sy=Math.min(sy,1.6*sx);
 var ox=(W-(x1-x0)*sx)/2,oy=(H+40-(y1-y0)*sy)/2;
 N.forEach(function(n){n.px=(n.x-x0)*sx+ox;n.py=(n.y-y0)*sy+oy;});view={s:1,x:0,y:0};}
function visible(n){return !hidden[n.type];}
function matches(n){if(!query)return false;if(norm(n.name).indexOf(query)>=0)return true;
 return n.aliases.some(function(a){return norm(a).indexOf(query)>=0;});}
function near(i){if(sel<0)return true;if(i===sel)return true;return adj[sel].some(function(k){return E[k].s===i||E[k].t===i;});}
function draw(){
 ctx.setTransform(dpr,0,0,dpr,0,0);ctx.clearRect(0,0,W,H);
 ctx.translate(view.x,view.y);ctx.scale(view.s,view.s);
 E.forEach(function(e){var a=N[e.s],b=N[e.t];if(!visible(a)||!visible(b))return;
  var st=D.relations[e.type]||["#999",""],co=e.type==="CO_OCCURS_WITH";
  var on=sel<0||e.s===sel||e.t===sel;ctx.globalAlpha=on?(co?0.45:0.9):0.06;
  ctx.strokeStyle=st[0];ctx.lineWidth=(co?Math.min(1+Math.log(e.w),5):2.2)/view.s;
  ctx.beginPath();ctx.moveTo(a.px,a.py);ctx.lineTo(b.px,b.py);ctx.stroke();});
 ctx.globalAlpha=1;var labels=0;
 N.forEach(function(n,i){if(!visible(n))return;var on=near(i);
  ctx.globalAlpha=on?1:0.15;ctx.fillStyle=(D.types[n.type]||["#999"])[0];
  ctx.beginPath();ctx.arc(n.px,n.py,n.r/Math.sqrt(view.s),0,7);ctx.fill();
  if(i===sel||matches(n)){ctx.lineWidth=3/view.s;ctx.strokeStyle="#000";ctx.stroke();}});
 ctx.direction="rtl";ctx.textAlign="center";ctx.textBaseline="top";
 var fs=12/view.s,boxes=[];ctx.font=fs+"px "+FONT;
 order.forEach(function(i){var n=N[i];if(!visible(n)||!near(i))return;
  var must=i===sel||i===hover||matches(n)||(sel>=0&&near(i));
  var y=n.py+n.r/Math.sqrt(view.s)+2/view.s,w=ctx.measureText(n.name).width,b=[n.px-w/2,y,n.px+w/2,y+fs];
  // the best-connected names first; a name that would overlap one already drawn waits for a zoom
  if(!must&&boxes.some(function(o){return b[0]<o[2]&&o[0]<b[2]&&b[1]<o[3]&&o[1]<b[3];}))return;
  boxes.push(b);ctx.globalAlpha=1;ctx.lineWidth=3/view.s;ctx.strokeStyle="#f6f6f4";
  ctx.strokeText(n.name,n.px,y);ctx.fillStyle="#222";ctx.fillText(n.name,n.px,y);labels++;});
 window.ckgReport={ready:true,nodes:N.filter(visible).length,labels:labels};}
function toWorld(x,y){return [(x-view.x)/view.s,(y-view.y)/view.s];}
function pick(x,y){var p=toWorld(x,y),best=-1,bd=1e9;
 N.forEach(function(n,i){if(!visible(n))return;var dx=n.px-p[0],dy=n.py-p[1],d=dx*dx+dy*dy,r=n.r/Math.sqrt(view.s)+3;
  if(d<r*r&&d<bd){bd=d;best=i;}});return best;}
function el(tag,text,cls){var e=document.createElement(tag);if(text!==undefined)e.textContent=text;if(cls)e.className=cls;return e;}
function showDetails(i){det.textContent="";if(i<0){det.hidden=true;return;}var n=N[i],t=D.types[n.type]||["#999",n.type];
 det.appendChild(el("h2",n.name));det.appendChild(el("div",t[1]+" · "+n.mentions+" ذكر · "+n.degree+" رابط · بينية "+n.betweenness.toFixed(3),"meta"));
 if(n.aliases.length>1)det.appendChild(el("div","أسماء أخرى: "+n.aliases.join("، ")));
 var ul=el("ul");adj[i].map(function(k){return E[k];}).sort(function(a,b){return (a.type==="CO_OCCURS_WITH")-(b.type==="CO_OCCURS_WITH")||b.w-a.w;})
 .slice(0,25).forEach(function(e){var o=N[e.s===i?e.t:e.s],r=D.relations[e.type]||["",e.type];
  var li=el("li",(e.s===i?"":"← ")+r[1]+": "+o.name+" ("+e.w+")");
  e.evidence.forEach(function(s){li.appendChild(el("blockquote",s));});ul.appendChild(li);});
 det.appendChild(ul);det.hidden=false;}
var drag=null;
cv.addEventListener("mousedown",function(ev){var i=pick(ev.offsetX,ev.offsetY);
 drag={i:i,x:ev.offsetX,y:ev.offsetY,moved:false};});
window.addEventListener("mouseup",function(){if(drag&&!drag.moved){sel=drag.i===sel?-1:drag.i;showDetails(sel);draw();}drag=null;});
cv.addEventListener("mousemove",function(ev){
 if(drag){var dx=ev.offsetX-drag.x,dy=ev.offsetY-drag.y;if(Math.abs(dx)+Math.abs(dy)>2)drag.moved=true;
  if(drag.i>=0){N[drag.i].px+=dx/view.s;N[drag.i].py+=dy/view.s;}else{view.x+=dx;view.y+=dy;}
  drag.x=ev.offsetX;drag.y=ev.offsetY;draw();return;}
 var i=pick(ev.offsetX,ev.offsetY);if(i!==hover){hover=i;draw();}
 if(i>=0){tip.textContent=N[i].name+" · "+(D.types[N[i].type]||["",""])[1];tip.hidden=false;
  tip.style.left=(ev.offsetX+12)+"px";tip.style.top=(ev.offsetY+12)+"px";}else tip.hidden=true;});
cv.addEventListener("wheel",function(ev){ev.preventDefault();var k=Math.exp(-ev.deltaY*0.0015);
 view.x=ev.offsetX-(ev.offsetX-view.x)*k;view.y=ev.offsetY-(ev.offsetY-view.y)*k;view.s*=k;draw();},{passive:false});
document.getElementById("search").addEventListener("input",function(ev){query=norm(ev.target.value.trim());draw();});
var lg=document.getElementById("legend");
Object.keys(D.types).forEach(function(t){if(!N.some(function(n){return n.type===t;}))return;
 var lab=el("label"),box=el("input");box.type="checkbox";box.checked=true;
 box.addEventListener("change",function(){hidden[t]=!box.checked;draw();});
 var dot=el("span","","dot");dot.style.background=D.types[t][0];lab.appendChild(box);lab.appendChild(dot);
 lab.appendChild(document.createTextNode(D.types[t][1]));lg.appendChild(lab);});
window.addEventListener("resize",resize);resize();
})();
"""
