"""Fitting user text into fixed-width cells: literal, terminal-safe, wide characters counted
as two cells so Chinese names and titles line up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from itsm_tui.common.textsafe import flat


def one_line(text: str | None) -> str:
    """User text on one line, control characters shown as escapes (never interpreted); nothing
    is shown as nothing."""
    return flat(text or "")


def fit(text: str | None, width: int, *, right: bool = False) -> str:
    """``text`` cut or padded to exactly ``width`` cells (an ellipsis marks a cut)."""
    text = clip(text, width)
    pad = " " * max(width - cell_len(text), 0)
    return pad + text if right else text + pad


def clip(text: str | None, width: int) -> str:
    """``text`` cut to at most ``width`` cells (an ellipsis marks a cut), not padded: for a
    table that pads its cells itself."""
    text = one_line(text)
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…" if width > 0 else ""


@dataclass(frozen=True)
class Column:
    """A fixed column of a table whose last column (a title) takes the rest of the width:
    ``natural`` cells show its widest value, ``least`` is as narrow as it may be squeezed
    (values then cut with an ellipsis), columns of a lower ``rank`` are squeezed first (those
    of one rank evenly), and a ``droppable`` column is left out when even squeezed the title
    would get less than its least."""

    label: str
    natural: int
    least: int
    droppable: bool = False
    rank: int = 0


#: Cells a table keeps besides its columns' content: the vertical scrollbar and the border.
TABLE_RESERVE = 4
#: Cells of padding around each column's content (one each side).
CELL_PADDING = 2


def widest(*texts: str) -> int:
    """The widest of ``texts`` in terminal cells (a Chinese character is two)."""
    return max((cell_len(t) for t in texts), default=0)


def fit_columns(columns: Sequence[Column], total: int, title_least: int) -> list[int | None]:
    """Widths for ``columns`` then the title, in ``total`` cells: each column's natural width
    while the title keeps ``title_least``; otherwise columns squeezed by rank, then droppable
    columns left out (``None``) from the last. The title gets the rest."""
    droppable = [i for i in reversed(range(len(columns))) if columns[i].droppable]
    widths: list[int | None] = []
    for dropped in range(len(droppable) + 1):
        gone = set(droppable[:dropped])
        widths = [None if i in gone else c.natural for i, c in enumerate(columns)]
        room = total - TABLE_RESERVE - CELL_PADDING  # the title's own padding
        room -= sum(w + CELL_PADDING for w in widths if w is not None)
        need = title_least - room
        for rank in sorted({c.rank for c in columns}):
            while need > 0:
                slack = [
                    (w - columns[i].least, i)
                    for i, w in enumerate(widths)
                    if w is not None and columns[i].rank == rank and w > columns[i].least
                ]
                if not slack:
                    break
                _spare, i = max(slack)  # one cell at a time from the widest: evenly
                widths[i] = (widths[i] or 0) - 1
                need -= 1
        if need <= 0:
            break
    used = sum(w + CELL_PADDING for w in widths if w is not None)
    return [*widths, max(1, total - TABLE_RESERVE - CELL_PADDING - used)]
