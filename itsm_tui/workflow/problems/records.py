"""A problem's state machine, how it is loaded for change and written, and how it is shown.

New → investigating → known error (cause and workaround known) → resolved (the fix is in) →
closed. One table of which operation starts from which state, so the refusal and what the
front doors offer come from the same facts, as for tickets (``tickets.states``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from itsm_tui.common.domain import PROBLEM_PREFIX, ProblemStatus, status_label
from itsm_tui.common.errors import Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    AssignmentGroup,
    Category,
    ConfigurationItem,
    Problem,
    ProblemCI,
    ProblemTicket,
    Staff,
    Ticket,
)
from itsm_tui.workflow.context import Tx
from itsm_tui.workflow.knowledge import search
from itsm_tui.workflow.numbering import series_number
from itsm_tui.workflow.permissions import Action, allowed
from itsm_tui.workflow.versioned import apply_versioned, check_version

S = ProblemStatus
_OPEN = frozenset({S.NEW, S.INVESTIGATING, S.KNOWN_ERROR})

#: operation → the states it may start from.
OPERATIONS: dict[str, frozenset[ProblemStatus]] = {
    "investigate": frozenset({S.NEW}),
    "known_error": frozenset({S.NEW, S.INVESTIGATING}),
    "resolve": _OPEN,
    "close": frozenset({S.RESOLVED}),
    "reopen": frozenset({S.RESOLVED}),
    "update": _OPEN,
    "link": _OPEN,
    "unlink": _OPEN,
}

PROBLEM = core_table(Problem)
#: What the search index calls a problem's document.
SEARCH_KIND = "problem"


def allowed_operations(status: str) -> list[str]:
    return [op for op, states in OPERATIONS.items() if ProblemStatus(status) in states]


def check_state(number: str, status: str, operation: str) -> None:
    """Refuse ``operation`` from ``status``, naming the state and what is allowed from it."""
    if ProblemStatus(status) in OPERATIONS[operation]:
        return
    raise Invalid(
        N_("Cannot {operation} {number}: it is {status}. From there you can: {options}."),
        field="status",
        operation=status_label(operation),
        number=number,
        status=status_label(status),
        options=", ".join(status_label(o) for o in allowed_operations(status)) or "nothing",
    )


def find_problem(session: Session, ref: str, *, for_update: bool = False) -> Problem:
    """A problem by number (``PRB000012``, ``PRB12``, ``12``)."""
    stmt = select(Problem).where(Problem.number == series_number(ref, PROBLEM_PREFIX))
    if for_update:
        stmt = stmt.with_for_update()
    problem = session.exec(stmt).first()
    if problem is None:
        raise NotFound(N_("No problem {number}."), field="problem", number=ref)
    return problem


def load(tx: Tx, number: str, operation: str, expected_version: int | None) -> Problem:
    """The problem, locked for this transaction, checked against the person's version and
    the state machine."""
    problem = find_problem(tx.session, number, for_update=True)
    check_version(tx, "problem", problem, expected_version)
    check_state(problem.number, problem.status, operation)
    return problem


def apply(
    tx: Tx,
    problem: Problem,
    action: str,
    changes: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> None:
    """Write and journal a change, and keep the search index in step with what it says."""
    apply_versioned(tx, PROBLEM, "problem", problem, action, changes, extra)
    reindex(tx, problem)


def reindex(tx: Tx, problem: Problem) -> None:
    assert problem.id is not None
    body = "\n".join((problem.description, problem.root_cause, problem.workaround, problem.fix))
    search.index(tx.session, SEARCH_KIND, problem.id, problem.title, body, tx.now)


@dataclass(frozen=True)
class LinkedIncident:
    number: str
    title: str
    status: str
    priority: int


@dataclass(frozen=True)
class ProblemView:
    """One problem with everything ``itsm problem show`` and the problem screen print."""

    id: int
    number: str
    title: str
    description: str
    status: str
    priority: int
    category: str | None
    owner: str | None
    owner_name: str | None
    group: str | None
    cause_code: str | None
    root_cause: str
    workaround: str
    fix: str
    fix_change: str | None
    opened_at: datetime
    known_error_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime
    version: int
    incidents: list[LinkedIncident]
    cis: list[str]
    allowed: list[str]

    @property
    def is_known_error(self) -> bool:
        return self.status == ProblemStatus.KNOWN_ERROR


def problem_view(session: Session, problem: Problem, roles: frozenset[Any]) -> ProblemView:
    assert problem.id is not None
    category = session.get(Category, problem.category_id) if problem.category_id else None
    owner = session.get(Staff, problem.owner_id) if problem.owner_id else None
    group = session.get(AssignmentGroup, problem.group_id) if problem.group_id else None
    incidents = session.exec(
        select(Ticket.number, Ticket.title, Ticket.status, Ticket.priority)
        .join(ProblemTicket, col(ProblemTicket.ticket_id) == Ticket.id)
        .where(ProblemTicket.problem_id == problem.id)
        .order_by(col(Ticket.id))
    ).all()
    cis = session.exec(
        select(ConfigurationItem.name)
        .join(ProblemCI, col(ProblemCI.ci_id) == ConfigurationItem.id)
        .where(ProblemCI.problem_id == problem.id)
        .order_by(ConfigurationItem.name)
    ).all()
    may = allowed(roles, Action.MANAGE_PROBLEMS)
    return ProblemView(
        id=problem.id,
        number=problem.number,
        title=problem.title,
        description=problem.description,
        status=problem.status,
        priority=problem.priority,
        category=category.name if category else None,
        owner=owner.login if owner else None,
        owner_name=owner.display_name if owner else None,
        group=group.code if group else None,
        cause_code=problem.cause_code,
        root_cause=problem.root_cause,
        workaround=problem.workaround,
        fix=problem.fix,
        fix_change=problem.fix_change,
        opened_at=problem.opened_at,
        known_error_at=problem.known_error_at,
        resolved_at=problem.resolved_at,
        closed_at=problem.closed_at,
        updated_at=problem.updated_at,
        version=problem.version,
        incidents=[LinkedIncident(*row) for row in incidents],
        cis=list(cis),
        allowed=allowed_operations(problem.status) if may else [],
    )
