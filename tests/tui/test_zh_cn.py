"""The console in Simplified Chinese at 80×24 and 120×40: dashboard, queue, ticket, new call,
CI detail and impact read Chinese, the footer fits its row and the queue's columns line up;
a failed read says so in Chinese.

Chinese labels are two cells a character: widths are measured with ``rich.cells.cell_len``,
never ``len``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console as RichConsole
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, Static
from textual.widgets._footer import FooterKey

from itsm_tui.common import i18n
from itsm_tui.console.app import ItsmApp
from itsm_tui.console.failures import Failed
from itsm_tui.screens.ci_detail import CIDetailScreen
from itsm_tui.screens.impact import ImpactScreen
from itsm_tui.screens.intake import IntakeScreen
from itsm_tui.screens.queue import QueueScreen
from itsm_tui.screens.ticket import LABEL_CELLS, TicketScreen
from itsm_tui.widgets.ticket_table import TicketTable
from tests.tui.conftest import Console

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    assert i18n.install("zh_CN") == "zh_CN", i18n.problem
    yield
    i18n.install("en")


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text_of(app: ItsmApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def rows(app: ItsmApp) -> list[str]:
    """The screen as the terminal shows it, one string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def footer(app: ItsmApp, width: int) -> list[str]:
    """The footer's labels; fails when one runs past the right edge."""
    keys = list(app.screen.query(FooterKey))
    assert keys, "no footer keys"
    for key in keys:
        assert key.region.right <= width, f"{key.description!r} ends at {key.region.right}"
    return [key.description for key in keys]


@pytest.mark.parametrize("size", SIZES)
async def test_dashboard_in_chinese(console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.sub_title == "IT 服务管理"
        assert text_of(app, "#card-mine").startswith("我的")
        assert text_of(app, "#card-breached").startswith("已超时")
        labels = footer(app, size[0])
        assert "新来电" in labels
        assert "帮助" in labels or "更多" in labels
        assert "命令" in labels  # the console's own palette binding, not Textual's "palette"
        assert app.screen.query_one("#dash-mine").border_title == "我的未结工单"


@pytest.mark.parametrize("size", SIZES)
async def test_queue_in_chinese_lines_up(console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        table = app.screen.query_one(TicketTable)
        lines = [table.render_line(y).text for y in range(table.size.height)]
        assert lines[0].startswith("编号")
        assert any("处理中" in line or "已分派" in line for line in lines)
        # Every row as wide as the table in cells: the columns line up under the headers.
        assert {cell_len(line) for line in lines} == {table.size.width}
        bar = text_of(app, "#queue-bar")
        assert bar.startswith("全部未结 · 排序：最新")
        labels = footer(app, size[0])
        assert "返回" in labels and "排序" in labels


@pytest.mark.parametrize("size", SIZES)
async def test_ticket_in_chinese(console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_ticket(console.numbers[0])
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        head = text_of(app, "#ticket-head")
        assert "1线" in head and ("处理中" in head or "已分派" in head)
        fields = text_of(app, "#ticket-fields")
        assert "来电人" in fields and "紧急度" in fields
        # The labels' column is measured in cells: every value starts in the same column.
        labels_column = {
            cell_len(re.match(r"\S+\s+", line).group(0))  # type: ignore[union-attr]
            for line in fields.splitlines()[:5]
        }
        assert labels_column == {LABEL_CELLS}
        assert "响应" in text_of(app, "#sla-response")
        labels = footer(app, size[0])
        assert "备注" in labels or "更多" in labels


@pytest.mark.parametrize("size", SIZES)
async def test_ci_detail_and_impact_in_chinese(console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(CIDetailScreen(console.site, console.desk.agent1, "OA办公系统"))
        await settle(pilot)
        assert "此配置项的工单：未结 3 个，共 3 个" in text_of(app, "#ci-tickets-title")
        tree = app.screen.query_one("#ci-tree")
        lines = [tree.render_line(y).text for y in range(tree.size.height)]
        assert any("依赖 (2)" in line for line in lines)
        footer(app, size[0])
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ImpactScreen)
        head = text_of(app, "#impact-head")
        assert "深度 6" in head and "建议按重大事件处理" in head
        body = text_of(app, "#impact-body")
        assert "受影响的业务服务（1）" in body
        assert "其上的未结事件（3）" in body
        assert "加深" in footer(app, size[0]) or "更多" in footer(app, size[0])


async def test_help_and_palette_in_chinese(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert text_of(app, "#help-title").startswith("按键和帮助 — 工作台")
        how = RichConsole(width=200, record=True, file=io.StringIO())
        how.print(app.screen.query_one("#help-how-to", Static).content)
        written = how.export_text()
        assert "如何…" in written and "查找工单" in written
        await pilot.press("escape", "ctrl+p")
        await settle(pilot)
        from textual.command import CommandInput

        assert app.screen.query_one(CommandInput).placeholder == "搜索命令…"
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "退出" in commands and "主题" in commands


@pytest.mark.parametrize("size", SIZES)
async def test_call_form_in_chinese(console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.sub_title == "新来电"
        labels = [str(label.render()) for label in screen.query(".field-label")]
        assert labels == [
            "来电人", "标题", "配置项", "影响", "紧急度", "类别", "详情", "渠道", "类型", "组",
        ]  # fmt: skip
        # Each label fits its column (9 cells) whole, measured in cells.
        for label in screen.query(".field-label"):
            assert cell_len(str(label.render())) <= label.region.width
        assert str(screen.query_one(Checkbox).label) == "分派给我"
        assert screen.query_one("#caller-search", Input).placeholder.startswith("例如 ")
        # The choices read Chinese and are shown whole in their half-row selects.
        shown = "\n".join(rows(app))
        assert "电话" in shown and "事件" in shown
        for chosen, impact, urgency in ((1, "1 全单位", "1 停工"), (2, "2 部门", "2 受影响"),
                                        (3, "3 个人", "3 可以等待")):  # fmt: skip
            screen.query_one("#impact", Select).value = chosen
            screen.query_one("#urgency", Select).value = chosen
            await settle(pilot)
            shown = "\n".join(rows(app))
            assert impact in shown and urgency in shown, shown
        assert text_of(app, "#caller-card") == "未选择来电人。"
        assert text_of(app, "#intake-hint").startswith("Enter/Tab：下一项")
        assert text_of(app, "#priority").startswith("优先级 P")
        assert screen.query_one("#caller-tickets").border_title == "未结工单"
        labels = footer(app, size[0])
        assert "返回" in labels or "更多" in labels
        # Saving without a caller says what is missing, in Chinese.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#caller-error").startswith("请选择来电人")


def test_a_failed_read_is_reported_in_chinese() -> None:
    class OperationalError(Exception):
        pass

    failed = Failed("load the ticket", "r reloads", OperationalError("connection refused"))
    assert failed.message == "无法加载工单：数据库无法连接（connection refused）——按 r 重新加载。"
    again = Failed(
        "read the dashboard",
        "retrying every {seconds:g} s, Ctrl+R now",
        OperationalError("x"),
        {"seconds": 60.0},
    )
    assert again.message.endswith("——每 60 秒重试，按 Ctrl+R 立即重试。")
