"""Stage 2: distinct names seen in the corpus → entities with stable ids.

The resolver works on *names* (type + surface form + lexicon canonical), not on
mentions: a corpus of millions of mentions has far fewer distinct names.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from conflictkg.records import Entity

from .keys import entity_id, matching_key


@dataclass(frozen=True)
class Name:
    """One distinct surface form of one type, with the lexicon's canonical name if any."""

    type: str
    text: str
    canonical: str = ""


@dataclass
class Resolution:
    """The result: which entity every name belongs to, and the entities."""

    entity_of: dict[Name, str] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)


def resolve(names: Counter) -> Resolution:
    """Group names by type and canonical key.

    ``names`` counts mentions per :class:`Name`. A lexicon canonical name decides
    first (all aliases of a lexicon row are one entity); otherwise the matching key.

    >>> from collections import Counter
    >>> r = resolve(Counter({Name("PLACE", "مصراته"): 2, Name("PLACE", "مدينة مصراتة"): 1}))
    >>> len(r.entities)
    1
    """
    res = Resolution()
    groups: dict[tuple[str, str], list[Name]] = {}
    for name in names:
        key = matching_key(name.canonical or name.text, name.type)
        groups.setdefault((name.type, key), []).append(name)
    for (etype, key), members in groups.items():
        eid = entity_id(etype, key)
        canonical = next((n.canonical for n in members if n.canonical), "")
        if not canonical:
            canonical = max(members, key=lambda n: (names[n], -len(n.text))).text
        aliases = sorted({n.text for n in members})
        res.entities[eid] = Entity(eid, etype, canonical, aliases, key=key)
        for n in members:
            res.entity_of[n] = eid
    return res
