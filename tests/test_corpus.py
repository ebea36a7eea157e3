"""Bad input: every input becomes a Document or a Skipped naming file, line and reason,
and the rest of the corpus goes through. Fixtures are written here, in our own Arabic."""
from __future__ import annotations

import codecs
import json
import os
import time

import pytest

from conflictkg.corpus import describe_skipped, read_corpus
from conflictkg.records import Document, Skipped

ARTICLE = "قال العقيد سالم المنصوري إن قوات كتيبة الصخرة صدت هجوما جنوب مدينة سبها."
OTHER = "وأعلنت بلدية غدامس إعادة فتح الطريق بعد يومين من الاشتباكات."


def read(*paths, **kw):
    items = list(read_corpus([str(p) for p in paths], **kw))
    docs = [i for i in items if isinstance(i, Document)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    return docs, skipped


def only_skip(skipped, needle):
    hits = [s for s in skipped if needle in s.reason]
    assert len(hits) == 1, [describe_skipped(s) for s in skipped]
    return hits[0]


# --- encodings -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1256"])
def test_text_files_in_other_encodings_are_decoded(tmp_path, encoding):
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode(encoding))
    docs, skipped = read(tmp_path)
    assert skipped == []
    assert [d.text for d in docs] == [ARTICLE]  # BOM gone, letters intact


