"""How the CLI prints: one JSON envelope for scripts, plain tables for people, errors as one line.

The envelope (documented in the README, "JSON output"), as ``gh`` and ``kubectl`` print theirs:

- a command about one record — showing it, creating it or changing it — prints that record as
  one object (what it is now, after the change); what belongs to it nests inside it;
- a command that lists prints ``{"items": [...], "next": CURSOR}``: pass ``next`` back as
  ``--after`` for the following page; ``null`` means there is no more;
- a refusal prints ``{"error": KIND, "message": TEXT, "field": NAME}`` (exit 1; ``usage``
  errors exit 2), with ``suggestions`` where the workflow offers some.

Rich is imported only to print for people: a script asking for ``--json`` never loads it.
User text is data: tables are built from ``rich.text.Text`` with markup off, so a title like
``[bold]x[/]`` is printed literally, and every control character is shown escaped
(``common.textsafe.visible``). JSON keeps non-ASCII text readable (``ensure_ascii=False``, so
Chinese stays Chinese) but writes as ``\\uXXXX`` what a terminal would act on or a reader
would be misled by: the C1 controls (U+0080–U+009F; U+009B alone is a CSI), DEL, the bidi
controls, the Unicode line separators and lone surrogates (bytes that were not UTF-8).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from itsm_tui.common.errors import DomainError
from itsm_tui.common.i18n import _
from itsm_tui.common.textsafe import CONTROLS_BEYOND_C0, visible

if TYPE_CHECKING:
    from rich.console import Console


@cache
def console() -> Console:
    from rich.console import Console

    return Console(markup=False, highlight=False, emoji=False)


@cache
def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, markup=False, highlight=False, emoji=False)


def _default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def plain(value: Any) -> Any:
    """A dataclass as a dict (nested ones too); anything else as it is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


#: What JSON writes escaped although ``ensure_ascii`` is off (the module docstring says why).
#: These never occur in JSON's own syntax, so replacing them anywhere in the text is safe.
_JSON_ESCAPED = re.compile(f"[{CONTROLS_BEYOND_C0}\u2028\u2029\ud800-\udfff]")


def to_json(data: Any) -> str:
    """``data`` as the JSON the CLI prints (without the final newline)."""
    import json  # not for --help

    text = json.dumps(data, ensure_ascii=False, indent=2, default=_default)
    return _JSON_ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _write(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")


def print_object(record: Any, **extra: Any) -> None:
    """One record (a dataclass or a dict), with ``extra`` fields that belong to it."""
    data = plain(record)
    if not isinstance(data, dict):
        raise TypeError(f"a record prints as an object, not {type(data).__name__}")
    if clash := set(data) & set(extra):  # a field must not be silently replaced
        raise ValueError(f"fields given twice: {sorted(clash)}")
    _write({**data, **extra})


def print_list(items: Iterable[Any], next_after: object = None) -> None:
    """A page of records and the cursor to the next one (None: the last page)."""
    cursor = None if next_after is None else str(next_after)
    _write({"items": [plain(i) for i in items], "next": cursor})


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Columns padded to their widest cell, two spaces apart, the header first, as ``gh`` and
    ``kubectl`` print lists. Widths are terminal cells (a Chinese character takes two). On a
    terminal a line longer than the screen is cut with "…" rather than wrapped into the next
    row; into a pipe or a file every line is whole, for ``grep`` and ``cut``.

    Written here rather than with Rich's Table, whose import cost a listing command ~20 ms of
    a start budgeted at 1.2× ``import sqlmodel``; Rich still measures the cells."""
    from rich.cells import cell_len, set_cell_size

    table = [[_(h) for h in headers], *([_cell(v).replace("\n", " ") for v in row] for row in rows)]
    widths = [max(cell_len(row[i]) for row in table) for i in range(len(headers))]
    screen = shutil.get_terminal_size().columns if sys.stdout.isatty() else 0
    for row in table:
        padded = [cell + " " * (w - cell_len(cell)) for cell, w in zip(row, widths, strict=True)]
        line = "  ".join(padded).rstrip()
        if screen and cell_len(line) > screen:
            line = set_cell_size(line, screen - 1) + "…"
        sys.stdout.write(line + "\n")


def print_fields(pairs: Iterable[tuple[str, Any]]) -> None:
    """A record as aligned "label  value" lines, the labels in the language in force and padded
    by terminal cells (a Chinese character takes two)."""
    from rich.cells import cell_len

    shown_pairs = [(_(key), value) for key, value in pairs]
    width = max((cell_len(k) for k, _value in shown_pairs), default=0)
    for key, value in shown_pairs:
        say(f"{key}{' ' * (width - cell_len(key))}  {_cell(value)}")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return shown(", ".join(str(v) for v in value))
    return shown(str(value))


def shown(text: str) -> str:
    """``text`` safe to print on a terminal: controls escaped as ``visible`` does, and a lone
    surrogate (bytes that were not UTF-8, which no terminal encoding can write) as ``\\udcff``."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", visible(text))


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def error_object(kind: str, message: str, field: str | None, **extra: Any) -> dict[str, Any]:
    """The one shape of every error: ``field`` is always there (null when no field is to
    blame), so a script can read it without checking."""
    return {"error": kind, "message": message, "field": field, **extra}


def report_error(exc: DomainError, as_json: bool) -> None:
    """One clear line on stderr (or the error as JSON on stdout for ``--json`` callers)."""
    if as_json:
        extra = {k: v for k, v in exc.to_dict().items() if k not in ("error", "message", "field")}
        _write(error_object(exc.kind, exc.message, exc.field, **extra))
    else:
        complain(exc.text())


def print_error(data: dict[str, Any]) -> None:
    _write(data)


def complain(message: str) -> None:
    """One line on stderr, prefixed with the command's name."""
    from rich.text import Text

    err_console().print(Text(shown(_("itsm: {message}").format(message=message))), soft_wrap=True)


def local(value: datetime | None, zone: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``common.timefmt.local``, loaded when a time is first printed: zoneinfo is not needed
    for ``--help``."""
    from itsm_tui.common.timefmt import local as in_zone

    return in_zone(value, zone, fmt)


def say(message: str) -> None:
    """One line (or a few) of plain output. Written straight to stdout: with markup,
    highlighting and wrapping off, Rich printed exactly this, and loading it cost an action
    command ~27 ms of its start."""
    sys.stdout.write(shown(message) + "\n")


def quiet(reference: object) -> None:
    """``-q``: only the new record's reference, for ``N=$(itsm … -q)``."""
    sys.stdout.write(f"{reference}\n")
