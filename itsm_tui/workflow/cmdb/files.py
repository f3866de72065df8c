"""Reading import files: encoding, format and delimiter detection, records with line numbers.

Why decode by trial (UTF-8 with or without BOM, then GB18030) rather than guess statistically:
UTF-8 almost never decodes by accident, and GB18030 — what Excel on a Chinese Windows desktop
saves as "CSV" — is a superset of GBK and GB2312, so the two tries cover what this site's files
are, and a wrong guess is impossible for valid UTF-8.

GB18030, though, decodes most Latin-1/Windows-1252 files too, into nonsense (``Hélène`` reads
as ``H閘鑞e``): an accented letter followed by an ASCII letter is a valid two-byte character.
Such characters (an ASCII second byte) are rare, old or traditional ideographs in real Chinese
text, so a file where they are common, or where lone characters sit inside Latin words, is
refused with a hint to give ``--encoding`` (see :func:`looks_western`). A general detector
(charset-normalizer 3.4.7) was measured on the same one-row files and did worse: restricted
to GB18030 and Windows-1252 it called 12 of 401 Chinese files Western and let 7 of 52 Latin-1
ones through (unrestricted, it read Chinese as Korean and Big5), so it is not used.

A UTF-16 file without a byte-order mark decodes "successfully" as UTF-8 with a NUL after every
ASCII letter; it is recognised by that pattern and refused with the byte order to give.

Whatever is read is refused rather than bent: an unclosed quote that swallows rows, a repeated
column or JSON key, a NUL character (PostgreSQL cannot store it, SQLite can: refusing it keeps
the two alike), a field over the CSV module's limit and JSON nested beyond Python's stack are
each an ``Invalid`` naming the file and line. Values echoed in messages are cut to
:data:`ECHO` characters: a 10 MB cell is reported, not printed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsm_tui.common.errors import Invalid

DELIMITERS = ",;\t|"
#: Export neutralises these leading characters with an apostrophe; import takes it off again.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
#: What export puts an apostrophe before: a formula lead, and an apostrophe itself — so a value
#: that really starts with one keeps it through an export and a re-import.
NEUTRALISED = (*FORMULA_LEADS, "'")
#: The longest value an error message repeats; longer ones are cut (a cell may be megabytes).
ECHO = 80

Record = tuple[int, dict[str, Any]]  # (line, field → value)

#: GB18030 characters, from a character boundary on: a four-byte one; a two-byte one outside
#: GB2312 (second byte ASCII or 0x80-0xA0) with an ASCII letter just before or after it
#: (groups 1, 2); a lone GB2312 level-2 one made of two Latin-1 small letters between ASCII
#: letters (group 3); any other two-byte one. The grouped ones are "odd" (see looks_western).
#: A letter before is matched, not looked behind at: the byte before may be a second byte.
_GB_CHAR = re.compile(
    rb"[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]"
    rb"|[A-Za-z][\x81-\xfe]([\x40-\x7e\x80-\xa0])"
    rb"|[\x81-\xfe]([\x40-\x7e\x80-\xa0])(?=[A-Za-z])"
    rb"|[A-Za-z]([\xe0-\xf7][\xdf-\xfe])(?=[A-Za-z])"
    rb"|[\x81-\xfe][\x40-\xfe]"
)
#: What a CI field can never hold: NUL, and lone surrogates (only JSON escapes can make them).
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


def cut(value: Any) -> Any:
    """``value`` as an error message may repeat it: text over :data:`ECHO` characters cut, and
    a list or object whose text would be, as that text cut."""
    if isinstance(value, list | dict):
        try:
            shown = repr(value)
        except RecursionError:
            return "(nested too deeply to show)"
        return value if len(shown) <= ECHO else cut(shown)
    if isinstance(value, str) and len(value) > ECHO:
        return f"{value[: ECHO - 1]}… ({len(value):,} characters)"
    return value


@dataclass(frozen=True)
class Source:
    path: str
    format: str  # csv | json
    encoding: str
    delimiter: str | None
    columns: list[str]
    records: list[Record]


def looks_western(data: bytes) -> bool:
    """Whether ``data``, valid GB18030, is more likely Latin-1 or Windows-1252.

    Counted over its two-byte characters, the odd ones: those outside GB2312 touching an ASCII
    letter (an accented letter inside a word followed by an ASCII letter, ``é`` + ``l`` in
    ``Hélène``, or by Windows-1252 punctuation, ``ë`` + ``’``: in Chinese text, rare or
    traditional ideographs, seldom next to a Latin letter), and lone ones wedged between ASCII
    letters whose bytes are both Latin-1 small letters (``ö`` + ``ß`` in ``Größe``: a rarer,
    level-2 ideograph in GB2312). A quarter odd is Western: the 401 Chinese names and titles
    tried (the demo site's, traditional and rare ideographs, Latin letters mixed in) have none,
    50 of 52 Latin-1 names that GB18030 decodes have one in every two or more.

    A file is one encoding, so a sample says what all of it is: the count stops once
    :data:`_ENOUGH` characters are seen (a Chinese file: within its first kilobytes), reading
    a piece at a time from line starts (a line start is a character boundary) and skipping
    pieces that are plain ASCII.
    """
    seen = odd = 0
    start = 0
    while start < len(data) and seen < _ENOUGH:
        end = data.find(b"\n", start + _PIECE)
        end = len(data) if end < 0 else end + 1
        piece = data[start:end]
        start = end
        if piece.isascii():
            continue
        chars = _GB_CHAR.findall(piece)
        seen += len(chars)
        odd += len(chars) - chars.count((b"", b"", b""))
    return bool(odd) and odd * 4 >= seen


_PIECE, _ENOUGH = 16_384, 1_000


def _utf16_order(data: bytes) -> str | None:
    """``le`` or ``be`` if ``data`` looks like UTF-16 without a byte-order mark: a NUL byte in
    most odd (or even) places, as ASCII text in UTF-16 has, and hardly any in the others."""
    sample = data[:4096]
    if b"\x00" not in sample or len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd * 3 >= half and even * 10 <= odd:
        return "le"
    if even * 3 >= half and odd * 10 <= even:
        return "be"
    return None


def _western(path: str) -> Invalid:
    return Invalid(
        f"{path} looks like Latin-1/Windows-1252; give --encoding (cp1252 for a Western "
        "Windows file, or gb18030 if it really is Chinese).",
        field="encoding",
    )


def decode(data: bytes, path: str, encoding: str | None) -> tuple[str, str]:
    """The text of ``data`` and the encoding that read it."""
    if encoding:
        return _decode_as(data, path, encoding), encoding
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_as(data, path, "utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_as(data, path, "utf-16"), "utf-16"
    if data.startswith(b"PK\x03\x04"):
        raise Invalid(
            f"{path} is a zip file (an Excel workbook?); save it as CSV or JSON.", field="file"
        )
    order = _utf16_order(data)
    if order:
        raise Invalid(
            f"{path} looks like UTF-16 without a byte-order mark; give --encoding utf-16-{order}.",
            field="encoding",
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        if _western_letters(data):
            raise _western(path) from None
        raise Invalid(
            f"{path} is neither UTF-8 nor GB18030; give --encoding.", field="encoding"
        ) from None
    if looks_western(data):
        raise _western(path)
    return text, "gb18030"


def _western_letters(data: bytes) -> bool:
    """Whether ``data`` reads as Windows-1252 text whose characters beyond ASCII are letters
    or its typographic quotes and dashes (what a Western file that is not GB18030 holds)."""
    try:
        text = data[:65536].decode("cp1252")  # (one byte a character: any cut is clean)
    except UnicodeDecodeError:
        return False
    high = [c for c in text if c > "\x7f"]
    return sum(c.isalpha() or c in "‘’“”–—€" for c in high) * 10 >= len(high) * 9


def _decode_as(data: bytes, path: str, name: str) -> str:
    try:
        return data.decode(name)
    except LookupError:
        raise Invalid(f"Unknown encoding '{cut(name)}'.", field="encoding") from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Invalid(
            f"{path} line {line}: bytes {data[exc.start : exc.start + 4]!r} are not valid {name}.",
            field="encoding",
        ) from None


def unneutralise(value: str) -> str:
    """A CSV cell without the apostrophe export put before it (and only that one)."""
    if len(value) > 1 and value[0] == "'" and value[1] in NEUTRALISED:
        return value[1:]
    return value


def read_source(path: Path, *, encoding: str | None = None, fmt: str | None = None) -> Source:
    """Read ``path`` as CSV or JSON (by ``fmt`` or the file's extension)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Invalid(f"Cannot read {path}: {exc.strerror}.", field="file") from None
    text, used = decode(data, str(path), encoding)
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    if fmt == "json":
        return _json_source(str(path), text, used)
    if fmt in ("csv", "txt", "tsv"):
        return _csv_source(str(path), text, used)
    raise Invalid(f"format '{cut(fmt)}' is not csv or json.", field="format")


def _header(path: str, cells: list[str]) -> list[str]:
    """The column names; a repeated one is refused. Nameless columns may repeat (a
    spreadsheet saves trailing empty ones): their cells must then be empty."""
    header = [h.strip().lower() for h in cells]
    seen: dict[str, int] = {}
    for n, name in enumerate(header, 1):
        if name in seen and name:
            raise Invalid(
                f"{path} line 1: column '{cut(name)}' appears twice (columns {seen[name]} "
                f"and {n}); which one is meant?",
                field=name,
            )
        seen[name] = n
    return header


def _csv_source(path: str, text: str, encoding: str) -> Source:
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0], DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 0
    try:
        try:
            header = _header(path, next(reader))
        except StopIteration:
            raise Invalid(f"{path} is empty.", field="file") from None
        records: list[Record] = []
        append, width = records.append, len(header)
        # Most files have no neutralised cell, no NUL and no multi-line cell: then no cell
        # needs looking at.
        quoted, nul = "'" in text, "\x00" in text
        nameless = [n for n, name in enumerate(header) if not name]
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if line != start:
                _check_spanning(path, start, cells, header, delimiter)
            if not (cells and cells[0].strip()) and not "".join(cells).strip():
                continue  # a blank row (the first cell settles it for nearly every row)
            if len(cells) > width:
                raise Invalid(
                    f"{path} line {start}: {len(cells)} cells but {width} columns.",
                    field="file",
                )
            for n in nameless:
                if n < len(cells) and cells[n].strip():
                    raise Invalid(
                        f"{path} line {start}: column {n + 1} has a value but no name on line 1.",
                        field="file",
                    )
            if quoted:
                cells = [unneutralise(c) for c in cells]
            record = dict(zip(header, cells, strict=False))
            if nul:
                _check_text(path, start, record)
            append((start, record))
    except csv.Error as exc:
        raise _csv_error(path, line + 1, exc) from None
    return Source(path, "csv", encoding, delimiter, header, records)


def _csv_error(path: str, line: int, exc: csv.Error) -> Invalid:
    """The csv module's complaint about the record starting on ``line``, for a person."""
    problem = str(exc)
    if "field larger than field limit" in problem:
        problem = (
            f"a field is longer than {csv.field_size_limit():,} characters (no CI field holds "
            "that much: an unclosed quote?)"
        )
    elif "unexpected end of data" in problem:
        problem = "a quote opened in this row is never closed"
    elif "expected after" in problem:
        problem = 'a quoted field goes on after its closing quote (write a quote inside as "")'
    return Invalid(f"{path} line {line}: {problem}.", field="file")


def _check_spanning(
    path: str, start: int, cells: list[str], header: list[str], delimiter: str
) -> None:
    """Refuse a record spanning lines if a quoted cell took in lines that look like rows of
    their own (more than half the columns' cells): an unclosed quote swallowing the rows after
    it. A multi-line value meant as such — a description — has no such lines."""
    line = start
    for column, cell in zip(header, cells, strict=False):
        lines = cell.split("\n")
        for offset, taken in enumerate(lines[1:], 1):
            taken = taken.rstrip("\r")
            parts = next(csv.reader([taken], delimiter=delimiter), [])
            if len(parts) >= 2 and len(parts) * 2 > len(header):
                raise Invalid(
                    f"{path} line {line}: the quote opened in column {cut(column)} is not closed "
                    f"on that line and takes in line {line + offset} ({cut(taken)!r}), which "
                    "looks like a row of its own; close the quote.",
                    field=column,
                )
        line += len(lines) - 1


def _check_text(path: str, line: int, record: dict[str, Any]) -> None:
    """Refuse NUL (and lone surrogates) in any value of ``record``, attributes included."""
    for key, value in record.items():
        if isinstance(value, dict):
            _check_text(path, line, value)
            continue
        found = _NOT_TEXT.search(value) if isinstance(value, str) else None
        if found:
            char = f"U+{ord(found.group()):04X}"
            raise Invalid(
                f"{path} line {line}, column {cut(key)}: the value holds {char}, "
                f"which is not text ({'a NUL' if char == 'U+0000' else 'a lone surrogate'}).",
                field=key,
            )


class _RepeatedKey(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key it repeats (``json`` would keep the last silently); keys
    differing only in case are repeats too (they name the same field)."""
    found: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for key, value in pairs:
        folded = key.lower()
        if folded in seen:
            raise _RepeatedKey(f"key '{cut(key)}' repeats '{cut(seen[folded])}'")
        seen[folded] = key
        found[key] = value
    return found


def _json_items(text: str) -> Iterator[tuple[int, Any]]:
    """The items of a top-level JSON array, each with the line it starts on."""
    decoder = json.JSONDecoder(object_pairs_hook=_object)
    pos = len(text) - len(text.lstrip())
    if text[pos : pos + 1] != "[":
        raise ValueError("expected a JSON array of objects")
    pos += 1
    line, counted = 1, 0  # the line ``counted`` is on
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if text[pos : pos + 1] == "]":
            return
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            item, end = decoder.raw_decode(text, pos)
        except RecursionError:
            raise _Nested(line) from None
        except _RepeatedKey as exc:
            raise _Repeated(line, str(exc)) from None
        yield line, item
        pos = end


class _Nested(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Repeated(Exception):
    def __init__(self, line: int, problem: str) -> None:
        self.line, self.problem = line, problem


def _json_source(path: str, text: str, encoding: str) -> Source:
    try:
        items = list(_json_items(text))
    except _Nested as exc:
        raise Invalid(
            f"{path} line {exc.line}: the item is nested too deeply to be a CI.", field="file"
        ) from None
    except _Repeated as exc:
        raise Invalid(f"{path} line {exc.line}: {exc.problem}.", field="file") from None
    except (ValueError, IndexError) as exc:
        line = getattr(exc, "lineno", 1)
        raise Invalid(
            f"{path} line {line}: not a JSON array of objects ({exc}).", field="file"
        ) from None
    records: list[Record] = []
    columns: dict[str, None] = {}
    check = "\x00" in text or "\\u" in text  # NUL or a surrogate can only come this way
    for line, item in items:
        if not isinstance(item, dict):
            raise Invalid(f"{path} line {line}: each item must be an object.", field="file")
        record = {k.lower(): v for k, v in item.items()}
        nested = record.get("attributes")
        if isinstance(nested, dict):
            both = sorted(set(nested) & set(record))
            if both:
                raise Invalid(
                    f"{path} line {line}: '{cut(both[0])}' is given both on its own and under "
                    "attributes; which one is meant?",
                    field=both[0],
                )
        if check:
            try:
                _check_text(path, line, record)
            except RecursionError:  # (the decoder's own limit leaves little stack to spare)
                raise Invalid(
                    f"{path} line {line}: the item is nested too deeply to be a CI.", field="file"
                ) from None
        columns.update(dict.fromkeys(record))
        records.append((line, record))
    return Source(path, "json", encoding, None, list(columns), records)
