"""The rest of the inspections in the console, at 80×24 (the runner is used over SSH): splitting
a round by section, a reason per skipped item, starting a round now, a CI's history, the
groups' punctuality, and the supervisor's panel of overdue rounds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from itsm_tui.console.app import ItsmApp
from itsm_tui.dialogs.form import FormDialog
from itsm_tui.screens.dashboard import DashboardScreen
from itsm_tui.screens.inspection_history import InspectionHistoryScreen
from itsm_tui.screens.punctuality import PunctualityScreen
from itsm_tui.screens.rounds import RoundsScreen
from itsm_tui.screens.runner import RunnerScreen
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.inspections import rounds, templates
from tests.tui.conftest import Console
from tests.tui.test_console import settle

SMALL = Path(__file__).parents[1] / "unit" / "data" / "inspection_small.toml"
SIZE = (80, 24)


@pytest.fixture
def room(console: Console) -> Iterator[Console]:
    """The seeded desk with a UPS, the small checklist (sections 环境 and UPS) and one
    round for the inspector."""
    cmdb.add_ci(console.site, console.desk.admin, "UPS-01", "facility", attributes={"kind": "ups"})
    templates.import_template(console.site, console.desk.sup, SMALL)
    rounds.start_round(console.site, console.desk.insp, "mr-daily", group="hotline")
    yield console


def _scalar(console: Console, sql: str) -> Any:
    with console.site.engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def _rows(console: Console, sql: str) -> list[tuple[Any, ...]]:
    with console.site.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


async def _rounds(pilot: Pilot[Any]) -> RoundsScreen:
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RoundsScreen)
    return screen


async def _press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def _dialog(app: ItsmApp) -> FormDialog:
    screen = app.screen
    assert isinstance(screen, FormDialog), type(screen).__name__
    return screen


def _fits(app: ItsmApp) -> None:
    """Every widget of the dialog on top lies inside the 80×24 terminal."""
    for widget in app.screen.query("*"):
        if widget.display and widget.region.area:
            assert widget.region.right <= SIZE[0] and widget.region.bottom <= SIZE[1], widget


async def test_two_engineers_split_a_round_by_section(room: Console) -> None:
    app = ItsmApp(room.site, room.desk.insp)
    async with app.run_test(size=SIZE) as pilot:
        listed = await _rounds(pilot)
        await _press(pilot, "ctrl+e")  # the highlighted round, one section of it
        dialog = _dialog(app)
        _fits(app)
        select = dialog.query_one("#field-section", Select)
        labels = [str(prompt) for prompt, _ in select._options]
        assert labels == ["All sections", "环境 (0/2 answered)", "UPS (0/3 answered)"]
        select.value = "UPS"
        await _press(pilot, "ctrl+s")
        screen = app.screen
        assert isinstance(screen, RunnerScreen) and screen.view is not None
        assert [i.key for i in screen.view.checks] == ["ups_load", "ups_light", "remark"]
        assert "UPS" in str(screen.query_one("#runner-head", Static).render())
        await _press(pilot, *"45", "enter", "1")  # two UPS items: 4 keys
        assert _scalar(room, "SELECT COUNT(*) FROM inspection_answer") == 2
        assert screen.current() is not None and screen.current().key == "remark"  # type: ignore[union-attr]
        # The other engineer takes 环境 from inside the runner, and sees the UPS half done.
        await _press(pilot, "escape")
        assert app.screen is listed
    other = ItsmApp(room.site, room.desk.agent1)
    async with other.run_test(size=SIZE) as pilot:
        await _rounds(pilot)
        await _press(pilot, "enter")
        await _press(pilot, "ctrl+e")
        select = _dialog(other).query_one("#field-section", Select)
        assert "UPS (2/3 answered)" in [str(p) for p, _ in select._options]
        select.value = "环境"
        await _press(pilot, "ctrl+s")
        screen = other.screen
        assert isinstance(screen, RunnerScreen) and screen.view is not None
        assert [i.key for i in screen.view.checks] == ["temp_a", "leak"]
        await _press(pilot, *"22", "enter", "p")
        # Back to the whole round: only the remark is left.
        await _press(pilot, "ctrl+e")
        _dialog(other).query_one("#field-section", Select).value = "\x00all"
        await _press(pilot, "ctrl+s")
        assert screen.section is None and screen.view is not None
        assert screen.cursor == 4 and len(screen.view.checks) == 5


async def test_each_skipped_item_gets_its_own_reason(room: Console) -> None:
    app = ItsmApp(room.site, room.desk.insp)
    async with app.run_test(size=SIZE) as pilot:
        await _rounds(pilot)
        await _press(pilot, "enter")
        await _press(pilot, *"23", "enter", "p")  # two of five answered
        await _press(pilot, "F")
        dialog = _dialog(app)
        _fits(app)
        assert "ups_load" in dialog.form_title and "1 of 3" in dialog.form_title
        dialog.query_one("#field-reason", Input).value = "UPS 维保中，面板被拆"
        await _press(pilot, "enter")
        dialog = _dialog(app)  # the next item, the last reason offered again
        assert "ups_light" in dialog.form_title
        assert dialog.query_one("#field-reason", Input).value == "UPS 维保中，面板被拆"
        await _press(pilot, "enter")  # the same cause: one key
        dialog = _dialog(app)
        assert "remark" in dialog.form_title and "3 of 3" in dialog.form_title
        dialog.query_one("#field-reason", Input).value = "时间不够"
        await _press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, RunnerScreen) and screen.summary is not None
        assert screen.summary.skipped == {
            "ups_load": "UPS 维保中，面板被拆",
            "ups_light": "UPS 维保中，面板被拆",
            "remark": "时间不够",
        }
        assert "remark (时间不够)" in str(screen.query_one("#runner-item", Static).render())
    skipped = _rows(room, "SELECT item_key, note FROM inspection_answer"
                          " WHERE outcome = 'skipped' ORDER BY item_key")  # fmt: skip
    assert skipped == [("remark", "时间不够"), ("ups_light", "UPS 维保中，面板被拆"),
                       ("ups_load", "UPS 维保中，面板被拆")]  # fmt: skip


async def test_escape_on_a_skip_reason_leaves_the_round_open(room: Console) -> None:
    app = ItsmApp(room.site, room.desk.insp)
    async with app.run_test(size=SIZE) as pilot:
        await _rounds(pilot)
        await _press(pilot, "enter")
        await _press(pilot, "F")
        _dialog(app).query_one("#field-reason", Input).value = "停电"
        await _press(pilot, "enter")
        await _press(pilot, "escape")  # the second item's question
        screen = app.screen
        assert isinstance(screen, RunnerScreen) and screen.summary is None
        assert "every skipped item needs its reason" in str(
            screen.query_one("#runner-entry", Static).render()
        )
    assert _scalar(room, "SELECT status FROM inspection_round") == "open"
    assert _scalar(room, "SELECT COUNT(*) FROM inspection_answer") == 0


async def test_a_section_runner_completes_the_whole_round(room: Console) -> None:
    """An engineer on one section who completes asks the reasons for the whole round's
    unanswered items, not only the section's."""
    number = rounds.list_rounds(room.site, room.desk.insp)[0].number
    app = ItsmApp(room.site, room.desk.insp)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(RunnerScreen(room.site, room.desk.insp, number, "UPS"))
        await settle(pilot)
        await _press(pilot, *"45", "enter", "1")
        await _press(pilot, "F")
        titles = []
        for _ in range(3):
            dialog = _dialog(app)
            titles.append(dialog.form_title)
            dialog.query_one("#field-reason", Input).value = "另一位工程师负责"
            await _press(pilot, "enter")
        assert ["temp_a" in titles[0], "leak" in titles[1], "remark" in titles[2]] == [True] * 3
        screen = app.screen
        assert isinstance(screen, RunnerScreen) and screen.summary is not None
    assert _scalar(room, "SELECT status FROM inspection_round") == "completed"


