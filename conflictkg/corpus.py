"""Reading a corpus: .txt files, folders of them, .jsonl and .csv, streamed.

``read_corpus`` yields :class:`Document` or :class:`Skipped` records one at a time, so a
corpus of any size passes through in constant memory: JSONL and CSV files are read
row by row, never whole. Every input ends up as one or the other; nothing is dropped
silently. A :class:`Skipped` names the file (``source``), the line when there is one,
and the reason; :func:`describe_skipped` turns it into the one-line message users see.

What is skipped, and why (each one is a test in tests/test_corpus.py):

* missing paths, broken symlinks, symlink loops, FIFOs/devices, unreadable files;
* binary files (NUL bytes), text in no encoding we recognise (UTF-8 with or without
  BOM, UTF-16 with or without BOM, and Windows-1256 Arabic are read);
* empty documents, documents over ``max_chars`` characters;
* JSONL lines that are blank, malformed, not an object, or lack ``id``/``text``;
  CSV rows with the wrong number of fields or an empty ``text``;
* a second document with an id already seen (the first one wins; never merged).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.jsonl").write_text('{"id": "1", "text": "قصف مدينة سرت"}\\n{"id": "1", "text": "x"}\\n', encoding="utf-8")
>>> [type(r).__name__ for r in read_corpus([d / "a.jsonl"])]
['Document', 'Skipped']
>>> describe_skipped(list(read_corpus([d / "a.jsonl"]))[1]).split(": ", 1)[1]
"duplicate document id '1' (first seen in ...a.jsonl:1)"
"""
from __future__ import annotations

import codecs
import csv
import errno
import io
import json
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from .records import Document, Skipped

FIELDS = ("id", "text", "title", "date", "url", "source")
CORPUS_SUFFIXES = (".txt", ".jsonl", ".csv")
# Longer "articles" are nearly always scraping accidents (a whole site dump in one
# record). Extraction holds a document's tokens in memory (~75 MB per million
# characters), so a 50 MB dump would need gigabytes in one worker: such documents are
# reported instead (``build --max-chars`` raises the limit).
MAX_DOC_CHARS = 1_000_000
SNIFF_BYTES = 64 * 1024
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class InputError(Exception):
    """An input that cannot be read as text; the message is the reason, without location."""


def describe_skipped(s: Skipped) -> str:
    """``file:line: reason`` (or ``file: reason``): the message printed for a skipped input.

    >>> describe_skipped(Skipped("news.jsonl", "malformed JSON", line=7))
    'news.jsonl:7: malformed JSON'
    """
    where = s.source if s.line is None else f"{s.source}:{s.line}"
    return f"{where}: {s.reason}"


# --- encodings ----------------------------------------------------------------------


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit only at odd/even offsets (ASCII and
    Arabic text in UTF-16 without a BOM), else None."""
    sample = data[:SNIFF_BYTES]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd and not even:
        candidate = "utf-16-le"
    elif even and not odd:
        candidate = "utf-16-be"
    else:
        return None
    try:
        text = sample[: len(sample) // 2 * 2].decode(candidate)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text if ch < " " and ch not in "\n\r\t")
    return candidate if not controls and (text.isascii() or _arabic_share(text) > 0.3) else None


def _arabic_share(text: str) -> float:
    letters = sum(1 for ch in text if ch.isalpha())
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    return arabic / letters if letters else 0.0


def sniff_encoding(sample: bytes) -> tuple[str, int]:
    """(encoding, BOM length) of a file from its first bytes.

    >>> sniff_encoding("سرت".encode("utf-8"))
    ('utf-8', 0)
    >>> sniff_encoding(codecs.BOM_UTF8 + "سرت".encode("utf-8"))
    ('utf-8', 3)
    >>> sniff_encoding("قصف سرت".encode("utf-16"))[0]
    'utf-16'
    >>> sniff_encoding("قصف مدينة سرت".encode("cp1256"))
    ('cp1256', 0)
    >>> sniff_encoding(bytes(range(256)))
    Traceback (most recent call last):
    ...
    conflictkg.corpus.InputError: binary file (NUL bytes), not text
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", len(codecs.BOM_UTF8)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0  # the utf-16 codec reads and drops the BOM itself
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16, 0
    if b"\x00" in sample:
        raise InputError("binary file (NUL bytes), not text")
    try:
        sample.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8", 0  # the sample cut a character in two
        utf8_error = exc
    try:
        text = sample.decode("cp1256")
    except UnicodeDecodeError:
        text = ""
    if _arabic_share(text) > 0.5:
        return "cp1256", 0
    raise InputError(f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and not Windows-1256 Arabic")


def decode_bytes(data: bytes) -> str:
    """Decode a whole text file: UTF-8 (BOM or not), UTF-16 (BOM or not), Windows-1256.

    Raises InputError (the reason) for binary data or an unknown encoding.

    >>> decode_bytes(codecs.BOM_UTF8 + "مدينة سرت".encode("utf-8"))
    'مدينة سرت'
    >>> decode_bytes("مدينة سرت".encode("cp1256"))
    'مدينة سرت'
    """
    encoding, bom = sniff_encoding(data[:SNIFF_BYTES])
    try:
        return data[bom:].decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"invalid {encoding} ({exc.reason} at byte {exc.start + bom})") from None


