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


class ApschedulerCron:
    """``check`` and ``fire_times`` of a five-field cron expression in a zone."""

    def _trigger(self, expression: str, zone: ZoneInfo) -> CronTrigger:
        if len(expression.split()) != 5:
            raise ValueError("five fields are needed: minute hour day month weekday")
        return CronTrigger.from_crontab(expression, timezone=zone)

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
