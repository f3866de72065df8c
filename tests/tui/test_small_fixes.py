"""The small things an operator saw, with Pilot at 80×24 and 120×40: Go to ticket with a bare
number or a miss, the CI screen's labels, versions and ticket list, the same "used by" on the
CI and impact screens, "Impact of …" by search, and queue cells shown whole."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Input, Tree

from itsm_tui.common.errors import Invalid, NotFound
from itsm_tui.console.app import ItsmApp
from itsm_tui.console.goto import GoToDialog
from itsm_tui.screens.ci_detail import CIDetailScreen
from itsm_tui.screens.impact import ImpactPickDialog, ImpactScreen
from itsm_tui.screens.queue import QueueScreen
from itsm_tui.screens.ticket import TicketScreen
from itsm_tui.widgets.ticket_table import TicketTable, age, layout
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.lookup import number_candidates, ticket_number
from itsm_tui.workflow.tickets import TicketDraft, TicketPage, create_ticket
from tests.conftest import T0
from tests.tui.conftest import Console
from tests.tui.test_cmdb_screens import tree_lines
from tests.tui.test_console import settle, table_lines, text_of
from tests.tui.test_ticket_table import FakeQueue, TableApp, _settle

SIZES = [(80, 24), (120, 40)]


def test_a_ticket_number_in_any_case_padding_or_bare() -> None:
    assert number_candidates("inc34886") == ["INC034886"]
    assert number_candidates(" Inc-0000034886 ") == ["INC034886"]
    assert number_candidates("REQ000045") == ["REQ000045"]
    assert number_candidates("34886") == ["INC034886", "REQ034886"]


def test_a_bare_number_two_series_share_asks_for_the_prefix(console: Console) -> None:
    site, agent = console.site, console.desk.agent1
    assert ticket_number(site, agent, "3") == "INC000003"
    assert ticket_number(site, agent, "inc03") == "INC000003"
    create_ticket(site, agent, TicketDraft(title="开通VPN", type="request"))  # REQ000001
    with pytest.raises(Invalid, match="INC000001 or REQ000001"):
        ticket_number(site, agent, "1")
    assert ticket_number(site, agent, "req1") == "REQ000001"
    with pytest.raises(NotFound, match="No ticket 34886 \\(INC034886 or REQ034886\\)"):
        ticket_number(site, agent, "34886")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_go_to_ticket_says_a_miss_in_the_dialog_and_opens_a_bare_number(
    console: Console, size: tuple[int, int]
) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g", *"34886", "enter")
        await settle(pilot)
        assert isinstance(app.screen, GoToDialog)  # still there: no blank ticket screen
        assert "No ticket 34886" in text_of(app, "#form-error")
        app.screen.query_one(Input).value = ""
        await pilot.press(*"inc0000007", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert text_of(app, "#ticket-head").startswith("INC000007 ")
        await pilot.press("escape", "ctrl+g", "7", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.number == "INC000007"


def _extend_cmdb(console: Console) -> None:
    """Something that uses OA办公系统, its service hours, two documents, and a CI with many
    tickets, so every fault seen on the CI screen has something to show."""
    site, admin = console.site, console.desk.admin
    cmdb.add_ci(site, admin, "档案管理系统", "business_service", criticality=2)
    cmdb.link(site, admin, "档案管理系统", "depends_on", "OA办公系统")
    cmdb.update_ci(site, admin, "OA办公系统", {"service_hours": "7x24"})
    cmdb.attach_document(site, admin, "OA办公系统", "manual", "运维手册", "v2.1")
    cmdb.attach_document(site, admin, "OA办公系统", "code_repository", "源码", "release-3.4")
    cmdb.attach_document(site, admin, "OA办公系统", "contract", "维保合同", "3.0")
    for n in range(30):
        draft = TicketDraft(title=f"OA 故障 {n}", cis=["OA办公系统"])
        create_ticket(site, console.desk.agent1, draft)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_ci_screen_labels_versions_and_a_full_ticket_list(
    console: Console, size: tuple[int, int]
) -> None:
    _extend_cmdb(console)
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(CIDetailScreen(console.site, console.desk.agent1, "OA办公系统"))
        await settle(pilot)
        fields = text_of(app, "#ci-fields")
        assert "Service hours 7x24" in fields  # not "service_hours7x24"
        assert "manual: 运维手册 v2.1" in fields and "vv2.1" not in fields
        assert "code_repository: 源码 release-3.4" in fields and "vrelease" not in fields
        assert "contract: 维保合同 v3.0" in fields
        title = text_of(app, "#ci-tickets-title")
        assert "33 open, 33 in all" in title
        table = app.screen.query_one("#ci-tickets", DataTable)
        # The list takes nearly half the screen, every line of it a ticket (no blank band).
        assert table.size.height >= size[1] * 2 // 5
        assert table.size.height - 1 <= table.row_count
        # "Used by" holds what uses the service, the arrow as recorded.
        lines = tree_lines(app.screen.query_one("#ci-tree", Tree))
        assert any("Used by (1)" in line for line in lines)
        assert any("depends_on ◂ business_service:档案" in line for line in lines)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_impact_reads_used_by_like_the_ci_screen(
    console: Console, size: tuple[int, int]
) -> None:
    """For OA办公系统: what uses it is hit, each chain as the relationships read, the same
    count as the CI screen's "Used by", and each open incident once."""
    _extend_cmdb(console)
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(ImpactScreen(console.site, console.desk.agent1, ["OA办公系统"], "OA"))
        await settle(pilot)
        body = text_of(app, "#impact-body")
        assert "Business services at stake (2)" in body
        assert "business_service:档案管理系统 —depends_on→ business_service:OA办公系统" in body
        assert "OA办公系统 —depends_on→ business_service:档案管理系统" not in body
        assert "Used by, directly or not: hit too (1)" in body
        assert "Depends on, directly or not (4)" in body
        assert "database:OA库 —runs_on→ server:DB-01" in body
        report = cmdb.analyse(console.site, console.desk.agent1, ["OA办公系统"])
        numbers = [i.number for i in report.open_incidents]
        assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_impact_of_searches_the_cmdb(console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.action_impact_of()
        await settle(pilot)
        assert isinstance(app.screen, ImpactPickDialog)
        await pilot.press(*"oa-app")  # part of the name, any case: not typed exactly
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImpactScreen)
        head = text_of(app, "#impact-head")
        assert "Impact of server:OA-APP-01" in head
        body = text_of(app, "#impact-body")
        assert "business_service:OA办公系统 —runs_on→ server:OA-APP-01" in body


