"""Sinks that write the graph to files: GraphML and GEXF (Gephi), JSON (networkx node-link).

GraphML and GEXF have no list type Gephi reads reliably, so list values (aliases,
evidence) are written as JSON arrays in a string attribute (``["مصراتة", "مصراته"]``);
``read_graphml``/``read_gexf`` turn them back into lists. Every node also gets a
``label`` (its Arabic name), which Gephi shows as the node caption.

GEXF reserves the edge attributes ``type`` (directed/undirected), ``label`` and
``weight``: there the relation type is written as the edge ``label`` and as the
attribute ``relation``, and ``weight`` is the co-occurrence weight or the relation
count, so Gephi's layouts and filters see how strong each tie is.

The other formats live beside this module: ``export_csv`` (neo4j-admin import),
``export_cypher`` (cypher-shell script) and ``report_html`` (offline report);
``write_format`` dispatches to all of them.
"""
from __future__ import annotations

import itertools
import json
import re
from json.encoder import encode_basestring  # the encoder's own for a str, ensure_ascii=False
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import networkx as nx


_dumps = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(x, ensure_ascii=False) gives


def _dumps_list(values: list) -> str:
    """``_dumps(values)`` for a list, a list of strings without setting up an encoder
    (evidence and document ids: a list per relation edge).

    >>> texts = ['قال "x"', "a/b" + chr(12) + chr(92)]
    >>> _dumps_list(texts) == _dumps(texts), _dumps_list([1, None])
    (True, '[1, null]')
    """
    for v in values:
        if type(v) is not str:
            return _dumps(values)
    return "[" + ", ".join(map(encode_basestring, values)) + "]"


def _flat(value):
    if type(value) is list:
        return _dumps_list(value)
    if isinstance(value, (list, tuple, set)):
        return _dumps(list(value))
    if value is None:
        return ""
    return value


_GRAPHML_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"), (str, "string"))
_TYPE_OF = {bool: "boolean", int: "long", float: "double", str: "string", list: "string", tuple: "string",
            set: "string", type(None): "string"}


def _graphml_type(value) -> str:
    for py, name in _GRAPHML_TYPES:
        if isinstance(value, py):
            return name
    return "string"


def _graphml_keys(items) -> dict[str, str]:
    """Attribute name → GraphML type over all items; a name seen with two types is a string
    if either is, else a double.

    The result depends only on which (name, type) pairs occur and on the order names
    first occur, so each distinct shape of attributes (names and value types) is
    looked at once: a big graph has millions of values but a handful of shapes.
    """
    shapes: dict = {}
    for d in items:
        shapes.setdefault((tuple(d), tuple(map(type, d.values()))), d)
    keys: dict[str, str] = {}
    for (names, types), d in shapes.items():
        for k, v, cls in zip(names, d.values(), types):
            t = _TYPE_OF.get(cls) or _graphml_type(_flat(v))
            if keys.setdefault(k, t) != t:
                keys[k] = "string" if "string" in (t, keys[k]) else "double"
    return keys


# characters XML 1.0 cannot carry at all (scraped text has form feeds and the like)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# ... and those that must be escaped: a string with none of either is written as it is
_XML_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _graphml_value(value, gtype: str) -> str:
    value = _flat(value)
    if gtype == "boolean":
        return "true" if value else "false"
    text = str(value)
    return text if _XML_SPECIAL.search(text) is None else escape(_NOT_XML.sub(" ", text))


def _graphml_text(value, gtype: str) -> str:
    """``_graphml_value`` with fast paths: a number is never escaped, a string only when
    it holds a character that needs it."""
    cls = type(value)
    if cls is str:
        return value if _XML_SPECIAL.search(value) is None else escape(_NOT_XML.sub(" ", value))
    if (cls is int or cls is float) and gtype != "boolean":
        return str(value)
    return _graphml_value(value, gtype)


