"""Optional model extractor: CAMeL Tools NER spans (``--extractor camel-ner``).

The model (AraBERT fine-tuned for PERS/LOC/ORG/MISC) is loaded on first use, never at
import time; when camel-tools or its data are missing, :class:`ModelUnavailable` says
how to install them (``camel_data -i ner-arabert``). Spans are typed by context and
lexicon: a lexicon entry decides the type; otherwise LOC → PLACE, ORG → ARMED_GROUP
when it starts with a group trigger (كتيبة، قوات ...) else ORGANIZATION, PERS →
COMMANDER after a military rank else PERSON. MISC spans are dropped.

Any object with ``predict(list[list[str]]) -> list[list[str]]`` (BIO labels per
word) can stand in for the model, which is how the adapter is tested.
"""
from __future__ import annotations

from conflictkg.records import Mention

from .base import Analysis, register
from .cues import GROUP_TRIGGERS, RANKS
from .lexicon import Lexicon, default_lexicon
from .patterns import MILITIA_WORDS
from .text import Token, skip_letters

INSTALL_HINT = (
    "the CAMeL Tools NER model is not available; install it with:\n"
    "    pip install camel-tools && camel_data -i ner-arabert\n"
    "(or run without --extractor camel-ner)"
)


class ModelUnavailable(RuntimeError):
    """camel-tools or its ``ner-arabert`` data are not installed."""


def load_pretrained():
    """The pretrained CAMeL Tools NER model (imports camel_tools.ner only now)."""
    try:
        from camel_tools.ner import NERecognizer

        return NERecognizer.pretrained()
    except Exception as exc:  # ImportError, missing data, a catalogue that cannot be fetched ...
        raise ModelUnavailable(f"{INSTALL_HINT}\ncause: {type(exc).__name__}: {exc}") from exc


@register("camel-ner")
class CamelNerExtractor:
    name = "camel-ner"

    def __init__(self, model=None, lexicon: Lexicon | None = None, lexicon_files: tuple[str, ...] = (), loader=load_pretrained):
        self._model = model
        self._loader = loader
        self.lexicon = lexicon or default_lexicon(tuple(lexicon_files))

    @property
    def model(self):
        if self._model is None:
            self._model = self._loader()
        return self._model

    def __call__(self, analysis: Analysis) -> list[Mention]:
        sentences = [toks for toks in analysis.tokens if toks]
        if not sentences:
            return []
        labels = self.model.predict([[t.text for t in toks] for toks in sentences])
        out: list[Mention] = []
        si_of = [i for i, toks in enumerate(analysis.tokens) if toks]
        for si, toks, labs in zip(si_of, sentences, labels):
            for a, b, kind in bio_spans(labs):
                m = self._mention(analysis, si, toks, a, b, kind)
                if m is not None:
                    out.append(m)
        return out

    def _mention(self, analysis: Analysis, si: int, toks: list[Token], a: int, b: int, kind: str):
        if kind not in ("PERS", "LOC", "ORG"):
            return None
        # the model labels whole words: drop a proclitic when the rest is a known name
        first, cut = toks[a], 0
        for form, c in first.forms[1:]:
            if form in self.lexicon.by_first:
                cut = c
                break
        words = [first.forms[[c for _, c in first.forms].index(cut)][0]] + [t.norm for t in toks[a + 1 : b]]
        entries = self.lexicon.by_phrase.get(" ".join(words))
        canonical = ""
        if entries:
            entry = self.lexicon.entries[entries[0]]
            etype, canonical = entry.type, entry.name
        elif kind == "LOC":
            etype = "PLACE"
        elif kind == "ORG":
            etype = "ARMED_GROUP" if words[0] in GROUP_TRIGGERS | MILITIA_WORDS else "ORGANIZATION"
        else:
            ranked = a > 0 and any(f in RANKS for f, _ in toks[a - 1].forms)
            etype = "COMMANDER" if ranked else "PERSON"
        start = first.start + skip_letters(first.text, cut)
        return analysis.mention(si, start, toks[b - 1].end, etype, self.name, canonical=canonical)


def bio_spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` word spans of BIO labels; a stray ``I-`` opens a span.

    >>> bio_spans(["O", "B-PERS", "I-PERS", "B-LOC", "I-ORG", "O"])
    [(1, 3, 'PERS'), (3, 4, 'LOC'), (4, 5, 'ORG')]
    """
    spans: list[tuple[int, int, str]] = []
    start, kind = None, None
    for i, lab in enumerate(list(labels) + ["O"]):
        tag, _, k = lab.partition("-")
        if start is not None and (tag != "I" or k != kind):
            spans.append((start, i, kind))
            start, kind = None, None
        if tag == "B" or (tag == "I" and start is None):
            start, kind = i, k
    return spans
