"""The inspection screens at 80×24 and 120×40: the rounds list and the runner mid-round (an
answered reading with its sparkline, a warning, the item to answer next) and its summary.

Recorded by the lead after merging: ``pytest tests/tui/test_inspection_snapshots.py
--snapshot-update``, then read the SVGs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from itsm_tui.console.app import ItsmApp
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.inspections import rounds, templates
from tests.tui.conftest import Console
from tests.tui.test_console import settle

SIZES = [(80, 24), (120, 40)]
SMALL = Path(__file__).parents[1] / "unit" / "data" / "inspection_small.toml"


@pytest.fixture
def walked(console: Console) -> Iterator[Console]:
    """Five earlier rounds of readings (the sparkline), and today's round with two answers."""
    site, desk = console.site, console.desk
    cmdb.add_ci(site, desk.admin, "UPS-01", "facility", attributes={"kind": "ups"})
    templates.import_template(site, desk.sup, SMALL)
    for n, value in enumerate(("22.5", "23", "24.5", "26", "25.5")):
        old = rounds.start_round(site, desk.insp, "mr-daily", group="hotline").number
        rounds.answer(site, desk.insp, old, "temp_a", value)
        rounds.answer(site, desk.insp, old, "ups_load", str(40 + n))
        site.clock.advance(hours=12)  # type: ignore[attr-defined]
        rounds.complete_round(
            site, desk.insp, old,
            skipped={k: "演示" for k in ("leak", "ups_light", "remark")},
        )  # fmt: skip
    now = rounds.start_round(site, desk.insp, "mr-daily", group="hotline").number
    rounds.answer(site, desk.insp, now, "temp_a", "28.5", note="A列第3柜前门偏热")
    yield console


def _steps(*keys: str) -> Any:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_rounds_list(snap_compare: Any, walked: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(walked.site, walked.desk.insp)
    assert snap_compare(app, terminal_size=size, run_before=_steps())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_runner_mid_round(snap_compare: Any, walked: Console, size: tuple[int, int]) -> None:
    """Resumed at the pass/fail item after the warned reading; then up to the reading."""
    app = ItsmApp(walked.site, walked.desk.insp)
    assert snap_compare(app, terminal_size=size, run_before=_steps("enter", "k"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_runner_typing_a_reading(
    snap_compare: Any, walked: Console, size: tuple[int, int]
) -> None:
    app = ItsmApp(walked.site, walked.desk.insp)
    steps = _steps("enter", "p", "4", "7", ".", "5")
    assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_runner_summary(snap_compare: Any, walked: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(walked.site, walked.desk.insp)

    async def run(pilot: Pilot[Any]) -> None:
        await _steps("enter", "p", "4", "5", "enter", "1", "F")(pilot)
        pilot.app.screen.query_one("#field-reason").value = "无需记录"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_item_history(snap_compare: Any, walked: Console, size: tuple[int, int]) -> None:
    """The reading's six answers (five rounds and today's warning) and their trend."""
    app = ItsmApp(walked.site, walked.desk.insp)
    assert snap_compare(app, terminal_size=size, run_before=_steps("enter", "k", "h"))