def _data_lines(d: dict, tags: dict, gtypes: dict, _special=_XML_SPECIAL.search) -> str:
    # _graphml_text inlined: this runs once per attribute of every edge (a list: _graphml_value's)
    return "".join([
        f"{tags[k]}{(v if _special(v) is None else escape(_NOT_XML.sub(' ', v))) if (c := type(v)) is str else str(v) if c is int or c is float else (t if _special(t := _dumps_list(v)) is None else escape(_NOT_XML.sub(' ', t))) if c is list else _graphml_value(v, gtypes[k])}</data>\n"
        for k, v in d.items()
    ])


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``G`` as GraphML (what ``nx.write_graphml`` writes), streamed.

    The file is written element by element from ``G`` itself: no flattened copy of the
    graph is made, so a graph of millions of edges does not double in memory.
    """
    node_keys = _graphml_keys(d for _, d in G.nodes(data=True))
    node_keys.setdefault("label", "string")
    edge_keys = _graphml_keys(d for *_, d in G.edges(data=True))
    with open(path, "w", encoding="utf-8") as fh:
        write_graphml_head(fh, node_keys, edge_keys)
        write_graphml_nodes(G, fh, node_keys)
        write_graphml_edges(G, fh, edge_keys)
        fh.write(GRAPHML_TAIL)


GRAPHML_TAIL = "  </graph>\n</graphml>\n"


def write_graphml_head(fh, node_keys: dict[str, str], edge_keys: dict[str, str]) -> None:
    """What :func:`write_graphml` writes before the nodes."""
    w = fh.write
    w('<?xml version=\'1.0\' encoding=\'utf-8\'?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
      'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    for domain, keys in (("node", node_keys), ("edge", edge_keys)):
        for k, t in keys.items():
            w(f'  <key id={quoteattr(k)} for="{domain}" attr.name={quoteattr(k)} attr.type="{t}" />\n')
    w('  <graph edgedefault="directed">\n')


def write_graphml_nodes(G: nx.MultiDiGraph, fh, node_keys: dict[str, str]) -> None:
    """The ``<node>`` elements of :func:`write_graphml`."""
    tags = {k: f"      <data key={quoteattr(k)}>" for k in node_keys}
    out = []
    for n, d in G.nodes(data=True):
        out.append(f"    <node id={quoteattr(str(n))}>\n")
        if "label" not in d:
            out.append(f'      <data key="label">{_graphml_text(d.get("name", n), "string")}</data>\n')
        out.append(_data_lines(d, tags, node_keys))
        out.append("    </node>\n")
        if len(out) >= 4096:
            fh.write("".join(out))
            out.clear()
    fh.write("".join(out))


class KeysNeeded(Exception):
    """``write_graphml_edges`` without the edge keys met a value whose text depends on
    its key's type (a bool): the keys must be found first."""


# values written the same whatever their key's GraphML type (only a key of bools is "boolean")
_KEY_FREE = frozenset({str, int, float, list, tuple, set, type(None)})


class _Unknown(dict):
    """Key types while they are being found: only the _KEY_FREE values are written, for
    which any type but "boolean" gives the same text."""

    def __missing__(self, key):
        return "string"


def _shape(d: dict) -> tuple:
    return tuple(d), tuple(map(type, d.values()))


def _form(rendered: str, fields: dict[str, str]) -> str:
    """A %-format from ``rendered``, a text made from placeholder values: each
    placeholder's text (``fields``: its text → field name) becomes that field.

    >>> _form('<a x="@x@">50%</a>', {"@x@": "x"}) % {"x": 7}
    '<a x="7">50%</a>'
    """
    form = rendered.replace("%", "%%")
    for text, name in fields.items():
        if text not in form:
            raise ValueError(f"placeholder {text!r} not in {rendered!r}")
        form = form.replace(text, f"%({name})s")
    return form


