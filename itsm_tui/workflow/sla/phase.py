"""Which SLA clock, where it stands and why, as values, and the one place that words it.

The rules read the state and the reason (``phase.state is ClockState.PAUSED``); people read
the wording (``str(phase)``: "paused: customer", "stopped: resolved"), which only ``__str__``
makes, so no code has to take a sentence apart to learn what a clock is doing.
:func:`phase_of` is the one rule for what a ticket's status does to its resolution clock: the
journal replay (``clock``) and the queue's time left (``progress``) both ask it. Plain values,
no database code, so a screen may import them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Final, Literal

from itsm_tui.common.domain import (
    OPEN_STATUSES,
    PAUSING_PENDING_REASONS,
    ClockState,
    PendingReason,
    TicketStatus,
)


class ClockName(StrEnum):
    """Which of a ticket's clocks: the first two have targets per policy, the tier clock a
    budget per tier (when it runs out, the scan escalates)."""

    RESPONSE = "response"
    RESOLUTION = "resolution"
    TIER = "tier"


#: Why the response clock stopped: the ticket was claimed, answered or resolved.
RESPONDED: Final = "responded"

#: A paused clock waits for a ``PendingReason``; a stopped resolution clock was stopped by the
#: ticket's status (resolved, closed, cancelled), a stopped response clock by the response.
Reason = PendingReason | TicketStatus | Literal["responded"]


@dataclass(frozen=True)
class ClockPhase:
    """A clock's state and, unless it runs, the reason."""

    state: ClockState
    reason: Reason | None = None

    def __str__(self) -> str:
        return f"{self.state}: {self.reason}" if self.reason else str(self.state)

    @property
    def running(self) -> bool:
        return self.state is ClockState.RUNNING


RUNNING: Final = ClockPhase(ClockState.RUNNING)
RESPONSE_STOPPED: Final = ClockPhase(ClockState.STOPPED, RESPONDED)

_OPEN = frozenset(OPEN_STATUSES)


@cache  # a handful of (status, reason) pairs, asked for each entry of every journal replayed
def phase_of(status: str, pending_reason: str | None) -> ClockPhase:
    """The resolution clock of a ticket in ``status``: it runs while the ticket is open, pauses
    while it waits for the caller or a vendor, and stops once it is resolved or cancelled."""
    current = TicketStatus(status)
    if current not in _OPEN:
        return ClockPhase(ClockState.STOPPED, current)
    reason = PendingReason(pending_reason) if pending_reason else None
    if current is TicketStatus.PENDING and reason in PAUSING_PENDING_REASONS:
        return ClockPhase(ClockState.PAUSED, reason)
    return RUNNING