def _decode_line(raw: bytes) -> str:
    """One JSONL line: UTF-8, or Windows-1256 Arabic; InputError otherwise."""
    if b"\x00" in raw:
        raise InputError("binary data (NUL bytes) in line")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    text = raw.decode("cp1256", errors="replace")
    if _arabic_share(text) > 0.5 and "\ufffd" not in text:
        return text
    raise InputError(f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and not Windows-1256 Arabic")


# --- finding the input files ----------------------------------------------------------


def _why_unreadable(path: Path) -> str | None:
    """Reason a path cannot be read as a corpus file, or None when it is a regular file."""
    try:
        st = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop"
        if path.is_symlink():
            return f"broken symlink (its target {os.readlink(path)!r} does not exist)"
        if exc.errno == errno.ENOENT:
            return "no such file or folder"
        return f"cannot read: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "a device"
        return f"not a regular file ({kind})"
    if not os.access(path, os.R_OK):
        return "cannot read: permission denied"
    return None


def iter_input_files(inputs: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, Path | None] | Skipped]:
    """(file, folder it was found under) for every input; folders are walked recursively.

    Symlinked folders are followed once; a loop is reported, not followed forever.
    """
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, path, set())
            continue
        why = _why_unreadable(path)
        if why:
            yield Skipped(str(path), why)
        elif path.suffix.lower() in CORPUS_SUFFIXES:
            yield (path, None)
        else:
            yield Skipped(str(path), f"unsupported file type {path.suffix or '(none)'!r}: expected .txt, .jsonl or .csv")


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
            yield Skipped(str(child), _why_unreadable(child) or f"cannot read: {exc.strerror}")
            continue
        if is_dir:
            yield from _walk(root, child, seen)
        elif child.suffix.lower() in CORPUS_SUFFIXES:
            why = _why_unreadable(child)
            yield Skipped(str(child), why) if why else (child, root)
        # other files in a corpus folder (READMEs, annotations, images) are not documents


# --- reading documents ----------------------------------------------------------------


def read_corpus(inputs: Iterable[str | os.PathLike], max_chars: int = MAX_DOC_CHARS) -> Iterator[Document | Skipped]:
    """Every document of the inputs, or a Skipped record saying why it is not one.

    Duplicate document ids are reported as skipped (the first one wins), never merged.
    """
    files: list[str] = []
    seen_ids: dict[str, tuple[int, int | None]] = {}  # id → (index in files, line): compact
    for item in iter_input_files(inputs):
        if isinstance(item, Skipped):
            yield item
            continue
        path, root = item
        files.append(str(path))
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            records = _read_jsonl(path, max_chars)
        elif suffix == ".csv":
            records = _read_csv(path, max_chars)
        else:
            records = _read_txt(path, root, max_chars)
        for rec, line in records:
            if isinstance(rec, Document):
                first = seen_ids.get(rec.id)
                if first is not None:
                    file_no, first_line = first
                    at = files[file_no] if first_line is None else f"{files[file_no]}:{first_line}"
                    yield Skipped(str(path), f"duplicate document id {rec.id!r} (first seen in {at})",
                                  line=line, id=rec.id)
                    continue
                seen_ids[rec.id] = (len(files) - 1, line)
            yield rec


def _check_text(text: str, max_chars: int) -> str | None:
    """Reason to skip a document text, or None when it can be processed."""
    if not text.strip():
        return "empty document"
    if len(text) > max_chars:
        return f"document of {len(text):,} characters exceeds the {max_chars:,} limit"
    return None


def _read_txt(path: Path, root: Path | None, max_chars: int) -> Iterator[tuple[Document | Skipped, int | None]]:
    doc_id = path.stem if root is None else path.relative_to(root).with_suffix("").as_posix()
    where = str(path)
    try:
        size = path.stat().st_size
        if size > 4 * max_chars + 4:  # no encoding we read takes more than 4 bytes a character
            yield Skipped(where, f"file of {size:,} bytes exceeds the {max_chars:,}-character document limit", id=doc_id), None
            return
        with open(path, "rb") as fh:
            text = decode_bytes(fh.read())
    except OSError as exc:
        yield Skipped(where, f"cannot read: {exc.strerror}", id=doc_id), None
        return
    except InputError as exc:
        yield Skipped(where, str(exc), id=doc_id), None
        return
    reason = _check_text(text, max_chars)
    if reason:
        yield Skipped(where, reason, id=doc_id), None
        return
    yield Document(id=doc_id, text=text, source=where), None


