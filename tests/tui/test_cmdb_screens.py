"""The CMDB screens with Pilot: look a CI up, read its detail and tree, see its impact; link a
CI from the ticket screen."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Tree

from itsm_tui.console.app import ItsmApp
from itsm_tui.dialogs.ci_picker import CIPickDialog
from itsm_tui.dialogs.form import FormDialog
from itsm_tui.screens.ci_detail import CIDetailScreen
from itsm_tui.screens.ci_lookup import CILookupScreen
from itsm_tui.screens.impact import ImpactScreen
from itsm_tui.screens.ticket import TicketScreen
from itsm_tui.workflow import tickets as t
from tests.tui.conftest import Console
from tests.tui.test_console import settle, text_of


def tree_lines(tree: Tree) -> list[str]:  # type: ignore[type-arg]
    return [tree.render_line(y).text.rstrip() for y in range(tree.size.height)]


async def test_lookup_detail_impact(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, CILookupScreen)
        await pilot.press(*"10.2")
        await settle(pilot)
        results = app.screen.query_one("#ci-search-results", DataTable)
        assert results.row_count == 2  # OA-APP-01 and DB-01 by IP prefix
        app.screen.query_one(Input).value = "OA 系统"  # words, any order
        await settle(pilot)
        assert results.row_count == 1
        assert "OA办公系统" in str(results.get_row_at(0)[1])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CIDetailScreen)
        assert "OA办公系统" in text_of(app, "#ci-head")
        assert "critical" in text_of(app, "#ci-head")
        tree = app.screen.query_one("#ci-tree", Tree)
        lines = tree_lines(tree)
        assert any("Depends on (2)" in line for line in lines)
        assert any("runs_on ▸ server:OA-APP-01" in line for line in lines)
        # Expanding the database reads its own relations in a worker.
        db_node = next(n for n in tree.root.children[0].children if "OA库" in str(n.label))
        db_node.expand()
        await settle(pilot)
        assert [str(c.label) for c in db_node.children] == ["runs_on ▸ server:DB-01"]
        assert "Tickets on this CI: 3 open, 3 in all" in text_of(app, "#ci-tickets-title")
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ImpactScreen)
        head = text_of(app, "#impact-head")
        assert "depth 6" in head and "MAJOR INCIDENT SUGGESTED" in head
        body = text_of(app, "#impact-body")
        assert "Business services at stake (1)" in body
        assert "Depends on, directly or not (4)" in body
        assert "Open incidents on all of it (3)" in body
        await pilot.press("minus")
        await settle(pilot)
        assert "depth 5" in text_of(app, "#impact-head")
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, CILookupScreen)


async def test_link_and_unlink_a_ci_from_the_ticket_screen(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_ticket("INC000002")  # claimed by 钱一, no CI yet
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert "CIs      —" in text_of(app, "#ticket-fields")
        assert app.screen.check_action("impact", ()) is False
        assert app.screen.check_action("op", ("unlink_ci",)) is False
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, CIPickDialog)
        await pilot.press(*"OA-APP")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        fields = text_of(app, "#ticket-fields")
        assert "CIs      OA-APP-01" in fields
        assert "At stake OA办公系统 (1)" in fields  # it runs on OA-APP-01
        assert "major incident?" in fields
        assert "钱一 linked OA-APP-01" in text_of(app, "#ticket-timeline")
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ImpactScreen)
        assert "server:OA-APP-01" in text_of(app, "#impact-head")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("U")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert "CIs      —" in text_of(app, "#ticket-fields")
        assert "At stake" not in text_of(app, "#ticket-fields")
    view = t.show_ticket(console.site, console.desk.agent1, "INC000002").ticket
    assert view.cis == [] and view.version == 4  # create, claim, link, unlink
