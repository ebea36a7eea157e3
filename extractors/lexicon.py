"""The gazetteer: lexicon files, their index, and the extractor that matches them.

A lexicon file is UTF-8 TSV, ``#`` starts a comment, five columns::

    type    name    aliases    en    attributes
    PLACE   مصراتة   مصراته|مسراتة   Misrata   kind=city;admin=Misrata;lat=32.38;lon=15.09

``aliases`` are ``|``-separated, ``attributes`` are ``;``-separated ``key=value`` pairs.
Orthographic variants (hamza, ى/ي, ة/ه, diacritics) need not be listed: matching is
done on normalised tokens. Attributes the extractor reads: ``ambiguous=1`` (the bare
name is also a common word: only matched after a cue such as مدينة) and
``needs_trigger=1`` (the name is typed this way only after its type's trigger word,
e.g. a tribe that shares its name with a town).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Iterable

from conflictkg.records import ENTITY_TYPES

from .text import WORD_RE, normalize, normalize_phrase

# the package folder, not this file's: a compiled copy of this module lives elsewhere
LEXICON_DIR = Path(str(files("conflictkg.extractors"))) / "lexicons"


class LexiconError(ValueError):
    pass


@dataclass
class LexiconEntry:
    type: str
    name: str
    aliases: list[str]
    en: str = ""
    attrs: dict = field(default_factory=dict)
    source: str = ""

    @property
    def surfaces(self) -> list[str]:
        return [self.name, *self.aliases]

    @property
    def needs_cue(self) -> bool:
        return self.attrs.get("ambiguous") == "1" or self.attrs.get("needs_trigger") == "1"


def parse_lexicon(path: str | os.PathLike) -> list[LexiconEntry]:
    """Read one lexicon file; a malformed row raises LexiconError naming file and line."""
    entries = []
    path = Path(path)
    with open(path, encoding="utf-8-sig") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 2:
                raise LexiconError(f"{path}:{lineno}: expected 'type<TAB>name<TAB>aliases<TAB>en<TAB>attributes'")
            cols += [""] * (5 - len(cols))
            etype, name, aliases, en, attrs = (c.strip() for c in cols[:5])
            if etype not in ENTITY_TYPES:
                raise LexiconError(f"{path}:{lineno}: unknown type {etype!r} (one of {', '.join(ENTITY_TYPES)})")
            if not WORD_RE.search(name):
                raise LexiconError(f"{path}:{lineno}: empty name")
            attr_map = {}
            for pair in filter(None, (p.strip() for p in attrs.split(";"))):
                key, _, value = pair.partition("=")
                attr_map[key.strip()] = value.strip()
            alias_list = [a.strip() for a in aliases.split("|") if a.strip()]
            entries.append(LexiconEntry(etype, name, alias_list, en, attr_map, f"{path.name}:{lineno}"))
    return entries


class Lexicon:
    """All entries, indexed by their normalised token sequences.

    >>> lex = Lexicon([LexiconEntry("PLACE", "مصراتة", ["مصراته"])])
    >>> [e.name for e in lex.lookup("مصراته")]
    ['مصراتة']
    """

    def __init__(self, entries: list[LexiconEntry]):
        self.entries = entries
        # first normalised token -> [(token tuple, entry index)], longest first
        self.by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        self.by_phrase: dict[str, list[int]] = {}
        for idx, entry in enumerate(entries):
            for surface in entry.surfaces:
                toks = tuple(normalize(w) for w in WORD_RE.findall(surface))
                if not toks:
                    continue
                phrase = " ".join(toks)
                ids = self.by_phrase.setdefault(phrase, [])
                if idx not in ids:
                    ids.append(idx)
                    self.by_first.setdefault(toks[0], []).append((toks, idx))
        for cands in self.by_first.values():
            cands.sort(key=lambda c: -len(c[0]))

    def lookup(self, text: str) -> list[LexiconEntry]:
        return [self.entries[i] for i in self.by_phrase.get(normalize_phrase(text), [])]

    @classmethod
    def load(cls, extra: Iterable[str | os.PathLike] = (), builtin: bool = True) -> "Lexicon":
        paths = sorted(LEXICON_DIR.glob("*.tsv")) if builtin else []
        paths += [Path(p) for p in extra]
        entries = []
        for p in paths:
            entries.extend(parse_lexicon(p))
        return cls(entries)


@lru_cache(maxsize=8)
def default_lexicon(extra: tuple[str, ...] = ()) -> Lexicon:
    return Lexicon.load(list(extra))
