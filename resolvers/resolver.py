"""Stage 2: distinct names seen in the corpus → entities with stable ids.

The resolver works on *names* (type + surface form + lexicon canonical), not on
mentions: a corpus of millions of mentions has far fewer distinct names. The steps,
each recorded in ``Entity.merges`` when it joins two names:

1. **exact key** — names with one matching key (``keys.matching_key``, compared
   without spaces) are one *unit*;
2. **alias** — the lexicon decides before any fuzzy step: names that carry one lexicon
   canonical, or whose key is a surface of exactly one lexicon entry, are one entity;
3. **fuzzy** — ``fuzzy.candidate_pairs`` (blocking + ``process.cdist``) inside one type
   family; clusters grow without chaining: a unit joins a cluster only when it scores
   above the cut-off with *every* unit of it (with *some* surface of a lexicon cluster,
   whose surfaces are known to be one entity); two lexicon entries never merge;
4. **short form** — a person's short name (حفتر) joins the one full name ending with
   it (خليفة حفتر), only when exactly one such full name exists and the short name is
   never used as a first or middle name (so إبراهيم never joins إبراهيم الجضران);
5. **overrides** (``overrides.py``) — forbidden pairs are never joined by any step,
   forced merges are applied last, renames and retypes decide name and type.

Ids derive from type + canonical key (``keys.entity_id``), and the result depends only
on the multiset of names, so resolving batches incrementally against earlier names gives
the same entities as resolving everything at once (``incremental.py``).

>>> from collections import Counter
>>> r = resolve(Counter({Name("PLACE", "مصراته"): 2, Name("PLACE", "مدينة مصراتة"): 1}))
>>> len(r.entities)
1
>>> r = resolve(Counter({Name("COMMANDER", "حفتر"): 3, Name("COMMANDER", "المشير خليفة حفتر"): 1}))
>>> [(e.id, e.name, len(e.aliases)) for e in r.entities.values()]
[('commander:xlyfh_Hftr', 'المشير خليفة حفتر', 2)]
"""
from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from conflictkg.extractors.text import WORD_RE
from conflictkg.records import Entity

from . import fuzzy
from .keys import compact, entity_id, family, loose_tokens, matching_key, strip_article
from .overrides import Overrides

CUTOFF = 88.0  # fuzzy merge threshold (fuzz.ratio on loose forms)
REVIEW_MARGIN = 8.0  # pairs within this distance of the cut-off are listed for review


@dataclass(frozen=True)
class Name:
    """One distinct surface form of one type, with the lexicon's canonical name if any."""

    type: str
    text: str
    canonical: str = ""


@dataclass
class Resolution:
    """The result: which entity every name belongs to, the entities, and the pairs a
    human should look at (``borderline``: near-threshold fuzzy pairs, short forms)."""

    entity_of: dict[Name, str] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    borderline: list[dict] = field(default_factory=list)


@dataclass
class _Unit:
    fam: str
    key: str
    lex: str  # compact key of the lexicon canonical, "" when none
    names: list = field(default_factory=list)
    count: int = 0
    lex_key: str = ""  # the lexicon canonical's matching key, with its spaces

    @property
    def surface(self) -> str:
        """The unit's most used surface, titles avoided."""
        return min(self.names, key=lambda nc: (len(WORD_RE.findall(nc[0].text)), -nc[1], nc[0].text))[0].text


class _Clusters:
    """Union-find over units that refuses merges forbidden by ``split`` overrides."""

    def __init__(self, units: list[_Unit], overrides: Overrides):
        self.parent = list(range(len(units)))
        self.members = {i: [i] for i in range(len(units))}
        self.lex = {i: u.lex for i, u in enumerate(units)}
        self.events: list[dict] = []
        self.units = units
        self.forbidden: dict[tuple[str, str], set[str]] = defaultdict(set)
        for fam, a, b in overrides.splits:
            self.forbidden[(fam, compact(a))].add(compact(b))
            self.forbidden[(fam, compact(b))].add(compact(a))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def allowed(self, a: int, b: int) -> bool:
        if not self.forbidden:
            return True
        keys_b = {compact(self.units[m].key) for m in self.members[b]}
        for m in self.members[a]:
            u = self.units[m]
            if self.forbidden.get((u.fam, compact(u.key)), set()) & keys_b:
                return False
        return True

    def union(self, i: int, j: int, rule: str, force: bool = False, **why) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b or not (force or self.allowed(a, b)):
            return False
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.lex[a] = self.lex[a] or self.lex.pop(b)
        self.lex.pop(b, None)
        self.events.append({"units": (i, j), "rule": rule, **why})
        return True


