"""The inspection runner at 80×24, as an engineer in the machine room uses it over SSH: keys per
item, resuming after the console was closed mid-round, the summary, and an out-of-range
reading opening exactly one incident (a second failure adds a note)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from textual.pilot import Pilot

from itsm_tui.console.app import ItsmApp
from itsm_tui.dialogs.form import FormDialog
from itsm_tui.screens.rounds import RoundsScreen
from itsm_tui.screens.runner import RunnerScreen
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.inspections import rounds, templates
from tests.tui.conftest import Console
from tests.tui.test_console import settle

SMALL = Path(__file__).parents[1] / "unit" / "data" / "inspection_small.toml"


@pytest.fixture
def room(console: Console) -> Iterator[Console]:
    """The seeded desk with a UPS, the small checklist and one round for the inspector."""
    cmdb.add_ci(console.site, console.desk.admin, "UPS-01", "facility", attributes={"kind": "ups"})
    templates.import_template(console.site, console.desk.sup, SMALL)
    rounds.start_round(console.site, console.desk.insp, "mr-daily", group="hotline")
    yield console


class Counted:
    """Presses keys through Pilot and counts them, per item."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.pilot.press(key)
            self.count += 1
            await settle(self.pilot)


def runner(app: ItsmApp) -> RunnerScreen:
    screen = app.screen
    assert isinstance(screen, RunnerScreen), type(screen).__name__
    return screen


def _scalar(console: Console, sql: str) -> Any:
    with console.site.engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


async def _open_runner(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("w")  # the rounds, from the dashboard
    await settle(pilot)
    assert isinstance(pilot.app.screen, RoundsScreen)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_whole_round_by_keys(room: Console) -> None:
    app = ItsmApp(room.site, room.desk.insp)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_runner(pilot)
        screen = runner(app)
        assert screen.cursor == 0 and screen.view is not None
        keys = Counted(pilot)
        per_item = []
        for answer in (
            [*"23.5", "enter"],  # temp_a: a reading, in range
            ["p"],  # leak: pass
            [*"45", "enter"],  # ups_load
            ["1"],  # ups_light: the first choice
        ):
            before = keys.count
            await keys.press(*answer)
            per_item.append(keys.count - before)
        assert per_item == [5, 1, 3, 1]  # a pass is one key; a reading its digits and Enter
        assert screen.cursor == 4  # moved on by itself each time
        await keys.press("enter")  # remark: free text, in a dialog
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#field-text").value = "无"  # type: ignore[attr-defined]
        await keys.press("enter")
        assert _scalar(room, "SELECT COUNT(*) FROM inspection_answer") == 5
        await keys.press("F")
        assert screen.summary is not None
        assert (screen.summary.answered, screen.summary.passed) == (5, 5)
        shown = str(screen.query_one("#runner-item").render())
        assert "5 answered: 5 passed, 0 warnings, 0 failed" in shown
        assert _scalar(room, "SELECT status FROM inspection_round") == "completed"


async def test_closing_mid_round_loses_nothing_and_resumes(room: Console) -> None:
    app = ItsmApp(room.site, room.desk.insp)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_runner(pilot)
        await pilot.press(*"22", "enter", "p")
        await settle(pilot)
    # The connection dropped: a new console, the same round.
    again = ItsmApp(room.site, room.desk.insp)
    async with again.run_test(size=(80, 24)) as pilot:
        await _open_runner(pilot)
        screen = runner(again)
        assert screen.cursor == 2  # the first unanswered item
        assert screen.view is not None
        answers = [i.answer.outcome if i.answer else None for i in screen.view.checks]
        assert answers == ["pass", "pass", None, None, None]
        rows = str(screen.query_one("#runner-rows").render())
        assert "✓" in rows and "22" in rows


async def test_an_out_of_range_reading_asks_a_note_and_opens_one_incident(
    room: Console,
) -> None:
    app = ItsmApp(room.site, room.desk.insp)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_runner(pilot)
        await pilot.press(*"29", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # warn: what did you see?
        app.screen.query_one("#field-note").value = "出风口温度偏高"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        screen = runner(app)
        assert screen.cursor == 1
        assert "opened" in str(screen.query_one("#runner-entry").render())
    assert _scalar(room, "SELECT COUNT(*) FROM inspection_incident") == 1
    incidents_before = _scalar(room, "SELECT COUNT(*) FROM ticket")
    # The next round fails again: a note on the same incident, no second one.
    new = rounds.start_round(room.site, room.desk.insp, "mr-daily", group="hotline").number
    second = ItsmApp(room.site, room.desk.insp)
    async with second.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        listed = second.screen
        assert isinstance(listed, RoundsScreen)
        row = [r.number for r in listed.rows].index(new)
        listed.query_one("#rounds-table").move_cursor(row=row)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        screen = runner(second)
        assert screen.view is not None and screen.view.first_unanswered() == 0
        await pilot.press(*"31", "enter")
        await settle(pilot)
        await pilot.press("escape")  # no note this time
        await settle(pilot)
        assert "noted on open incident" in str(screen.query_one("#runner-entry").render())
    assert _scalar(room, "SELECT COUNT(*) FROM ticket") == incidents_before
    assert _scalar(room, "SELECT COUNT(*) FROM inspection_incident") == 2
    body = _scalar(room, "SELECT body FROM ticket_note ORDER BY id DESC LIMIT 1")
    assert "31" in body


async def test_a_reading_that_is_not_a_number_is_refused_in_place(room: Console) -> None:
    app = ItsmApp(room.site, room.desk.insp)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_runner(pilot)
        await pilot.press("-", ".", "enter")
        await settle(pilot)
        screen = runner(app)
        assert screen.cursor == 0
        assert "not a number" in str(screen.query_one("#runner-entry").render())
    assert _scalar(room, "SELECT COUNT(*) FROM inspection_answer") == 0


async def test_h_shows_the_items_history(room: Console) -> None:
    number = rounds.list_rounds(room.site, room.desk.insp)[0].number
    rounds.answer(room.site, room.desk.insp, number, "temp_a", "24.5")
    rounds.answer(room.site, room.desk.insp, number, "leak", "f")
    app = ItsmApp(room.site, room.desk.insp)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_runner(pilot)
        await pilot.press("k", "k")  # back to the reading
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        from itsm_tui.screens.inspection_history import InspectionHistoryScreen

        assert isinstance(app.screen, InspectionHistoryScreen)
        head = str(app.screen.query_one("#history-head").render())
        assert head.startswith("mr-daily.temp_a") and "1 answer " in head
        assert app.screen.query_one("#history-table").row_count == 1  # type: ignore[attr-defined]


async def test_the_incident_links_back_to_its_round(room: Console) -> None:
    number = rounds.list_rounds(room.site, room.desk.insp)[0].number
    result = rounds.answer(room.site, room.desk.insp, number, "ups_light", "红", note="红灯常亮")
    assert result.incident is not None
    app = ItsmApp(room.site, room.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_ticket(result.incident)
        await settle(pilot)
        fields = str(app.screen.query_one("#ticket-fields").render())
        assert number in fields and "红灯常亮" in fields  # the round, and the note in the text
        await pilot.press("Z")
        await settle(pilot)
        screen = runner(app)
        assert screen.number == number
