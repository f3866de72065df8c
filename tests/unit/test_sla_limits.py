"""What-if SLA arithmetic is bounded: years far from today and multi-year spans are refused
with a sentence naming the field, before any year of calendar is compiled (they crashed with
OverflowError, or took 36 s and 482 MB, or 9.9 GB, in a probe)."""

from __future__ import annotations

import pytest

from itsm_tui.common.errors import Invalid
from itsm_tui.workflow.business_calendar import MAX_SPAN_MINUTES
from itsm_tui.workflow.sla import service as sla
from tests.conftest import Desk


@pytest.mark.parametrize(
    ("start", "minutes", "end", "field"),
    [
        ("0001-01-01", 5, None, "from"),
        ("9999-12-31T23:59", 5, None, "from"),
        ("2026-01-05T09:00", 10**12, None, "minutes"),
        ("2026-01-05T09:00", 300_000_000, None, "minutes"),
        ("2026-01-05T09:00", 10_000_000, None, "minutes"),
        ("2026-01-05T09:00", MAX_SPAN_MINUTES, None, "minutes"),  # the office calendar: 23 years
        ("2026-01-05T09:00", None, "2999-01-01", "to"),
        ("2026-01-05T09:00", None, "9999-12-31T23:59", "to"),
        ("2998-12-01T09:00", 500_000, None, "minutes"),  # would end in 3003
    ],
)
def test_calc_refuses_what_lies_outside_the_calendars(
    desk: Desk, start: str, minutes: int | None, end: str | None, field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        sla.calc(desk.site, desk.agent1, "office", start, minutes=minutes, end=end)
    assert refused.value.field == field


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31T23:59"])
def test_deadline_refuses_years_outside_the_calendars(desk: Desk, start: str) -> None:
    with pytest.raises(Invalid, match="1971–2999") as refused:
        sla.deadline(desk.site, desk.agent1, 2, start)
    assert refused.value.field == "from"


def test_the_longest_span_allowed_still_answers(desk: Desk) -> None:
    c = sla.calc(desk.site, desk.agent1, "24x7", "2026-01-05T09:00", minutes=MAX_SPAN_MINUTES)
    assert c.end.year == 2031 and c.minutes == MAX_SPAN_MINUTES
    c = sla.calc(desk.site, desk.agent1, "office", "2026-01-05T09:00", end="2030-12-31")
    assert c.segments[-1].end.year == 2030
