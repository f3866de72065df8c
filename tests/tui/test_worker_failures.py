"""The database goes away under each screen: the operator reads what failed and what to do, the
traceback is in the console log, and the console stays usable — on SQLite and PostgreSQL.

The database fails for real: the SQLite file's folder is moved away (a new connection cannot
open it), or the PostgreSQL test schema is renamed (every table is gone); the engine's pool is
emptied so no connection opened before survives. Moving it back is the recovery.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerFailed

from itsm_tui.console.app import ItsmApp
from itsm_tui.screens.ci_detail import CIDetailScreen
from itsm_tui.screens.ci_lookup import CILookupScreen
from itsm_tui.screens.dashboard import DashboardScreen
from itsm_tui.screens.impact import ImpactScreen
from itsm_tui.screens.intake import IntakeScreen
from itsm_tui.screens.queue import QueueScreen
from itsm_tui.screens.ticket import TicketScreen
from itsm_tui.widgets.alert_inbox import AlertInbox
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.tickets import TicketDraft, create_ticket
from tests.conftest import Desk
from tests.tui.test_console import text_of


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish, failed ones included, and the screen repaint (no sleeps)."""
    for _ in range(3):
        for worker in list(pilot.app.workers):
            with contextlib.suppress(WorkerFailed):
                await worker.wait()
        await pilot.pause()


async def until(pilot: Pilot[Any], done: Callable[[], bool]) -> None:
    """Wait for ``done()``, at most 6 s: the alert inbox polls every 3 s."""
    for _ in range(60):
        if done():
            break
        await pilot.pause(0.1)
    await settle(pilot)


