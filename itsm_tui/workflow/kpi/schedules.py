"""When the scheduler renders the monthly and weekly KPI reports, and which period is due.

Why "the latest period whose moment has passed" rather than a cron trigger per report: the
scheduler checks every few minutes and claims that period's row (``stored.claim_due``), so a
scheduler that was down at 08:00 on the 1st renders the month when it starts again, a changed
setting takes effect without touching the job store, and the row makes it exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from itsm_tui.common.domain import ReportSchedule
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.workflow.kpi.periods import Period, PeriodKind, current

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FORMAT = re.compile(r"^\s*(\w+)\s+(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class When:
    """A day (of the month, 1–28; or of the week, 0 = Monday) and a local time."""

    day: int
    at: time


def parse_schedule(key: str, value: object) -> When | None:
    """``"1 08:00"`` (monthly) or ``"mon 08:00"`` (weekly); ``""``: off."""
    if value == "":
        return None
    m = _FORMAT.match(value) if isinstance(value, str) else None
    weekly = key == "report_weekly_at"
    day: int | None = None
    if m:
        word = m.group(1).lower()
        if weekly and word in WEEKDAYS:
            day = WEEKDAYS.index(word)
        elif not weekly and word.isdigit() and 1 <= int(word) <= 28:
            day = int(word)
    if m is None or day is None or int(m.group(2)) > 23 or int(m.group(3)) > 59:
        example = "mon 08:00" if weekly else "1 08:00"
        raise Invalid(
            N_("{key} must read like {example} (or be empty: off), not {value}."),
            field=key,
            key=key,
            example=repr(example),
            value=repr(value),
        )
    return When(day, time(int(m.group(2)), int(m.group(3))))


def due_period(schedule: ReportSchedule, when: When, now_local: datetime) -> Period:
    """The latest complete period whose report moment is at or before ``now_local``: the
    month before the latest "1st 08:00" that has passed, the week before the latest Monday."""
    today = now_local.date()
    if schedule is ReportSchedule.MONTHLY:
        month = current(PeriodKind.MONTH, today)
        moment = datetime.combine(month.start.replace(day=when.day), when.at, now_local.tzinfo)
        if now_local < moment:
            month = month.previous()
        return month.previous()
    week = current(PeriodKind.WEEK, today)
    moment = datetime.combine(week.start + timedelta(days=when.day), when.at, now_local.tzinfo)
    if now_local < moment:
        week = week.previous()
    return week.previous()
