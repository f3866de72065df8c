"""The rounds a supervisor must chase: open past their due time and grace, in the groups they
supervise or belong to — what the scheduler alerts about once, kept in sight on the dashboard
until the round is completed (an alert read and dismissed would otherwise hide it).

One index range (``ix_inspection_round_status_overdue``: status, overdue_at), oldest first,
a page only: a site with a year of rounds has few open ones, and fewer overdue.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from itsm_tui.common.domain import RoundStatus
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.storage.tables import InspectionRound
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.inspections.rounds import counted_rows, listed_rounds
from itsm_tui.workflow.inspections.views import RoundRow
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.tickets.queries import my_groups

#: How many overdue rounds the dashboard's panel reads (the rest are counted).
OVERDUE_ROUNDS_SHOWN = 3
MAX_OVERDUE_ROUNDS = 100


@dataclass(frozen=True)
class OverdueRounds:
    """The oldest overdue rounds, and how many there are in all."""

    rows: tuple[RoundRow, ...]
    total: int


@query(Action.VIEW_INSPECTIONS)
def overdue_rounds(
    read: Read, *, all_groups: bool = False, limit: int = OVERDUE_ROUNDS_SHOWN
) -> OverdueRounds:
    """Open rounds past their due time and grace, the most overdue first: of the reader's
    groups, or of every group (``all_groups``, and for someone in no group)."""
    if not 1 <= limit <= MAX_OVERDUE_ROUNDS:
        raise Invalid(N_("limit must be 1 to {limit}."), field="limit", limit=MAX_OVERDUE_ROUNDS)
    where: list[ColumnElement[bool]] = [
        col(InspectionRound.status) == RoundStatus.OPEN.value,
        col(InspectionRound.overdue_at) <= read.now,
    ]
    groups = my_groups(read)
    if groups and not all_groups:
        where.append(col(InspectionRound.group_id).in_(groups))
    session = read.session
    rows = session.exec(
        listed_rounds()
        .where(*where)
        .order_by(col(InspectionRound.overdue_at), col(InspectionRound.id))
        .limit(limit)
    ).all()
    total = len(rows)
    if total == limit:
        total = session.exec(select(func.count()).select_from(InspectionRound).where(*where)).one()
    return OverdueRounds(tuple(counted_rows(session, rows)), int(total))
