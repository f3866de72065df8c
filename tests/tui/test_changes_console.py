"""The change screens with Pilot: the list, a change with its risk factor by factor, the
approvals queue of a CAB member, approving and rejecting with a comment; reachable by key and
from the palette."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable, Input

from itsm_tui.console.app import ItsmApp
from itsm_tui.console.palette import ConsoleCommands
from itsm_tui.dialogs.form import FormDialog
from itsm_tui.screens.approvals import ApprovalsScreen
from itsm_tui.screens.change import ChangeScreen
from itsm_tui.screens.changes import ChangeListScreen
from itsm_tui.workflow import groups
from itsm_tui.workflow.changes import lifecycle, records
from itsm_tui.workflow.changes.records import ChangeDraft, create_change
from itsm_tui.workflow.site_settings import set_setting
from tests.conftest import T0
from tests.tui.conftest import Console
from tests.tui.test_console import settle, text_of


def seed_changes(console: Console) -> str:
    """A CAB (赵主管 and 李工, two approvals) and a normal change on OA-APP-01 awaiting it."""
    site, desk = console.site, console.desk
    groups.add_group(site, desk.admin, "cab", "变更咨询委员会", tier=2)
    for login in ("sup", "eng1"):
        groups.add_member(site, desk.admin, "cab", login)
    set_setting(site, desk.admin, "change_cab", {"normal": {"groups": ["cab"], "approvals": 2}})
    view = create_change(
        site,
        desk.eng1,
        ChangeDraft(
            type="normal",
            title="OA应用服务器补丁升级",
            reason="厂商安全补丁",
            description="升级 OA-APP-01 的中间件补丁",
            implementation_plan="1. 备份 2. 打补丁 3. 重启",
            backout_plan="恢复备份",
            test_plan="登录OA办理一件公文",
            window_start=T0 + timedelta(days=1, hours=12),  # Saturday 21:00 in Shanghai
            window_end=T0 + timedelta(days=1, hours=14),
            implementer="eng1",
            group="server",
            cis=["OA-APP-01"],
        ),
    )
    lifecycle.submit(site, desk.eng1, view.number)
    lifecycle.assess(site, desk.sup, view.number)
    lifecycle.request_approval(site, desk.sup, view.number)
    return view.number


@pytest.fixture
def change(console: Console) -> str:
    return seed_changes(console)


async def test_the_list_opens_a_change_with_its_risk_explained(
    console: Console, change: str
) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, ChangeListScreen)
        table = app.screen.query_one("#changes-table", DataTable)
        assert table.row_count == 1
        assert str(table.get_row_at(0)[0]) == change
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChangeScreen)
        head = text_of(app, "#change-head")
        assert change in head and "awaiting approval" in head
        body = text_of(app, "#change-body")
        assert "critical business services at stake" in body and "OA办公系统" in body
        assert "Back-out plan" in body and "恢复备份" in body
        # the hotline may read it, not decide on it
        assert app.screen.check_action("decide", ("approve",)) is False
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChangeListScreen)


async def test_a_cab_member_approves_from_the_approvals_queue(
    console: Console, change: str
) -> None:
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
        table = app.screen.query_one("#approvals-table", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [change]
        assert "0/2 of 2" in str(table.get_row_at(0)[4])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChangeScreen)
        assert app.screen.check_action("decide", ("approve",)) is True
        await pilot.press("Y")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#field-comment", Input).value = "同意，注意备份"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChangeScreen)
        assert "同意，注意备份" in text_of(app, "#change-body")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)  # decided: no longer waiting
        assert app.screen.query_one("#approvals-table", DataTable).row_count == 0
    approvals = records.show_change(console.site, console.desk.sup, change).approvals
    assert [(a.staff, a.comment) for a in approvals] == [("sup", "同意，注意备份")]


async def test_a_rejection_needs_a_comment_and_stops_the_change(
    console: Console, change: str
) -> None:
    app = ItsmApp(console.site, console.desk.eng1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ChangeScreen(console.site, console.desk.eng1, change))
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # the comment is required
        assert "Comment" in text_of(app, "#form-error")
        app.screen.query_one("#field-comment", Input).value = "与OA升级窗口冲突"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChangeScreen)
        assert "rejected" in text_of(app, "#change-head")
        assert app.screen.check_action("decide", ("reject",)) is False


async def test_the_screens_are_in_the_palette(console: Console, change: str) -> None:
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        provider = ConsoleCommands(app.screen)
        names = [name for name, _, _ in provider._commands()]
        assert "screen: changes" in names and "screen: my approvals" in names
        callback = next(c for name, c, _ in provider._commands() if name == "screen: my approvals")
        callback()
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)


async def test_the_change_calendar_per_service_with_its_freezes(
    console: Console, change: str
) -> None:
    from itsm_tui.screens.fsc import ScheduleScreen
    from itsm_tui.workflow.changes import freeze

    freeze.add_freeze(
        console.site,
        console.desk.sup,
        "年终结算",
        T0 + timedelta(days=20),
        T0 + timedelta(days=25),
    )
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "1 change in the next 30 days" in text_of(app, "#fsc-head")
        body = text_of(app, "#fsc-body")
        assert "年终结算" in body
        assert "OA办公系统" in body and change in body


async def test_a_change_raised_from_a_ci_screen_is_about_that_ci(console: Console) -> None:
    from itsm_tui.screens.ci_detail import CIDetailScreen

    app = ItsmApp(console.site, console.desk.eng1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(CIDetailScreen(console.site, console.desk.eng1, "OA-APP-01"))
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        form = app.screen
        form.query_one("#field-title", Input).value = "OA应用服务器扩容内存"
        form.query_one("#field-window_start", Input).value = "2026-12-05 20:00"
        form.query_one("#field-window_end", Input).value = "2026-12-05 19:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CIDetailScreen)  # refused: the window ends first
        assert records.list_changes(console.site, console.desk.eng1) == []
        await pilot.press("A")
        await settle(pilot)
        app.screen.query_one("#field-title", Input).value = "OA应用服务器扩容内存"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChangeScreen)
        view = records.show_change(console.site, console.desk.eng1, "CHG000001")
        assert view.cis == ["server:OA-APP-01"] and view.status == "draft"


async def test_a_change_raised_from_a_problem_starts_from_it_and_fixes_it(
    console: Console,
) -> None:
    from itsm_tui.screens.problems import ProblemsScreen
    from itsm_tui.workflow.problems.operations import create_problem, update_problem
    from itsm_tui.workflow.problems.queries import show_problem

    desk = console.desk
    problem = create_problem(desk.site, desk.eng1, title="OA 会话超时", cis=["OA-APP-01"])
    update_problem(desk.site, desk.eng1, problem.number, root_cause="中间件会话缺陷")
    app = ItsmApp(console.site, desk.agent1)  # the hotline reads problems but raises no fix
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)  # not offered: nothing opened
    app = ItsmApp(console.site, desk.eng1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        form = app.screen
        assert form.query_one("#field-title", Input).value == "OA 会话超时"
        assert form.query_one("#field-reason", Input).value == "中间件会话缺陷"
        assert form.query_one("#field-ci", Input).value == "OA-APP-01"
        assert problem.number in text_of(app, ".form-title")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChangeScreen)
        assert problem.number in text_of(app, "#change-body")  # the change names what it fixes
        view = records.show_change(console.site, desk.eng1, "CHG000001")
        assert view.cis == ["server:OA-APP-01"] and view.title == "OA 会话超时"
        assert show_problem(console.site, desk.eng1, problem.number).fix_change == view.number
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        assert view.number in text_of(app, "#problem-detail")  # its fix, without reloading


@pytest.mark.parametrize("language", ["en", "zh_CN"])
async def test_at_80_by_24_the_change_lists_show_the_whole_title(
    console: Console, change: str, language: str
) -> None:
    from rich.cells import cell_len

    from itsm_tui.common import i18n

    assert i18n.install(language) == language, i18n.problem
    try:
        app = ItsmApp(console.site, console.desk.sup)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for key, screen in (("C", ChangeListScreen), ("M", ApprovalsScreen)):
                await pilot.press(key)
                await settle(pilot)
                assert isinstance(app.screen, screen)
                table = app.screen.query_one(DataTable)
                widths = [c.width for c in table.columns.values()]
                assert widths[-1] >= 22  # the title keeps its room
                assert sum(w + 2 for w in widths) <= 80 - 2  # nothing past the right edge
                assert table.virtual_size.width <= table.size.width
                title = str(table.get_row_at(0)[-1])
                assert title == "OA应用服务器补丁升级" and cell_len(title) <= widths[-1]
                screen_rows = [s.text for s in app.screen._compositor.render_strips()]
                assert any("OA应用服务器补丁升级" in r for r in screen_rows)
                await pilot.press("escape")
                await settle(pilot)
    finally:
        i18n.install("en")


async def test_the_alert_inbox_opens_the_change_an_approval_request_is_about(
    console: Console, change: str
) -> None:
    from itsm_tui.widgets.alert_inbox import AlertInbox

    app = ItsmApp(console.site, console.desk.eng1)  # a CAB member: asked to approve
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        inbox = app.screen.query_one("#dash-alerts", AlertInbox)
        assert [a.ticket for a in inbox.alerts] == [change]
        assert not inbox.has_focus  # my tickets keep the focus the dashboard opens with
        await pilot.press("shift+tab")
        await settle(pilot)
        assert inbox.has_focus
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChangeScreen)
        assert change in text_of(app, "#change-head")


def test_the_ci_field_reads_a_quoted_name_holding_a_comma() -> None:
    from itsm_tui.console.change_form import ci_field, ci_refs

    assert ci_refs('OA-APP-01, "机柜A1, 第3排" ,db01') == ["OA-APP-01", "机柜A1, 第3排", "db01"]
    assert ci_refs("") == [] and ci_refs(" , ") == []
    names = ["OA-APP-01", "机柜A1, 第3排", 'say "hi"']
    assert ci_field(names) == 'OA-APP-01, "机柜A1, 第3排", "say ""hi"""'
    assert ci_refs(ci_field(names)) == names


async def test_a_change_on_a_ci_whose_name_holds_a_comma(console: Console) -> None:
    from itsm_tui.screens.ci_detail import CIDetailScreen
    from itsm_tui.workflow import cmdb

    desk = console.desk
    cmdb.add_ci(console.site, desk.admin, "机柜A1, 第3排", "server", attributes={"kind": "virtual"})
    app = ItsmApp(console.site, desk.eng1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(CIDetailScreen(console.site, desk.eng1, "机柜A1, 第3排"))
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        form = app.screen
        form.query_one("#field-title", Input).value = "机柜A1 第3排 整理线缆"
        form.query_one("#field-ci", Input).value = 'OA-APP-01, "机柜A1, 第3排"'
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChangeScreen)
        view = records.show_change(console.site, desk.eng1, "CHG000001")
        assert sorted(view.cis) == ["server:OA-APP-01", "server:机柜A1, 第3排"]
