"""Report periods: what each written period covers in the site's zone, the period before it
and the same period last year, and the refusals naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from itsm_tui.common.errors import Invalid
from itsm_tui.workflow.kpi.periods import PeriodKind, current, date_range, parse_period

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "start", "end", "previous", "last_year"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 12, 1), "2026-10", "2025-11"),
        ("2026-01", date(2026, 1, 1), date(2026, 2, 1), "2025-12", "2025-01"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1), "2025-Q4", "2025-Q1"),
        ("2026-W48", date(2026, 11, 23), date(2026, 11, 30), "2026-W47", "2025-W48"),
        ("2026-11-05", date(2026, 11, 5), date(2026, 11, 6), "2026-11-04", "2025-11-05"),
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "2025", "2025"),
    ],
)
def test_a_written_period_its_previous_and_last_year(
    text: str, start: date, end: date, previous: str, last_year: str
) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.key) == (start, end, text)
    assert period.previous().key == previous
    assert period.last_year().key == last_year


def test_boundaries_are_the_sites_local_midnights() -> None:
    start, end = parse_period("2026-11").bounds(SHANGHAI)
    # 00:00 on 1 November in Beijing is 16:00 on 31 October in UTC.
    assert start == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)


def test_a_range_includes_both_days_and_steps_back_by_its_length() -> None:
    period = date_range("2026-11-01", "2026-11-15")
    assert (period.kind, period.days) == (PeriodKind.RANGE, 15)
    assert period.previous().start == date(2026, 10, 17)
    assert period.key == "2026-11-01..2026-11-15"


def test_history_is_the_period_and_those_before_it_oldest_first() -> None:
    keys = [p.key for p in parse_period("2026-03").back(4)]
    assert keys == ["2025-12", "2026-01", "2026-02", "2026-03"]


def test_the_current_period_of_each_kind() -> None:
    today = date(2026, 11, 27)  # a Friday
    assert current(PeriodKind.WEEK, today).key == "2026-W48"
    assert current(PeriodKind.MONTH, today).key == "2026-11"
    assert current(PeriodKind.QUARTER, today).key == "2026-Q4"


@pytest.mark.parametrize("text", ["2026-13", "Nov 2026", "2026-W60", "2026-Q5", ""])
def test_a_bad_period_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_period(text)
    assert refused.value.field == "period"


def test_a_backwards_range_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        date_range("2026-11-15", "2026-11-01")
    assert refused.value.field == "to"