def resolve(names: Counter, lexicon=None, overrides: Overrides | None = None, cutoff: float = CUTOFF) -> Resolution:
    """Resolve the names (``Counter[Name]`` of mention counts) into entities.

    ``lexicon`` (``extractors.lexicon.Lexicon``) supplies aliases for names found
    without a canonical; ``overrides`` always win. See the module docstring.
    """
    overrides = overrides or Overrides()
    types = {n: n.type for n in names}
    if overrides.retypes:
        # a retype moves the whole entity: resolve once, then move every name of it
        first = _resolve_typed(names, types, lexicon, overrides, cutoff)
        moved = {}
        for (fam, key), new_type in overrides.retypes.items():
            for n in names:
                if family(n.type) == fam and matching_key(n.text, n.type) == key:
                    eid = first.entity_of[n]
                    moved.update({m: new_type for m in first.entity_of if first.entity_of[m] == eid})
        types.update(moved)
    return _resolve_typed(names, types, lexicon, overrides, cutoff)


def resolve_side_by_side(names: Counter, lexicon=None, overrides: Overrides | None = None,
                         cutoff: float = CUTOFF) -> Resolution:
    """``resolve``, with the people's names resolved in this process and the other
    families' in a forked one meanwhile (POSIX; the build's name resolution otherwise
    keeps one core of two idle).

    No step ever joins names of two families, so this gives ``resolve``'s entities, ids
    and ``entity_of``, the entities in its order (by id, the types apart); only
    ``borderline`` lists the people's pairs first. With retype overrides (which move
    names between families), without fork or with one family alone, it is ``resolve``.

    >>> names = Counter({Name("COMMANDER", "حفتر"): 3, Name("COMMANDER", "خليفة حفتر"): 1,
    ...                  Name("PLACE", "مصراته"): 2, Name("PLACE", "مدينة مصراتة"): 1})
    >>> one, two = resolve(names), resolve_side_by_side(names)
    >>> list(two.entities) == list(one.entities) == ['commander:xlyfh_Hftr', 'place:mSrAth']
    True
    >>> two.entity_of == one.entity_of
    True
    """
    overrides = overrides or Overrides()
    people = Counter({n: c for n, c in names.items() if family(n.type) == "PERSON"})
    others = Counter({n: c for n, c in names.items() if family(n.type) != "PERSON"})
    if overrides.retypes or not hasattr(os, "fork") or not people or not others:
        return resolve(names, lexicon, overrides, cutoff)
    from conflictkg.forked import Forked

    child = Forked(resolve, others, lexicon, overrides, cutoff, name="name resolution", nice=0)
    try:
        res = resolve(people, lexicon, overrides, cutoff)
        theirs = child.result()
    except BaseException:
        child.kill()
        raise
    res.entity_of.update(theirs.entity_of)
    # ``resolve`` adds the entities in the order of their ids; an id starts with its type,
    # and each type belongs to one family, so a stable sort by type gives that order
    res.entities = dict(sorted([*res.entities.items(), *theirs.entities.items()], key=lambda e: e[0].split(":", 1)[0]))
    res.borderline += theirs.borderline
    return res


def _resolve_typed(names: Counter, types: dict, lexicon, overrides: Overrides, cutoff: float) -> Resolution:
    units, unit_of = _units(names, types)
    clusters = _Clusters(units, overrides)
    _alias_step(units, clusters, lexicon)
    borderline = _fuzzy_step(units, clusters, cutoff)
    borderline += _short_form_step(units, clusters)
    _forced_merges(units, clusters, overrides)
    return _entities(names, types, units, unit_of, clusters, overrides, borderline)


def _units(names: Counter, types: dict) -> tuple[list[_Unit], dict[Name, int]]:
    by_id: dict[tuple, int] = {}
    units: list[_Unit] = []
    unit_of: dict[Name, int] = {}
    for n in sorted(names, key=lambda n: (types[n], n.text, n.canonical)):
        etype = types[n]
        key = matching_key(n.text, etype)
        if not key:
            key = n.text.strip() or "?"
        lex = compact(matching_key(n.canonical, etype)) if n.canonical else ""
        uid = (family(etype), compact(key), lex)
        if uid not in by_id:
            by_id[uid] = len(units)
            units.append(_Unit(family(etype), key, lex, lex_key=matching_key(n.canonical, etype) if lex else ""))
        u = units[by_id[uid]]
        u.names.append((n, names[n]))
        u.count += names[n]
        unit_of[n] = by_id[uid]
    return units, unit_of


