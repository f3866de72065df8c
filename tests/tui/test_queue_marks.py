"""Several tickets at once in a queue, with Pilot: z marks rows (visibly, and the mark
survives paging away and back), Q opens a problem from the marked tickets after asking, and
the hotline, who may not open problems, reads the refusal in its own words."""

from __future__ import annotations

import pytest

from itsm_tui.console.app import ItsmApp
from itsm_tui.dialogs.form import ConfirmDialog
from itsm_tui.screens.queue import QueueScreen
from itsm_tui.widgets import ticket_table
from itsm_tui.widgets.ticket_table import MARK, TicketTable
from itsm_tui.workflow.problems.queries import list_problems, show_problem
from tests.tui.conftest import Console
from tests.tui.test_console import settle, text_of


def line_of(table: TicketTable, number: str) -> str:
    for y in range(1, table.size.height):
        text = table.render_line(y).text
        if text.startswith(number):
            return text
    raise AssertionError(f"{number} not on screen")


async def test_marks_survive_paging_and_q_opens_a_problem(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages of 3 and a window of two pages: moving down drops the first rows, as at 1M.
    monkeypatch.setattr(ticket_table, "PAGE", 3)
    monkeypatch.setattr(ticket_table, "WINDOW_PAGES", 2)
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("6")  # the open queue
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        table = app.screen.query_one(TicketTable)
        first, second = table.rows[0].number, table.rows[1].number
        await pilot.press("z", "z")  # marks the first two, moving down
        await settle(pilot)
        assert list(table.marked) == [first, second]
        assert line_of(table, first).startswith(first + MARK)
        assert "2 marked" in text_of(app, "#queue-bar")
        for _ in range(8):  # page on until the first rows are dropped
            await pilot.press("down")
            await settle(pilot)
        assert first not in [r.number for r in table.rows]
        await pilot.press("home")  # back to the first page, read again
        await settle(pilot)
        assert line_of(table, first).startswith(first + MARK)
        assert not line_of(table, table.rows[2].number).startswith(table.rows[2].number + MARK)
        await pilot.press("Q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and table.marked == {}
    problems = list_problems(console.site, console.desk.sup)
    assert len(problems) == 1
    linked = show_problem(console.site, console.desk.sup, problems[0].number).incidents
    assert sorted(i.number for i in linked) == sorted([first, second])


async def test_the_hotline_reads_why_it_may_not(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("z", "Q", "y")
        await settle(pilot)
        assert "may not open, investigate and resolve problems" in text_of(app, "#queue-bar")
    assert list_problems(console.site, console.desk.agent1) == []
