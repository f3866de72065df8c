"""Reading import files: encoding, format and delimiter detection, records with line numbers.

Why decode by trial (UTF-8 with or without BOM, then GB18030) rather than guess statistically:
UTF-8 almost never decodes by accident, and GB18030 — what Excel on a Chinese Windows desktop
saves as "CSV" — is a superset of GBK and GB2312, so the two tries cover what this site's files
are, and a wrong guess is impossible for valid UTF-8.
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

ENCODINGS = ("utf-8-sig", "gb18030")
DELIMITERS = ",;\t|"
#: Export neutralises these leading characters with an apostrophe; import takes it off again.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

Record = tuple[int, dict[str, Any]]  # (line, field → value)


@dataclass(frozen=True)
class Source:
    path: str
    format: str  # csv | json
    encoding: str
    delimiter: str | None
    columns: list[str]
    records: list[Record]


def decode(data: bytes, path: str, encoding: str | None) -> tuple[str, str]:
    """The text of ``data`` and the encoding that read it."""
    for name in (encoding,) if encoding else ENCODINGS:
        try:
            return data.decode(name), "utf-8" if name == "utf-8-sig" and not data.startswith(
                b"\xef\xbb\xbf"
            ) else name
        except LookupError:
            raise Invalid(f"Unknown encoding '{name}'.", field="encoding") from None
        except UnicodeDecodeError as exc:
            if encoding:
                line = data[: exc.start].count(b"\n") + 1
                raise Invalid(
                    f"{path} line {line}: bytes {data[exc.start : exc.start + 4]!r} are not "
                    f"valid {name}.",
                    field="encoding",
                ) from None
    raise Invalid(f"{path} is neither UTF-8 nor GB18030; give --encoding.", field="encoding")


def unneutralise(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_LEADS:
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
    raise Invalid(f"format '{fmt}' is not csv or json.", field="format")


def _csv_source(path: str, text: str, encoding: str) -> Source:
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0], DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise Invalid(f"{path} is empty.", field="file") from None
    records: list[Record] = []
    append, width = records.append, len(header)
    # Most files have no neutralised cell at all: then no cell needs looking at.
    quoted = "'" in text
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not (cells and cells[0].strip()) and not "".join(cells).strip():
            continue  # a blank row (the first cell settles it for nearly every row)
        if len(cells) > width:
            raise Invalid(
                f"{path} line {start}: {len(cells)} cells but {width} columns.",
                field="file",
            )
        if quoted:
            cells = [unneutralise(c) for c in cells]
        append((start, dict(zip(header, cells, strict=False))))
    return Source(path, "csv", encoding, delimiter, header, records)


def _json_items(text: str) -> Iterator[tuple[int, Any]]:
    """The items of a top-level JSON array, each with the line it starts on."""
    decoder = json.JSONDecoder()
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
        item, end = decoder.raw_decode(text, pos)
        line += text.count("\n", counted, pos)
        counted = pos
        yield line, item
        pos = end


def _json_source(path: str, text: str, encoding: str) -> Source:
    try:
        items = list(_json_items(text))
    except (ValueError, IndexError) as exc:
        line = getattr(exc, "lineno", 1)
        raise Invalid(
            f"{path} line {line}: not a JSON array of objects ({exc}).", field="file"
        ) from None
    records: list[Record] = []
    columns: dict[str, None] = {}
    for line, item in items:
        if not isinstance(item, dict):
            raise Invalid(f"{path} line {line}: each item must be an object.", field="file")
        record = {str(k).lower(): unneutralise(v) for k, v in item.items()}
        columns.update(dict.fromkeys(record))
        records.append((line, record))
    return Source(path, "json", encoding, None, list(columns), records)