def _alias_step(units: list[_Unit], clusters: _Clusters, lexicon) -> None:
    """Names of one lexicon entry are one entity; a name without a canonical joins the
    entry whose surface it is, when exactly one entry of its family has that surface."""
    by_lex: dict[tuple[str, str], list[int]] = defaultdict(list)
    lex_of_key: dict[tuple[str, str], set[str]] = defaultdict(set)
    for i, u in enumerate(units):
        if u.lex:
            by_lex[(u.fam, u.lex)].append(i)
            lex_of_key[(u.fam, compact(u.key))].add(u.lex)
    for (fam, lex), members in sorted(by_lex.items()):
        for j in members[1:]:
            clusters.union(members[0], j, "alias", canonical_key=lex)
    for i, u in enumerate(units):
        if u.lex:
            continue
        candidates = {lex: "" for lex in lex_of_key.get((u.fam, compact(u.key)), ())}
        if lexicon is not None:
            for text in {u.key, *(n.text for n, _ in u.names)}:
                for entry in lexicon.lookup(text):
                    if family(entry.type) == u.fam:
                        key = matching_key(entry.name, entry.type)
                        candidates[compact(key)] = key
        if len(candidates) != 1:
            continue
        lex, lex_key = candidates.popitem()
        target = by_lex.get((u.fam, lex))
        if target:
            clusters.union(target[0], i, "alias", canonical_key=lex)
        else:  # the entry's other surfaces are not in the corpus: this unit stands for it
            u.lex, u.lex_key = lex, lex_key
            clusters.lex[clusters.find(i)] = lex
            by_lex[(u.fam, lex)].append(i)


def _fuzzy_step(units: list[_Unit], clusters: _Clusters, cutoff: float) -> list[dict]:
    # Two units that carry a canonical never merge here (the lexicon, or the document's
    # own reading, has decided them), so a pair of such units is never worth scoring:
    # they share one item per distinct loose form, and only pairs with at least one
    # unit without a canonical are expanded. Without this, k units of one loose form
    # (a surname the documents attach to k different full names) cost k² pairs.
    items: list[tuple[str, str]] = []
    owner: list[list[int]] = []
    with_canonical: list[bool] = []
    shared: dict[tuple[str, str], int] = {}

    def add(i: int, item: tuple[str, str], canonical: bool) -> None:
        if canonical:
            at = shared.get(item)
            if at is not None:
                if i not in owner[at]:
                    owner[at].append(i)
                return
            shared[item] = len(items)
        items.append(item)
        owner.append([i])
        with_canonical.append(canonical)

    for i, u in enumerate(units):
        add(i, (u.fam, " ".join(loose_tokens(u.key, u.fam))), bool(u.lex))
    # a lexicon entry's canonical name is compared too, even when no mention spells it
    virtual = set()
    for i, u in enumerate(units):
        if u.lex_key and (u.fam, u.lex) not in virtual:
            virtual.add((u.fam, u.lex))
            add(i, (u.fam, " ".join(loose_tokens(u.lex_key, u.fam))), True)
    low = max(cutoff - REVIEW_MARGIN, 0)
    pairs = []
    for p, q, s in fuzzy.candidate_pairs(items, low):
        if with_canonical[p] and with_canonical[q]:
            continue
        for i in owner[p]:
            for j in owner[q]:
                if i != j:
                    pairs.append((min(i, j), max(i, j), s))
    score: dict[tuple[int, int], float] = {}
    for i, j, s in pairs:
        score[(i, j)] = max(s, score.get((i, j), 0))
    borderline = []
    for i, j, s in pairs:
        if s < cutoff:
            continue
        a, b = clusters.find(i), clusters.find(j)
        if a == b or (clusters.lex.get(a) and clusters.lex.get(b)):
            continue
        if clusters.lex.get(b):
            a, b = b, a
        if clusters.lex.get(a):  # b must match some surface of the lexicon cluster, unit by unit
            ok = all(any(score.get((min(m, k), max(m, k)), 0) >= cutoff for k in clusters.members[a])
                     for m in clusters.members[b])
        else:  # complete linkage: every unit of one with every unit of the other
            ok = all(score.get((min(m, k), max(m, k)), 0) >= cutoff
                     for m in clusters.members[a] for k in clusters.members[b])
        if ok:
            clusters.union(i, j, "fuzzy", score=round(s, 1), scorer=fuzzy.SCORER)
    for i, j, s in pairs:
        if s < cutoff + REVIEW_MARGIN / 2:
            merged = clusters.find(i) == clusters.find(j)
            borderline.append({"kind": "fuzzy", "units": (i, j), "score": round(s, 1), "merged": merged})
    return borderline


