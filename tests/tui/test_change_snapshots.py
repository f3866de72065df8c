"""The change screens at 80×24 and 120×40 (the list, a change, the approvals queue), on the
seeded desk with one change awaiting the CAB and a frozen clock.

Written, not recorded: record with ``pytest tests/tui/test_change_snapshots.py
--snapshot-update`` and read the SVGs before committing them.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from itsm_tui.console.app import ItsmApp
from tests.tui.conftest import Console
from tests.tui.test_changes_console import seed_changes
from tests.tui.test_console import settle

SIZES = [(80, 24), (120, 40)]


def _keys(*keys: str) -> Any:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_change_list(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    seed_changes(console)
    app = ItsmApp(console.site, console.desk.agent1)
    assert snap_compare(app, terminal_size=size, run_before=_keys("C"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_change_screen(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    seed_changes(console)
    app = ItsmApp(console.site, console.desk.sup)
    assert snap_compare(app, terminal_size=size, run_before=_keys("C", "enter"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_approvals(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    seed_changes(console)
    app = ItsmApp(console.site, console.desk.sup)
    assert snap_compare(app, terminal_size=size, run_before=_keys("M"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_change_calendar(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    seed_changes(console)
    app = ItsmApp(console.site, console.desk.agent1)
    assert snap_compare(app, terminal_size=size, run_before=_keys("C", "H"))
