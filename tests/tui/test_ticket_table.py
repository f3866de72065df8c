"""The virtual table over a million (synthetic) tickets: it pages by key both ways, holds only
a window of rows, and jumps to either end without walking there."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from textual.app import App, ComposeResult

from itsm_tui.common.ticket_rows import TicketRow
from itsm_tui.widgets.ticket_table import PAGE, WINDOW_PAGES, TicketTable
from itsm_tui.workflow.tickets import TicketPage
from tests.conftest import T0

TOTAL = 1_000_000


class FakeQueue:
    """Tickets 1 … 1,000,000, newest first, paged by key exactly as ``list_tickets`` pages."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def row(self, i: int) -> TicketRow:
        return TicketRow(
            i,
            f"INC{i:06d}",
            3,
            "new",
            None,
            1,
            f"工单 {i}",
            "王小明",
            "hotline",
            None,
            T0 - timedelta(minutes=TOTAL - i),
            None,
            T0 + timedelta(minutes=i % 300 - 60),
            None,
            1,
        )

    def __call__(
        self, *, after: int | None = None, before: int | None = None, limit: int = 50
    ) -> TicketPage:
        self.calls.append({"after": after, "before": before})
        if before is not None:
            start = 1 if before == 0 else before + 1
            ids = list(range(start, min(TOTAL, start + limit - 1) + 1))[::-1]
            return TicketPage([self.row(i) for i in ids], None, T0)
        top = TOTAL if after is None else after - 1
        ids = list(range(top, max(0, top - limit), -1))
        return TicketPage([self.row(i) for i in ids], ids[-1] if len(ids) == limit else None, T0)


class TableApp(App[None]):
    def __init__(self, fetch: FakeQueue) -> None:
        super().__init__()
        self.fetch = fetch

    def compose(self) -> ComposeResult:
        yield TicketTable(self.fetch)

    def on_mount(self) -> None:
        table = self.query_one(TicketTable)
        table.focus()
        table.reload()


async def _settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_scrolls_a_million_rows_holding_a_window() -> None:
    fetch = FakeQueue()
    app = TableApp(fetch)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.query_one(TicketTable)
        assert table.rows[0].number == "INC1000000"[:3] + "1000000"
        for _ in range(12):  # twelve screens of page-down: many pages fetched
            await pilot.press("pagedown", "pagedown", "pagedown", "pagedown", "pagedown")
            await _settle(pilot)
        assert len(table.rows) <= WINDOW_PAGES * PAGE
        assert table.current is not None and table.current.id < TOTAL - 1000
        assert all(c["after"] is not None for c in fetch.calls[1:])  # keyset, never offsets
        line = table.render_line(table.cursor - int(table.scroll_y) + 1).text
        assert table.current.number in line


async def test_jumps_to_the_end_and_back_to_the_start() -> None:
    fetch = FakeQueue()
    app = TableApp(fetch)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.query_one(TicketTable)
        await pilot.press("end")
        await _settle(pilot)
        assert table.current is not None and table.current.id == 1
        assert fetch.calls[-1] == {"after": None, "before": 0}
        assert "INC000001" in table.render_line(table.size.height - 1).text
        for _ in range(8):  # scrolling up from the end pages backwards by key
            await pilot.press(*["pageup"] * 5)
            await _settle(pilot)
        assert any(c["before"] not in (None, 0) for c in fetch.calls)
        assert len(table.rows) <= WINDOW_PAGES * PAGE
        assert table.current.id > 100
        await pilot.press("home")
        await _settle(pilot)
        assert table.current.id == TOTAL


async def test_sla_cells_show_business_time_from_the_page() -> None:
    """The SLA column shows the business time the workflow measured with the page (two hours
    over a weekend, say), never ``due - now`` on the wall clock; "paused" while paused."""
    from itsm_tui.widgets.sla_bar import SlaBar
    from itsm_tui.workflow.sla.time_left import Progress

    queue = FakeQueue()
    running = replace(queue.row(7), resolution_due_at=T0 + timedelta(hours=65))
    overdue = replace(queue.row(6), resolution_due_at=T0 - timedelta(hours=3))
    paused = replace(queue.row(5), status="pending", pending_reason="customer")
    paused = replace(paused, resolution_due_at=None)
    clocks = {
        7: Progress("running", 120, 91, "office"),
        6: Progress("running", -45, 110, "office"),
        5: Progress("paused", 300, 33, "office"),
    }
    page = TicketPage([running, overdue, paused], None, T0, clocks)
    app = TableApp(lambda **kw: page)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.query_one(TicketTable)
        assert table.render_line(0).text.split()[2:4] == ["SLA", "bus."]
        cells = [table._sla(row)[0] for row in table.rows]
        assert cells == ["2h 0m", "-45m", "paused"]  # not "2d 17h" (65 h on the wall)
        bar = SlaBar("Resolution")
        await app.mount(bar)
        bar.show(clocks[7], running.resolution_due_at, None, T0, ZoneInfo("Asia/Shanghai"))
        assert "2h 0m left" in str(bar.render())
        bar.show(clocks[6], overdue.resolution_due_at, None, T0, ZoneInfo("Asia/Shanghai"))
        assert "45m overdue" in str(bar.render())
        bar.show(clocks[5], None, None, T0, ZoneInfo("Asia/Shanghai"))
        assert "paused, 5h 0m left" in str(bar.render())
