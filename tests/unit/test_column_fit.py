"""Fitting a table's columns to the terminal so that its title column keeps room."""

from __future__ import annotations

from itsm_tui.widgets.cells import CELL_PADDING, TABLE_RESERVE, Column, clip, fit_columns

COLUMNS = [
    Column("Number", 9, 9, rank=9),
    Column("Type", 9, 4, rank=2),
    Column("Status", 19, 8, rank=1),
    Column("Window", 16, 11, rank=0),
    Column("Implementer", 11, 6, droppable=True, rank=1),
]


def _used(widths: list[int | None]) -> int:
    return TABLE_RESERVE + sum(w + CELL_PADDING for w in widths if w is not None)


def test_a_wide_terminal_shows_every_column_whole() -> None:
    widths = fit_columns(COLUMNS, 160, 24)
    assert widths[:-1] == [9, 9, 19, 16, 11] and _used(widths) == 160


def test_at_80_columns_the_window_goes_first_then_lower_ranks_then_a_droppable_column() -> None:
    widths = fit_columns(COLUMNS, 80, 24)
    assert widths[-1] is not None and widths[-1] >= 24 and _used(widths) <= 80
    assert widths[3] == 11  # the window lost its year first
    assert widths[0] == 9  # the number is never cut
    squeezed = fit_columns(COLUMNS, 96, 24)
    assert squeezed[4] is not None  # with a little more room the implementer stays


def test_clip_counts_wide_characters_and_marks_a_cut() -> None:
    assert clip("OA应用服务器补丁升级", 20) == "OA应用服务器补丁升级"
    assert clip("OA应用服务器补丁升级", 9) == "OA应用服…"
    assert clip("short", 9) == "short"  # not padded
