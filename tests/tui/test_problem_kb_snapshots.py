"""The problem and knowledge screens at 80×24 and 120×40, against the seeded desk with a known
error and two articles. (Recorded with ``pytest tests/tui/test_problem_kb_snapshots.py
--snapshot-update``; read the SVGs before committing them.)"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from itsm_tui.console.app import ItsmApp
from tests.tui.conftest import Console
from tests.tui.test_call_form import open_form
from tests.tui.test_console import settle
from tests.tui.test_intake_suggestions import typed
from tests.tui.test_problem_kb_screens import seed_knowledge

SIZES = [(80, 24), (120, 40)]


async def steady_cursor(pilot: Pilot[Any]) -> None:
    """Stop the text boxes' cursor blinking, shown: a box blinks every half second after its
    last key, and a step that waits for the suggestions (``typed``) on a busy machine took
    the picture with the cursor hidden (the title line then drew without its cursor cell)."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_problems(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    seed_knowledge(console)
    app = ItsmApp(console.site, console.desk.agent1)

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_knowledge_article(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    seed_knowledge(console)
    app = ItsmApp(console.site, console.desk.agent1)

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        await pilot.press(*"打印")
        await settle(pilot)
        await steady_cursor(pilot)

    assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_call_form_with_suggestions(
    snap_compare: Any, console: Console, size: tuple[int, int]
) -> None:
    """The call form as the hotline sees it mid-call: the caller found, the title typed, and
    the known error and articles the title brings up beside the caller's open tickets."""
    seed_knowledge(console)
    app = ItsmApp(console.site, console.desk.agent1)

    async def steps(pilot: Pilot[Any]) -> None:
        await open_form(pilot)
        await pilot.press(*"E001", "enter")
        await settle(pilot)
        await typed(pilot, "OA系统登录")
        await steady_cursor(pilot)

    assert snap_compare(app, terminal_size=size, run_before=steps)