def _positional(rendered: str, fields: dict[str, str]) -> tuple[str, list[str]]:
    """``_form`` with positional fields: the %-format and its fields' names in order, for
    filling it from columns (``zip`` of them in that order).

    >>> _positional('<a x="@x@" y="@y@">@x@%</a>', {'"@x@"': "x", '"@y@"': "y", "@x@": "x"})
    ('<a x=%s y=%s>%s%%</a>', ['x', 'y', 'x'])
    """
    pattern = re.compile("|".join(map(re.escape, sorted(fields, key=len, reverse=True))))
    pieces, names, at = [], [], 0
    for m in pattern.finditer(rendered):
        pieces += [rendered[at:m.start()].replace("%", "%%"), "%s"]
        names.append(fields[m.group()])
        at = m.end()
    if not set(fields.values()) <= set(names):
        raise ValueError(f"a placeholder of {sorted(fields)} is not in {rendered!r}")
    return "".join(pieces) + rendered[at:].replace("%", "%%"), names


def _block_texts(block, render, first_pair, pair_texts) -> list:
    """The texts of the edges of an ``EdgeBlock`` (``graph.model``), in order: relations
    through ``render((a, b, key, data))``, the co-occurrences from ``pair_texts(columns)``
    (None when a value has not the type a column form needs: then one by one through
    ``render`` too). While ``first_pair()`` is true, the block's first co-occurrence
    goes through ``render``, after the relations before it: as when the edges come one
    by one (the renderer notes each shape of data as it first meets it)."""
    pairs, relations, is_pair = block.pairs, block.relations, block.is_pair
    if not pairs[0]:
        return [render(e) for e in relations]
    if first_pair():
        k = is_pair.index(True)
        head = [render(e) for e in itertools.islice(block.edges(), k + 1)]
        texts = pair_texts(tuple(column[1:] for column in pairs))
        if texts is None:
            return head + [render(e) for e in itertools.islice(block.edges(), k + 1, None)]
        texts = head[k:] + texts
        rel_texts = head[:k] + [render(e) for e in relations[k:]]
    else:
        texts = pair_texts(pairs)
        if texts is None:
            return [render(e) for e in block.edges()]
        rel_texts = [render(e) for e in relations]
    if not rel_texts:
        return texts
    texts, rel_texts = iter(texts), iter(rel_texts)
    return [next(texts) if p else next(rel_texts) for p in is_pair]


def _edges_of(edges):
    """``(a, b, key, data)`` of a graph's edges, or ``edges`` itself when it is not a graph."""
    return edges.edges(keys=True, data=True) if isinstance(edges, nx.Graph) else edges


def write_graphml_edges(edges, fh, edge_keys: dict[str, str] | None = None) -> dict[str, str]:
    """The ``<edge>`` elements of :func:`write_graphml`, in order; returns the edge keys.

    ``edges``: a graph, or its edges as ``GraphAccumulator.edges`` gives them (a
    co-occurrence's data as a tuple: those are written from one %-format). Without
    ``edge_keys``, the keys are found on the way, and ``KeysNeeded`` is raised if a
    value's text depends on them.
    """
    render, found = graphml_edge_renderer(edge_keys)
    _write_rendered(fh, map(render, _edges_of(edges)))
    return edge_keys or _graphml_keys(found.values())


def _write_rendered(fh, texts, sep: str = "") -> None:
    """Write ``texts`` joined by ``sep``, a few thousand at a time."""
    opening = True
    for batch in iter(lambda: list(itertools.islice(texts, 4096)), []):
        fh.write(("" if opening else sep) + sep.join(batch))
        opening = False


