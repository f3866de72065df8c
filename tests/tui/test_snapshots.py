"""Every console screen at 80×24 and 120×40, against the seeded desk and a frozen clock.

Update with ``pytest tests/tui --snapshot-update`` and read the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from itsm_tui.console.app import ItsmApp
from tests.tui.conftest import Console
from tests.tui.test_console import settle

SIZES = [(80, 24), (120, 40)]
Steps = Callable[[Pilot[Any]], Awaitable[None]]


def _after(*keys: str, value: tuple[str, str] | None = None) -> Steps:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if value is not None:
            pilot.app.screen.query_one(value[0]).value = value[1]  # type: ignore[attr-defined]
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)

    return run


def _ticket(number: str) -> Steps:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.open_ticket(number)  # type: ignore[attr-defined]
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dashboard_agent(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    assert snap_compare(app, terminal_size=size, run_before=_after())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dashboard_supervisor(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.sup)
    assert snap_compare(app, terminal_size=size, run_before=_after())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_queue_all_open(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    assert snap_compare(app, terminal_size=size, run_before=_after("6"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ticket(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    assert snap_compare(app, terminal_size=size, run_before=_ticket("INC000001"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_intake(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    steps = _after("i", value=("#caller-search", "王小明"))
    assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ci_lookup(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    assert snap_compare(app, terminal_size=size, run_before=_after("l", "O", "A"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ci_detail(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    steps = _after("l", value=("#ci-search-input", "OA办公系统"))
    assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_impact(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)

    async def steps(pilot: Pilot[Any]) -> None:
        await _after("l", value=("#ci-search-input", "OA-APP-01"))(pilot)
        await _after("m")(pilot)

    assert snap_compare(app, terminal_size=size, run_before=steps)


def _light(steps: Steps) -> Steps:
    """Textual's light theme, chosen as a user would from the palette, then ``steps``."""

    async def run(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "textual-light"
        await steps(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dashboard_supervisor_light(
    snap_compare: Any, console: Console, size: tuple[int, int]
) -> None:
    app = ItsmApp(console.site, console.desk.sup)
    assert snap_compare(app, terminal_size=size, run_before=_light(_after()))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ticket_light(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    assert snap_compare(app, terminal_size=size, run_before=_light(_ticket("INC000001")))
