"""Reading problems: one in full, a page of them, what resolving one would resolve, and the
problem an incident belongs to (its ticket screen shows the workaround)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from itsm_tui.common.domain import ProblemStatus
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.storage.tables import AssignmentGroup, Problem, ProblemTicket, Staff
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.lookup import find_ticket
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.problems.operations import IncidentOutcome, cause_codes, open_incidents
from itsm_tui.workflow.problems.records import ProblemView, find_problem, problem_view

PAGE_MAX = 500


@dataclass(frozen=True)
class ProblemRow:
    """One line of the problem list."""

    id: int
    number: str
    title: str
    status: str
    priority: int
    group: str | None
    owner: str | None
    incidents: int
    updated_at: datetime


@query(Action.VIEW_PROBLEMS)
def show_problem(read: Read, number: str) -> ProblemView:
    return problem_view(read.session, find_problem(read.session, number), read.actor.roles)


@query(Action.VIEW_PROBLEMS)
def list_problems(
    read: Read, *, status: str | None = None, after_id: int | None = None, limit: int = 50
) -> list[ProblemRow]:
    """A page of problems, newest first (keyset: pass the last row's id as ``after_id``);
    ``status`` one of the problem states, or ``open`` for every state before resolved."""
    if not 1 <= limit <= PAGE_MAX:
        raise Invalid(N_("limit must be 1 to {limit}."), field="limit", limit=PAGE_MAX)
    stmt = (
        select(Problem, AssignmentGroup.code, Staff.login)
        .join(AssignmentGroup, col(AssignmentGroup.id) == Problem.group_id, isouter=True)
        .join(Staff, col(Staff.id) == Problem.owner_id, isouter=True)
    )
    if status == "open":
        stmt = stmt.where(
            col(Problem.status).in_(
                [ProblemStatus.NEW, ProblemStatus.INVESTIGATING, ProblemStatus.KNOWN_ERROR]
            )
        )
    elif status is not None:
        if status not in {s.value for s in ProblemStatus}:
            raise Invalid(
                N_("status must be open or one of: {states}."),
                field="status",
                states=", ".join(s.value for s in ProblemStatus),
            )
        stmt = stmt.where(Problem.status == status)
    if after_id is not None:
        stmt = stmt.where(col(Problem.id) < after_id)
    rows = read.session.exec(stmt.order_by(col(Problem.id).desc()).limit(limit)).all()
    ids = [p.id for p, _, _ in rows]
    counts: dict[int, int] = {}
    if ids:
        from sqlalchemy import func

        counts = dict(
            read.session.exec(
                select(ProblemTicket.problem_id, func.count())
                .where(col(ProblemTicket.problem_id).in_(ids))
                .group_by(col(ProblemTicket.problem_id))
            ).all()
        )
    return [
        ProblemRow(
            p.id or 0,
            p.number,
            p.title,
            p.status,
            p.priority,
            group,
            owner,
            counts.get(p.id or 0, 0),
            p.updated_at,
        )
        for p, group, owner in rows
    ]


@query(Action.VIEW_PROBLEMS)
def resolution_preview(read: Read, number: str) -> list[IncidentOutcome]:
    """What resolving the problem with its incidents would do: each open linked incident, and
    whether this person may resolve it (those they may not are left open, and said so)."""
    problem = find_problem(read.session, number)
    return open_incidents(read.session, read.actor, problem)


@dataclass(frozen=True)
class ProblemBrief:
    """The problem an incident belongs to, as its ticket screen shows it."""

    number: str
    title: str
    status: str
    workaround: str


@query(Action.VIEW_TICKETS)
def problem_of_ticket(read: Read, number: str) -> ProblemBrief | None:
    """The problem ``number`` is linked to, with its workaround (None: none)."""
    ticket = find_ticket(read.session, number)
    row = read.session.exec(
        select(Problem)
        .join(ProblemTicket, col(ProblemTicket.problem_id) == Problem.id)
        .where(ProblemTicket.ticket_id == ticket.id)
    ).first()
    if row is None:
        return None
    return ProblemBrief(row.number, row.title, row.status, row.workaround)


@query(Action.VIEW_PROBLEMS)
def list_cause_codes(read: Read) -> list[str]:
    return cause_codes(read.session)
