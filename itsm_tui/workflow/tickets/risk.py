"""When an open ticket counts as *at risk* or *breached* — the one place that rule lives.

PLACEHOLDER until the SLA engine lands: it reads only ``resolution_due_at`` (which the SLA
engine fills). Breached: still open and due before now. At risk: still open and due within
``AT_RISK_WINDOW``. The dashboard counts, the At risk / Breached queues and the queue's
time-left colouring all call these functions, so replacing the rule with the SLA ladder
(warning thresholds per priority) is a change to this file only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel import col

from itsm_tui.storage.tables import Ticket

#: Placeholder warning threshold: due within this long counts as at risk.
AT_RISK_WINDOW = timedelta(hours=2)


class Risk(StrEnum):
    """How close an open ticket is to its resolution limit."""

    NONE = "none"  # no due time yet (the SLA engine has not seen it)
    OK = "ok"
    AT_RISK = "at_risk"
    BREACHED = "breached"


def breached_filter(now: datetime) -> Any:
    """SQL condition: the resolution limit has passed (combine with an open-status filter)."""
    return col(Ticket.resolution_due_at) < now


def at_risk_filter(now: datetime) -> Any:
    """SQL condition: the resolution limit is within the warning window, not yet passed."""
    due = col(Ticket.resolution_due_at)
    return (due >= now) & (due < now + AT_RISK_WINDOW)


def risk_of(due: datetime | None, now: datetime) -> Risk:
    """The same rule for one ticket already read (the queue colours its time-left cell)."""
    if due is None:
        return Risk.NONE
    if due < now:
        return Risk.BREACHED
    return Risk.AT_RISK if due < now + AT_RISK_WINDOW else Risk.OK
