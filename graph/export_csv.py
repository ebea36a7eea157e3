"""CSV files for ``neo4j-admin database import full``: the fastest first load of a big graph.

The files give the same model as the Bolt loader (issue 5)::

    entities.csv      id:ID(Entity),:LABEL,name,name_normalized,type,aliases:string[],mentions:int,...
    documents.csv     id:ID(Document),:LABEL,title,date,url,source
    relations.csv     :START_ID(Entity),:END_ID(Entity),:TYPE,count:int,documents:int,evidence:string[],...
    cooccurs.csv      :START_ID(Entity),:END_ID(Entity),:TYPE,weight:int,sentences:int,documents:int,...
    mentioned_in.csv  :START_ID(Entity),:END_ID(Document),:TYPE,count:int,sentences:int

``:LABEL`` is ``Entity;<TypeLabel>`` (labels only from ``records.TYPE_LABELS``), ``:TYPE``
only from ``records.RELATION_TYPES``. Fields are RFC 4180 CSV (``"`` doubled inside quoted
fields, the neo4j-admin default since 5.0); arrays use the default array delimiter ``;``,
so a ``;`` inside an array element is written as the Arabic semicolon ``؛``. Line breaks
inside values become spaces, so ``--multiline-fields`` is not needed. The exact command is
written to ``import.sh`` beside the files (see :func:`admin_command`).

>>> admin_command("import")  # doctest: +NORMALIZE_WHITESPACE
'neo4j-admin database import full neo4j --overwrite-destination --array-delimiter=";"
 --nodes=import/entities.csv --nodes=import/documents.csv
 --relationships=import/relations.csv --relationships=import/cooccurs.csv
 --relationships=import/mentioned_in.csv'
"""
from __future__ import annotations

import csv
from pathlib import Path

from conflictkg.records import CO_OCCURS_WITH, RELATION_TYPES, TYPE_LABELS

ARRAY_DELIMITER = ";"
ARRAY_SUBSTITUTE = "؛"  # U+061B ARABIC SEMICOLON stands in for ; inside array elements

# (property, neo4j-admin type or "" for string, graph attribute)
ENTITY_COLUMNS = [
    ("name", ""), ("name_normalized", ""), ("type", ""), ("aliases", "string[]"),
    ("mentions", "int"), ("documents", "int"), ("first_seen", ""), ("last_seen", ""),
    ("degree", "int"), ("weighted_degree", "float"), ("betweenness", "float"), ("community", "int"),
]
DOCUMENT_COLUMNS = [("title", ""), ("date", ""), ("url", ""), ("source", "")]
RELATION_COLUMNS = [
    ("count", "int"), ("documents", "int"), ("evidence", "string[]"), ("first_seen", ""), ("last_seen", ""),
]
COOC_COLUMNS = [
    ("weight", "int"), ("sentences", "int"), ("documents", "int"), ("first_seen", ""), ("last_seen", ""),
]
MENTION_COLUMNS = [("count", "int"), ("sentences", "int")]

NODE_FILES = ("entities.csv", "documents.csv")
RELATIONSHIP_FILES = ("relations.csv", "cooccurs.csv", "mentioned_in.csv")


def header(kind: str, columns) -> list[str]:
    """The header row of one file; ``kind`` is ``Entity``/``Document`` or ``(start, end)`` id spaces.

    >>> header("Entity", [("mentions", "int"), ("name", "")])
    ['id:ID(Entity)', ':LABEL', 'mentions:int', 'name']
    >>> header(("Entity", "Document"), [("count", "int")])
    [':START_ID(Entity)', ':END_ID(Document)', ':TYPE', 'count:int']
    """
    props = [f"{name}:{typ}" if typ else name for name, typ in columns]
    if isinstance(kind, tuple):
        return [f":START_ID({kind[0]})", f":END_ID({kind[1]})", ":TYPE"] + props
    return [f"id:ID({kind})", ":LABEL"] + props


def _text(value) -> str:
    return " ".join(str(value).splitlines()) if value is not None else ""


def cell(value, typ: str) -> str:
    """One field as neo4j-admin reads it (csv quoting is left to the writer).

    >>> cell(["مصراتة", "a;b"], "string[]")
    'مصراتة;a؛b'
    >>> cell(0.25, "float"), cell(None, "int"), cell("سطر\\nثان", "")
    ('0.25', '', 'سطر ثان')
    """
    if value is None or value == "":
        return ""
    if typ.endswith("[]"):
        items = value if isinstance(value, (list, tuple)) else [value]
        return ARRAY_DELIMITER.join(_text(v).replace(ARRAY_DELIMITER, ARRAY_SUBSTITUTE) for v in items)
    if typ == "int":
        return str(int(value))
    if typ == "float":
        return repr(float(value))
    return _text(value)


def _writer(path: Path):
    fh = open(path, "w", encoding="utf-8", newline="")
    return fh, csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def _row(values: dict, columns) -> list[str]:
    return [cell(values.get(name), typ) for name, typ in columns]


