"""The main screens in Simplified Chinese at 80×24 and 120×40, as snapshots (recorded with
``pytest tests/tui/test_zh_cn_snapshots.py --snapshot-update``; read the SVGs first).

Textual's SVGs draw CJK glyphs overlapping: the text itself is checked in
``test_zh_cn.py`` (labels, cells, the footer inside its row); these guard the layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from itsm_tui.common import i18n
from itsm_tui.console.app import ItsmApp
from tests.tui.conftest import Console
from tests.tui.test_snapshots import SIZES, _after, _ticket


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    assert i18n.install("zh_CN") == "zh_CN", i18n.problem
    yield
    i18n.install("en")


def _ids(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.mark.parametrize("size", SIZES, ids=_ids)
def test_zh_dashboard_agent(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    assert snap_compare(app, terminal_size=size, run_before=_after())


@pytest.mark.parametrize("size", SIZES, ids=_ids)
def test_zh_dashboard_supervisor(
    snap_compare: Any, console: Console, size: tuple[int, int]
) -> None:
    app = ItsmApp(console.site, console.desk.sup)
    assert snap_compare(app, terminal_size=size, run_before=_after())


@pytest.mark.parametrize("size", SIZES, ids=_ids)
def test_zh_queue_all_open(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    assert snap_compare(app, terminal_size=size, run_before=_after("6"))


@pytest.mark.parametrize("size", SIZES, ids=_ids)
def test_zh_ticket(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    assert snap_compare(app, terminal_size=size, run_before=_ticket("INC000001"))


@pytest.mark.parametrize("size", SIZES, ids=_ids)
def test_zh_ci_detail(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    steps = _after("l", value=("#ci-search-input", "OA办公系统"))
    assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES, ids=_ids)
def test_zh_impact(snap_compare: Any, console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)

    async def steps(pilot: Pilot[Any]) -> None:
        await _after("l", value=("#ci-search-input", "OA-APP-01"))(pilot)
        await _after("m")(pilot)

    assert snap_compare(app, terminal_size=size, run_before=steps)
