"""Export a built folder for Gephi, spreadsheets, neo4j-admin, cypher-shell or a browser.

Formats:
  graphml  Gephi / yEd / networkx (lists as JSON strings)      default: DIR/graph.graphml
  gexf     Gephi (relation type as edge label and `relation`)   default: DIR/graph.gexf
  json     networkx node-link JSON                              default: DIR/graph.json
  csv      files for `neo4j-admin database import full`, with  default: DIR/neo4j-import/
           import.sh holding the exact command
  cypher   a script for `cypher-shell -f` (idempotent MERGEs)   default: DIR/graph.cypher
  html     one offline report: interactive graph and summary    default: DIR/report.html

Filters (any format): --types (comma-separated: ARMED_GROUP,COMMANDER ...), --min-weight
(ties at least this strong), --since/--until (document dates; the graph is rebuilt from
the documents of the window), --ego NAME --depth N (one actor's neighbourhood).
A filtered export's default name gets "-filtered" (DIR/report-filtered.html), so the
build's own files are never replaced.

Examples:
  conflictkg export out/example --format html
  conflictkg export out/example --format gexf --types ARMED_GROUP,COMMANDER --min-weight 2
  conflictkg export out/example --format csv --out /var/lib/neo4j/import
  conflictkg export out/example --format html --ego "خليفة حفتر" --depth 2 --out haftar.html
  conflictkg export out/example --format cypher --since 2024-01 --until 2024-06
"""
from __future__ import annotations


HELP = "export a built folder: graphml, gexf, json, csv (neo4j-admin), cypher, html report"


def add_arguments(p) -> None:
    from conflictkg.graph.export import FORMATS

    p.add_argument("built", metavar="DIR", help="output folder of conflictkg build")
    p.add_argument("--format", required=True, choices=FORMATS, help="export format")
    p.add_argument("--out", metavar="PATH", help="file (folder for csv); default: inside DIR, see above")
    p.add_argument("--types", metavar="T1,T2", default="", help="only entities of these types")
    p.add_argument("--min-weight", type=float, default=0.0, metavar="W",
                   help="only ties with co-occurrence weight / relation count >= W")
    p.add_argument("--since", default="", metavar="DATE", help="only documents dated on or after DATE (YYYY[-MM[-DD]])")
    p.add_argument("--until", default="", metavar="DATE", help="only documents dated on or before DATE")
    p.add_argument("--ego", default="", metavar="NAME", help="only the neighbourhood of this actor (name or id)")
    p.add_argument("--depth", type=int, default=1, metavar="N", help="neighbourhood depth for --ego (default 1)")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")


def run(args) -> int:
    import os

    from conflictkg.graph.export import write_format
    from conflictkg.graph.filters import GraphFilter, select
    from conflictkg.graph.folder import check_folder

    folder = check_folder(args.built)
    flt = GraphFilter(
        types=tuple(t for t in args.types.split(",") if t.strip()),
        min_weight=args.min_weight, since=args.since, until=args.until, ego=args.ego, depth=args.depth,
    )
    view = select(folder, flt)
    out = args.out or default_path(folder, args.format, _filtered(flt))
    if _filtered(flt) and os.path.abspath(out) == os.path.abspath(os.path.join(folder, "graph.json")):
        raise ValueError(f"{out} is the graph every export reads; write the filtered graph elsewhere")
    write_format(view, args.format, out)
    if not args.quiet:
        G = view.graph
        print(f"{args.format}: {G.number_of_nodes()} entities, {G.number_of_edges()} ties -> {out}")
        if args.format == "csv":
            from conflictkg.graph.export_csv import admin_command

            print("import (Neo4j stopped, files in its import folder):\n  " + admin_command())
    return 0


def default_path(folder, fmt: str, filtered: bool) -> str:
    """``DIR/graph.gexf``; a filtered export never replaces the build's files: ``DIR/graph-filtered.gexf``.

    >>> default_path("out", "html", False), default_path("out", "json", True)
    ('out/report.html', 'out/graph-filtered.json')
    """
    import os

    from conflictkg.graph.export import DEFAULT_NAMES

    name = DEFAULT_NAMES[fmt]
    if filtered:
        stem, dot, ext = name.partition(".")
        name = f"{stem}-filtered{dot}{ext}"
    return os.path.join(folder, name)


def _filtered(flt) -> bool:
    return bool(flt.types or flt.min_weight or flt.windowed or flt.ego)
