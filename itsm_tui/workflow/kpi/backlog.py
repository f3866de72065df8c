"""Section 5, backlog: the tickets open at the period's end, how old they were, and the reopen
rate of the tickets resolved in the period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from itsm_tui.common.domain import TicketStatus
from itsm_tui.common.i18n import N_
from itsm_tui.storage.kpi_queries import not_indexed
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import T, Window, rate
from itsm_tui.workflow.kpi.rollups import resolved_counts
from itsm_tui.workflow.kpi.snapshots import snapshot_backlog

KEY = "backlog"
TITLE = N_("Backlog and reopens")

#: Age bands of the backlog, in days at the period's end: [lower, upper) and their labels.
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 1, N_("under 1 day")),
    (1, 3, N_("1-3 days")),
    (3, 7, N_("3-7 days")),
    (7, 30, N_("7-30 days")),
    (30, None, N_("30 days or more")),
)


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """``backlog``: tickets opened before the period's end and not resolved, closed or cancelled
    by then (as far as the ticket says: a ticket resolved later counts; a cancelled one is left
    out, its cancellation time is its ``closed_at``); ``reopen_rate``: the share of the tickets
    resolved in the period that had been reopened at least once.

    Without ``detail`` (the comparison columns, the console's history) the backlog is read from
    the nightly snapshot taken at the period's end when there is one (``snapshots.py``): an old
    end otherwise reads about half the tickets. The reopens are counted from the daily rollups
    (``rollups.py``)."""
    resolved_in = resolved_counts(read, window)[None]
    resolved, reopened = resolved_in["resolved"], resolved_in["reopened"]
    if not detail:
        stored = snapshot_backlog(read.session, window)
        if stored is not None:
            return {"backlog": stored, "reopen_rate": rate(reopened, resolved)}
    # One definition, two ways to read it, each an index range: the tickets resolved after the
    # end plus the unresolved (ix_ticket_resolved_kpi) are few for a recent end and nearly
    # all for an old one, where the tickets opened before it (ix_ticket_opened_kpi) are few.
    if _recent(read, window):
        before_end = [not_indexed(T.opened_at) < window.end, *window.scope()]
        where = or_(
            and_(T.resolved_at >= window.end, *before_end),
            and_(T.resolved_at.is_(None), _not_cancelled_by(window), *before_end),
        )
    else:
        where = and_(
            T.opened_at < window.end,
            *window.scope(),
            or_(T.resolved_at.is_(None), not_indexed(T.resolved_at) >= window.end),
            _not_cancelled_by(window),
        )
    bands = [func.sum(case((and_(*_band(window, lo, hi)), 1), else_=0)) for lo, hi, _ in AGE_BANDS]
    found = read.session.execute(select(func.count(), *bands).where(where)).one()
    out: dict[str, Any] = {
        "backlog": int(found[0] or 0),
        "reopen_rate": rate(reopened, resolved),
    }
    if detail:
        counts = found[1:]
        out["aging"] = [
            [label, int(n or 0)] for (_, _, label), n in zip(AGE_BANDS, counts, strict=True)
        ]
    return out


def _not_cancelled_by(window: Window) -> Any:
    """Not cancelled before the end (a cancelled ticket's ``closed_at`` is when)."""
    return or_(
        T.status != TicketStatus.CANCELLED.value,
        T.closed_at.is_(None),
        T.closed_at >= window.end,
    )


def _recent(read: Read, window: Window) -> bool:
    """Whether the end lies in the later half of the site's history (first ticket to now)."""
    first = read.session.execute(select(func.min(T.opened_at))).scalar_one()
    if first is None:
        return True
    return window.end - first >= read.now - window.end


def _band(window: Window, lo: int, hi: int | None) -> list[Any]:
    where = [T.opened_at <= window.end - timedelta(days=lo)]
    if hi is not None:
        where.append(T.opened_at > window.end - timedelta(days=hi))
    return where
