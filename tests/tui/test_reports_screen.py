"""The Reports screen with Pilot: opened from the dashboard, the headline figures of this month
and the last with their sparklines, moving between periods, writing the report (with its
progress bar) into the reports folder and mailing it to the supervisors; at 80×24."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import ProgressBar, Static

from itsm_tui.common.config import Settings
from itsm_tui.console.app import ItsmApp
from itsm_tui.screens.reports import ReportsScreen, sparkline
from itsm_tui.workflow.kpi import stored
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.staff import add_staff
from tests.tui.conftest import Console
from tests.tui.test_console import settle, text_of


def _site(console: Console, tmp_path: Path) -> Site:
    """The console's site with a reports folder of the test's own."""
    settings = Settings(
        database_url=str(console.site.engine.url), reports_dir=str(tmp_path / "reports")
    )
    return Site(console.site.engine, clock=console.site.clock, settings=settings)


def _body_lines(app: ItsmApp) -> list[str]:
    """The figures as painted on the screen, line by line."""
    body = app.screen.query_one("#reports-body", Static)
    return [body.render_line(y).text.rstrip() for y in range(body.size.height)]


async def test_headlines_from_the_dashboard_and_periods(console: Console, tmp_path: Path) -> None:
    app = ItsmApp(_site(console, tmp_path), console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert "KPI report 2026-11" in text_of(app, "#reports-head")
        lines = _body_lines(app)
        received = next(line for line in lines if "Tickets received" in line)
        assert " 12 " in received + " "  # the twelve seeded tickets, all opened this month
        # Every headline on one line of its own, nothing cut at 80 columns: the sparkline
        # (the last column) is painted.
        for label in ("First-line resolution", "Resolved within SLA", "Backlog at period end"):
            assert sum(label in line for line in lines) == 1, lines
        assert any(ch in received for ch in "▁▂▃▄▅▆▇█"), received
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert "KPI report 2026-10" in text_of(app, "#reports-head")
        await pilot.press("T")
        await settle(pilot)
        assert "KPI report 2026-W48" in text_of(app, "#reports-head")


async def test_write_then_mail_the_report(console: Console, tmp_path: Path) -> None:
    site = _site(console, tmp_path)
    add_staff(site, console.desk.admin, "boss", "钱主管", tier=2, roles=["supervisor"],
              email="boss@example.cn")  # fmt: skip
    app = ItsmApp(site, console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_reports()
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        written = tmp_path / "reports" / "kpi-2026-11.html"
        assert written.read_text("utf-8").startswith("<!DOCTYPE html>")
        assert "Wrote" in text_of(app, "#reports-status")
        assert app.screen.query_one("#reports-progress", ProgressBar).display is False
        kept = stored.list_reports(site, console.desk.sup).rows
        assert [(r.period, r.path) for r in kept] == [("2026-11", str(written))]
        await pilot.press("f7")
        await settle(pilot)
        assert "Queued for 1 supervisors" in text_of(app, "#reports-status")
        await pilot.press("f7")  # once each: nobody is left to queue
        await settle(pilot)
        assert "No supervisor" in text_of(app, "#reports-status")


def test_a_sparkline_scales_between_the_lowest_and_highest() -> None:
    assert sparkline([1, 5, None, 9]) == "▁▅ █"
    assert sparkline([None, None]) == "  "
    assert sparkline([3, 3]) == "▁▁"
