"""The service-quality screens at 80×24 and 120×40, against the seeded desk and a frozen clock:
the callback queue with a caller on screen and the scorecard with a drill-down open.

Record with ``pytest tests/tui/test_quality_snapshots.py --snapshot-update`` and read the SVGs
before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from itsm_tui.console.app import ItsmApp
from itsm_tui.workflow import tickets as t
from tests.tui.conftest import Console
from tests.tui.test_console import settle

SIZES = [(80, 24), (120, 40)]
Steps = Callable[[Pilot[Any]], Awaitable[None]]


def _resolved(console: Console) -> None:
    for number in (console.numbers[0], console.numbers[3]):
        t.resolve(console.site, console.desk.agent1, number, code="fixed", text="已远程修复")


def _after(*keys: str) -> Steps:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_callbacks_caller(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    _resolved(console)
    app = ItsmApp(console.site, console.desk.agent2)
    assert snap_compare(app, terminal_size=size, run_before=_after("b", "N", "escape"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_callbacks_answer_form(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    _resolved(console)
    app = ItsmApp(console.site, console.desk.agent2)
    assert snap_compare(app, terminal_size=size, run_before=_after("b", "N", "4"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_scorecard_drill_down(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    _resolved(console)
    app = ItsmApp(console.site, console.desk.agent1)
    steps = _after("G", "down", "down", "enter")
    assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_complaints_to_review(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    from itsm_tui.workflow.quality import complaints

    complaints.add_complaint(console.site, console.desk.agent1, text="工程师态度冷淡", staff="eng1")
    app = ItsmApp(console.site, console.desk.sup)
    assert snap_compare(app, terminal_size=size, run_before=_after("J", "enter"))