async def test_ctrl_t_starts_a_round_now_and_opens_it(room: Console) -> None:
    app = ItsmApp(room.site, room.desk.insp)
    async with app.run_test(size=SIZE) as pilot:
        await _rounds(pilot)
        await _press(pilot, "ctrl+t")
        dialog = _dialog(app)
        _fits(app)
        assert dialog.query_one("#field-template", Select).value == "mr-daily"
        dialog.query_one("#field-reason", Input).value = "市电闪断后复查"
        await _press(pilot, "ctrl+s")
        screen = app.screen
        assert isinstance(screen, RunnerScreen) and screen.view is not None
        assert screen.view.slot_at is None and screen.cursor == 0
    assert _rows(room, "SELECT reason FROM inspection_round ORDER BY id") == [
        ("",),
        ("市电闪断后复查",),
    ]


async def test_ctrl_t_is_refused_before_the_form_to_who_may_not_run_rounds(
    room: Console,
) -> None:
    app = ItsmApp(room.site, room.desk.sup)
    async with app.run_test(size=SIZE) as pilot:
        listed = await _rounds(pilot)
        await _press(pilot, "ctrl+t")
        assert app.screen is listed
        head = str(listed.query_one("#rounds-head", Static).render())
        assert "not allowed" in head or "may not" in head, head
    assert _scalar(room, "SELECT COUNT(*) FROM inspection_round") == 1