def test_narrow_tables_drop_columns_by_rank_not_cut_them() -> None:
    def titles(width: int) -> list[str]:  # a page with a "pending customer" on it
        return [c.title for c, _ in layout(width, widths={"Status": 16})]

    wide = titles(118)
    assert wide == [
        "Number", "P", "SLA bus.", "Status", "T", "Holder", "Caller", "CI", "Title", "Age"
    ]  # fmt: skip
    narrow = titles(78)
    assert narrow == ["Number", "P", "SLA bus.", "Status", "T", "Holder", "Title", "Age"]
    assert [c.title for c, _ in layout(44)] == ["Number", "P", "SLA bus.", "Title"]
    for width in (40, 78, 118):
        assert sum(w for _, w in layout(width)) + len(layout(width)) - 1 == width
    assert [age(timedelta(minutes=m)) for m in (5, 61, 47 * 60, 11 * 1440 + 700)] == [
        "5m", "1h", "47h", "11d"
    ]  # fmt: skip


def _cells(line: str, widths: list[int]) -> list[str]:
    """Split a rendered line into its cells by the columns' widths (wide characters count two)."""
    out, rest = [], line
    for w in widths:
        taken, used = "", 0
        for ch in rest:
            if used + cell_len(ch) > w:
                break
            taken, used = taken + ch, used + cell_len(ch)
        out.append(taken.strip())
        rest = rest[len(taken) + 1 :]
    return out


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_queue_cells_are_whole(size: tuple[int, int]) -> None:
    queue = FakeQueue()
    pending = replace(
        queue.row(9), status="pending", pending_reason="customer", title="打印机卡纸 " * 9
    )
    old = replace(queue.row(8), opened_at=T0 - timedelta(days=11, hours=13))
    page = TicketPage([pending, old, queue.row(7)], None, T0)
    app = TableApp(lambda **kw: page)  # type: ignore[arg-type]
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        table = app.query_one(TicketTable)
        columns = table._columns()
        widths = [w for _, w in columns]
        header = _cells(table_lines(table)[0], widths)
        assert header[:4] == ["Number", "P", "SLA bus.", "Status"]
        assert ("CI" in header) == (size[0] >= 100)
        rows = [dict(zip(header, _cells(line, widths), strict=True)) for line in
                table_lines(table)[1:4]]  # fmt: skip
        assert rows[0]["Status"] == "pending customer"
        assert rows[1]["Age"] == "11d"
        assert all("…" not in r[k] for r in rows for k in r if k != "Title")
        assert rows[0]["Title"].endswith("…")  # only the title is cut, where it must be


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_breached_queue_names_the_holder(console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_queue("breached")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        table = app.screen.query_one(TicketTable)
        lines = table_lines(table)
        assert "Holder" in lines[0]
        held = next(line for line in lines if console.numbers[0] in line)
        assert "钱一" in held and "agent1" not in held  # the name, not the login
        free = next(line for line in lines if console.numbers[3] in line)
        assert "—" in free