def _record(row, source: str, line: int, max_chars: int) -> Document | Skipped:
    if not isinstance(row, dict):
        return Skipped(source, f"expected a JSON object, got {type(row).__name__}", line=line)
    doc_id = row.get("id")
    if doc_id is None or str(doc_id).strip() == "":
        return Skipped(source, "missing 'id'", line=line)
    doc_id = str(doc_id).strip()
    text = row.get("text")
    if not isinstance(text, str):
        what = "missing" if text is None else f"non-string ({type(text).__name__})"
        return Skipped(source, f"{what} 'text'", line=line, id=doc_id)
    reason = _check_text(text, max_chars)
    if reason:
        return Skipped(source, reason, line=line, id=doc_id)
    extra = {k: ("" if row.get(k) is None else str(row.get(k))) for k in ("title", "date", "url")}
    return Document(id=doc_id, text=text, source=str(row.get("source") or source), **extra)


def _jsonl_lines(fh, encoding: str, max_bytes: int) -> Iterator[tuple[int, bytes | str | None]]:
    """(line number, raw line) of a JSONL file; None for a line longer than max_bytes,
    which is skipped over without being held in memory."""
    if encoding.startswith("utf-16"):
        # NUL bytes are part of every character: lines are found after decoding.
        text = io.TextIOWrapper(fh, encoding=encoding, newline=None)
        for lineno, line in enumerate(text, 1):
            yield lineno, line
        return
    lineno = 0
    while True:
        raw = fh.readline(max_bytes + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(1 << 20)
            yield lineno, None
            continue
        yield lineno, raw


def open_input(path) -> "BinaryIO | Skipped":
    """The input file opened for reading bytes, or why it cannot be."""
    try:
        return open(path, "rb")
    except OSError as exc:
        return Skipped(str(path), f"cannot read: {exc.strerror}")


def _read_jsonl(path: Path, max_chars: int) -> Iterator[tuple[Document | Skipped, int | None]]:
    source = str(path)
    fh = open_input(path)
    if isinstance(fh, Skipped):
        yield fh, None
        return
    with fh:
        head = fh.read(4)
        fh.seek(0)
        encoding = "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else (
            _utf16_without_bom(fh.read(SNIFF_BYTES)) or "utf-8")
        fh.seek(0)
        try:
            yield from jsonl_records(_jsonl_lines(fh, encoding, 4 * max_chars + 1024), source, max_chars)
        except (OSError, UnicodeDecodeError) as exc:
            yield Skipped(source, f"reading stopped: {exc}"), None


def jsonl_records(lines, source: str, max_chars: int, first_line: int = 1):
    """``(record, line)`` for the numbered raw lines of a JSONL file (``_jsonl_lines``).

    ``first_line`` is the file's own number of the first line given, so a reader of a
    byte range of the file (the Dask executor) reports the same lines as a whole read.
    """
    for n, raw in lines:
        lineno = first_line + n - 1
        if raw is None:
            yield Skipped(source, f"line longer than the {max_chars:,}-character document limit", line=lineno), lineno
            continue
        if isinstance(raw, bytes):
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                raw = _decode_line(raw)
            except InputError as exc:
                yield Skipped(source, str(exc), line=lineno), lineno
                continue
        if not raw.strip():
            yield Skipped(source, "blank line (expected one JSON object per line)", line=lineno), lineno
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield Skipped(source, f"malformed JSON ({exc.msg} at column {exc.colno})", line=lineno), lineno
            continue
        yield _record(row, source, lineno, max_chars), lineno


def _read_csv(path: Path, max_chars: int) -> Iterator[tuple[Document | Skipped, int | None]]:
    source = str(path)
    fh = open_input(path)
    if isinstance(fh, Skipped):
        yield fh, None
        return
    with fh:
        try:
            encoding, bom = sniff_encoding(fh.read(SNIFF_BYTES))
        except InputError as exc:
            yield Skipped(source, str(exc)), None
            return
        fh.seek(bom)
        text = io.TextIOWrapper(fh, encoding=encoding, newline="")
        reader = csv.reader(text)
        try:
            yield from _csv_rows(reader, source, max_chars)
        except UnicodeDecodeError as exc:
            line = reader.line_num + 1
            yield Skipped(source, f"invalid {encoding} ({exc.reason}); the rest of the file is not read",
                          line=line), line
        except OSError as exc:
            yield Skipped(source, f"reading stopped: {exc.strerror}"), None


def _csv_rows(reader, source: str, max_chars: int) -> Iterator[tuple[Document | Skipped, int | None]]:
    try:
        header = next(reader)
    except StopIteration:
        yield Skipped(source, "empty CSV file"), None
        return
    except csv.Error as exc:
        yield Skipped(source, f"malformed CSV header ({exc})", line=1), 1
        return
    header = [h.strip().lower() for h in header]
    if "id" not in header or "text" not in header:
        yield Skipped(source, f"CSV header needs 'id' and 'text' columns, has {header}", line=1), 1
        return
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Skipped(source, f"malformed CSV row ({exc})", line=start), start
            continue
        if not any(cell.strip() for cell in row):
            continue  # blank lines between CSV rows are not records
        if len(row) != len(header):
            yield Skipped(source, f"{len(row)} fields, header has {len(header)}", line=start), start
            continue
        yield _record(dict(zip(header, row)), source, start, max_chars), start
