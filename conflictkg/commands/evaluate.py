"""Score a built folder against gold annotations.

Per-type precision/recall/F1 of entities per document, cross-document resolution
quality (pairwise and B-cubed F1) and relation P/R/F1. Gold format: see
../shared/corpus/seeds/gold/README.md.

Example:
  conflictkg build ../shared/corpus/seeds --out out/seeds
  conflictkg evaluate --gold ../shared/corpus/seeds/gold out/seeds
  conflictkg evaluate --gold GOLD out/seeds --json --errors
"""
from __future__ import annotations

import json

HELP = "score a built folder against gold annotations"


def add_arguments(p) -> None:
    p.add_argument("built", metavar="DIR", help="output folder of conflictkg build")
    p.add_argument("--gold", required=True, metavar="GOLD_DIR", help="folder of gold <doc>.json files")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--errors", action="store_true", help="also list missed and spurious items")


def run(args) -> int:
    from conflictkg.evaluate import evaluate, format_scores

    scores = evaluate(args.gold, args.built)
    if args.json:
        print(json.dumps(scores.to_json(), ensure_ascii=False, indent=1))
    else:
        print(format_scores(scores))
    if args.errors:
        for kind, rows in scores.errors.items():
            print(f"\n{kind} ({len(rows)}):")
            for row in rows:
                print("  " + "  ".join(str(x) for x in row))
    return 0