def _short_form_step(units: list[_Unit], clusters: _Clusters) -> list[dict]:
    """Attach person short names to the single full name that ends with them."""
    person = [i for i, u in enumerate(units) if u.fam == "PERSON"]
    tokens = {i: tuple(strip_article(t) for t in units[i].key.split()) for i in person}
    inner: set[tuple] = set()  # token runs that occur before the end of some name
    ends: dict[tuple, set[int]] = defaultdict(set)  # suffix -> clusters of longer names
    for i in person:
        toks = tokens[i]
        for n in range(1, len(toks)):
            ends[toks[-n:]].add(clusters.find(i))
            for start in range(0, len(toks) - n):
                inner.add(toks[start:start + n])
    snapshot = {i: clusters.find(i) for i in person}
    attach, borderline = [], []
    for root in sorted({snapshot[i] for i in person}):
        if clusters.lex.get(root):
            continue
        members = [m for m in clusters.members[root]]
        lengths = {len(tokens[m]) for m in members}
        if len(lengths) != 1:
            continue
        short = min(members, key=lambda m: (-units[m].count, units[m].key))
        toks = tokens[short]
        targets = ends.get(toks, set()) - {root}
        if not targets:
            continue
        if len(targets) == 1 and toks not in inner:
            target = next(iter(targets))
            full = max((m for m in clusters.members[target] if len(tokens.get(m, ())) > len(toks)),
                       key=lambda m: (units[m].count, units[m].key))
            attach.append((full, short, len(targets)))
            borderline.append({"kind": "short_form", "units": (full, short), "merged": True})
        else:
            full = min(targets)
            note = "also a first or middle name" if toks in inner else f"{len(targets)} full names end with it"
            borderline.append({"kind": "short_form", "units": (full, short), "merged": False, "note": note})
    for full, short, _ in attach:
        clusters.union(full, short, "short_form", note="the only full name ending with this name")
    return borderline


def _forced_merges(units: list[_Unit], clusters: _Clusters, overrides: Overrides) -> None:
    if not overrides.merges:
        return
    by_key: dict[tuple[str, str], int] = {}
    for i, u in enumerate(units):
        by_key.setdefault((u.fam, compact(u.key)), i)
    for fam, a, b in overrides.merges:
        i, j = by_key.get((fam, compact(a))), by_key.get((fam, compact(b)))
        if i is not None and j is not None:
            clusters.union(i, j, "override", force=True)


def _entities(names, types, units, unit_of, clusters, overrides, borderline) -> Resolution:
    res = Resolution()
    roots: dict[int, list[int]] = {}
    for i in range(len(units)):
        roots.setdefault(clusters.find(i), []).append(i)
    events_of: dict[int, list[dict]] = defaultdict(list)
    for ev in clusters.events:
        events_of[clusters.find(ev["units"][0])].append(ev)
    drafts = []
    for root, members in roots.items():
        fam = units[root].fam
        cluster_names = [(n, c) for m in members for n, c in units[m].names]
        type_votes = Counter()
        for n, c in cluster_names:
            type_votes[types[n]] += c
        etype = min(type_votes, key=lambda t: (-type_votes[t], t))
        renamed = next((overrides.renames[(fam, units[m].key)] for m in sorted(members)
                        if (fam, units[m].key) in overrides.renames), "")
        canon_votes = Counter()
        for n, c in cluster_names:
            if n.canonical:
                canon_votes[n.canonical] += c
        if renamed:
            name = renamed
            key = matching_key(renamed, etype)
        elif canon_votes:
            name = min(canon_votes, key=lambda t: (-canon_votes[t], t))
            key = matching_key(name, etype)
        else:
            rep = max(members, key=lambda m: (len(units[m].key.split()), units[m].count, units[m].key))
            name, key = units[rep].surface, units[rep].key
        merges = []
        for m in sorted(members):
            u = units[m]
            surface = u.surface
            for n, _ in sorted(u.names, key=lambda nc: nc[0].text):
                if n.text != surface:
                    merges.append({"alias": n.text, "with": surface, "rule": "exact_key", "key": u.key})
        for ev in events_of.get(root, ()):
            i, j = ev["units"]
            row = {"alias": units[j].surface, "with": units[i].surface, "rule": ev["rule"]}
            row.update({k: v for k, v in ev.items() if k not in ("units", "rule")})
            merges.append(row)
        drafts.append((entity_id(etype, key), etype, name, key, members, cluster_names, merges))
    seen: Counter = Counter()
    for eid, etype, name, key, members, cluster_names, merges in sorted(
        drafts, key=lambda d: (d[0], sorted(units[m].key for m in d[4]))
    ):
        seen[eid] += 1
        if seen[eid] > 1:  # two entities kept apart that share a canonical key
            eid = f"{eid}~{seen[eid]}"
        aliases = sorted({n.text for n, _ in cluster_names})
        res.entities[eid] = Entity(eid, etype, name, aliases, key=key, merges=merges)
        for n, _ in cluster_names:
            res.entity_of[n] = eid
    for b in borderline:
        i, j = b["units"]
        row = {k: v for k, v in b.items() if k != "units"}
        a_entity, b_entity = res.entity_of[units[i].names[0][0]], res.entity_of[units[j].names[0][0]]
        row.update({"type": units[i].fam, "a": units[i].surface, "b": units[j].surface,
                    "a_entity": a_entity, "b_entity": b_entity, "merged": a_entity == b_entity})
        res.borderline.append(row)
    return res