def write_csv(view, out: str | Path) -> Path:
    """Write the five files and ``import.sh`` into the folder ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_graph_csv(view.graph, out)
    m_fh, m_w = _writer(out / "mentioned_in.csv")
    d_fh, d_w = _writer(out / "documents.csv")
    with m_fh, d_fh:
        m_w.writerow(header(("Entity", "Document"), MENTION_COLUMNS))
        d_w.writerow(header("Document", DOCUMENT_COLUMNS))
        if view.folder is not None:
            _document_rows(view.folder, view.docs, view.graph, m_w, d_w)
    _write_import_sh(out, admin_command("import"))
    return out


def write_graph_csv(G, out: Path) -> None:
    """``entities.csv``, ``relations.csv`` and ``cooccurs.csv``: the files the graph alone gives."""
    from conflictkg.extractors.text import normalize_phrase

    fh, w = _writer(out / "entities.csv")
    with fh:
        w.writerow(header("Entity", ENTITY_COLUMNS))
        for n, d in G.nodes(data=True):
            label = TYPE_LABELS.get(d.get("type"))
            if label is None:
                raise ValueError(f"entity {n!r}: type {d.get('type')!r} is not in the label whitelist")
            values = dict(d, name_normalized=normalize_phrase(d.get("name", "")))
            w.writerow([n, f"Entity;{label}"] + _row(values, ENTITY_COLUMNS))

    rel_fh, rel_w = _writer(out / "relations.csv")
    co_fh, co_w = _writer(out / "cooccurs.csv")
    with rel_fh, co_fh:
        rel_w.writerow(header(("Entity", "Entity"), RELATION_COLUMNS))
        co_w.writerow(header(("Entity", "Entity"), COOC_COLUMNS))
        for a, b, k, d in G.edges(keys=True, data=True):
            rtype = d.get("type", k)
            if rtype == CO_OCCURS_WITH:
                co_w.writerow([a, b, rtype] + _row(d, COOC_COLUMNS))
            elif rtype in RELATION_TYPES:
                rel_w.writerow([a, b, rtype] + _row(d, RELATION_COLUMNS))
            else:
                raise ValueError(f"edge {a!r}->{b!r}: relation type {rtype!r} is not in the whitelist")


def _document_rows(folder, docs, graph, m_w, d_w) -> None:
    """``MENTIONED_IN`` rows of a build folder's mentions, then its cited documents, sorted.
    ``graph`` (None: all) limits the entities, ``docs`` (None: all) the documents."""
    from conflictkg.graph.folder import documents, mentioned_in

    cited: set[str] = set()
    for eid, doc, count, sentences in mentioned_in(folder, docs):
        if graph is None or eid in graph:
            cited.add(doc)
            m_w.writerow([eid, doc, "MENTIONED_IN", count, sentences])
    meta = documents(folder)
    for doc in sorted(cited):
        d_w.writerow([doc, "Document"] + _row(meta.get(doc, {}), DOCUMENT_COLUMNS))


# --- a build written in partitions (``build --executor dask``) -----------------------
#
# neo4j-admin reads a file group "header file, data files..." as one big file, and the
# data files may be named by a regular expression, so each partition's documents and
# MENTIONED_IN rows are written where the partition is processed, without a header,
# and never concatenated.

PART_FILES = ("documents", "mentioned_in")


def write_csv_part(folder: str | Path, out: str | Path, part: int) -> None:
    """``documents-part-NNNNN.csv`` and ``mentioned_in-part-NNNNN.csv`` (no header) from
    the ``mentions.jsonl``/``documents.jsonl`` of one partition ``folder``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    m_fh, m_w = _writer(out / f"mentioned_in-part-{part:05d}.csv")
    d_fh, d_w = _writer(out / f"documents-part-{part:05d}.csv")
    with m_fh, d_fh:
        _document_rows(folder, None, None, m_w, d_w)


def finish_csv_parts(G, out: str | Path) -> Path:
    """The graph files, the header files of the partitioned ones, and ``import.sh``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_graph_csv(G, out)
    for name, kind, columns in (("documents", "Document", DOCUMENT_COLUMNS),
                                ("mentioned_in", ("Entity", "Document"), MENTION_COLUMNS)):
        fh, w = _writer(out / f"{name}-header.csv")
        with fh:
            w.writerow(header(kind, columns))
    _write_import_sh(out, admin_command("import", parts=True))
    return out


def _write_import_sh(out: Path, command: str) -> None:
    (out / "import.sh").write_text(
        "#!/bin/sh\n# Copy this folder to $NEO4J_HOME/import, stop the database, then run (Neo4j 5):\n"
        + command + "\n",
        encoding="utf-8",
    )


def admin_command(folder: str = "import", database: str = "neo4j", parts: bool = False) -> str:
    """The ``neo4j-admin`` command that imports the files of ``folder`` into ``database``.

    With ``parts``, documents and ``MENTIONED_IN`` are file groups: a header file and
    the partition files as a regular expression (quoted for the shell)::

    >>> admin_command(parts=True).split()[-1]
    "'--relationships=import/mentioned_in-header.csv,import/mentioned_in-part-.*'"
    """
    parts_of = set(PART_FILES) if parts else set()
    opts = ["neo4j-admin", "database", "import", "full", database, "--overwrite-destination",
            f'--array-delimiter="{ARRAY_DELIMITER}"']
    for flag, files in (("nodes", NODE_FILES), ("relationships", RELATIONSHIP_FILES)):
        for f in files:
            name = f.removesuffix(".csv")
            if name in parts_of:
                opts.append(f"'--{flag}={folder}/{name}-header.csv,{folder}/{name}-part-.*'")
            else:
                opts.append(f"--{flag}={folder}/{f}")
    return " ".join(opts)
