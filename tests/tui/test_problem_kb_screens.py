"""The problem and knowledge screens with Pilot: reach them from the dashboard, read a problem
with its workaround and incidents, search the knowledge base with a two-character Chinese term
and read an article rendered as Markdown, its raw HTML shown as text."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input, Markdown, Static

from itsm_tui.console.app import ItsmApp
from itsm_tui.screens.knowledge import KnowledgeScreen
from itsm_tui.screens.problems import ProblemsScreen
from itsm_tui.workflow.knowledge.articles import add_article, publish_article, review_article
from itsm_tui.workflow.problems.operations import create_problem, mark_known_error
from tests.tui.conftest import Console
from tests.tui.test_console import settle, text_of

BODY = "## 处理\n\n1. 取出卡纸。\n2. 重新装纸。\n\n<script>alert(1)</script> 不会执行"


def seed_knowledge(console: Console) -> str:
    """A known error over the first two tickets, and two published articles."""
    desk = console.desk
    problem = create_problem(desk.site, desk.eng1, tickets=console.numbers[:2])
    mark_known_error(
        desk.site,
        desk.eng1,
        problem.number,
        cause_code="software_defect",
        root_cause="OA 会话超时处理缺陷",
        workaround="清除浏览器缓存后重新登录",
    )
    for title, body, tag in (
        ("打印机卡纸的处理方法", BODY, "打印机"),
        ("网络端口不通", "换一个端口。", "网络"),
    ):
        number = add_article(desk.site, desk.eng1, title=title, body=body, tags=[tag]).number
        review_article(desk.site, desk.sup, number)
        publish_article(desk.site, desk.sup, number)
    return problem.number


def markdown_text(markdown: Markdown) -> str:
    lines: list[str] = []
    for block in markdown.query("*"):
        render: Any = getattr(block, "render_line", None)
        if render is None or not block.size.height:
            continue
        lines += [render(y).text.rstrip() for y in range(block.size.height)]
    return "\n".join(lines)


async def test_problems_screen_shows_the_known_error_and_its_incidents(console: Console) -> None:
    number = seed_knowledge(console)
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        table = app.screen.query_one("#problems-table", DataTable)
        assert table.row_count == 1
        assert str(table.get_row_at(0)[0]) == number
        detail = text_of(app, "#problem-detail")
        assert "清除浏览器缓存后重新登录" in detail
        assert console.numbers[0] in detail and console.numbers[1] in detail
        await pilot.press("S")  # open → new: the known error is not new
        await settle(pilot)
        assert table.row_count == 0
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ProblemsScreen)


async def test_knowledge_search_finds_two_characters_and_renders_markdown(
    console: Console,
) -> None:
    seed_knowledge(console)
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        assert isinstance(app.screen, KnowledgeScreen)
        await pilot.press(*"打印")
        await settle(pilot)
        hits = app.screen.query_one("#kb-hits", DataTable)
        assert hits.row_count == 1
        assert "打印机卡纸的处理方法" in str(hits.get_row_at(0)[3])
        await settle(pilot)
        shown = markdown_text(app.screen.query_one("#kb-article", Markdown))
        assert "取出卡纸" in shown
        assert "<script>alert(1)</script>" in shown  # raw HTML is text
        app.screen.query_one("#kb-search", Input).value = "缓存"  # a known error's workaround
        await settle(pilot)
        assert [str(hits.get_row_at(i)[1]) for i in range(hits.row_count)] == ["PRB000001"]
        assert "清除浏览器缓存后重新登录" in text_of(app, "#kb-known")
        app.screen.query_one("#kb-search", Input).value = "！！"
        await settle(pilot)
        assert hits.row_count == 0


async def test_an_incident_shows_its_problems_workaround(console: Console) -> None:
    number = seed_knowledge(console)
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_ticket(console.numbers[0])
        await settle(pilot)
        box = app.screen.query_one("#ticket-problem", Static)
        assert box.display
        shown = text_of(app, "#ticket-problem")
        assert number in shown and "清除浏览器缓存后重新登录" in shown
        await pilot.press("escape")
        app.open_ticket(console.numbers[5])  # linked to no problem
        await settle(pilot)
        assert not app.screen.query_one("#ticket-problem", Static).display
