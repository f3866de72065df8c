"""The dashboard's alert inbox shows SLA alerts addressed to me, and new ones arrive live."""

from __future__ import annotations

import asyncio

from itsm_tui.console.app import ItsmApp
from itsm_tui.widgets.alert_inbox import AlertInbox
from itsm_tui.workflow import sla_scan as scan
from itsm_tui.workflow.tickets import TicketDraft, claim, create_ticket
from tests.tui.conftest import Console
from tests.tui.test_console import settle


def _inbox_text(app: ItsmApp) -> str:
    return str(app.screen.query_one(AlertInbox).render())


async def test_new_alerts_appear_within_seconds(console: Console) -> None:
    site, desk = console.site, console.desk
    number = create_ticket(
        site, desk.agent2, TicketDraft(title="核心交换机故障", impact=1, urgency=1)
    ).number
    claim(site, desk.agent2, number)
    app = ItsmApp(site, desk.sup)  # the group's supervisor
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert number not in _inbox_text(app)
        # A P1 runs 24x7: three hours in, its tier-1 budget (15 min) and half its resolution
        # time are spent, and the scheduler's scan alerts the group's supervisor.
        site.clock.advance(hours=3)  # type: ignore[attr-defined]
        await asyncio.to_thread(scan.scan, site)
        for _ in range(60):  # the inbox polls every few seconds; give it at most 6 s
            await pilot.pause(0.1)
            if number in _inbox_text(app):
                break
        text = _inbox_text(app)
        assert number in text and "核心交换机故障" in text
        assert "Alerts (" in str(app.screen.query_one(AlertInbox).border_title)


async def test_inbox_shows_only_my_alerts(console: Console) -> None:
    site, desk = console.site, console.desk
    number = create_ticket(
        site, desk.agent2, TicketDraft(title="数据库连接超时", impact=1, urgency=1)
    ).number
    claim(site, desk.agent2, number)
    site.clock.advance(hours=3)  # type: ignore[attr-defined]
    scan.scan(site)
    app = ItsmApp(site, desk.agent1)  # not the assignee, not a supervisor
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert number not in _inbox_text(app)


async def test_enter_on_the_inbox_opens_the_ticket_under_its_cursor(console: Console) -> None:
    from itsm_tui.screens.ticket import TicketScreen

    site, desk = console.site, console.desk
    numbers = [
        create_ticket(site, desk.agent2, TicketDraft(title=title, impact=1, urgency=1)).number
        for title in ("核心交换机故障", "数据库连接超时")
    ]
    for number in numbers:
        claim(site, desk.agent2, number)
    site.clock.advance(hours=3)  # type: ignore[attr-defined]
    scan.scan(site)
    app = ItsmApp(site, desk.sup)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        inbox = app.screen.query_one(AlertInbox)
        inbox.focus()
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        wanted = inbox.alerts[1].ticket
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.number == wanted
