"""Fitting user text into fixed-width cells: literal, terminal-safe, wide characters counted
as two cells so Chinese names and titles line up."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from itsm_tui.common.textsafe import flat


def one_line(text: str | None) -> str:
    """User text on one line, control characters shown as escapes (never interpreted); nothing
    is shown as nothing."""
    return flat(text or "")


def fit(text: str | None, width: int, *, right: bool = False) -> str:
    """``text`` cut or padded to exactly ``width`` cells (an ellipsis marks a cut)."""
    text = one_line(text)
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    if right:
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)
