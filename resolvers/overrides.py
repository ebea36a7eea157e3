"""Analyst overrides: decisions that always win over the resolver, on every rebuild.

File format (UTF-8, tab-separated, ``#`` starts a comment, blank lines ignored)::

    # action  type         name                 argument
    merge     COMMANDER    حفتر                 خليفة حفتر
    split     ARMED_GROUP  الجيش الليبي          الجيش الوطني الليبي
    rename    COMMANDER    خليفة حفتر            المشير خليفة بلقاسم حفتر
    retype    PERSON       أحمد المسماري         COMMANDER

* ``merge TYPE A B`` — the entities that the names A and B belong to are one entity.
* ``split TYPE A B`` — A and B are never in one entity (no alias, key, fuzzy or
  short-form step may join them; a lexicon alias is ignored for that pair).
* ``rename TYPE A NEW`` — the entity that A belongs to is called NEW; its id then
  derives from NEW (type + matching key), so it is stable across rebuilds.
* ``retype TYPE A NEWTYPE`` — the entity that A (typed TYPE) belongs to becomes a NEWTYPE
  entity, with all its names.

Names are compared by matching key (``keys.matching_key``), so ``العقيد أحمد المسمارى``
and ``أحمد المسماري`` are the same name here. A malformed line raises
:class:`OverridesError` naming the file and line. ``conflictkg review DIR --write FILE``
appends ``merge``/``split`` lines to such a file.

>>> ov = parse_overrides(["merge\\tCOMMANDER\\tحفتر\\tخليفة حفتر", "# comment", ""])
>>> ov.merges
[('PERSON', 'حفتر', 'خليفه حفتر')]
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from conflictkg.records import ENTITY_TYPES

from .keys import family, matching_key

ACTIONS = ("merge", "split", "rename", "retype")


class OverridesError(ValueError):
    pass


@dataclass
class Overrides:
    """Parsed overrides; names are stored as ``(type family, matching key)``."""

    merges: list[tuple[str, str, str]] = field(default_factory=list)  # (family, key a, key b)
    splits: set[tuple[str, str, str]] = field(default_factory=set)  # (family, key a, key b), a < b
    renames: dict[tuple[str, str], str] = field(default_factory=dict)  # (family, key) -> new name
    retypes: dict[tuple[str, str], str] = field(default_factory=dict)  # (family, key) -> new type

    def forbids(self, fam: str, a: str, b: str) -> bool:
        return (fam, min(a, b), max(a, b)) in self.splits

    def __bool__(self) -> bool:
        return bool(self.merges or self.splits or self.renames or self.retypes)


def parse_overrides(lines: Iterable[str], source: str = "<overrides>") -> Overrides:
    ov = Overrides()
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        cols = [c for c in cols if c]
        where = f"{source}:{lineno}"
        if len(cols) != 4 or cols[0] not in ACTIONS:
            raise OverridesError(f"{where}: expected '<{'|'.join(ACTIONS)}><TAB>TYPE<TAB>NAME<TAB>ARGUMENT', got {line!r}")
        action, etype, name, arg = cols
        if etype not in ENTITY_TYPES:
            raise OverridesError(f"{where}: unknown type {etype!r} (one of {', '.join(ENTITY_TYPES)})")
        fam, key = family(etype), matching_key(name, etype)
        if not key:
            raise OverridesError(f"{where}: empty name")
        if action == "merge":
            ov.merges.append((fam, key, matching_key(arg, etype)))
        elif action == "split":
            other = matching_key(arg, etype)
            if other == key:
                raise OverridesError(f"{where}: cannot split two spellings of one name ({name} / {arg})")
            ov.splits.add((fam, min(key, other), max(key, other)))
        elif action == "rename":
            ov.renames[(fam, key)] = arg
        else:
            if arg not in ENTITY_TYPES:
                raise OverridesError(f"{where}: unknown type {arg!r} (one of {', '.join(ENTITY_TYPES)})")
            ov.retypes[(fam, key)] = arg
    for fam, a, b in ov.merges:
        if ov.forbids(fam, a, b):
            raise OverridesError(f"{source}: {a} and {b} are both merged and split")
    return ov


def load_overrides(path: str | os.PathLike | None) -> Overrides:
    """Read an overrides file; ``None`` or a missing file gives no overrides."""
    if not path or not Path(path).exists():
        return Overrides()
    with open(path, encoding="utf-8-sig") as fh:
        return parse_overrides(fh, str(path))


def append_decisions(path: str | os.PathLike, decisions: list[tuple[str, str, str, str]]) -> None:
    """Append ``(action, type, name, argument)`` lines to an overrides file (created if needed)."""
    path = Path(path)
    new = not path.exists() or path.stat().st_size == 0
    with open(path, "a", encoding="utf-8") as fh:
        if new:
            fh.write("# conflictkg overrides: action<TAB>TYPE<TAB>NAME<TAB>ARGUMENT (see resolvers/overrides.py)\n")
        for row in decisions:
            if any("\t" in c or "\n" in c for c in row):
                raise OverridesError(f"tab or newline in decision {row!r}")
            fh.write("\t".join(row) + "\n")
