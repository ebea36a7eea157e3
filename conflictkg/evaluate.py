"""Scoring a built folder against gold annotations.

Gold format: one ``<doc>.json`` per article (entities with key, type, canonical and
surface ``mentions``; relations with type, head key, tail key) and ``registry.json``.

* **Entities, per document**: a predicted entity (all mentions of one entity id in the
  document) matches a gold entity of the same type when they share a surface form
  (compared normalised). Matching is one-to-one; precision/recall/F1 per type and
  micro-averaged over all types.
* **Resolution, across documents**: over the matched (document, entity) items, the
  predicted entity ids are compared with the gold keys: pairwise and B-cubed P/R/F1.
* **Relations**: a predicted ``(type, head, tail)`` in a document is correct when its
  entities match the gold head and tail of a gold relation of that type there.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from conflictkg.extractors.text import normalize_phrase
from conflictkg.records import ENTITY_TYPES, RELATION_TYPES, read_jsonl


def surface_keys(text: str) -> set[str]:
    """Normalised forms a surface is compared under.

    A span cut after a fused ``لل`` (``لقيادة``) also stands for the form with the
    article restored (``القيادة``), as the gold convention writes it.
    """
    key = normalize_phrase(text)
    keys = {key}
    if key.startswith("ل") and not key.startswith("ال"):
        keys.add("ا" + key)
    return keys


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Scores:
    entities: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    relations: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    resolution: dict[str, float] = field(default_factory=dict)
    errors: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def entity_total(self) -> PRF:
        return _total(self.entities)

    def relation_total(self) -> PRF:
        return _total(self.relations)

    def to_json(self) -> dict:
        return {
            "entities": {t: s.to_json() for t, s in sorted(self.entities.items())} | {"ALL": self.entity_total().to_json()},
            "resolution": {k: round(v, 4) for k, v in self.resolution.items()},
            "relations": {t: s.to_json() for t, s in sorted(self.relations.items())} | {"ALL": self.relation_total().to_json()},
        }


def _total(d: dict[str, PRF]) -> PRF:
    t = PRF()
    for s in d.values():
        t.tp += s.tp
        t.fp += s.fp
        t.fn += s.fn
    return t


def _read_jsonl(path: Path):
    return (row for _, row in read_jsonl(path))


def evaluate(gold_dir: str | Path, built_dir: str | Path) -> Scores:
    gold_dir, built_dir = Path(gold_dir), Path(built_dir)
    gold_docs = {}
    for f in sorted(gold_dir.glob("*.json")):
        if f.name == "registry.json":
            continue
        data = json.loads(f.read_text(encoding="utf-8"))
        doc_id = Path(data.get("doc", f.name)).stem
        gold_docs[doc_id] = data

    # predicted entities per document: entity id -> (type, surface keys)
    predicted: dict[str, dict[str, tuple[str, set]]] = defaultdict(dict)
    for m in _read_jsonl(built_dir / "mentions.jsonl"):
        if m["doc"] not in gold_docs:
            continue
        etype, keys = predicted[m["doc"]].setdefault(m["entity"], (m["type"], set()))
        keys |= surface_keys(m["text"])
    pred_rel: dict[str, set] = defaultdict(set)
    for r in _read_jsonl(built_dir / "relations.jsonl"):
        if r["doc"] in gold_docs:
            pred_rel[r["doc"]].add((r["type"], r["head"], r["tail"]))

    scores = Scores()
    items = []  # (gold key, predicted entity id) for matched entities
    for doc_id, gold in gold_docs.items():
        gold_ents = {}
        for e in gold["entities"]:
            keys = set()
            for s in e["mentions"]:
                keys |= surface_keys(s)
            gold_ents[e["key"]] = (e["type"], keys)
        pred_ents = predicted.get(doc_id, {})
        candidates = []
        for gk, (gtype, gkeys) in gold_ents.items():
            for pid, (ptype, pkeys) in pred_ents.items():
                if gtype == ptype:
                    overlap = len(gkeys & pkeys)
                    if overlap:
                        candidates.append((-overlap, gk, pid))
        candidates.sort()
        gold_to_pred, pred_to_gold = {}, {}
        for _, gk, pid in candidates:
            if gk not in gold_to_pred and pid not in pred_to_gold:
                gold_to_pred[gk] = pid
                pred_to_gold[pid] = gk
        for gk, (gtype, gkeys) in gold_ents.items():
            if gk in gold_to_pred:
                scores.entities[gtype].tp += 1
                items.append((gk, gold_to_pred[gk]))
            else:
                scores.entities[gtype].fn += 1
                scores.errors["missed"].append((doc_id, gtype, sorted(gkeys)[0]))
        for pid, (ptype, pkeys) in pred_ents.items():
            if pid not in pred_to_gold:
                scores.entities[ptype].fp += 1
                scores.errors["spurious"].append((doc_id, ptype, sorted(pkeys)[0]))

        gold_rels = {(r["type"], r["head"], r["tail"]) for r in gold.get("relations", [])}
        mapped = set()
        for rtype, h, t in pred_rel.get(doc_id, ()):
            hk, tk = pred_to_gold.get(h), pred_to_gold.get(t)
            if hk and tk and (rtype, hk, tk) in gold_rels:
                mapped.add((rtype, hk, tk))
            else:
                scores.relations[rtype].fp += 1
                scores.errors["spurious_relation"].append((doc_id, rtype, h, t))
        for rel in gold_rels:
            if rel in mapped:
                scores.relations[rel[0]].tp += 1
            else:
                scores.relations[rel[0]].fn += 1
                scores.errors["missed_relation"].append((doc_id, *rel))
    scores.resolution = resolution_scores(items)
    return scores


def resolution_scores(items: list[tuple[str, str]]) -> dict[str, float]:
    """Pairwise and B-cubed P/R/F1 of predicted clusters against gold clusters.

    >>> r = resolution_scores([("a", "x"), ("a", "x"), ("b", "y")])
    >>> r["pairwise_f1"], r["bcubed_f1"]
    (1.0, 1.0)
    >>> resolution_scores([("a", "x"), ("b", "x")])["pairwise_precision"]
    0.0
    """
    if not items:
        return {}
    same_gold = same_pred = both = 0
    for (g1, p1), (g2, p2) in combinations(items, 2):
        sg, sp = g1 == g2, p1 == p2
        same_gold += sg
        same_pred += sp
        both += sg and sp
    pp = both / same_pred if same_pred else 1.0
    pr = both / same_gold if same_gold else 1.0
    gold_size = Counter(g for g, _ in items)
    pred_size = Counter(p for _, p in items)
    joint = Counter(items)
    bp = sum(joint[(g, p)] / pred_size[p] for g, p in items) / len(items)
    br = sum(joint[(g, p)] / gold_size[g] for g, p in items) / len(items)
    f = lambda p, r: 2 * p * r / (p + r) if p + r else 0.0  # noqa: E731
    return {"pairwise_precision": pp, "pairwise_recall": pr, "pairwise_f1": f(pp, pr),
            "bcubed_precision": bp, "bcubed_recall": br, "bcubed_f1": f(bp, br), "items": len(items)}


def _table(title: str, types, per_type: dict[str, PRF], total: PRF) -> list[str]:
    row = "{:<16}{:7.3f}{:7.3f}{:7.3f}{:6d}{:6d}{:6d}"
    lines = [f"{title:<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for name, s in [(t, per_type[t]) for t in types if t in per_type] + [("ALL", total)]:
        lines.append(row.format(name, s.precision, s.recall, s.f1, s.tp, s.fp, s.fn))
    return lines


def format_scores(scores: Scores) -> str:
    lines = _table("entities", ENTITY_TYPES, scores.entities, scores.entity_total())
    r = scores.resolution
    if r:
        lines.append("")
        lines.append(f"resolution      pairwise P {r['pairwise_precision']:.3f} R {r['pairwise_recall']:.3f} F1 {r['pairwise_f1']:.3f}")
        lines.append(f"                B-cubed  P {r['bcubed_precision']:.3f} R {r['bcubed_recall']:.3f} F1 {r['bcubed_f1']:.3f}")
    lines.append("")
    lines += _table("relations", RELATION_TYPES, scores.relations, scores.relation_total())
    return "\n".join(lines)