def test_undecodable_and_binary_files_are_reported_and_the_rest_goes_through(tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 na\xefve d\xe9j\xe0 vu".encode("latin-1"))
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    docs, skipped = read(tmp_path)
    assert [d.id for d in docs] == ["good"]
    latin = only_skip(skipped, "not UTF-8")
    assert latin.source.endswith("latin.txt") and "Windows-1256" in latin.reason
    binary = only_skip(skipped, "binary")
    assert binary.source.endswith("image.txt")


def test_empty_and_blank_files_are_skipped(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\t\n", encoding="utf-8")
    (tmp_path / "ok.txt").write_text(OTHER, encoding="utf-8")
    docs, skipped = read(tmp_path)
    assert [d.id for d in docs] == ["ok"]
    assert sorted(os.path.basename(s.source) for s in skipped) == ["blank.txt", "empty.txt"]
    assert all(s.reason == "empty document" for s in skipped)


# --- JSONL -------------------------------------------------------------------------------


def test_jsonl_bad_lines_are_named_by_line_and_the_good_ones_read(tmp_path):
    path = tmp_path / "news.jsonl"
    lines = [
        json.dumps({"id": "n1", "text": ARTICLE}, ensure_ascii=False),  # 1
        "",  # 2 blank
        '{"id": "n2", "text": "unterminated',  # 3 malformed
        json.dumps({"id": "n3", "title": "no text"}),  # 4
        json.dumps({"id": "n4", "text": "   "}),  # 5 empty text
        json.dumps(["not", "an", "object"]),  # 6
        json.dumps({"text": OTHER}, ensure_ascii=False),  # 7 no id
        json.dumps({"id": 8, "text": OTHER, "date": "2024-05-01"}, ensure_ascii=False),  # 8
        "\x00\x00\x00",  # 9 zero bytes
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, skipped = read(path)
    assert [(d.id, d.date) for d in docs] == [("n1", ""), ("8", "2024-05-01")]
    by_line = {s.line: s.reason for s in skipped}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 9]
    assert "blank line" in by_line[2]
    assert "malformed JSON" in by_line[3]
    assert by_line[4] == "missing 'text'"
    assert by_line[5] == "empty document"
    assert "JSON object" in by_line[6]
    assert "missing 'id'" in by_line[7]
    assert "NUL" in by_line[9]
    assert describe_skipped(next(s for s in skipped if s.line == 3)).startswith(f"{path}:3: malformed JSON")


def test_jsonl_with_bom_and_windows_1256_lines(tmp_path):
    path = tmp_path / "mixed.jsonl"
    first = json.dumps({"id": "a", "text": ARTICLE}, ensure_ascii=False).encode("utf-8")
    second = json.dumps({"id": "b", "text": OTHER}, ensure_ascii=False).encode("cp1256")
    path.write_bytes(codecs.BOM_UTF8 + first + b"\n" + second + b"\n")
    docs, skipped = read(path)
    assert skipped == []
    assert [(d.id, d.text) for d in docs] == [("a", ARTICLE), ("b", OTHER)]


def test_utf16_jsonl(tmp_path):
    path = tmp_path / "u16.jsonl"
    rows = [{"id": "a", "text": ARTICLE}, {"id": "b", "text": OTHER}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-16")
    docs, skipped = read(path)
    assert skipped == [] and [d.text for d in docs] == [ARTICLE, OTHER]


# --- CSV -----------------------------------------------------------------------------------


def test_csv_bad_rows_are_named_by_line(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text(
        "id,title,text\n"
        f"c1,عنوان,{ARTICLE}\n"
        "c2,only two fields\n"
        f'c3,"multi\nline title",{OTHER}\n'
        "c4,لا نص,\n"
        f"c5,,{OTHER}\n",
        encoding="utf-8-sig",
    )
    docs, skipped = read(path)
    assert [d.id for d in docs] == ["c1", "c3", "c5"]
    assert {s.line: s.reason for s in skipped} == {3: "2 fields, header has 3", 6: "empty document"}


def test_csv_without_text_column_and_in_windows_1256(tmp_path):
    (tmp_path / "nohead.csv").write_text("id,body\nx,نص\n", encoding="utf-8")
    (tmp_path / "arabic.csv").write_bytes(f"id,text\nw1,{ARTICLE}\n".encode("cp1256"))
    docs, skipped = read(tmp_path)
    assert [(d.id, d.text) for d in docs] == [("w1", ARTICLE)]
    assert "'id' and 'text'" in only_skip(skipped, "CSV header").reason


# --- duplicates and size -----------------------------------------------------------------


def test_duplicate_ids_are_reported_never_merged(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"id": "d", "text": ARTICLE}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "d", "text": OTHER}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "b.csv").write_text(f"id,text\nd,{OTHER}\n", encoding="utf-8")
    docs, skipped = read(tmp_path / "a.jsonl", tmp_path / "b.csv")
    assert [(d.id, d.text) for d in docs] == [("d", ARTICLE)]  # the first wins, untouched
    assert [(os.path.basename(s.source), s.line, s.id) for s in skipped] == [("a.jsonl", 2, "d"), ("b.csv", 2, "d")]
    assert all(f"first seen in {tmp_path / 'a.jsonl'}:1" in s.reason for s in skipped)


def test_a_50_mb_document_is_reported_quickly_without_stalling_the_rest(tmp_path):
    big = (ARTICLE + "\n") * (50_000_000 // len((ARTICLE + "\n").encode("utf-8")) + 1)
    (tmp_path / "a_dump.txt").write_text(big, encoding="utf-8")
    with open(tmp_path / "dump.jsonl", "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "huge", "text": big}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"id": "small", "text": OTHER}, ensure_ascii=False) + "\n")
    (tmp_path / "z.txt").write_text(OTHER, encoding="utf-8")
    del big
    t = time.monotonic()
    docs, skipped = read(tmp_path)
    assert time.monotonic() - t < 10
    assert [d.id for d in docs] == ["small", "z"]
    assert [(os.path.basename(s.source), s.line) for s in skipped] == [("a_dump.txt", None), ("dump.jsonl", 1)]
    assert all("limit" in s.reason for s in skipped)


def test_document_size_limit_is_a_parameter(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert read(tmp_path, max_chars=len(ARTICLE))[0]
    docs, skipped = read(tmp_path, max_chars=len(ARTICLE) - 1)
    assert not docs and "exceeds" in skipped[0].reason


# --- paths ---------------------------------------------------------------------------------


def test_unreadable_paths_are_reported(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(corpus / "pipe.txt")  # opening it would block forever
    (corpus / "self.txt").symlink_to(corpus / "self.txt")
    (corpus / "folder.txt").mkdir()  # a folder named like a file is walked as a folder
    (corpus / "folder.txt" / "inner.txt").write_text(OTHER, encoding="utf-8")
    (tmp_path / "notes.md").write_text(OTHER, encoding="utf-8")
    docs, skipped = read(corpus, tmp_path / "missing.jsonl", tmp_path / "notes.md")
    assert [d.id for d in docs] == ["folder.txt/inner", "ok"]
    reasons = {os.path.basename(s.source): s.reason for s in skipped}
    assert reasons["dangling.txt"].startswith("broken symlink")
    assert reasons["pipe.txt"] == "not a regular file (a FIFO)"
    assert reasons["self.txt"] == "symlink loop"
    assert reasons["missing.jsonl"] == "no such file or folder"
    assert len(skipped) == 5 and "unsupported file type" in reasons["notes.md"]


def test_symlinked_folder_loop_is_reported_not_followed(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "sub" / "back").symlink_to(corpus, target_is_directory=True)
    docs, skipped = read(corpus)
    assert [d.id for d in docs] == ["sub/a"]
    assert [s.reason for s in skipped] == ["symlink loop: folder already visited"]
    assert skipped[0].source.endswith("back")


def test_reading_is_streamed(tmp_path):
    """The first document comes out before a later, broken file is even opened."""
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    stream = read_corpus([tmp_path / "a.txt", tmp_path / "later.jsonl"])
    assert next(stream).id == "a"
    (tmp_path / "later.jsonl").write_text(json.dumps({"id": "l", "text": OTHER}, ensure_ascii=False), encoding="utf-8")
    assert [d.id for d in stream] == ["l"]
