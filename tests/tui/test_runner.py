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


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_round(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, Any, str]]:
    """A small demo site, and a fresh round of its daily checklist (41 items on the estate's
    plant) for one of the demo's inspectors."""
    from itsm_tui.workflow.demo import load_demo
    from itsm_tui.workflow.site import Actor
    from tests.unit.test_demo import fresh_site

    with fresh_site(request.param, tmp_path) as (site, admin):
        load_demo(site, admin, tickets=20, seed=2026)
        with site.engine.connect() as conn:
            staff_id, login = conn.execute(
                text(
                    "SELECT s.id, s.login FROM staff s JOIN staff_role r ON r.staff_id = s.id "
                    "WHERE r.role = 'inspector' ORDER BY s.id LIMIT 1"
                )
            ).one()
        inspector = Actor(staff_id, login, "", 1, frozenset())
        number = rounds.start_round(site, inspector, "mr-daily", group="mr-ops").number
        yield site, inspector, number


def _in_range(item: Any) -> str:
    """A reading inside the item's normal range, as an engineer would type it."""
    low, high = item.limits.normal_min, item.limits.normal_max
    value = (low + high) / 2 if low is not None and high is not None else (low or high or 0)
    return f"{round(value, 1):g}"


async def test_a_whole_demo_round_by_keys(demo_round: tuple[Any, Any, str]) -> None:
    """The demo's daily round from first item to summary at 80×24: a pass or a choice is one
    key, a reading its digits and Enter, and no key is spent moving to the next item."""
    site, inspector, number = demo_round
    app = ItsmApp(site, inspector)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        listed = app.screen
        assert isinstance(listed, RoundsScreen)
        row = [r.number for r in listed.rows].index(number)
        listed.query_one("#rounds-table").move_cursor(row=row)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        screen = runner(app)
        assert screen.view is not None and screen.view.number == number
        checks = screen.view.checks
        assert len(checks) == 41
        keys = Counted(pilot)
        kinds: dict[str, set[int]] = {}
        for position, item in enumerate(checks):
            assert screen.cursor == position, item.key
            before = keys.count
            if item.kind == "pass_fail":
                await keys.press("p")
                expected = 1
            elif item.kind == "choice":
                passing = next(
                    n for n, c in enumerate(item.limits.choices, 1) if c not in item.limits.failing
                )
                await keys.press(str(passing))
                expected = 1
            elif item.kind == "reading":
                typed = _in_range(item)
                await keys.press(*typed, "enter")
                expected = len(typed) + 1
            else:  # free text: Enter opens its box, Enter saves it
                await keys.press("enter")
                assert isinstance(app.screen, FormDialog)
                app.screen.query_one("#field-text").value = "无异常"  # type: ignore[attr-defined]
                await keys.press("enter")
                expected = 2
            assert keys.count - before == expected, item.key
            kinds.setdefault(item.kind, set()).add(keys.count - before)
        assert {"pass_fail", "choice", "reading"} <= set(kinds)
        assert kinds["pass_fail"] == {1} and kinds["choice"] == {1}
        assert _count(site, "SELECT COUNT(*) FROM inspection_answer a JOIN inspection_round r "
                      f"ON r.id = a.round_id WHERE r.number = '{number}'") == 41  # fmt: skip
        await keys.press("F")
        assert screen.summary is not None
        assert (screen.summary.answered, screen.summary.passed) == (41, 41)
        shown = str(screen.query_one("#runner-item").render())
        assert "41 answered: 41 passed, 0 warnings, 0 failed" in shown
    assert _count(site, f"SELECT COUNT(*) FROM inspection_round WHERE number = '{number}' "
                  "AND status = 'completed'") == 1  # fmt: skip


def _count(site: Any, sql: str) -> int:
    with site.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())
