"""The New-call form as a hotline agent uses it: the routine call's keys counted, no call lost
to a letter key, a quit or a restart, attaching only after seeing the ticket, a caller
registered on the spot, every field labelled, Enter moving on through every form and dialog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.config import Settings
from itsm_tui.common.errors import NotFound
from itsm_tui.console.app import ItsmApp
from itsm_tui.dialogs.choice import ChoiceDialog
from itsm_tui.dialogs.ci_picker import CIPickDialog
from itsm_tui.dialogs.form import ConfirmDialog, Field, FormDialog
from itsm_tui.dialogs.new_caller import NewCallerDialog
from itsm_tui.screens import intake as intake_screen
from itsm_tui.screens.dashboard import DashboardScreen
from itsm_tui.screens.intake import CALLER_EXAMPLES, IntakeScreen
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow import catalog, drafts
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.callers import search_callers
from itsm_tui.workflow.demo import load_demo
from itsm_tui.workflow.site import Actor, Site
from tests.conftest import T0
from tests.tui.conftest import Console
from tests.tui.test_console import Keys, settle, text_of

SIZES = [(80, 24), (120, 40)]
#: The routine call on main before this form: "E001" Enter, the title, Enter, "OA" Enter,
#: Tab Enter ↑ Enter (impact 2), Tab Enter ↑ Enter (urgency 2), Ctrl+S — 12 keys besides
#: the 13 characters typed, 25 in all (measured with Pilot on the earlier form).
KEYS_BEFORE = 25
#: Now: "E001" Enter, the title, Enter, "OA办" Enter (the CI, which fills in the category),
#: "2" "2", Ctrl+S — 6 keys besides the 14 characters typed.
KEYS_AFTER = 20


async def open_form(pilot: Pilot[Any]) -> IntakeScreen:
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


def value(app: ItsmApp, selector: str) -> Any:
    return app.screen.query_one(selector, Select).value


@pytest.mark.parametrize("size", SIZES)
async def test_a_routine_call_takes_twenty_keys(console: Console, size: tuple[int, int]) -> None:
    """Caller, title, CI, impact, urgency, save: each Enter moves on, a digit is a choice."""
    catalog.add_category(console.site, console.desk.admin, "biz", "业务系统")
    catalog.add_category(console.site, console.desk.admin, "biz-oa", "OA办公系统", parent="biz")
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await open_form(pilot)
        keys = Keys(pilot)
        await keys.type("E001")
        await keys.press("enter")  # the first match; on to the title
        await keys.type("OA slow")
        await keys.press("enter")  # on to the CI
        await keys.type("OA办")
        await keys.press("enter")  # OA办公系统; on to impact, the category filled in
        assert value(app, "#category") == "biz-oa"
        await keys.press("2")  # impact 2, on to urgency
        await keys.press("2")  # urgency 2
        await keys.press("ctrl+s")
        assert keys.count == KEYS_AFTER < KEYS_BEFORE
        assert "opened INC000013" in text_of(app, "#intake-status")
    view = t.show_ticket(console.site, console.desk.agent1, "INC000013").ticket
    assert (view.title, view.caller, view.impact, view.urgency) == ("OA slow", "王小明", 2, 2)
    assert (view.cis, view.category, view.group) == (
        ["OA办公系统"],
        "业务系统/OA办公系统",
        "hotline",
    )


async def test_every_field_has_a_label_that_stays(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        labels = [str(label.render()) for label in screen.query(".field-label")]
        assert labels == [
            "Caller", "Title", "CI", "Impact", "Urgency", "Category", "Details", "Channel",
            "Type", "Group",
        ]  # fmt: skip
        assert str(screen.query_one(Checkbox).label) == "Assign to me"
        screen.query_one("#category", Select).value = "sw-oa"
        await settle(pilot)
        assert [str(label.render()) for label in screen.query(".field-label")] == labels
        assert screen.query_one("#category", Select).prompt == "(none)"  # not the label
        assert value(app, "#channel") == "phone" and value(app, "#type") == "incident"
        assert value(app, "#group") == "hotline"  # agent1's own group, as before


async def test_the_whole_form_reaches_the_ticket(console: Console) -> None:
    """Description, channel, type, group and "assign to me", as ``itsm call log`` has them."""
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot)
        await pilot.press(*"E001", "enter", *"新电脑", "tab", "tab")  # to impact
        await pilot.press("tab", "tab", "tab")  # urgency, category, to the details
        assert isinstance(screen.focused, TextArea)
        await pilot.press(*"三楼", "tab")  # the details, then the channel
        await pilot.press("w")  # walk-in (w again would be web)
        assert value(app, "#channel") == "walk_in"
        await pilot.press("enter")  # on to the type
        await pilot.press("r")  # request, on to the group
        assert screen.focused is screen.query_one("#group")
        await pilot.press("tab", "space")  # assign to me (the group stays agent1's hotline)
        assert screen.query_one("#assign-to-me", Checkbox).value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "opened REQ000001" in text_of(app, "#intake-status")
    detail = t.show_ticket(console.site, console.desk.agent1, "REQ000001")
    view = detail.ticket
    assert (view.type, view.description, view.group, view.assignee_name) == (
        "request",
        "三楼",
        "hotline",
        "钱一",
    )
    assert detail.contacts[0].channel == "walk_in"


async def test_saving_without_a_caller_says_so_beside_the_field(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await pilot.press("tab", *"无人来电", "ctrl+s")
        await settle(pilot)
        error = screen.query_one("#caller-error", Static)
        assert error.display and "Choose the caller" in str(error.render())
        assert screen.focused is screen.query_one("#caller-search")
        await pilot.press(*"nobody-here", "enter")
        await settle(pilot)
        assert "No caller matches" in str(error.render())
        screen.query_one("#caller-search", Input).value = ""
        await pilot.press(*"E001", "enter")
        await settle(pilot)
        assert "王小明" in text_of(app, "#caller-card")
        screen.query_one("#caller-search").focus()
        await pilot.press("x")  # typing over the chosen caller: looking for another
        await settle(pilot)
        assert text_of(app, "#caller-card") == "No caller chosen."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Choose the caller" in str(error.render())
    with pytest.raises(NotFound):
        t.show_ticket(console.site, console.desk.agent1, "INC000013")


# --- no call lost ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_letter_keys_do_not_leave_a_form_with_input(
    console: Console, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # No draft is written meanwhile: on a busy machine the first half outlasted the draft's
    # 1.5 s delay, and the second console then opened on the draft's question.
    monkeypatch.setattr(intake_screen, "DRAFT_DELAY", 60)
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        screen = await open_form(pilot)
        await pilot.press(*"OA slow")  # in the caller box: typed, not keys
        screen.query_one("#impact").focus()
        for key in ("q", "d", "i", "l"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen and app.is_running, key
        assert screen.query_one("#caller-search", Input).value == "OA slow"
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        screen = await open_form(pilot)
        screen.query_one("#impact").focus()
        await pilot.press("d")  # nothing typed: the key does what it says
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_leaving_asks_and_the_draft_comes_back(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake_screen, "DRAFT_DELAY", 0.01)
    site, agent = console.site, console.desk.agent1
    app = ItsmApp(site, agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*"E001", "enter", *"打印机卡纸")
        await pilot.pause(0.05)
        await settle(pilot)
        kept = drafts.load_draft(site, agent)  # saved while typing, without leaving
        assert kept is not None and kept.fields["title"] == "打印机卡纸"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # stay
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        await pilot.press("2", "enter", *"OA办")  # typed on into the title, then the CI
        await settle(pilot)
        await pilot.press("enter", "2")  # the CI picked; impact 2
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    kept = drafts.load_draft(site, agent)
    assert kept is not None and kept.fields["title"] == "打印机卡纸2"
    assert (kept.fields["ci"], kept.fields["impact"]) == ("business_service:OA办公系统", 2)
    app = ItsmApp(site, agent)  # a new console: the draft is offered
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        assert "打印机卡纸2" in app.screen.message
        await pilot.press("enter")  # restore
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.query_one("#title", Input).value == "打印机卡纸2"
        assert screen.query_one("#ci-search", Input).value == "OA办公系统"
        assert value(app, "#impact") == 2
        assert "王小明" in text_of(app, "#caller-card")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "opened INC000013" in text_of(app, "#intake-status")
    assert drafts.load_draft(site, agent) is None  # the call took the draft with it
    view = t.show_ticket(site, agent, "INC000013").ticket
    assert (view.title, view.cis, view.impact) == ("打印机卡纸2", ["OA办公系统"], 2)


async def test_a_draft_saved_as_the_call_is_logged_does_not_outlive_it(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake_screen, "DRAFT_DELAY", 0.001)  # a save at every pause
    site, agent = console.site, console.desk.agent1
    app = ItsmApp(site, agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*"E001", "enter", *"快速保存", "ctrl+s")
        await pilot.pause(0.05)
        await settle(pilot)
        assert "opened INC000013" in text_of(app, "#intake-status")
    assert drafts.load_draft(site, agent) is None


async def test_a_draft_can_be_discarded_when_offered(console: Console) -> None:
    site, agent = console.site, console.desk.agent1
    drafts.save_draft(site, agent, {"title": "旧的"})
    app = ItsmApp(site, agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("n")  # discard the draft offered back
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.query_one("#title", Input).value == ""
    assert drafts.load_draft(site, agent) is None


async def test_quitting_with_a_call_open_asks_and_keeps_it(console: Console) -> None:
    site, agent = console.site, console.desk.agent1
    app = ItsmApp(site, agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*"E001", "enter", *"网络断了")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Quit" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, IntakeScreen)
        await pilot.press("ctrl+q", "y")
        await settle(pilot)
    assert not app.is_running
    kept = drafts.load_draft(site, agent)
    assert kept is not None and kept.fields["title"] == "网络断了"


async def test_going_to_the_dashboard_from_above_the_form_asks(console: Console) -> None:
    """The palette's "Dashboard", or ``d`` on a ticket opened over the form, pops the form
    too: it asks, and keeps the draft."""
    site, agent = console.site, console.desk.agent1
    app = ItsmApp(site, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        await pilot.press(*"E001", "enter", *"还在写")
        app.open_ticket("INC000001")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "New-call form holds a call" in app.screen.message
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    kept = drafts.load_draft(site, agent)
    assert kept is not None and kept.fields["title"] == "还在写"


# --- attaching to the caller's open ticket --------------------------------------------------


async def test_attaching_shows_the_ticket_and_asks(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await pilot.press(*"E001", "enter")
        await settle(pilot)
        await pilot.press("ctrl+a")  # selects the title's text; attaches nothing
        await settle(pilot)
        assert app.screen is screen and text_of(app, "#intake-status") == ""
        await pilot.press("f4")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        # number, status, priority, title, holder and group of the highlighted ticket
        assert dialog.message.splitlines() == [
            "INC000010 · new · P1",
            "电脑蓝屏",
            "held by nobody yet (服务热线)",
        ]
        await pilot.press("n")
        await settle(pilot)
        assert text_of(app, "#intake-status") == ""
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "attached to INC000010" in text_of(app, "#intake-status")
    contacts = t.show_ticket(console.site, console.desk.agent1, "INC000010").contacts
    assert len(contacts) == 1 and contacts[0].caller == "王小明"


# --- a caller not in the directory ----------------------------------------------------------


async def test_a_new_caller_is_registered_from_the_form(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        await pilot.press(*"赵新人", "enter")
        await settle(pilot)
        assert "No caller matches" in text_of(app, "#caller-error")
        await pilot.press("ctrl+n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NewCallerDialog)
        assert dialog.query_one("#field-name", Input).value == "赵新人"  # what was typed
        await pilot.press("enter", *"财务处", "enter", *"abc", "enter")
        await settle(pilot)
        assert "phone 'abc' is not a phone number" in text_of(app, "#form-error")
        dialog.query_one("#field-phone", Input).value = "010-6888 1234"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "赵新人" in text_of(app, "#caller-card") and "财务处" in text_of(app, "#caller-card")
        assert screen.focused is screen.query_one("#title")
    found = search_callers(console.site, console.desk.agent1, "赵新人")
    assert [(c.department, c.phone) for c in found] == [("财务处", "010-6888 1234")]


# --- who may log calls: the first run's admin, supervisors ----------------------------------


@pytest.fixture
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Actor]]:
    """A first run: ``itsm init`` and the demo site (without its year of tickets)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'itsm.db'}"
    site = Site(make_engine(url), clock=FrozenClock(T0), settings=Settings(database_url=url))
    view = initialise(site, "admin", "管理员")
    admin = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
    load_demo(site, admin, tickets=0)
    yield site, admin
    site.close()


