"""Section 4, SLA compliance by priority and group, and the breaches with who held them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, select

from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import AssignmentGroup, Staff
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import TICKET, T, Window, rate, rows

KEY = "sla"
TITLE = N_("SLA compliance")

#: The breaches listed in the report, longest overrun first.
BREACHES_SHOWN = 50

_G = core_table(AssignmentGroup).c
_S = core_table(Staff).c


def _met() -> Any:
    return func.sum(case((T.resolved_at <= T.resolution_due_at, 1), else_=0))


def _response_met() -> Any:
    return func.sum(
        case(
            (and_(T.first_response_at.is_not(None), T.first_response_at <= T.response_due_at), 1),
            else_=0,
        )
    )


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """Of the tickets resolved in the period that had a resolution deadline, the share resolved
    by it (``resolution_compliance``); of those with a response deadline, the share answered by
    it (``response_compliance``)."""
    measured = and_(window.resolved(), T.resolution_due_at.is_not(None))
    total, met = read.session.execute(select(func.count(), _met()).where(measured)).one()
    with_response = and_(window.resolved(), T.response_due_at.is_not(None))
    r_total, r_met = read.session.execute(
        select(func.count(), _response_met()).where(with_response)
    ).one()
    out: dict[str, Any] = {
        "measured": int(total or 0),
        "breached": int((total or 0) - (met or 0)),
        "resolution_compliance": rate(met, total),
        "response_compliance": rate(r_met, r_total),
    }
    if not detail:
        return out
    out["by_priority"] = [
        {"priority": p, "measured": int(n), "compliance": rate(m, n)}
        for p, n, m in rows(
            read,
            select(T.priority, func.count(), _met())
            .where(measured)
            .group_by(T.priority)
            .order_by(T.priority),
        )
    ]
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
