"""Section 4, SLA compliance by priority and group, and the breaches with who held them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select

from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import AssignmentGroup, Staff
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import TICKET, T, Window, rate, rows
from itsm_tui.workflow.kpi.rollups import RESOLVED, resolved_counts

KEY = "sla"
TITLE = N_("SLA compliance")

#: The breaches listed in the report, longest overrun first.
BREACHES_SHOWN = 50

_G = core_table(AssignmentGroup).c
_S = core_table(Staff).c


def _met() -> Any:
    return RESOLVED["sla_met"]


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """Of the tickets resolved in the period that had a resolution deadline, the share resolved
    by it (``resolution_compliance``); of those with a response deadline, the share answered by
    it (``response_compliance``). The counts come from the daily rollups (``rollups.py``),
    split by priority for the detail; the groups and the breaches are read from the tickets."""
    counts = resolved_counts(read, window)[None]
    total, met = counts["sla_measured"], counts["sla_met"]
    out: dict[str, Any] = {
        "measured": total,
        "breached": total - met,
        "resolution_compliance": rate(met, total),
        "response_compliance": rate(counts["response_met"], counts["response_measured"]),
    }
    if not detail:
        return out
    by_priority = resolved_counts(read, window, "priority")
    out["by_priority"] = [
        {"priority": p, "measured": c["sla_measured"], "compliance": rate(c["sla_met"], n)}
        for p, c in sorted(by_priority.items())
        if (n := c["sla_measured"])
    ]
    measured = and_(window.resolved(), T.resolution_due_at.is_not(None))
    out["by_group"] = [
        {"group": name or "", "measured": int(n), "compliance": rate(m, n)}
        for name, n, m in rows(
            read,
            select(_G.name, func.count(), _met())
            .select_from(TICKET.outerjoin(core_table(AssignmentGroup), _G.id == T.group_id))
            .where(measured)
            .group_by(_G.name)
            .order_by(_G.name),
        )
    ]
    overrun = T.resolved_at > T.resolution_due_at
    out["breaches"] = [
        {
            "number": number,
            "title": title,
            "priority": priority,
            "group": group or "",
            "holder": holder or "",
            "reason": code or "",
            "due_at": due.isoformat(),
            "resolved_at": resolved.isoformat(),
        }
        for number, title, priority, group, holder, code, due, resolved in rows(
            read,
            select(
                T.number,
                T.title,
                T.priority,
                _G.name,
                _S.display_name,
                T.resolution_code,
                T.resolution_due_at,
                T.resolved_at,
            )
            .select_from(
                TICKET.outerjoin(core_table(AssignmentGroup), _G.id == T.group_id).outerjoin(
                    core_table(Staff), _S.id == T.assignee_id
                )
            )
            .where(measured, overrun)
            .order_by(T.priority, T.resolved_at.desc(), T.id)
            .limit(BREACHES_SHOWN),
        )
    ]
    return out