async def test_the_first_runs_admin_logs_a_call_and_the_examples_find_callers(
    demo_site: tuple[Site, Actor],
) -> None:
    site, admin = demo_site
    for example in CALLER_EXAMPLES:
        assert search_callers(site, admin, example), example
    app = ItsmApp(site, admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        assert value(app, "#group") == "hotline"  # the demo made the admin a member
        assert "E0001" in screen.query_one("#caller-search", Input).placeholder
        await pilot.press(*"E0001", "enter", *"first call", "ctrl+s")
        await settle(pilot)
        assert "opened INC000001" in text_of(app, "#intake-status")


async def test_a_supervisor_in_no_group_logs_a_call(console: Console) -> None:
    """sup leads every group of the desk and belongs to none: the call goes to the
    lowest-tier group they lead, shown in the form, where it can be changed."""
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        assert value(app, "#group") == "hotline"
        await pilot.press(*"E001", "enter", *"sup call")
        screen.query_one("#group", Select).value = "desktop"  # another of the groups
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "opened INC000013" in text_of(app, "#intake-status")
    assert t.show_ticket(console.site, console.desk.sup, "INC000013").ticket.group == "desktop"


# --- Enter on a choice opens it, a choice moves on, text goes to the next field -------------


@pytest.mark.parametrize("size", SIZES)
async def test_choices_in_the_call_form_move_on(console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        screen = await open_form(pilot)
        impact = screen.query_one("#impact", Select)
        impact.focus()
        await pilot.press("enter")  # opens the list
        await settle(pilot)
        assert impact.expanded
        await pilot.press("up", "enter")  # 2 department, chosen
        await settle(pilot)
        assert impact.value == 2 and not impact.expanded
        assert screen.focused is screen.query_one("#urgency")  # moved on
        await pilot.press("enter")  # opens urgency, not impact again
        await settle(pilot)
        assert screen.query_one("#urgency", Select).expanded
        await pilot.press("escape")
        await settle(pilot)
        category = screen.query_one("#category", Select)
        category.focus()
        await pilot.press("enter", "down", "enter")  # the first category
        await settle(pilot)
        assert category.value == "sw" and screen.focused is screen.query_one("#description")
        await pilot.press(*"typed after")  # goes into the next text field
        await settle(pilot)
        assert screen.query_one("#description", TextArea).text == "typed after"


@pytest.mark.parametrize("size", SIZES)
async def test_choices_in_a_dialog_move_on(console: Console, size: tuple[int, int]) -> None:
    """The form dialog (escalate, resolve, go to …): Enter opens a choice; choosing moves on
    to the next field, so Enter and text typed next go there; Enter in the last submits."""
    app = ItsmApp(console.site, console.desk.agent1)
    results: list[dict[str, str] | None] = []
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        fields = [
            Field("group", "Group", [("server", "server"), ("dba", "dba")]),
            Field("reason", "Reason"),
        ]
        app.push_screen(FormDialog("Escalate", fields), results.append)
        await settle(pilot)
        dialog = app.screen
        group = dialog.query_one("#field-group", Select)
        assert dialog.focused is group
        await pilot.press("enter")
        await settle(pilot)
        assert group.expanded
        await pilot.press("down", "enter")
        await settle(pilot)
        assert group.value == "dba" and dialog.focused is dialog.query_one("#field-reason")
        await pilot.press(*"需要DBA", "enter")
        await settle(pilot)
    assert results == [{"group": "dba", "reason": "需要DBA"}]


async def test_a_digit_or_letter_picks_a_choice_in_a_dialog(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    results: list[dict[str, str] | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        fields = [
            Field("code", "Code", [("1 fixed", "fixed"), ("2 workaround", "workaround")]),
            Field("text", "Text"),
        ]
        app.push_screen(FormDialog("Resolve", fields), results.append)
        await settle(pilot)
        await pilot.press("2", *"重启", "enter")
        await settle(pilot)
    assert results == [{"code": "workaround", "text": "重启"}]


async def test_the_ci_picker_takes_the_first_hit_on_enter(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    results: list[dict[str, str] | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(
            CIPickDialog(console.site, console.desk.agent1, "Link a CI"), results.append
        )
        await settle(pilot)
        await pilot.press(*"OA库")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert results and results[0] is not None and results[0]["name"] == "OA库"


async def test_the_choice_and_confirm_dialogs_answer_on_their_keys(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    answers: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ChoiceDialog("?", [("enter,r", "r", "one"), ("d", "d", "two")]),
                        answers.append)  # fmt: skip
        await settle(pilot)
        await pilot.press("d")
        app.push_screen(ConfirmDialog("m", "q?"), answers.append)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    assert answers == ["two", False]


# --- one form, asked before clearing, draft writes in order -----------------------------------


async def test_new_call_over_a_ticket_looked_up_mid_call_returns_to_the_form(
    console: Console,
) -> None:
    """``i`` on a ticket opened over a half-filled form goes back to that form: a second form
    would offer the first's draft and let the same call be logged twice."""
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"E001", "enter", *"第一通电话")
        app.open_ticket("INC000001")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert app.screen is form
        assert sum(isinstance(s, IntakeScreen) for s in app.screen_stack) == 1
        assert form.query_one("#title", Input).value == "第一通电话"


@pytest.mark.parametrize("size", SIZES)
async def test_clearing_a_form_that_holds_a_call_asks_first(
    console: Console, size: tuple[int, int]
) -> None:
    site, agent = console.site, console.desk.agent1
    app = ItsmApp(site, agent)
    async with app.run_test(size=size) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"E001", "enter", *"打印机卡纸")
        assert await form.keep_input()  # the draft is stored
        await pilot.press("ctrl+l")  # a terminal's redraw key: clears nothing
        await settle(pilot)
        assert form.query_one("#title", Input).value == "打印机卡纸"
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert form.query_one("#title", Input).value == "打印机卡纸"
        assert drafts.load_draft(site, agent) is not None
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert form.query_one("#title", Input).value == ""
    assert drafts.load_draft(site, agent) is None


async def test_an_overtaken_draft_write_does_nothing(console: Console) -> None:
    """A save asked for before a newer one (or before the call was logged) is not written when
    its thread runs late: only the newest request reaches the database."""
    site, agent = console.site, console.desk.agent1
    app = ItsmApp(site, agent)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        stale = form._draft_generation + 1
        form._draft_generation += 2  # a newer request was made meanwhile
        await form.keep_draft({"title": "旧的"}, stale).wait()
        assert drafts.load_draft(site, agent) is None
        await form.keep_draft({"title": "新的"}, form._draft_generation).wait()
        kept = drafts.load_draft(site, agent)
        assert kept is not None and kept.fields["title"] == "新的"
