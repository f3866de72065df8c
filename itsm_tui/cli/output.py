"""How the CLI prints: JSON for scripts, plain tables for people, errors as one line.

User text is data: tables are built from ``rich.text.Text`` with markup off, so a title like
``[bold]x[/]`` or an escape sequence is printed literally.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from itsm_tui.common.errors import DomainError
from itsm_tui.common.textsafe import visible

console = Console(markup=False, highlight=False, emoji=False)
err_console = Console(stderr=True, markup=False, highlight=False, emoji=False)


def _default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def to_json(data: Any) -> str:
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        data = dataclasses.asdict(data)
    elif isinstance(data, list):
        data = [dataclasses.asdict(d) if dataclasses.is_dataclass(d) else d for d in data]
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def print_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = Table(*headers, box=None, pad_edge=False, header_style="bold")
    for row in rows:
        table.add_row(*(Text(_cell(v)) for v in row))
    console.print(table)


def print_fields(pairs: Iterable[tuple[str, Any]]) -> None:
    """A record as aligned "label  value" lines."""
    pairs = list(pairs)
    width = max((len(k) for k, _ in pairs), default=0)
    for key, value in pairs:
        console.print(Text(f"{key:<{width}}  {_cell(value)}"))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return visible(", ".join(str(v) for v in value))
    return visible(str(value))


def report_error(exc: DomainError, as_json: bool) -> None:
    """One clear line on stderr (or the error as JSON on stdout for ``--json`` callers)."""
    if as_json:
        print_json(exc.to_dict())
    else:
        err_console.print(Text(visible(f"itsm: {exc.message}")), soft_wrap=True)


def say(message: str) -> None:
    console.print(Text(visible(message)), soft_wrap=True)
