"""Section 2, first line: the first-line resolution rate, the escalation rate to each tier and
the reassignments per resolved ticket."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, select

from itsm_tui.common.domain import TicketStatus
from itsm_tui.common.i18n import N_
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import T, Window, rate

KEY = "first_line"
TITLE = N_("First line and escalation")


def _yes(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """Of the tickets resolved in the period: how many at first line, and their reassignments;
    of the tickets opened in it (not cancelled): how many reached tier 2 and tier 3."""
    resolved, first, moves = read.session.execute(
        select(
            func.count(),
            _yes(T.resolved_first_line == True),  # noqa: E712 (SQL, not Python)
            func.sum(cast(T.reassignment_count, Integer)),
        ).where(window.resolved())
    ).one()
    worked = and_(window.opened(), T.status != TicketStatus.CANCELLED.value)
    opened, tier2, tier3 = read.session.execute(
        select(
            func.count(),
            _yes(T.left_first_line == True),  # noqa: E712
            _yes(T.tier >= 3),
        ).where(worked)
    ).one()
    resolved = int(resolved or 0)
    return {
        "resolved": resolved,
        "resolved_first_line": int(first or 0),
        "first_line_rate": rate(first, resolved),
        "escalated_tier2_rate": rate(tier2, opened),
        "escalated_tier3_rate": rate(tier3, opened),
        "reassignments_per_ticket": round((moves or 0) / resolved, 2) if resolved else None,
    }
