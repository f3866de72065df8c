"""The supervisor's dashboard: what they must act on (flags and breaches in the inbox, the
overdue list of their own groups, paged), and acting on it in few keys (reassign with a person
picker, escalate, flag). Also the agent's "My open tickets" opening on Enter."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from textual.widgets import DataTable, Input, OptionList

from itsm_tui.console.app import ItsmApp
from itsm_tui.dialogs.form import FormDialog
from itsm_tui.dialogs.person_picker import PersonPicker
from itsm_tui.screens.dashboard import DashboardScreen, overdue_columns
from itsm_tui.screens.ticket import TicketScreen
from itsm_tui.widgets.alert_inbox import AlertInbox
from itsm_tui.widgets.ticket_table import TicketTable
from itsm_tui.workflow import groups
from itsm_tui.workflow import sla_scan as scan
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.site import Actor
from itsm_tui.workflow.staff import add_staff
from itsm_tui.workflow.tickets import TicketDraft
from tests.tui.conftest import Console, _set_due
from tests.tui.test_console import Keys, settle, text_of

SIZES = [(80, 24), (120, 40)]


def _inbox(app: ItsmApp) -> str:
    return str(app.screen.query_one(AlertInbox).render())


def _overdue(app: ItsmApp) -> DataTable[object]:
    return app.screen.query_one("#dash-overdue", DataTable)


def _numbers(table: DataTable[object]) -> list[str]:
    return [str(key.value) for key in table.rows]


def _late(console: Console, count: int, *, as_: Actor, group: str | None = None) -> list[str]:
    """``count`` new tickets, each past its resolution limit."""
    site, now = console.site, console.site.clock.now()
    numbers = []
    for i in range(count):
        draft = TicketDraft(title=f"超时工单 {i}", group=group)
        number = t.create_ticket(site, as_, draft).number
        _set_due(site, number, now - timedelta(minutes=10 + i))
        numbers.append(number)
    return numbers


def _night_shift(console: Console) -> Actor:
    """A second supervisor with a group of their own and one of its agents."""
    site, admin = console.site, console.desk.admin
    add_staff(site, admin, "sup2", "钱主管", tier=2, roles=["supervisor"])
    view = add_staff(site, admin, "night1", "夜班一", tier=1, roles=["agent"])
    groups.add_group(site, admin, "night", "夜班", tier=1, supervisor="sup2")
    groups.add_member(site, admin, "night", "night1")
    return Actor(view.id, "night1", "夜班一", 1, frozenset())


async def test_overdue_list_pages_on_and_keeps_to_my_groups_unless_asked(
    console: Console,
) -> None:
    mine = _late(console, 26, as_=console.desk.agent1)
    night = _late(console, 3, as_=_night_shift(console), group="night")
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = _overdue(app)
        assert table.row_count == 20  # the first page, read with the figures
        assert "my groups (20+)" in str(table.border_title)
        await pilot.press("pagedown", "pagedown")  # near the end: the next page is read by key
        await settle(pilot)
        shown = _numbers(table)
        assert len(shown) == 28 == len(set(shown))  # 26 new + the desk's 2, no row twice
        assert set(mine) <= set(shown) and not set(night) & set(shown)
        assert "my groups (28)" in str(table.border_title)
        await pilot.press("g")  # every group's
        await settle(pilot)
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        shown = _numbers(_overdue(app))
        assert len(shown) == 31 and set(night) <= set(shown)
        assert "all groups (31)" in str(_overdue(app).border_title)
        await pilot.press("g")  # and back
        await settle(pilot)
        assert not set(night) & set(_numbers(_overdue(app)))


async def test_a_supervisor_counts_the_groups_they_supervise(console: Console) -> None:
    """The desk's supervisor belongs to no group but supervises all five."""
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        group = t.list_tickets(console.site, console.desk.sup, "group", limit=500).rows
        assert len(group) == 12
        assert text_of(app, "#card-group").split() == ["My", "group", "12"]