def graphml_edge_renderer(edge_keys: dict[str, str] | None = None):
    """``(render, found)``: ``render((a, b, key, data))`` is an edge's ``<edge>`` element
    (as :func:`write_graphml_edges` takes edges); without ``edge_keys`` (see there),
    ``found`` holds the data of the first edge of each shape rendered so far, in order:
    ``_graphml_keys(found.values())`` are their keys. ``render.block(block)``: the
    elements of an ``EdgeBlock``'s edges (``graph.model``), in order, the same texts."""
    from conflictkg.graph.model import CO_OCCURS_WITH, cooc_data

    finding = edge_keys is None
    gtypes = edge_keys if not finding else _Unknown()
    shapes: dict = {}
    tags: dict = {}
    ids: dict = {}  # node or key → its quoted attribute value
    texts: dict = {}  # a co-occurrence's date → its text
    forms: dict = {}  # key → the %-format of its co-occurrence edges

    def q(x) -> str:
        if type(x) is not str:  # 1, 1.0 and True are one dict key
            return quoteattr(str(x))
        s = ids.get(x)
        if s is None:
            s = ids[x] = quoteattr(x)
        return s

    def element(a, b, key, d, seen: bool = True) -> str:
        for k in d:
            if k not in tags:
                tags[k] = f"      <data key={quoteattr(k)}>"
        if finding and seen:
            shape = _shape(d)
            if shape not in shapes:
                if not _KEY_FREE.issuperset(shape[1]):
                    raise KeysNeeded(key)
                shapes[shape] = d
        return f"    <edge source={q(a)} target={q(b)} id={q(key)}>\n{_data_lines(d, tags, gtypes)}    </edge>\n"

    def date(v) -> str:
        s = texts.get(v)
        if s is None:
            s = texts[v] = _graphml_text(v, "string")
        return s

    fields = {'"@a@"': "a", '"@b@"': "b", "@n@": "n", "@d@": "d", "@f@": "f", "@l@": "l"}

    def template(key) -> str:
        return element("@a@", "@b@", key, cooc_data("@n@", "@d@", "@f@", "@l@"), seen=False)

    def render(edge) -> str:
        a, b, key, d = edge
        if type(d) is not tuple:
            return element(a, b, key, d)
        if type(d[0]) is int and type(d[1]) is int and type(d[2]) is str and type(d[3]) is str:
            form = forms.get(key)
            if form is None:  # the first: written in full, and its form made
                forms[key] = _form(template(key), fields)
                return element(a, b, key, cooc_data(*d))
            n, docs, first, last = d
            return form % {"a": q(a), "b": q(b), "n": n, "d": docs, "f": date(first), "l": date(last)}
        return element(a, b, key, cooc_data(*d))

    columns: list = []  # the positional %-format of co-occurrence edges, and its fields

    def pair_texts(pairs: tuple) -> list | None:
        if CO_OCCURS_WITH not in forms or not _typed(pairs, (object, object, int, int, str, str)):
            return None
        if not columns:
            columns.append(_positional(template(CO_OCCURS_WITH), fields))
        return _column_texts(pairs, columns[0], q, date)

    render.block = lambda block: _block_texts(block, render, lambda: CO_OCCURS_WITH not in forms, pair_texts)
    return render, shapes


def _typed(columns: tuple, types: tuple) -> bool:
    """Is every value of each column of exactly its type (``object``: any)?"""
    return all(cls is object or all(type(v) is cls for v in column) for column, cls in zip(columns, types))


def read_graphml(path: str | Path) -> nx.MultiDiGraph:
    """Read a GraphML file written by :func:`write_graphml`, lists restored."""
    G = nx.read_graphml(str(path), force_multigraph=True)
    _restore_lists(G)
    return G


def _restore_lists(G: nx.MultiDiGraph) -> None:
    for _, d in list(G.nodes(data=True)) + [(None, d) for *_, d in G.edges(data=True)]:
        for k, v in d.items():
            if isinstance(v, str) and v.startswith("[") and v.endswith("]"):
                try:
                    d[k] = json.loads(v)
                except ValueError:
                    pass


