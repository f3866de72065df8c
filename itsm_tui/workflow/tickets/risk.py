"""When an open ticket counts as *at risk* or *breached* — the one place that rule lives.

The SLA engine stores two instants on every ticket whose resolution clock runs:
``resolution_warn_at`` (the policy ladder's last warning step before 100 %, 75 % by default)
and ``resolution_due_at``. Breached: still open and due before now. At risk: still open, past
its warning instant, not yet due. A paused clock (pending customer or vendor) has neither, so a
paused ticket is neither. The dashboard counts, the At risk / Breached queues, the queue's
time-left colours and the ticket screen's SLA bars all call these functions; the counts are
index ranges on ``(status, resolution_due_at)`` and ``(status, resolution_warn_at)``
(the dashboard reads both in one pass over their union: ``warned_or_breached_filter``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any


class Risk(StrEnum):
    """How close an open ticket is to its resolution limit."""

    NONE = "none"  # no running resolution clock (paused, or not measured yet)
    OK = "ok"
    AT_RISK = "at_risk"
    BREACHED = "breached"


def _due_and_warn() -> tuple[Any, Any]:
    """The two ticket columns the SQL conditions compare, imported when first asked for: the
    console's first frame colours rows with :func:`risk_of` before database code is loaded."""
    from sqlmodel import col

    from itsm_tui.storage.tables import Ticket

    return col(Ticket.resolution_due_at), col(Ticket.resolution_warn_at)


def breached_filter(now: datetime) -> Any:
    """SQL condition: the resolution limit has passed (combine with an open-status filter)."""
    due, _ = _due_and_warn()
    return due < now


def breached_walk_filter(now: datetime) -> Any:
    """:func:`breached_filter` written so that no index of deadlines serves it
    (``COALESCE(due, due)``, the same value): for a breached page walked along its order's
    index (newest, oldest, priority) and tested row by row, once its window is known to be
    dense (``workflow.tickets.queries``); the plain condition would have the database read
    the window's range instead and sort it."""
    from sqlalchemy import func

    due, _ = _due_and_warn()
    return func.coalesce(due, due) < now


def at_risk_filter(now: datetime) -> Any:
    """SQL condition: past the warning instant, the limit not yet passed.

    The deadline side is an expression (``COALESCE(due, due)``, the same value), so that no
    index of deadlines serves it: the database reads the range of tickets past their warning
    instant (the at-risk and the breached, a few per cent of the open ones) rather than the
    range "not yet due" (nearly every open ticket) and tests the other side on those."""
    from sqlalchemy import func

    due, warn = _due_and_warn()
    return (warn <= now) & (func.coalesce(due, due) >= now)


def warned_or_breached_filter(now: datetime) -> Any:
    """SQL condition: at risk or breached — two index ranges, ``(status, resolution_warn_at)``
    and ``(status, resolution_due_at)``, so both counts come from one pass over the rows they
    cover (a ladder without a step below 100 % leaves the warning instant empty: hence both)."""
    due, warn = _due_and_warn()
    return (warn <= now) | (due < now)


def risk_of(due: datetime | None, warn: datetime | None, now: datetime) -> Risk:
    """The same rule for one ticket already read (the queue colours its time-left cell)."""
    if due is None:
        return Risk.NONE
    if due < now:
        return Risk.BREACHED
    return Risk.AT_RISK if warn is not None and warn <= now else Risk.OK