class Outage:
    """Takes the site's database away and brings it back."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.url = site.engine.url
        self.down = False

    def begin(self) -> None:
        self.site.engine.dispose()
        if self.url.get_backend_name() == "sqlite":
            folder = Path(str(self.url.database)).parent
            folder.rename(folder.with_name(folder.name + "-away"))
        else:
            self._rename_schema(away=True)
        self.site.engine.dispose()
        self.down = True

    def end(self) -> None:
        if not self.down:
            return
        if self.url.get_backend_name() == "sqlite":
            folder = Path(str(self.url.database)).parent
            folder.with_name(folder.name + "-away").rename(folder)
        else:
            self._rename_schema(away=False)
        self.site.engine.dispose()
        self.down = False

    def _rename_schema(self, *, away: bool) -> None:
        schema = str(self.url.query["options"]).rpartition("=")[2]
        old, new = (schema, f"{schema}_away") if away else (f"{schema}_away", schema)
        admin = create_engine(self.url.set(query={}))
        with admin.begin() as conn:
            conn.execute(text("SET lock_timeout = '5s'"))
            conn.execute(text(f'ALTER SCHEMA "{old}" RENAME TO "{new}"'))
        admin.dispose()


@pytest.fixture
def outage(site: Site) -> Iterator[Outage]:
    cut = Outage(site)
    yield cut
    cut.end()  # the schema back where the fixture drops it


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The console log, in a state folder of this test's own."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "itsm-tui" / "console.log"


@pytest.fixture
def number(desk: Desk) -> str:
    draft = TicketDraft(title="OA系统登录缓慢", caller="E001", impact=2, urgency=2)
    return create_ticket(desk.site, desk.agent1, draft).number


def notices(app: ItsmApp) -> list[str]:
    return [n.message for n in app._notifications]


def assert_reported(app: ItsmApp, log: Path, what: str) -> None:
    """The operator was told (once, in one line) and the log holds the traceback."""
    told = [m for m in notices(app) if m.startswith(f"Could not {what}: database")]
    assert len(told) == 1, notices(app)
    assert "\n" not in told[0]
    logged = log.read_text(encoding="utf-8")
    assert f"could not {what}" in logged
    assert "Traceback (most recent call last)" in logged


async def back_to_dashboard(pilot: Pilot[Any]) -> None:
    """The console still answers keys: Escape leaves each screen, down to the dashboard."""
    for _ in range(4):
        if isinstance(pilot.app.screen, DashboardScreen):
            break
        await pilot.press("escape")
        await settle(pilot)
    assert isinstance(pilot.app.screen, DashboardScreen)


async def test_dashboard_without_a_database_says_so_and_recovers(
    desk: Desk, number: str, outage: Outage, log: Path
) -> None:
    outage.begin()
    app = ItsmApp(desk.site, desk.agent1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert_reported(app, log, "read the dashboard")
        assert any("retrying every 60 s, Ctrl+R now" in m for m in notices(app))
        assert text_of(app, "#card-mine").split() == ["Mine", "—"]  # not "…" for ever
        assert "not up to date" in str(app.screen.sub_title)
        inbox = app.screen.query_one(AlertInbox)
        await until(pilot, lambda: inbox.failed)  # its own read, on its next poll
        shown = str(inbox.render())
        assert "Could not read the alerts" in shown and "retrying every 3 s" in shown
        await pilot.press("l")  # usable meanwhile
        await settle(pilot)
        assert isinstance(app.screen, CILookupScreen)
        await back_to_dashboard(pilot)
        outage.end()
        await pilot.press("r")
        await settle(pilot)
        assert text_of(app, "#card-mine").split()[1].isdigit()
        assert "not up to date" not in str(app.screen.sub_title)


async def test_alert_inbox_keeps_what_it_showed_and_retries(
    desk: Desk, outage: Outage, log: Path
) -> None:
    app = ItsmApp(desk.site, desk.sup)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        inbox = app.screen.query_one(AlertInbox)
        assert inbox.loaded and inbox.border_title == "Alerts"
        outage.begin()
        await until(pilot, lambda: inbox.failed)
        assert_reported(app, log, "read the alerts")
        assert "not up to date" not in str(inbox.border_title)  # nothing shown: says why
        assert "Could not read the alerts" in str(inbox.render())
        outage.end()
        await until(pilot, lambda: not inbox.failed)
        assert str(inbox.render()) == "No alerts."


async def test_queue_says_it_could_not_load_instead_of_loading(
    desk: Desk, number: str, outage: Outage, log: Path
) -> None:
    app = ItsmApp(desk.site, desk.agent1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        outage.begin()
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        bar = text_of(app, "#queue-bar")
        assert "loading" not in bar and "Could not load the tickets" in bar
        assert "Refresh retries" in bar
        assert_reported(app, log, "load the tickets")
        outage.end()
        await pilot.press("r")
        await settle(pilot)
        assert "1 loaded" in text_of(app, "#queue-bar")
        await back_to_dashboard(pilot)


async def test_ticket_screen_and_its_actions(
    desk: Desk, number: str, outage: Outage, log: Path
) -> None:
    app = ItsmApp(desk.site, desk.agent1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        outage.begin()
        app.open_ticket(number)
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        head = text_of(app, "#ticket-head")
        assert head.startswith("Could not load the ticket: database") and "r reloads" in head
        assert_reported(app, log, "load the ticket")
        outage.end()
        await pilot.press("r")
        await settle(pilot)
        assert "OA系统登录缓慢" in text_of(app, "#ticket-head")
        outage.begin()
        await pilot.press("c")  # claim, with the database gone
        await settle(pilot)
        assert_reported(app, log, f"claim {number}")
        assert "OA系统登录缓慢" in text_of(app, "#ticket-head")  # what was shown stays
        await back_to_dashboard(pilot)


async def test_refusal_keeps_its_own_message_and_is_not_logged(desk: Desk, log: Path) -> None:
    app = ItsmApp(desk.site, desk.agent1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_ticket("INC000999")
        await settle(pilot)
        head = text_of(app, "#ticket-head")
        assert "INC000999" in head and "Loading" not in head
        assert notices(app) == [head]
        assert not log.exists()
        await back_to_dashboard(pilot)


async def test_intake_keeps_the_form_when_the_call_cannot_be_logged(
    desk: Desk, outage: Outage, log: Path
) -> None:
    app = ItsmApp(desk.site, desk.agent1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        outage.begin()
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert text_of(app, "#intake-status").startswith("Could not ")
        assert_reported(app, log, "load the categories and the priority matrix")
        assert_reported(app, log, "read your call draft")  # none is written over it, then
        await pilot.press(*"E001")
        await settle(pilot)
        assert text_of(app, "#intake-status").startswith("Could not search the callers")
        outage.end()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert text_of(app, "#intake-status") == ""  # the lists are back
        await pilot.press("backspace", "1", "enter", *"OA slow")
        await settle(pilot)
        outage.begin()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert_reported(app, log, "log the call")
        assert "Ctrl+S retries" in text_of(app, "#intake-status")
        assert app.screen.query_one("#title", Input).value == "OA slow"
        outage.end()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Call logged, opened INC" in text_of(app, "#intake-status")
        await back_to_dashboard(pilot)


async def test_ci_lookup_detail_and_impact(desk: Desk, outage: Outage, log: Path) -> None:
    app = ItsmApp(desk.site, desk.agent1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        outage.begin()
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*"OA")
        await settle(pilot)
        assert isinstance(app.screen, CILookupScreen)
        assert text_of(app, "#ci-search-status").startswith("Could not search the CMDB")
        assert_reported(app, log, "search the CMDB")
        app.push_screen(CIDetailScreen(desk.site, desk.agent1, "OA办公系统"))
        await settle(pilot)
        assert text_of(app, "#ci-head").startswith("Could not load the CI: database")
        assert_reported(app, log, "load the CI")
        app.push_screen(ImpactScreen(desk.site, desk.agent1, ["OA办公系统"], "OA办公系统"))
        await settle(pilot)
        assert text_of(app, "#impact-head").startswith("Could not walk the CMDB: database")
        assert_reported(app, log, "walk the CMDB")
        outage.end()
        await pilot.press("r")
        await settle(pilot)
        assert "Business services at stake" in text_of(app, "#impact-body")
        await pilot.press("escape", "r")  # back on the CI, reloaded
        await settle(pilot)
        assert "OA办公系统" in text_of(app, "#ci-head")
        await back_to_dashboard(pilot)
