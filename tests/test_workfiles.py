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


NAME_TEXT = st.text(alphabet=st.sampled_from(list("ab\x00\n سرت")), max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(["PLACE", "PERSON"]), NAME_TEXT, NAME_TEXT), max_size=4), max_size=5))
@example([[("PLACE", "a", "")], [("PLACE", "a\x00", ""), ("PLACE", "a", "")], [("PLACE", "a", "\x00")]])
def test_names_sent_as_one_string_number_distinct_names_in_first_seen_order(tmp_path_factory, docs):
    # the workers send encode_names(...); a name holding a separator must neither merge
    # with another name nor split the numbering of the names of its document
    from array import array

    from conflictkg.workfiles import NAMES, WorkWriter, encode_names

    writer = WorkWriter(tmp_path_factory.mktemp("work") / "w")
    for names in docs:
        mentions = [Mention("d", 0, 0, 1, text, etype, "lexicon", canonical=canonical) for etype, text, canonical in names]
        writer.add((b"", b"", b"", b""), encode_names(mentions))
    work = writer.close()
    distinct = list(dict.fromkeys(name for names in docs for name in names))
    assert work.names == distinct
    ids = array("i", (work.folder / NAMES).read_bytes())
    assert [work.names[i] for i in ids] == [name for names in docs for name in names]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=40), st.lists(st.binary(max_size=300), min_size=1, max_size=4), st.integers(1, 64),
       st.booleans())
def test_moving_parts_to_the_end_of_a_file_joins_them_and_removes_them(tmp_path_factory, head, parts, chunk,
                                                                       in_user_space):
    import os

    from conflictkg import workfiles

    folder = tmp_path_factory.mktemp("move")
    whole = folder / "whole"
    whole.write_bytes(head)
    for i, data in enumerate(parts):
        (folder / f"part{i}").write_bytes(data)
    saved = getattr(os, "copy_file_range", None)
    if in_user_space and saved is not None:  # a filesystem that cannot copy in the kernel
        def refuse(*args):
            raise OSError(95, "Operation not supported")
        os.copy_file_range = refuse
    try:
        for i in range(len(parts)):
            workfiles.move_to_end(folder / f"part{i}", whole, chunk=chunk)
    finally:
        if saved is not None:
            os.copy_file_range = saved
    assert whole.read_bytes() == head + b"".join(parts)
    assert sorted(p.name for p in folder.iterdir()) == ["whole"]
