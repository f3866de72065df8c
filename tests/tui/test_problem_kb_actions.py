"""Problem and article actions in the console with Pilot (Ctrl+L lists them): a problem taken
from new to investigating, a known error and resolved with a preview of its open incidents;
an article reviewed and published by a supervisor, a new version written and its history
read as a diff; a hotline agent refused in the workflow's own words."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, TextArea

from itsm_tui.console.app import ItsmApp
from itsm_tui.dialogs.action_menu import ActionMenu
from itsm_tui.dialogs.choice import ChoiceDialog
from itsm_tui.dialogs.form import FormDialog
from itsm_tui.dialogs.text_edit import TextEditDialog, TextViewDialog
from itsm_tui.screens import article_actions, problem_actions
from itsm_tui.screens.knowledge import KnowledgeScreen
from itsm_tui.screens.problems import ProblemsScreen
from itsm_tui.workflow.knowledge.articles import OPERATIONS as ARTICLE_OPERATIONS
from itsm_tui.workflow.knowledge.articles import add_article, show_article
from itsm_tui.workflow.problems.operations import create_problem
from itsm_tui.workflow.problems.queries import show_problem
from itsm_tui.workflow.problems.records import OPERATIONS as PROBLEM_OPERATIONS
from tests.tui.conftest import Console
from tests.tui.test_console import settle, text_of


def test_the_menus_offer_what_the_state_machines_allow() -> None:
    for action, states in problem_actions.STATES.items():
        assert states == {s.value for s in PROBLEM_OPERATIONS[action]}, action
    for action, states in article_actions.STATES.items():
        assert states == {s.value for s in ARTICLE_OPERATIONS[action]}, action


async def choose(pilot: Pilot[Any], label_start: str) -> None:
    """Ctrl+L, then the menu's line that starts with ``label_start``."""
    await pilot.press("ctrl+l")
    await settle(pilot)
    menu = pilot.app.screen
    assert isinstance(menu, ActionMenu), menu
    labels = [label for _id, label in menu.actions]
    index = next(i for i, label in enumerate(labels) if label.startswith(label_start))
    await pilot.press(*["down"] * index, "enter")
    await settle(pilot)


async def test_a_problem_is_investigated_made_a_known_error_and_resolved(
    console: Console,
) -> None:
    number = create_problem(console.site, console.desk.eng1, tickets=console.numbers[:2]).number
    app = ItsmApp(console.site, console.desk.eng1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        await choose(pilot, "Investigate")
        assert show_problem(console.site, console.desk.eng1, number).status == "investigating"
        await choose(pilot, "Known error")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#field-cause_code", Select).value = "software_defect"
        form.query_one("#field-root_cause", Input).value = "会话超时处理缺陷"
        form.query_one("#field-workaround", Input).value = "清除缓存后重新登录"
        await pilot.press("ctrl+s")
        await settle(pilot)
        view = show_problem(console.site, console.desk.eng1, number)
        assert (view.status, view.workaround) == ("known_error", "清除缓存后重新登录")
        assert "清除缓存后重新登录" in text_of(app, "#problem-detail")
        await choose(pilot, "Resolve")
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"升级补丁", "enter")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ChoiceDialog)
        assert console.numbers[0] in preview.message and console.numbers[1] in preview.message
        # tier 2 may not resolve the hotline's tickets: they stay open, and the preview says so
        assert preview.message.count("stays open") == 2
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
    view = show_problem(console.site, console.desk.eng1, number)
    assert (view.status, view.fix) == ("resolved", "升级补丁")


async def test_the_hotline_is_refused_problem_changes_in_the_workflows_words(
    console: Console,
) -> None:
    create_problem(console.site, console.desk.eng1, tickets=console.numbers[:1])
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        await choose(pilot, "Investigate")
        bar = text_of(app, "#problems-bar")
        assert "may not open, investigate and resolve problems" in bar


async def open_drafts(pilot: Pilot[Any]) -> KnowledgeScreen:
    await settle(pilot)
    await pilot.press("K")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, KnowledgeScreen)
    await pilot.press("enter")  # from the search box to the list
    await pilot.press("S")  # drafts
    await settle(pilot)
    return screen


async def test_a_supervisor_reviews_and_publishes_and_the_history_reads_as_a_diff(
    console: Console,
) -> None:
    number = add_article(
        console.site, console.desk.eng1, title="打印机卡纸", body="第一步\n第二步"
    ).number
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_drafts(pilot)
        assert screen.query_one("#kb-hits", DataTable).row_count == 1
        assert screen.article is not None and screen.article.number == number
        await choose(pilot, "Review")
        assert show_article(console.site, console.desk.sup, number).status == "reviewed"
        await pilot.press("S")  # reviewed
        await settle(pilot)
        await choose(pilot, "Publish")
        assert show_article(console.site, console.desk.sup, number).status == "published"
        await choose(pilot, "New version")
        editor = app.screen
        assert isinstance(editor, TextEditDialog)
        editor.query_one(TextArea).text = "第一步\n第二步（先关电源）"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert show_article(console.site, console.desk.sup, number).revision == 2
        await choose(pilot, "History")
        viewer = app.screen
        assert isinstance(viewer, TextViewDialog)
        assert "+第二步（先关电源）" in viewer.lines and "-第二步" in viewer.lines


async def test_the_hotline_may_not_retire_an_article(console: Console) -> None:
    number = add_article(console.site, console.desk.eng1, title="网络端口不通", body="换口").number
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_drafts(pilot)
        await choose(pilot, "Retire")
        assert isinstance(app.screen, FormDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "may not review, publish and retire" in text_of(app, "#kb-bar")
    assert show_article(console.site, console.desk.agent1, number).status == "draft"
