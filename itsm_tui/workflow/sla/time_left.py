"""What a queue row or a ticket screen shows of an SLA clock: time left in business minutes.

A plain value apart from ``progress`` (which measures it, with the calendars and the
database): the console's first frame draws these before any database code is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsm_tui.common.domain import ClockState


@dataclass(frozen=True)
class Progress:
    """A clock's time left (business minutes; negative: overdue) and the share used."""

    state: ClockState
    minutes_left: int | None
    elapsed_percent: int | None
    calendar: str | None = None  # the policy's calendar the minutes are counted on


NO_CLOCK = Progress(ClockState.NONE, None, None)