@pytest.mark.parametrize("size", SIZES)
async def test_reassign_from_the_overdue_list_takes_three_keys(
    console: Console, size: tuple[int, int]
) -> None:
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert _numbers(_overdue(app))[0] == "INC000004"  # the newest breach, unassigned
        keys = Keys(pilot)
        await keys.press("a")
        picker = app.screen
        assert isinstance(picker, PersonPicker)
        options = picker.query_one(OptionList)
        listed = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        # Names, not logins, the ticket's group first, least loaded first, with their load.
        assert listed[0].split() == ["孙二", "hotline", "0", "open"]
        assert listed[1].split() == ["钱一", "hotline", "3", "open"]
        assert not any("agent" in line for line in listed)
        assert "hotline queue (unassigned)" in listed
        await keys.press("down", "enter")
        assert keys.count == 3
        assert isinstance(app.screen, DashboardScreen)
    view = t.show_ticket(console.site, console.desk.sup, "INC000004").ticket
    assert view.assignee == "agent1" and view.status == "assigned"


async def test_the_picker_filters_as_you_type(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one(Input).value = "钱"
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1
        await pilot.press("enter")
        await settle(pilot)
    assert t.show_ticket(console.site, console.desk.sup, "INC000004").ticket.assignee == "agent1"


@pytest.mark.parametrize("size", SIZES)
async def test_flag_from_the_dashboard_reaches_the_supervisors_inbox(
    console: Console, size: tuple[int, int]
) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        mine = app.screen.query_one("#dash-mine", TicketTable)
        number = mine.rows[0].number
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"caller waiting", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert t.show_ticket(console.site, console.desk.sup, number).ticket.flagged_at is not None
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        inbox = _inbox(app)
        assert number in inbox and "flagged by 钱一: caller waiting" in inbox
        await pilot.press("f")  # a supervisor flags from the overdue list too
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)


async def test_breaches_the_scan_raised_are_on_the_supervisors_dashboard(
    console: Console,
) -> None:
    """Scan, then inbox, then dashboard (the scheduler process itself is run in
    ``tests/cli/test_scheduler_process.py``)."""
    console.site.clock.advance(days=3)  # type: ignore[attr-defined]
    await asyncio.to_thread(scan.scan, console.site)
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        inbox = _inbox(app)
        assert "No alerts" not in inbox and "resolution time breached" in inbox
        assert str(app.screen.query_one(AlertInbox).border_title).startswith("Alerts (")


@pytest.mark.parametrize("size", SIZES)
async def test_my_open_tickets_open_on_enter_and_double_click(
    console: Console, size: tuple[int, int]
) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        mine = app.screen.query_one("#dash-mine", TicketTable)
        first = mine.rows[0].number
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.number == first
        await pilot.press("escape")
        await settle(pilot)
        mine = app.screen.query_one("#dash-mine", TicketTable)
        await pilot.click(mine, offset=(5, 2), times=2)  # the second row, double-clicked
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.number == mine.rows[1].number


@pytest.mark.parametrize("size", SIZES)
async def test_overdue_columns_are_dropped_by_priority_not_cut(
    console: Console, size: tuple[int, int]
) -> None:
    """Whatever the width, the number, how late, the holder and a readable title stay, and the
    columns shown fit the panel (none is cut off at its edge); which go first when it is too
    narrow is :func:`overdue_columns`'s rule, tested below."""
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = _overdue(app)
        titles = [str(c.label) for c in table.columns.values()]
        assert {"Number", "Late bus.", "Holder", "Title"} <= set(titles)
        if size[0] >= 120:
            assert len(titles) == 6
        title_width = next(c.width for c in table.columns.values() if str(c.label) == "Title")
        assert title_width >= 10
        assert sum(c.width for c in table.columns.values()) <= table.scrollable_content_region.width
        holder = titles.index("Holder")
        row = table.get_row("INC000001")
        assert str(row[holder]).strip() == "钱一"


def test_overdue_columns_keep_number_late_holder_and_title() -> None:
    assert [t for t, _ in overdue_columns(80)] == [
        "Number",
        "P",
        "Late bus.",
        "Group",
        "Holder",
        "Title",
    ]
    # The group goes first (the backlog beside it names the groups), then the priority.
    assert [t for t, _ in overdue_columns(45)] == ["Number", "P", "Late bus.", "Holder", "Title"]
    assert [t for t, _ in overdue_columns(40)] == ["Number", "Late bus.", "Holder", "Title"]
    assert overdue_columns(40)[-1] == ("Title", 10)
    # Narrower still: nothing else goes; the title keeps its ten cells (the panel scrolls).
    assert [t for t, _ in overdue_columns(30)] == ["Number", "Late bus.", "Holder", "Title"]
