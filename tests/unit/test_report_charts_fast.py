"""The report's charts are cropped to the box matplotlib's "tight" save finds, measured
without its extra draw: every kind of chart the report draws must come out byte for byte as
the double-drawn "tight" save gives it (a matplotlib upgrade that measures differently fails
here, not in a printed report)."""

from __future__ import annotations

import pytest

from itsm_tui.reports import charts

CHARTS = {
    "hours": lambda: charts.bars(
        [str(h) for h in range(24)], [("Tickets", [h * 37 % 101 for h in range(24)])], unit="n"
    ),
    "two series": lambda: charts.bars(
        ["P1", "P2", "P3", "P4"],
        [("Resolution, median", [12.0, None, 340.0, 75.0]), ("p90", [50.0, 80.0, 900.0, None])],
        unit="business minutes",
    ),
    "long labels": lambda: charts.bars(
        ["核心交换机-机房A-01", "a very long configuration item name indeed", "db"],
        [("Incidents", [40, 7, 19])],
        horizontal=True,
    ),
    "tall ranking": lambda: charts.bars(
        [f"张伟 {i}" for i in range(20)],
        [("Total", [100 - 3 * i for i in range(20)])],
        horizontal=True,
        height=0.22 * 20,
    ),
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_a_chart_measured_without_the_extra_draw_is_the_tight_save(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = CHARTS[name]()
    assert fast.startswith("<svg") and "<path" in fast
    assert CHARTS[name]() == fast  # deterministic
    monkeypatch.setattr(charts, "_tight_box", lambda fig: "tight")
    assert CHARTS[name]() == fast
