"""List the borderline name pairs of a built folder for a human to decide.

Borderline: fuzzy scores near the threshold (merged or not) and person short forms
attached to a full name (or left alone as ambiguous), each with the sentences where
the two names appear. With --decide, answer each pair (m = same entity, s = different
entities, Enter = skip, q = stop); the answers are appended to the --overrides file and
win on every later `conflictkg build --overrides FILE`.

Example:
  conflictkg review out/news
  conflictkg review out/news --overrides overrides.tsv --decide
  conflictkg build news.jsonl --out out/news --overrides overrides.tsv
"""
from __future__ import annotations

import json
import sys

HELP = "list borderline resolution pairs with contexts; record decisions as overrides"


def add_arguments(p) -> None:
    p.add_argument("built", metavar="DIR", help="output folder of conflictkg build")
    p.add_argument("--overrides", metavar="FILE", help="overrides file: decided pairs are hidden, --decide appends to it")
    p.add_argument("--decide", action="store_true", help="ask for a decision on each pair (needs --overrides)")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N pairs (default 50)")
    p.add_argument("--contexts", type=int, default=2, metavar="K", help="contexts per name (default 2)")
    p.add_argument("--json", action="store_true", help="print the pairs as JSON lines")


def run(args) -> int:
    from conflictkg.resolvers.overrides import append_decisions
    from conflictkg.resolvers.review import borderline_pairs

    if args.decide and not args.overrides:
        print("conflictkg review: --decide needs --overrides FILE", file=sys.stderr)
        return 2
    rows = borderline_pairs(args.built, args.overrides, contexts=args.contexts)[: args.limit]
    if args.json:
        for r in rows:
            print(json.dumps(r, ensure_ascii=False))
        return 0
    if not rows:
        print("no borderline pairs")
        return 0
    decisions = []
    for n, r in enumerate(rows, 1):
        print(format_pair(n, r))
        if not args.decide:
            continue
        answer = _ask("same entity? [m]erge / [s]plit / Enter skip / [q]uit: ")
        if answer == "q":
            break
        if answer in ("m", "s"):
            decisions.append(("merge" if answer == "m" else "split", r["type"], r["a"], r["b"]))
    if decisions:
        append_decisions(args.overrides, decisions)
        print(f"{len(decisions)} decision(s) appended to {args.overrides}; rebuild with --overrides {args.overrides}")
    return 0


def format_pair(n: int, r: dict) -> str:
    state = "merged" if r["merged"] else "apart"
    how = f"score {r['score']}" if r["kind"] == "fuzzy" else "short form"
    lines = [f"[{n}] {r['type']}  {r['a']}  <->  {r['b']}   ({how}, now {state})"]
    if r.get("note"):
        lines.append(f"    note: {r['note']}")
    lines.append(f"    entities: {r['a_entity']}  /  {r['b_entity']}")
    for surface, ctx in r.get("contexts", {}).items():
        for doc, text in ctx:
            lines.append(f"    {surface} @ {doc}: {text}")
    return "\n".join(lines)


def _ask(prompt: str) -> str:
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    return line.strip().lower()[:1] if line else "q"
