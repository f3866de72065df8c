"""Text matching that stays on the indexes, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

TOP = "\U0010ffff"  # sorts after every character: [x, x + TOP) is "starts with x"


def starts_with(column: Any, text: str) -> Any:
    """``column`` starts with ``text``, as an index range (SQLite's LIKE folds case and then
    cannot use a plain index; a range can, on both databases)."""
    return (column >= text) & (column < text + TOP)
