"""Cron arithmetic for inspection schedules, by APScheduler's own cron trigger.

The workflow's schedules (``workflow.inspections.schedules``) take this as their
:class:`~itsm_tui.workflow.inspections.schedules.CronArithmetic`: the layering keeps APScheduler
out of the workflow, and a second cron library would be a second set of rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

#: Weekdays as crontab numbers them: 0 (and 7) Sunday, 1 Monday … 6 Saturday.
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _day(token: str) -> int:
    if token.isdigit() and int(token) <= 7:
        return int(token)
    if token in _DAYS:
        return _DAYS.index(token)
    raise ValueError(f"weekday {token!r} is not 0-7 or sun … sat")


def weekdays(field: str) -> str:
    """A crontab weekday field as APScheduler 3 reads it: by names. Its ``from_crontab`` takes
    the numbers as its own (0 = Monday), so "0 10 * * 1" would fire on Tuesdays; a site writes
    crontab's (1 = Monday), and names are the same in both."""
    if field == "*":
        return field
    days: set[int] = set()
    for part in field.lower().split(","):
        span, slash, step = part.partition("/")
        every = int(step) if slash else 1
        if every < 1:
            raise ValueError(f"weekday step {step!r} must be 1 or more")
        if span == "*":
            low, high = 0, 6
        elif "-" in span:
            first, last = span.split("-", 1)
            low, high = _day(first), _day(last)
        else:
            low = _day(span)
            high = 6 if slash else low
        if high < low:
            raise ValueError(f"weekday range {span!r} runs backwards")
        days.update(d % 7 for d in range(low, high + 1, every))
    return ",".join(_DAYS[d] for d in sorted(days))


class ApschedulerCron:
    """``check`` and ``fire_times`` of a five-field crontab expression in a zone."""

    def _trigger(self, expression: str, zone: ZoneInfo) -> CronTrigger:
        fields = expression.split()
        if len(fields) != 5:
            raise ValueError("five fields are needed: minute hour day month weekday")
        minute, hour, day, month, weekday = fields
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=weekdays(weekday),
            timezone=zone,
        )

    def check(self, expression: str, zone: ZoneInfo) -> None:
        self._trigger(expression, zone)

    def fire_times(
        self, expression: str, zone: ZoneInfo, after: datetime, until: datetime
    ) -> Iterator[datetime]:
        trigger = self._trigger(expression, zone)
        # The trigger's "next fire time from now" includes now itself: start just after.
        now = (after + timedelta(microseconds=1)).astimezone(zone)
        previous: datetime | None = None
        while True:
            fire = trigger.get_next_fire_time(previous, now)
            if fire is None or fire > until:
                return
            yield fire
            previous, now = fire, fire + timedelta(microseconds=1)


CRON = ApschedulerCron()