async def test_ctrl_y_shows_a_cis_history_from_the_rounds_and_the_runner(room: Console) -> None:
    number = rounds.list_rounds(room.site, room.desk.insp)[0].number
    rounds.answer(room.site, room.desk.insp, number, "ups_load", "45")
    rounds.answer(room.site, room.desk.insp, number, "ups_light", "绿")
    app = ItsmApp(room.site, room.desk.insp)
    async with app.run_test(size=SIZE) as pilot:
        listed = await _rounds(pilot)
        await _press(pilot, "ctrl+y")
        _fits(app)
        _dialog(app).query_one("#field-ref", Input).value = "UPS-01"
        await _press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, InspectionHistoryScreen)
        head = str(screen.query_one("#history-head", Static).render())
        assert head.startswith("UPS-01") and "2 answers" in head
        assert screen.query_one(DataTable).row_count == 2
        await _press(pilot, "escape")
        assert app.screen is listed
        # In the runner the highlighted item's CI is offered: Enter takes it.
        await _press(pilot, "enter")
        await _press(pilot, "j", "j")  # ups_load checks UPS-01
        await _press(pilot, "ctrl+y")
        assert _dialog(app).query_one("#field-ref", Input).value == "UPS-01"
        await _press(pilot, "enter")
        assert isinstance(app.screen, InspectionHistoryScreen)


