"""The console shows user text as data: the queue, the ticket screen, the CI detail and the
intake's caller search, with the twelve payloads of ``tests.injection`` in a ticket title, a
note, a caller name and a CI name, read from what the widgets render (the composited screen,
cell by cell), as Pilot drives the app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.config import Settings
from itsm_tui.console.app import ItsmApp
from itsm_tui.screens.ci_detail import CIDetailScreen
from itsm_tui.screens.intake import IntakeScreen
from itsm_tui.screens.ticket import TicketScreen
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.site import Actor, Site
from tests.conftest import T0, Desk
from tests.injection import PAYLOADS, Hostile, leaks, seed_hostile

SHOWN_RETITLE = "\\x1b]0;pwned\\x07"


@pytest.fixture
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Desk, Hostile]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'itsm.db'}"
    site = Site(make_engine(url), clock=FrozenClock(T0), settings=Settings(database_url=url))
    view = initialise(site, "admin", "管理员")
    desk = Desk(site, Actor(view.id, view.login, view.display_name, view.tier, frozenset()))
    yield desk, seed_hostile(desk)
    site.close()


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def on_screen(app: ItsmApp) -> str:
    """Every cell of the screen as composited for the terminal, line by line."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def _safe(shown: str, where: str) -> None:
    assert leaks(shown) == [], (where, leaks(shown))
    assert SHOWN_RETITLE in shown, (where, shown)
    assert PAYLOADS["markup"] in shown, (where, shown)


async def test_every_console_screen_shows_the_payloads_escaped(
    hostile: tuple[Desk, Hostile],
) -> None:
    desk, h = hostile
    app = ItsmApp(desk.site, desk.agent1)
    async with app.run_test(size=(240, 60)) as pilot:
        await settle(pilot)
        await pilot.press("6")  # the open queue: both hostile tickets
        await settle(pilot)
        _safe(on_screen(app), "queue")
        for number in (h.made_ticket, h.legacy_ticket):
            app.push_screen(TicketScreen(desk.site, desk.agent1, number))
            await settle(pilot)
            _safe(on_screen(app), f"ticket {number}")
            app.pop_screen()
        for ci in (h.made_ci, h.legacy_ci):
            app.push_screen(CIDetailScreen(desk.site, desk.agent1, f"#{ci}"))
            await settle(pilot)
            _safe(on_screen(app), f"CI #{ci}")
            app.pop_screen()
        app.push_screen(IntakeScreen(desk.site, desk.agent1))
        await settle(pilot)
        await pilot.press("H")  # both hostile callers' names start with H
        await settle(pilot)
        _safe(on_screen(app), "intake caller search")
