"""The welcome screen shows who you are and what the database holds."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from itsm_tui.app import ItsmApp
from itsm_tui.workflow.context import Actor, Site


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_home_shows_operator_and_counts(screen_site: tuple[Site, Actor]) -> None:
    site, admin = screen_site
    app = ItsmApp(site, admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        operator = str(app.screen.query_one("#operator", Static).render())
        database = str(app.screen.query_one("#database", Static).render())
        assert "管理员 (admin)" in operator
        assert "admin, supervisor" in operator
        assert "Asia/Shanghai" in operator
        assert "staff" in database and "2" in database


async def test_refresh_picks_up_new_rows(screen_site: tuple[Site, Actor]) -> None:
    from itsm_tui.workflow.staff import add_staff

    site, admin = screen_site
    app = ItsmApp(site, admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        add_staff(site, admin, "li.na", "李娜")
        await pilot.press("r")
        await _settle(pilot)
        database = str(app.screen.query_one("#database", Static).render())
        assert "staff                          3" in database


def test_home_snapshot_80x24(snap_compare: Any, screen_site: tuple[Site, Actor]) -> None:
    assert snap_compare(ItsmApp(*screen_site), terminal_size=(80, 24), run_before=_settle)


def test_home_snapshot_120x40(snap_compare: Any, screen_site: tuple[Site, Actor]) -> None:
    assert snap_compare(ItsmApp(*screen_site), terminal_size=(120, 40), run_before=_settle)
