"""Section 2, first line: the first-line resolution rate, the escalation rate to each tier and
the reassignments per resolved ticket."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, select

from itsm_tui.common.domain import TicketStatus
from itsm_tui.common.i18n import N_
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import T, Window, rate
from itsm_tui.workflow.kpi.rollups import resolved_counts

KEY = "first_line"
TITLE = N_("First line and escalation")


def _yes(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """Of the tickets resolved in the period: how many at first line, and their reassignments;
    of the tickets opened in it (not cancelled): how many reached tier 2 and tier 3. The
    resolved counts come from the daily rollups (``rollups.py``); the opened ones change as
    open tickets move, and are read from ``ix_ticket_opened_kpi``."""
    counts = resolved_counts(read, window)[None]
    resolved, first, moves = counts["resolved"], counts["first_line"], counts["reassignments"]
    worked = and_(window.opened(), T.status != TicketStatus.CANCELLED.value)
    opened, tier2, tier3 = read.session.execute(
        select(
            func.count(),
            _yes(T.left_first_line == True),  # noqa: E712
            _yes(T.tier >= 3),
        ).where(worked)
    ).one()
    return {
        "resolved": resolved,
        "resolved_first_line": int(first or 0),
        "first_line_rate": rate(first, resolved),
        "escalated_tier2_rate": rate(tier2, opened),
        "escalated_tier3_rate": rate(tier3, opened),
        "reassignments_per_ticket": round((moves or 0) / resolved, 2) if resolved else None,
    }
