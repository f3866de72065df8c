"""Text matching that stays on the indexes, on SQLite and PostgreSQL alike.

What a person types is matched as text, never as a pattern: ``%`` and ``_`` are LIKE's
wildcards, so a bare ``LIKE '%' || :text || '%'`` turned a search for ``%`` into "every
caller". :func:`contains` and :func:`ends_with` escape them (``ESCAPE '/'``, the same SQL on
both databases); :func:`starts_with` is a range and has no metacharacters at all. Every query
that puts user text into a LIKE goes through these.
"""

from __future__ import annotations

from typing import Any

TOP = "\U0010ffff"  # sorts after every character: [x, x + TOP) is "starts with x"


def starts_with(column: Any, text: str) -> Any:
    """``column`` starts with ``text``, as an index range (SQLite's LIKE folds case and then
    cannot use a plain index; a range can, on both databases)."""
    return (column >= text) & (column < text + TOP)


def contains(column: Any, text: str) -> Any:
    """``column`` contains ``text`` literally: ``%``, ``_`` and the escape character itself
    match only themselves."""
    return column.contains(text, autoescape=True)


def ends_with(column: Any, text: str) -> Any:
    """``column`` ends with ``text`` literally (as :func:`contains`)."""
    return column.endswith(text, autoescape=True)


def contains_any_case(column: Any, text: str) -> Any:
    """``column`` contains ``text`` literally, in any letter case (as :func:`contains`)."""
    return column.icontains(text, autoescape=True)
