"""Opening a ticket: the read comes first, so the screen's first frame is the ticket (not
"Loading …"), under a title line that names it; a second open while the first is still
reading wins; a slow read gives way to "Loading …"; a long timeline still scrolls."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

from itsm_tui.console import app as app_module
from itsm_tui.console.app import ItsmApp
from itsm_tui.screens.ticket import TicketScreen
from tests.tui.conftest import Console


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text_of(app: ItsmApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_first_frame_of_a_ticket_shows_it(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    heads: list[str] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None and isinstance(screen, TicketScreen):
            heads.append(text_of(app, "#ticket-head"))

    app._display = display  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        number = console.numbers[1]
        app.open_ticket(number)
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert heads and all(head.startswith(f"{number} ") for head in heads), heads
        assert text_of(app, "#ticket-title") == f"{app.title} — {number}"


async def test_a_second_open_while_reading_wins(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_ticket(console.numbers[1])
        app.open_ticket(console.numbers[2])
        with contextlib.suppress(WorkerCancelled):  # the first read, superseded
            await app.workers.wait_for_complete()
        await settle(pilot)
        tickets = [s for s in app.screen_stack if isinstance(s, TicketScreen)]
        assert len(tickets) == 1 and isinstance(app.screen, TicketScreen)
        assert app.screen.number == console.numbers[2]
        assert text_of(app, "#ticket-head").startswith(f"{console.numbers[2]} ")


async def test_a_long_timeline_scrolls(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_ticket(console.numbers[1])
        await settle(pilot)
        app.screen.query_one("#ticket-timeline", Static).update("\n".join(map(str, range(200))))
        await pilot.pause()
        box = app.screen.query_one("#ticket-timeline-box", VerticalScroll)
        assert app.focused is box  # the arrows scroll it at once
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y > 0


async def test_a_slow_read_shows_loading_then_the_ticket(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy database: Enter still answers at once with "Loading …", then the ticket."""
    read = TicketScreen.prefetch

    def slow(*args: Any) -> Any:
        time.sleep(0.3)
        return read(*args)

    monkeypatch.setattr(app_module, "TICKET_READ_WAIT", 0.05)
    monkeypatch.setattr(TicketScreen, "prefetch", staticmethod(slow))
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        number = console.numbers[1]
        app.open_ticket(number)
        await pilot.pause(0.15)
        assert isinstance(app.screen, TicketScreen)
        with contextlib.suppress(WorkerCancelled):  # the read that gave way
            await app.workers.wait_for_complete()
        await settle(pilot)
        await pilot.pause(0.4)
        await settle(pilot)
        assert [s for s in app.screen_stack if isinstance(s, TicketScreen)] == [app.screen]
        assert text_of(app, "#ticket-head").startswith(f"{number} ")
