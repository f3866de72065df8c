"""The operator console, flow by flow, with Pilot against the seeded desk and a frozen clock."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static

from itsm_tui.common import collector
from itsm_tui.console.app import ItsmApp
from itsm_tui.console.start import bare_console
from itsm_tui.console.start import console as itsm_console
from itsm_tui.console.ticket_actions import OPS
from itsm_tui.dialogs.form import ConfirmDialog, FormDialog
from itsm_tui.screens.dashboard import DashboardScreen
from itsm_tui.screens.intake import IntakeScreen
from itsm_tui.screens.queue import QueueScreen
from itsm_tui.screens.ticket import TicketScreen
from itsm_tui.storage import cmdb_queries
from itsm_tui.widgets.ticket_table import TicketTable
from itsm_tui.workflow import staff as staff_flow
from itsm_tui.workflow import tickets as t
from tests.tui.conftest import Console


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and the screen repaint (no sleeps)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text_of(app: ItsmApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def table_lines(table: TicketTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


class Keys:
    """Presses keys and counts them: the intake test reports its keystrokes."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot, self.count = pilot, 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)
        await settle(self.pilot)

    async def type(self, text: str) -> None:
        await self.press(*text)


async def test_dashboard_counts_open_their_queues(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert text_of(app, "#card-mine").split() == ["Mine", "3"]
        assert text_of(app, "#card-at_risk").split() == ["At", "risk", "1"]
        assert text_of(app, "#card-breached").split() == ["Breached", "2"]
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        table = app.screen.query_one(TicketTable)
        assert [r.number for r in table.rows] == ["INC000004", "INC000001"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert "INC000001" in text_of(app, "#ticket-head")


async def test_console_opens_on_the_figures_it_read_before_textual_loaded(
    console: Console,
) -> None:
    """``itsm`` opens the console through ``console()``: the dashboard's first read is already
    under way, its figures are in the first frames, and the dashboard is the bottom screen."""
    app = itsm_console(console.site, console.desk.agent1)
    first = app._first_board
    assert first is not None
    first.result()  # the read happened off the UI thread, before the app ran
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen) and len(app.screen_stack) == 1
        assert text_of(app, "#card-mine").split() == ["Mine", "3"]  # no worker was needed
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        app.action_dashboard()
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and len(app.screen_stack) == 1


async def test_a_bare_itsm_draws_the_figures_a_forked_process_read(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bare ``itsm`` (``bare_console``) reads who is at the keyboard and the dashboard in a
    child process; this process shows them without having opened the database itself."""
    monkeypatch.setattr(staff_flow, "os_login", lambda: "agent1")  # the child inherits it
    app, first = bare_console(console.site.settings)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.actor.login == "agent1" and not app.refused
        await settle(pilot)
        assert text_of(app, "#card-mine").split() == ["Mine", "3"]
        assert "agent1" in str(app.screen.sub_title)
    first.finish()
    assert gc.isenabled()  # off until the first frame only


async def test_full_collections_wait_for_a_second_without_keys(console: Console) -> None:
    """Once warmed up, the console runs no full collection while the operator types (its
    pause would land mid-page); the due one runs after a second without input."""
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert gc.get_threshold() == collector.IDLE_GC_THRESHOLDS  # settled by warm-up
        gc.collect()
        now = [1000.0]
        app._idle = collector.IdleCollector(clock=lambda: now[0])
        for _ in range(3):  # a busy second: pages and statements kept, then dropped
            kept = [[i] for i in range(100_000)]
            del kept
        full = gc.get_stats()[2]["collections"]
        assert app._idle.due()
        now[0] += 5
        await pilot.press("down")
        now[0] += 0.5
        app._collect_when_idle()
        assert gc.get_stats()[2]["collections"] == full  # a key half a second ago
        now[0] += 1
        app._collect_when_idle()
        assert gc.get_stats()[2]["collections"] == full + 1


async def test_an_operator_it_cannot_tell_gets_nothing_on_screen(console: Console) -> None:
    app = ItsmApp(console.site, lambda: None)  # e.g. an OS account that is not staff
    await app.run_async(headless=True)
    assert app.refused and app.screen_stack == []  # the terminal was never taken


async def test_queue_shows_user_text_literally_and_wide_text_aligned(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        lines = table_lines(app.screen.query_one(TicketTable))
        assert any("[bold red]x[/]" in line for line in lines)
        assert any("VPN 断线 \\x1b[31m红色" in line for line in lines)
        assert all("\x1b" not in line for line in lines)
        # Every row has the same width in cells, Chinese or not: the Age column lines up.
        from rich.cells import cell_len

        assert {cell_len(line) for line in lines} == {120}


async def test_queue_sort_filter_and_search(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        assert table.rows[0].number == "INC000012"
        await pilot.press("s")  # oldest first
        await settle(pilot)
        assert table.rows[0].number == "INC000001"
        await pilot.press("s")  # priority
        await settle(pilot)
        assert [r.priority for r in table.rows] == sorted(r.priority for r in table.rows)
        await pilot.press("P")  # P1 only
        await settle(pilot)
        assert {r.priority for r in table.rows} == {1}
        await pilot.press("P", "P", "P", "P", "P")  # back to all priorities
        await pilot.press("slash", *"打印机", "enter")
        await settle(pilot)
        assert [r.number for r in table.rows] == ["INC000002"]
        assert "search: 打印机" in text_of(app, "#queue-bar")


async def test_intake_claim_escalate_resolve(console: Console) -> None:
    """The common intake path, counted: caller "E001", Enter, the title, Ctrl+S."""
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        keys = Keys(pilot)
        await keys.type("E001")  # the employee number the caller gives
        await keys.press("enter")  # first match is picked, focus moves to the title
        assert "王小明" in text_of(app, "#caller-card")
        assert "Open tickets (4)" in str(app.screen.query_one("#caller-tickets").border_title)
        listed = app.screen.query_one("#caller-tickets", OptionList)
        statuses = [str(listed.get_option_at_index(i).prompt) for i in range(4)]
        assert any(" in progress " in s for s in statuses), statuses  # as every screen says it
        title = "OA slow"
        await keys.type(title)
        await keys.press("ctrl+s")
        assert keys.count == 4 + 1 + len(title) + 1 == 13
        assert "opened INC000013" in text_of(app, "#intake-status")
        view = t.show_ticket(console.site, console.desk.agent1, "INC000013").ticket
        assert (view.title, view.caller, view.priority) == ("OA slow", "王小明", 5)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("c")  # claim
        await settle(pilot)
        assert "in progress" in text_of(app, "#ticket-head")
        await pilot.press("e")  # escalate: group (first tier-2 group) and a reason
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#field-group").value = "server"  # type: ignore[attr-defined]
        await pilot.press("tab", *"需要二线", "enter")
        await settle(pilot)
        assert "tier 2 · server" in text_of(app, "#ticket-head")
        assert "escalate" in text_of(app, "#ticket-timeline")
        assert "需要二线" in text_of(app, "#ticket-timeline")
    app = ItsmApp(console.site, console.desk.eng1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_ticket("INC000013")
        await settle(pilot)
        await pilot.press("c", "v")  # claim, resolve
        await settle(pilot)
        await pilot.press(*"重启服务", "ctrl+s")  # it starts in "What was done"
        await settle(pilot)
        assert "resolved" in text_of(app, "#ticket-head")
    assert t.show_ticket(console.site, console.desk.eng1, "INC000013").ticket.status == "resolved"


async def test_intake_attaches_a_repeat_call(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#caller-search").value = "王小"  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f4")  # asks, showing the ticket (test_call_form has the rest)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert "attached to INC000010" in text_of(app, "#intake-status")
    contacts = t.show_ticket(console.site, console.desk.agent1, "INC000010").contacts
    assert len(contacts) == 1 and contacts[0].caller == "王小明"


async def test_conflict_names_who_and_offers_reload(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_ticket("INC000001")
        await settle(pilot)
        # Meanwhile another agent's console changes it.
        t.set_pending(console.site, console.desk.agent1, "INC000001", reason="customer")
        t.resume(console.site, console.desk.agent1, "INC000001")
        await pilot.press("f", *"催办", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "changed by 钱一 (agent1)" in app.screen.message
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("f", *"催办", "enter")
        await settle(pilot)
        assert "FLAGGED" in text_of(app, "#ticket-head")


async def test_refusal_shows_the_workflow_message(console: Console) -> None:
    """An action is offered only when the workflow allows it; one that stopped being allowed
    after the screen was read is refused with the workflow's own sentence."""
    from itsm_tui.workflow.staff import set_roles

    app = ItsmApp(console.site, console.desk.agent2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_ticket("INC000004")
        await settle(pilot)
        assert app.screen.check_action("op", ("claim",)) is True
        set_roles(console.site, console.desk.admin, "agent2", ["inspector"])  # meanwhile
        await pilot.press("c")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("agent2 (inspector) may not work tickets" in m for m in messages)
        await pilot.press("r")  # read again: no longer offered
        await settle(pilot)
        assert app.screen.check_action("op", ("claim",)) is False


async def test_an_inspector_is_offered_no_work_on_a_ticket(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.insp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_ticket("INC000004")
        await settle(pilot)
        screen = app.screen
        assert not any(screen.check_action("op", (name,)) for name in OPS)
        await pilot.press("c")
        await settle(pilot)
        assert not list(app._notifications)  # nothing offered, nothing tried, nothing refused


async def test_supervisor_reassigns_an_overdue_ticket_from_the_dashboard(
    console: Console,
) -> None:
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        overdue = app.screen.query_one("#dash-overdue", DataTable)
        assert overdue.row_count == 2
        backlog = app.screen.query_one("#dash-backlog", DataTable)
        assert backlog.row_count == 2  # hotline and server
        await pilot.press("down")  # INC000001, held by 钱一
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")  # the person picker's first: 孙二, the least loaded
        await settle(pilot)
    view = t.show_ticket(console.site, console.desk.sup, "INC000001").ticket
    assert view.assignee == "agent2"


async def test_command_palette_jumps_to_a_ticket_and_runs_actions(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"inc7")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.number == "INC000007"
        await pilot.press("ctrl+p", *"action: claim")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "钱一" in text_of(app, "#ticket-head")


async def test_ticket_screen_shows_hostile_titles_as_typed(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_ticket("INC000004")
        await settle(pilot)
        assert "[bold red]x[/]" in text_of(app, "#ticket-head")
        app.open_ticket("INC000005")
        await settle(pilot)
        head = text_of(app, "#ticket-head")
        assert "VPN 断线 \\x1b[31m红色" in head and "\x1b" not in head
        assert "[i]怀疑[/i]" not in text_of(app, "#ticket-timeline")  # not this ticket's note


async def test_ticket_screen_says_when_services_at_stake_were_cut_off(
    console: Console, monkeypatch: Any
) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_ticket("INC000001")
        await settle(pilot)
        assert "maybe more" not in text_of(app, "#ticket-fields")
        monkeypatch.setattr(cmdb_queries, "MAX_ROWS", 1)  # as if its CI were a machine room
        await pilot.press("r")
        await settle(pilot)
        assert "and maybe more (wide outage)" in text_of(app, "#ticket-fields")


async def test_escalate_and_return_offer_the_groups_the_workflow_accepts(
    console: Console,
) -> None:
    """At tier 2, escalating offers the tier-3 groups only, returning the tier-1 groups."""
    app = ItsmApp(console.site, console.desk.eng1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_ticket(console.numbers[5])  # escalated to the server group in the seed
        await settle(pilot)
        offered: dict[str, list[str]] = {}
        for key in ("e", "t"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, FormDialog)
            group = next(f for f in app.screen.fields if f.name == "group")
            offered[key] = sorted(value for _, value in group.choices)
            await pilot.press("escape")
            await settle(pilot)
        assert offered == {"e": ["dev"], "t": ["desktop", "hotline"]}


async def test_a_title_that_begins_like_a_timestamp_opens_and_reads_as_typed(
    console: Console,
) -> None:
    """The timeline converts only the fields that hold instants, as ``itsm ticket history``."""
    draft = t.TicketDraft(title="2026-12-04T10:00:00 mail down", caller="E001")
    number = t.create_ticket(console.site, console.desk.agent1, draft).number
    t.update_ticket(console.site, console.desk.agent1, number, title="2026-12-04T10:00:00")
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(TicketScreen(console.site, console.desk.agent1, number))
        await settle(pilot)
        assert number in text_of(app, "#ticket-head")
        timeline = text_of(app, "#ticket-timeline")
        assert "title: 2026-12-04T10:00:00 mail down → 2026-12-04T10:00:00" in timeline
