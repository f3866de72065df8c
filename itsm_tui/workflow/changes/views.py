"""Changes as the front doors show them: names resolved, plain values, safe after the session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_
from sqlalchemy import select as core_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from itsm_tui.storage.tables import (
    AssignmentGroup,
    ChangeApproval,
    ChangeCI,
    ChangeLink,
    ChangeRequest,
    ConfigurationItem,
    Problem,
    Staff,
    Ticket,
)
from itsm_tui.workflow import permissions
from itsm_tui.workflow.changes.states import allowed_operations
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Actor

#: The permission each operation needs (the CAB's membership is checked by the approval).
OPERATION_ACTIONS: dict[str, Action] = {
    "update": Action.REQUEST_CHANGE,
    "submit": Action.REQUEST_CHANGE,
    "assess": Action.ASSESS_CHANGE,
    "request_approval": Action.ASSESS_CHANGE,
    "approve": Action.APPROVE_CHANGE,
    "reject": Action.APPROVE_CHANGE,
    "schedule": Action.ASSESS_CHANGE,
    "start": Action.IMPLEMENT_CHANGE,
    "finish": Action.IMPLEMENT_CHANGE,
    "review": Action.REVIEW_CHANGE,
    "close": Action.REVIEW_CHANGE,
    "cancel": Action.REQUEST_CHANGE,
    "link": Action.REQUEST_CHANGE,
}


@dataclass(frozen=True)
class LinkView:
    relation: str  # related | caused | fixes
    entity: str  # ticket, problem …
    number: str


@dataclass(frozen=True)
class ApprovalView:
    staff: str
    staff_name: str
    group: str | None
    decision: str
    comment: str
    at: datetime


@dataclass(frozen=True)
class ChangeView:
    """One change with everything the change screen and ``itsm change show`` print."""

    id: int
    number: str
    type: str
    status: str
    template: str | None
    title: str
    reason: str
    description: str
    implementation_plan: str
    backout_plan: str
    test_plan: str
    window_start: datetime | None
    window_end: datetime | None
    implementer: str | None
    implementer_name: str | None
    group: str | None
    group_name: str | None
    requested_by: str | None
    risk_score: int | None
    risk_level: str | None
    risk_factors: list[dict[str, Any]]
    assessed_at: datetime | None
    approved_at: datetime | None
    override_reason: str | None
    actual_start: datetime | None
    actual_end: datetime | None
    outcome: str | None
    review_success: bool | None
    lessons: str | None
    reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    version: int
    cis: list[str] = field(default_factory=list)
    links: list[LinkView] = field(default_factory=list)
    approvals: list[ApprovalView] = field(default_factory=list)
    #: What the reading actor's roles and the state machine allow now.
    allowed: list[str] = field(default_factory=list)


def ci_labels(session: Session, change_id: int) -> list[str]:
    """The change's CIs as ``class:name``, by name."""
    rows = session.exec(
        select(ConfigurationItem.ci_class, ConfigurationItem.name)
        .join(ChangeCI, col(ChangeCI.ci_id) == ConfigurationItem.id)
        .where(ChangeCI.change_id == change_id)
        .order_by(col(ConfigurationItem.name))
    ).all()
    return [f"{c}:{n}" for c, n in rows]


def _links(session: Session, change_id: int) -> list[LinkView]:
    """The change's links with the linked record's number: a ticket's or a problem's."""
    rows = session.exec(
        select(ChangeLink.relation, ChangeLink.entity, Ticket.number, Problem.number)
        .join(
            Ticket,
            and_(col(Ticket.id) == ChangeLink.entity_id, col(ChangeLink.entity) == "ticket"),
            isouter=True,
        )
        .join(
            Problem,
            and_(col(Problem.id) == ChangeLink.entity_id, col(ChangeLink.entity) == "problem"),
            isouter=True,
        )
        .where(ChangeLink.change_id == change_id)
        .order_by(col(ChangeLink.created_at))
    ).all()
    return [
        LinkView(relation, entity, ticket or problem or entity)
        for relation, entity, ticket, problem in rows
    ]


def approvals_of(session: Session, change_id: int) -> list[ApprovalView]:
    rows = session.exec(
        select(ChangeApproval, Staff.login, Staff.display_name, AssignmentGroup.code)
        .join(Staff, col(Staff.id) == ChangeApproval.staff_id)
        .join(AssignmentGroup, col(AssignmentGroup.id) == ChangeApproval.group_id, isouter=True)
        .where(ChangeApproval.change_id == change_id)
        .order_by(col(ChangeApproval.id))
    ).all()
    return [
        ApprovalView(login, name, code, a.decision, a.comment, a.at)
        for a, login, name, code in rows
    ]


def offered(actor: Actor, status: str) -> list[str]:
    """The operations the state machine and the actor's roles allow on a change in ``status``."""
    return [
        op
        for op in allowed_operations(status)
        if actor.is_system or permissions.allowed(actor.roles, OPERATION_ACTIONS[op])
    ]


def change_view(session: Session, change: ChangeRequest, actor: Actor) -> ChangeView:
    assert change.id is not None
    implementer, requester = aliased(Staff), aliased(Staff)
    names = session.execute(
        core_select(
            col(implementer.login),
            col(implementer.display_name),
            col(AssignmentGroup.code),
            col(AssignmentGroup.name),
            col(requester.login),
        )
        .select_from(ChangeRequest)
        .join(implementer, col(implementer.id) == ChangeRequest.implementer_id, isouter=True)
        .join(AssignmentGroup, col(AssignmentGroup.id) == ChangeRequest.group_id, isouter=True)
        .join(requester, col(requester.id) == ChangeRequest.requested_by_id, isouter=True)
        .where(col(ChangeRequest.id) == change.id)
    ).one()
    return ChangeView(
        id=change.id,
        number=change.number,
        type=change.type,
        status=change.status,
        template=change.template,
        title=change.title,
        reason=change.reason,
        description=change.description,
        implementation_plan=change.implementation_plan,
        backout_plan=change.backout_plan,
        test_plan=change.test_plan,
        window_start=change.window_start,
        window_end=change.window_end,
        implementer=names[0],
        implementer_name=names[1],
        group=names[2],
        group_name=names[3],
        requested_by=names[4],
        risk_score=change.risk_score,
        risk_level=change.risk_level,
        risk_factors=list(change.risk_factors or []),
        assessed_at=change.assessed_at,
        approved_at=change.approved_at,
        override_reason=change.override_reason,
        actual_start=change.actual_start,
        actual_end=change.actual_end,
        outcome=change.outcome,
        review_success=change.review_success,
        lessons=change.lessons,
        reviewed_at=change.reviewed_at,
        created_at=change.created_at,
        updated_at=change.updated_at,
        closed_at=change.closed_at,
        version=change.version,
        cis=ci_labels(session, change.id),
        links=_links(session, change.id),
        approvals=approvals_of(session, change.id),
        allowed=_allowed(session, change, actor),
    )


def _allowed(session: Session, change: ChangeRequest, actor: Actor) -> list[str]:
    """:func:`offered`, and a CAB decision only for a member of the change's approver groups
    who has not decided yet: what is offered is what the workflow would accept."""
    allowed = offered(actor, change.status)
    if "approve" in allowed:
        from itsm_tui.workflow.changes import cab  # cab builds on this module

        if not cab.may_decide(session, change, actor):
            allowed = [op for op in allowed if op not in ("approve", "reject")]
    return allowed
