"""The Reports screen at 80×24 and 120×40, against the seeded desk and a frozen clock.

The snapshots are recorded by ``pytest tests/tui/test_reports_snapshots.py --snapshot-update``
(read the SVGs before committing them)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from itsm_tui.console.app import ItsmApp
from tests.tui.conftest import Console
from tests.tui.test_console import settle

SIZES = [(80, 24), (120, 40)]


async def _reports(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("f9")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reports(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.sup)
    assert snap_compare(app, terminal_size=size, run_before=_reports)
