"""Reading import files: format and delimiter detection, records with line numbers.

The bytes are decoded by :mod:`.decoding` (a file in a doubtful encoding is refused there).
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_, Phrase
from itsm_tui.workflow.cmdb.decoding import decode
from itsm_tui.workflow.text_input import NOT_TEXT

DELIMITERS = ",;\t|"
#: Export neutralises these leading characters with an apostrophe; import takes it off again.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
#: What export puts an apostrophe before: a formula lead, and an apostrophe itself — so a value
#: that really starts with one keeps it through an export and a re-import.
NEUTRALISED = (*FORMULA_LEADS, "'")
#: The longest value an error message repeats; longer ones are cut (a cell may be megabytes).
ECHO = 80

Record = tuple[int, dict[str, Any]]  # (line, field → value)


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
        raise Invalid(
            "Cannot read {path}: {strerror}.", field="file", path=path, strerror=exc.strerror
        ) from None
    try:
        text, used = decode(data, str(path), encoding)
    except LookupError:
        raise Invalid(
            "Unknown encoding '{encoding}'.", field="encoding", encoding=cut(encoding)
        ) from None
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    if fmt == "json":
        return _json_source(str(path), text, used)
    if fmt in ("csv", "txt", "tsv"):
        return _csv_source(str(path), text, used)
    raise Invalid("format '{fmt}' is not csv or json.", field="format", fmt=cut(fmt))


def _header(path: str, cells: list[str]) -> list[str]:
    """The column names; a repeated one is refused. Nameless columns may repeat (a
    spreadsheet saves trailing empty ones): their cells must then be empty."""
    header = [h.strip().lower() for h in cells]
    seen: dict[str, int] = {}
    for n, name in enumerate(header, 1):
        if name in seen and name:
            raise Invalid(
                "{path} line 1: column '{name}' appears twice (columns {first} and {n}); which "
                "one is meant?",
                field=name,
                path=path,
                name=cut(name),
                first=seen[name],
                n=n,
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
            raise Invalid("{path} is empty.", field="file", path=path) from None
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
                    "{path} line {start}: {count} cells but {width} columns.",
                    field="file",
                    path=path,
                    start=start,
                    count=len(cells),
                    width=width,
                )
            for n in nameless:
                if n < len(cells) and cells[n].strip():
                    raise Invalid(
                        "{path} line {start}: column {next_n} has a value but no name on line 1.",
                        field="file",
                        path=path,
                        start=start,
                        next_n=n + 1,
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
    return Invalid(
        "{path} line {line}: {problem}.", field="file", path=path, line=line, problem=problem
    )


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
                    "{path} line {line}: the quote opened in column {column} is not closed on that "
                    "line and takes in line {next_line} ({taken!r}), which looks like a row of its "
                    "own; close the quote.",
                    field=column,
                    path=path,
                    line=line,
                    column=cut(column),
                    next_line=line + offset,
                    taken=cut(taken),
                )
        line += len(lines) - 1


def _check_text(path: str, line: int, record: dict[str, Any]) -> None:
    """Refuse NUL (and lone surrogates) in any value of ``record``, attributes included."""
    for key, value in record.items():
        if isinstance(value, dict):
            _check_text(path, line, value)
            continue
        found = NOT_TEXT.search(value) if isinstance(value, str) else None
        if found:
            char = f"U+{ord(found.group()):04X}"
            raise Invalid(
                "{path} line {line}, column {key}: the value holds {char}, which is not text "
                "({what}).",
                field=key,
                path=path,
                line=line,
                key=cut(key),
                char=char,
                what=Phrase(N_("a NUL") if char == "U+0000" else N_("a lone surrogate")),
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
            "{path} line {line}: the item is nested too deeply to be a CI.",
            field="file",
            path=path,
            line=exc.line,
        ) from None
    except _Repeated as exc:
        raise Invalid(
            "{path} line {line}: {problem}.",
            field="file",
            path=path,
            line=exc.line,
            problem=exc.problem,
        ) from None
    except (ValueError, IndexError) as exc:
        line = getattr(exc, "lineno", 1)
        raise Invalid(
            "{path} line {line}: not a JSON array of objects ({exc}).",
            field="file",
            path=path,
            line=line,
            exc=exc,
        ) from None
    records: list[Record] = []
    columns: dict[str, None] = {}
    check = "\x00" in text or "\\u" in text  # NUL or a surrogate can only come this way
    for line, item in items:
        if not isinstance(item, dict):
            raise Invalid(
                "{path} line {line}: each item must be an object.",
                field="file",
                path=path,
                line=line,
            )
        record = {k.lower(): v for k, v in item.items()}
        nested = record.get("attributes")
        if isinstance(nested, dict):
            both = sorted(set(nested) & set(record))
            if both:
                raise Invalid(
                    "{path} line {line}: '{name}' is given both on its own and under attributes; "
                    "which one is meant?",
                    field=both[0],
                    path=path,
                    line=line,
                    name=cut(both[0]),
                )
        if check:
            try:
                _check_text(path, line, record)
            except RecursionError:  # (the decoder's own limit leaves little stack to spare)
                raise Invalid(
                    "{path} line {line}: the item is nested too deeply to be a CI.",
                    field="file",
                    path=path,
                    line=line,
                ) from None
        columns.update(dict.fromkeys(record))
        records.append((line, record))
    return Source(path, "json", encoding, None, list(columns), records)
