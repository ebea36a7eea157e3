"""Reading a corpus: .txt files, folders of them, .jsonl and .csv, streamed.

``read_corpus`` yields :class:`Document` or :class:`Skipped` records one at a time, so a
corpus of any size passes through in constant memory. Every input ends up as one or
the other: nothing is dropped silently.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import Iterable, Iterator

from .records import Document, Skipped

FIELDS = ("id", "text", "title", "date", "url", "source")
CORPUS_SUFFIXES = (".txt", ".jsonl", ".csv")
MAX_DOC_CHARS = 50_000_000
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class InputError(Exception):
    pass


def decode_bytes(data: bytes, where: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1256.

    Raises InputError for binary data or text in no encoding we recognise.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{where}: invalid UTF-16 ({exc.reason} at byte {exc.start})") from None
    if b"\x00" in data[:4096]:
        raise InputError(f"{where}: binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        raise InputError(f"{where}: not UTF-8 ({utf8_error.reason} at byte {utf8_error.start})") from None
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    letters = sum(1 for ch in text if ch.isalpha())
    if letters and arabic / letters > 0.5:
        return text  # Windows-1256 Arabic
    raise InputError(f"{where}: not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and not Windows-1256 Arabic")


def _check_text(text: str, where: str) -> str | None:
    """Reason to skip a document text, or None when it can be processed."""
    if not text.strip():
        return f"{where}: empty document"
    if len(text) > MAX_DOC_CHARS:
        return f"{where}: document of {len(text):,} characters exceeds the {MAX_DOC_CHARS:,} limit"
    return None


def iter_input_files(inputs: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, Path | None] | Skipped]:
    """(file, folder it was found under) for every input; folders are walked recursively.

    Symlinked folders are followed once; a loop is reported, not followed forever.
    """
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            seen: set[tuple[int, int]] = set()
            yield from _walk(path, path, seen)
        elif path.exists():
            if path.suffix.lower() in CORPUS_SUFFIXES:
                yield (path, None)
            else:
                yield Skipped(str(path), f"unsupported file type {path.suffix or '(none)'!r}: expected .txt, .jsonl or .csv")
        else:
            yield Skipped(str(path), "no such file or folder")


def _walk(root: Path, folder: Path, seen: set) -> Iterator[tuple[Path, Path] | Skipped]:
    try:
        st = folder.stat()
    except OSError as exc:
        yield Skipped(str(folder), f"cannot read folder: {exc.strerror}")
        return
    if (st.st_dev, st.st_ino) in seen:
        yield Skipped(str(folder), "symlink loop: folder already visited")
        return
    seen.add((st.st_dev, st.st_ino))
    try:
        children = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(str(folder), f"cannot read folder: {exc.strerror}")
        return
    for entry in children:
        child = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError as exc:
            yield Skipped(str(child), f"cannot read: {exc.strerror}")
            continue
        if is_dir:
            yield from _walk(root, child, seen)
        elif child.suffix.lower() in CORPUS_SUFFIXES:
            yield (child, root)
        # other files in a corpus folder (READMEs, annotations, images) are not documents


def read_corpus(inputs: Iterable[str | os.PathLike]) -> Iterator[Document | Skipped]:
    """Every document of the inputs, or a Skipped record saying why it is not one.

    Duplicate document ids are reported as skipped (the first one wins), never merged.
    """
    seen_ids: dict[str, str] = {}
    for item in iter_input_files(inputs):
        if isinstance(item, Skipped):
            yield item
            continue
        path, root = item
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            records = _read_jsonl(path)
        elif suffix == ".csv":
            records = _read_csv(path)
        else:
            records = _read_txt(path, root)
        for rec in records:
            if isinstance(rec, Document):
                first = seen_ids.get(rec.id)
                if first is not None:
                    yield Skipped(rec.source, f"duplicate document id {rec.id!r} (first seen in {first})", id=rec.id)
                    continue
                seen_ids[rec.id] = rec.source
            yield rec


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _read_txt(path: Path, root: Path | None) -> Iterator[Document | Skipped]:
    if root is None:
        doc_id = path.stem
    else:
        doc_id = path.relative_to(root).with_suffix("").as_posix()
    try:
        text = decode_bytes(_read_bytes(path), str(path))
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror}", id=doc_id)
        return
    except InputError as exc:
        yield Skipped(str(path), str(exc), id=doc_id)
        return
    reason = _check_text(text, str(path))
    if reason:
        yield Skipped(str(path), reason, id=doc_id)
        return
    yield Document(id=doc_id, text=text, source=str(path))


def _record(row: dict, where: str, source: str, line: int) -> Document | Skipped:
    if not isinstance(row, dict):
        return Skipped(source, f"{where}: expected a JSON object, got {type(row).__name__}", line=line)
    doc_id = row.get("id")
    if doc_id is None or str(doc_id).strip() == "":
        return Skipped(source, f"{where}: missing 'id'", line=line)
    doc_id = str(doc_id).strip()
    text = row.get("text")
    if not isinstance(text, str):
        return Skipped(source, f"{where}: missing or non-string 'text'", line=line, id=doc_id)
    reason = _check_text(text, where)
    if reason:
        return Skipped(source, reason, line=line, id=doc_id)
    extra = {k: ("" if row.get(k) is None else str(row.get(k))) for k in ("title", "date", "url")}
    return Document(id=doc_id, text=text, source=str(row.get("source") or source), **extra)


def _read_jsonl(path: Path) -> Iterator[Document | Skipped]:
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror}")
        return
    with fh:
        for lineno, raw in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if not raw.strip():
                continue  # blank lines separate nothing
            try:
                row = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield Skipped(str(path), f"{where}: not UTF-8 ({exc.reason})", line=lineno)
                continue
            except json.JSONDecodeError as exc:
                yield Skipped(str(path), f"{where}: malformed JSON ({exc.msg} at column {exc.colno})", line=lineno)
                continue
            yield _record(row, where, str(path), lineno)


def _read_csv(path: Path) -> Iterator[Document | Skipped]:
    try:
        text = decode_bytes(_read_bytes(path), str(path))
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror}")
        return
    except InputError as exc:
        yield Skipped(str(path), str(exc))
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        yield Skipped(str(path), f"{path}: empty CSV file")
        return
    except csv.Error as exc:
        yield Skipped(str(path), f"{path}:1: malformed CSV header ({exc})", line=1)
        return
    header = [h.strip().lower() for h in header]
    if "id" not in header or "text" not in header:
        yield Skipped(str(path), f"{path}:1: CSV header needs 'id' and 'text' columns, has {header}", line=1)
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield Skipped(str(path), f"{path}:{reader.line_num}: malformed CSV row ({exc})", line=reader.line_num)
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path}:{line}"
        if len(row) != len(header):
            yield Skipped(str(path), f"{where}: {len(row)} fields, header has {len(header)}", line=line)
            continue
        yield _record(dict(zip(header, row)), where, str(path), line)