async def test_f10_shows_each_groups_rounds_on_time_and_late(room: Console) -> None:
    site, desk = room.site, room.desk
    number = rounds.list_rounds(site, desk.insp)[0].number
    rounds.complete_round(site, desk.insp, number, skipped=dict.fromkeys(
        ["temp_a", "leak", "ups_load", "ups_light", "remark"], "演练"))  # fmt: skip
    late = rounds.start_round(site, desk.insp, "mr-daily", group="hotline", due_minutes=5)
    site.clock.advance(minutes=10)  # type: ignore[attr-defined]
    rounds.complete_round(site, desk.insp, late.number, skipped=dict.fromkeys(
        ["temp_a", "leak", "ups_load", "ups_light", "remark"], "演练"))  # fmt: skip
    app = ItsmApp(site, desk.sup)
    async with app.run_test(size=SIZE) as pilot:
        await _rounds(pilot)
        await _press(pilot, "f10")
        screen = app.screen
        assert isinstance(screen, PunctualityScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 1
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells == ["hotline", "2", "1", "1", "50%", "0"]


async def test_the_supervisor_dashboard_keeps_overdue_rounds_in_sight(room: Console) -> None:
    site, desk = room.site, room.desk
    number = rounds.list_rounds(site, desk.insp)[0].number
    app = ItsmApp(site, desk.sup)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert not app.screen.query_one("#dash-rounds").display  # not overdue yet
    site.clock.advance(hours=3)  # type: ignore[attr-defined]  # past due (2 h) and grace
    app = ItsmApp(site, desk.sup)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, DashboardScreen)
        panel = board.query_one("#dash-rounds", Static)
        assert panel.display and panel.region.bottom <= SIZE[1]
        shown = str(panel.render())
        assert number in shown and "mr-daily" in shown and "0/5 answered" in shown
        assert "(1)" in str(panel.border_title)
        await _press(pilot, "w")  # one key to the rounds list
        listed = app.screen
        assert isinstance(listed, RoundsScreen)
        assert listed.rows[0].number == number
    # Completed, it leaves the panel.
    rounds.complete_round(site, desk.insp, number, skipped=dict.fromkeys(
        ["temp_a", "leak", "ups_load", "ups_light", "remark"], "停电"))  # fmt: skip
    app = ItsmApp(site, desk.sup)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#dash-rounds").display


async def test_ctrl_y_on_a_ci_screen_shows_its_inspection_history(room: Console) -> None:
    number = rounds.list_rounds(room.site, room.desk.insp)[0].number
    rounds.answer(room.site, room.desk.insp, number, "ups_load", "45")
    app = ItsmApp(room.site, room.desk.agent1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from itsm_tui.screens.ci_detail import CIDetailScreen

        app.push_screen(CIDetailScreen(room.site, room.desk.agent1, "UPS-01"))
        await settle(pilot)
        await _press(pilot, "ctrl+y")
        screen = app.screen
        assert isinstance(screen, InspectionHistoryScreen)
        head = str(screen.query_one("#history-head", Static).render())
        assert head.startswith("UPS-01") and "1 answer" in head


async def test_help_names_each_inspection_screen_in_the_operators_language(room: Console) -> None:
    """Help (``?``, or F1 in a form) names the screen beneath it: the rounds list, the runner,
    a history, the punctuality and the start-a-round form each by a name of its own, in Chinese
    too."""
    from itsm_tui.common import i18n
    from itsm_tui.screens.help import HelpScreen

    async def title(pilot: Pilot[Any], key: str = "question_mark") -> str:
        await _press(pilot, key)
        assert isinstance(pilot.app.screen, HelpScreen)
        shown = str(pilot.app.screen.query_one("#help-title", Static).render())
        await _press(pilot, "escape")
        return shown

    assert i18n.install("zh_CN") == "zh_CN", i18n.problem
    try:
        app = ItsmApp(room.site, room.desk.insp)
        async with app.run_test(size=SIZE) as pilot:
            listed = await _rounds(pilot)
            assert "巡检轮次" in await title(pilot)
            await _press(pilot, "ctrl+t")
            form = _dialog(app)
            assert "表单 · 立即开始一轮巡检" in await title(pilot, "f1")  # ? is typed in a form
            assert app.screen is form
            await _press(pilot, "escape")
            await _press(pilot, "enter")
            assert isinstance(app.screen, RunnerScreen)
            assert "巡检执行 · " in await title(pilot)
            await _press(pilot, "j", "j", "ctrl+y")  # ups_load: UPS-01's history
            await _press(pilot, "enter")
            assert isinstance(app.screen, InspectionHistoryScreen)
            assert "巡检历史 · 巡检历史" in await title(pilot)
            await _press(pilot, "escape", "escape")
            assert app.screen is listed
            await _press(pilot, "f10")
            assert isinstance(app.screen, PunctualityScreen)
            assert "巡检准时情况 · " in await title(pilot)
    finally:
        i18n.install("en")
