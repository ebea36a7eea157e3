"""The work files' rows are exactly the JSON the output files hold."""
from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from conflictkg.records import DocResult, Document, Mention, Relation
from conflictkg.workfiles import render

TEXT = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(list('"\\\n\t\u2028\x00\x1fقوات «»'))), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, st.sampled_from(["PLACE", "ARMED_GROUP"]), st.integers(0, 10**6)), max_size=5),
       TEXT, TEXT)
@example([('قوة "الردع" \\ ', "ARMED_GROUP", 3)], 'd"1\\', 'دليل\nسطر')
def test_rows_are_what_json_writes(names, doc_id, evidence):
    # render writes rows field by field for speed; they must be json.dumps of each row
    mentions = [Mention(doc_id, i, start, start + len(text), text, etype, extractor="lexicon")
                for i, (text, etype, start) in enumerate(names)]
    relations = [Relation("BASED_IN", 0, len(mentions) - 1, doc_id, 0, evidence, "cues:rule-x")] if mentions else []
    doc = Document(doc_id, "")
    _, rows, rels, _ = render(doc, DocResult(doc, [], mentions, relations))
    want = "".join(json.dumps({"doc": doc_id, "sentence": m.sentence, "start": m.start, "end": m.end, "text": m.text,
                               "type": m.type, "entity": None, "extractor": m.extractor}, ensure_ascii=False) + "\n"
                   for m in mentions)
    assert rows.decode() == want
    want_rels = "".join(json.dumps({"type": r.type, "head": None, "tail": None, "doc": doc_id, "sentence": r.sentence,
                                    "evidence": r.evidence, "extractor": r.extractor}, ensure_ascii=False) + "\n"
                        for r in relations)
    assert rels.decode() == want_rels
