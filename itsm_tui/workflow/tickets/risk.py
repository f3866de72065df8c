"""When an open ticket counts as *at risk* or *breached* — the one place that rule lives.

The SLA engine stores two instants on every ticket whose resolution clock runs:
``resolution_warn_at`` (the policy ladder's last warning step before 100 %, 75 % by default)
and ``resolution_due_at``. Breached: still open and due before now. At risk: still open, past
its warning instant, not yet due. A paused clock (pending customer or vendor) has neither, so a
paused ticket is neither. The dashboard counts, the At risk / Breached queues, the queue's
time-left colours and the ticket screen's SLA bars all call these functions; the counts are
index ranges on ``(status, resolution_due_at)`` and ``(status, resolution_warn_at)``
(the dashboard reads both in one pass over their union: ``warned_or_breached_filter``).

The at-risk tickets are read as a range of deadlines, from now to :func:`at_risk_until`: a
ticket past its warning instant has at most the business minutes from its policy's last
warning step to 100 % left to run, so its deadline lies no further than that from now on its
calendar. Read by warning instant instead, the range would hold every open ticket that ever
passed its warning, the breached ones with them: more and more as the site runs on.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session


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


def at_risk_until(session: Session, now: datetime) -> datetime | None:
    """The latest deadline an at-risk ticket can have at ``now`` (None: no policy warns, so
    no ticket is ever at risk).

    A ticket is at risk once its running resolution clock has counted its policy's last
    warning step before 100 % (``sla.clock.measure``); from then its deadline is at most the
    rest of the target away in business time, ``resolution - step``, however long ago the
    warning came and whatever pauses came between (a paused clock has no deadline at all).
    So its deadline is no later than now plus those business minutes on its policy's calendar
    (its nights, weekends and holidays, the site's own included) — for every policy, the
    latest of them; one minute more for the whole minutes a pause's stretch is floored to.
    Every open ticket's instants are remeasured when a policy or calendar changes
    (``sla.service.recompute_open``), so the policies read here are those they were measured
    by."""
    from itsm_tui.workflow.sla import config as cfg

    rest: dict[str, int] = {}  # calendar → the most business minutes left after a warning
    for policy in cfg.read_config(session).policies:
        steps = [s.percent for s in policy.ladder if s.percent < 100]
        if not steps:
            continue  # no warning instant: never at risk
        left = policy.resolution - policy.threshold_minutes(policy.resolution, max(steps))
        rest[policy.calendar] = max(rest.get(policy.calendar, 0), left)
    if not rest:
        return None
    return max(cfg.calendar(session, name).add_minutes(now, m + 1) for name, m in rest.items())


def at_risk_filter(now: datetime, until: datetime | None) -> Any:
    """SQL condition: past the warning instant, the limit not yet passed.

    ``until``: :func:`at_risk_until` at ``now``. The condition is then a bounded range of
    deadlines, from now to ``until`` (``ix_ticket_status_due``), whose rows are tested for
    their warning instant: its size is the open tickets due within the longest
    warning-to-deadline span, whatever the clock reads. The warning side is an expression
    (``COALESCE(warn, warn)``, the same value), so that no index of warning instants serves
    it: that range holds every open ticket ever warned, the breached ones too, and grows as
    the site runs on."""
    from sqlalchemy import false, func

    if until is None:
        return false()
    due, warn = _due_and_warn()
    return (func.coalesce(warn, warn) <= now) & due.between(now, until)


def at_risk_walk_filter(now: datetime, until: datetime | None) -> Any:
    """:func:`at_risk_filter` written so that no index of deadlines or warning instants serves
    it (as :func:`breached_walk_filter`): for a wide at-risk window walked along its order's
    index and tested row by row."""
    from sqlalchemy import false, func

    if until is None:
        return false()
    due, warn = _due_and_warn()
    return (func.coalesce(warn, warn) <= now) & func.coalesce(due, due).between(now, until)


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