def for_gexf(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` for GEXF: flat values, relation type moved off the reserved ``type``."""
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: _flat(v) for k, v in d.items() if k not in ("id", "start", "end")})
        H.nodes[n].setdefault("label", d.get("name", str(n)))
    for a, b, k, d in G.edges(keys=True, data=True):
        attrs = {kk: _flat(v) for kk, v in d.items() if kk not in ("type", "label", "weight", "id", "start", "end")}
        rtype = d.get("type", k)
        attrs.update(relation=rtype, label=rtype, weight=float(d.get("weight", d.get("count", 1)) or 0))
        H.add_edge(a, b, key=k, **attrs)
    return H


def write_gexf(G: nx.MultiDiGraph, path: str | Path) -> None:
    nx.write_gexf(for_gexf(G), str(path), encoding="utf-8")


def read_gexf(path: str | Path) -> nx.MultiDiGraph:
    """Read a GEXF file written by :func:`write_gexf`, lists restored, keyed by relation type."""
    R = nx.read_gexf(str(path))
    _restore_lists(R)
    G = nx.MultiDiGraph()
    G.add_nodes_from(R.nodes(data=True))
    for a, b, d in R.edges(data=True):
        d = dict(d)
        d.pop("id", None)
        rtype = d.get("relation", d.get("label"))
        G.add_edge(a, b, key=rtype, **d)
    return G


def write_json(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``G`` as networkx node-link JSON (``nx.node_link_data(G, edges="links")``), streamed."""
    with open(path, "w", encoding="utf-8") as fh:
        write_json_head(G, fh)
        write_json_nodes(G, fh)
        fh.write(JSON_BETWEEN)
        write_json_links(G, fh)
        fh.write(JSON_TAIL)


JSON_BETWEEN = '], "links": ['
JSON_TAIL = "]}"


def write_json_head(G: nx.MultiDiGraph, fh) -> None:
    """What :func:`write_json` writes before the nodes."""
    fh.write(f'{{"directed": {_dumps(G.is_directed())}, "multigraph": {_dumps(G.is_multigraph())}, '
             f'"graph": {_dumps(G.graph)}, "nodes": [')


def _write_items(fh, rows) -> None:
    """JSON objects separated by ``", "``, encoded a few thousand at a time: a list's items
    come out exactly as one by one, without the encoder's set-up cost for each."""
    first = True
    for batch in iter(lambda: list(itertools.islice(rows, 2048)), []):
        fh.write(("" if first else ", ") + _dumps(batch)[1:-1])
        first = False


def write_json_nodes(G: nx.MultiDiGraph, fh) -> None:
    """The items of the ``nodes`` array of :func:`write_json`."""
    _write_items(fh, ({**d, "id": n} for n, d in G.nodes(data=True)))


def write_json_links(edges, fh) -> None:
    """The items of the ``links`` array of :func:`write_json`. ``edges``: as
    :func:`write_graphml_edges` takes them."""
    if isinstance(edges, nx.Graph):
        _write_items(fh, ({**d, "source": a, "target": b, "key": k} for a, b, k, d in edges.edges(keys=True, data=True)))
    else:
        _write_rendered(fh, map(json_link_renderer(), edges), ", ")


def json_link_renderer():
    """``render((a, b, key, data))``: an edge's item of the ``links`` array (as
    :func:`write_graphml_edges` takes edges); ``render.block(block)``: the items of an
    ``EdgeBlock``'s edges (``graph.model``), in order, the same texts."""
    from conflictkg.graph.model import CO_OCCURS_WITH, cooc_data

    texts: dict = {}  # id or date → its JSON
    forms: dict = {}  # key → the %-format of its co-occurrence links

    def text(v) -> str:
        s = texts.get(v)
        if s is None:
            s = texts[v] = _dumps(v)
        return s

    fields = {'"@a@"': "a", '"@b@"': "b", '"@n@"': "n", '"@d@"': "d", '"@f@"': "f", '"@l@"': "l"}

    def template(key) -> str:
        return _dumps({**cooc_data("@n@", "@d@", "@f@", "@l@"), "source": "@a@", "target": "@b@", "key": key})

    def render(edge) -> str:
        a, b, key, d = edge
        if type(d) is tuple and type(d[0]) is int and type(d[1]) is int and type(d[2]) is str and type(d[3]) is str \
                and type(a) is str and type(b) is str:
            form = forms.get(key)
            if form is None:
                form = forms[key] = _form(template(key), fields)
            n, docs, first, last = d
            return form % {"a": text(a), "b": text(b), "n": n, "d": docs, "f": text(first), "l": text(last)}
        data = cooc_data(*d) if type(d) is tuple else d
        return _dumps({**data, "source": a, "target": b, "key": key})

    columns: list = []  # the positional %-format of co-occurrence links, and its fields

    def pair_texts(pairs: tuple) -> list | None:
        if not _typed(pairs, (str, str, int, int, str, str)):
            return None
        if not columns:
            columns.append(_positional(template(CO_OCCURS_WITH), fields))
        return _column_texts(pairs, columns[0], text, text)

    render.block = lambda block: _block_texts(block, render, lambda: False, pair_texts)
    return render


def read_json(path: str | Path) -> nx.MultiDiGraph:
    with open(path, encoding="utf-8") as fh:
        return nx.node_link_graph(json.load(fh), edges="links")


BUILD_EXPORTS = ("graph.graphml", "graph.json", "graph.gexf", "report.html")


# networkx's GEXF writer is slow (~19 s for 170k edges) and builds its whole XML tree in
# memory: above this size ``build`` leaves GEXF to ``conflictkg export --format gexf``.
GEXF_MAX_EDGES = 50_000


def write_build_exports(G: nx.MultiDiGraph, folder: str | Path) -> list[str]:
    """What ``conflictkg build`` writes by default: the exports that need only the graph
    (no pass over ``mentions.jsonl``): GraphML, JSON, GEXF (up to ``GEXF_MAX_EDGES``
    edges) and the HTML report. Returns the names written."""
    from conflictkg.graph.report_html import write_report

    folder = Path(folder)
    write_graphml(G, folder / "graph.graphml")
    write_json(G, folder / "graph.json")
    if G.number_of_edges() <= GEXF_MAX_EDGES:
        write_gexf(G, folder / "graph.gexf")
    write_report(G, folder / "report.html")
    return [name for name in BUILD_EXPORTS if (folder / name).exists()]


FORMATS = ("graphml", "gexf", "json", "csv", "cypher", "html")
DEFAULT_NAMES = {
    "graphml": "graph.graphml",
    "gexf": "graph.gexf",
    "json": "graph.json",
    "csv": "neo4j-import",
    "cypher": "graph.cypher",
    "html": "report.html",
}


def write_format(view, fmt: str, out: str | Path) -> Path:
    """Write a :class:`~conflictkg.graph.filters.View` in one of ``FORMATS`` to ``out``.

    ``csv`` writes a folder of files; every other format one file.
    """
    out = Path(out)
    if fmt == "graphml":
        write_graphml(view.graph, out)
    elif fmt == "gexf":
        write_gexf(view.graph, out)
    elif fmt == "json":
        write_json(view.graph, out)
    elif fmt == "csv":
        from conflictkg.graph.export_csv import write_csv

        write_csv(view, out)
    elif fmt == "cypher":
        from conflictkg.graph.export_cypher import write_cypher

        write_cypher(view, out)
    elif fmt == "html":
        from conflictkg.graph.report_html import write_report

        write_report(view.graph, out)
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return out


def _column_texts(pairs: tuple, positional: tuple, ids, dates) -> list[str]:
    """The texts of a block of co-occurrences given as columns ``(a, b, sentences,
    documents, first, last)``: ``positional`` is ``(form, field names)`` of
    ``_positional``; ``ids`` and ``dates`` escape the id and date columns for the format."""
    a, b, n, d, f, l = pairs
    form, names = positional
    values = {"a": list(map(ids, a)), "b": list(map(ids, b)), "n": n, "d": d, "f": list(map(dates, f)), "l": list(map(dates, l))}
    return [form % t for t in zip(*[values[name] for name in names])]
