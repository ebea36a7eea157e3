"""Per-rule precision of the cue relation extractor against gold annotations.

Each relation records the rule that produced it (``Relation.extractor`` is
``cues:<rule>``). This builds every given corpus, scores it with ``conflictkg evaluate``
and counts, per rule, the relations that match a gold relation (TP) and those that do
not (FP). A relation whose head or tail entity is itself wrong counts as FP too: that is
what a user of the graph sees.

    python bench/relation_rules.py [-v] ../shared/corpus/seeds tests/data/heldout tests/data/heldout2

Each corpus folder must hold ``gold/``. Prints one table per corpus and one in total,
the FP relations (with ``-v`` the TP ones too).
"""
from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from conflictkg.build import BuildOptions, build
from conflictkg.evaluate import evaluate


def rule_counts(corpus: Path, out: Path) -> tuple[Counter, Counter, list]:
    """(TP per rule, FP per rule, FP details) for one corpus built into ``out``."""
    build([str(corpus)], str(out), BuildOptions(workers=1, quiet=True))
    scores = evaluate(corpus / "gold", out)
    wrong = {tuple(x) for x in scores.errors["spurious_relation"]}
    tp, fp, details = Counter(), Counter(), []
    with open(out / "relations.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            key = (r["doc"], r["type"], r["head"], r["tail"])
            rule = f'{r["type"]}/{r["extractor"].split(":", 1)[-1]}'
            if key in wrong:
                fp[rule] += 1
                details.append(("FP", rule, r["doc"], r["head"], r["tail"]))
            else:
                tp[rule] += 1
                details.append(("TP", rule, r["doc"], r["head"], r["tail"]))
    return tp, fp, details


def table(tp: Counter, fp: Counter) -> str:
    lines = [f"{'rule':<44}{'tp':>5}{'fp':>5}{'P':>7}"]
    for rule in sorted(set(tp) | set(fp)):
        t, f = tp[rule], fp[rule]
        lines.append(f"{rule:<44}{t:5d}{f:5d}{t / (t + f):7.2f}")
    t, f = sum(tp.values()), sum(fp.values())
    lines.append(f"{'ALL':<44}{t:5d}{f:5d}{(t / (t + f) if t + f else 0):7.2f}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    argv = [a for a in argv if a != "-v"]
    if not argv:
        print(__doc__)
        return 2
    all_tp, all_fp = Counter(), Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i, corpus in enumerate(map(Path, argv)):
            tp, fp, details = rule_counts(corpus, Path(tmp) / f"c{i}")
            all_tp += tp
            all_fp += fp
            print(f"== {corpus}\n{table(tp, fp)}")
            for d in sorted(details):
                if verbose or d[0] == "FP":
                    print(" ", *d)
    print(f"== total\n{table(all_tp, all_fp)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
