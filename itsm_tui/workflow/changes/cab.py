"""The change advisory board (CAB): who approves which changes, how many approvals a change
needs (N of M), the approval requests in the alert inbox and by e-mail, and the decisions.

Each change type names its approver groups (assignment groups) and the approvals it needs
(setting ``change_cab``): a normal change its CAB, an emergency change the smaller emergency
CAB; a standard change none. A high or very high risk also needs the ``high_risk`` groups'
approvals. One rejection stops a change (setting ``change_one_rejection_stops``); without that
rule a change is rejected once the approvals it still needs can no longer come.

Counting never loses or doubles a decision: the change row is locked while a decision is
counted (PostgreSQL ``FOR UPDATE``, SQLite's single writer), and one person's decision is
unique per change in the database (``uq_change_approval``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from itsm_tui.common.changes import ChangeStatus, ChangeType, Decision
from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.common.timefmt import local
from itsm_tui.storage.tables import (
    AssignmentGroup,
    ChangeApproval,
    ChangeRequest,
    GroupMember,
    NotificationOutbox,
    SlaAlert,
    Staff,
)
from itsm_tui.storage.tables.changes import CHANGE_COMMENT_MAX
from itsm_tui.storage.tables.sla import ALERT_MESSAGE_MAX
from itsm_tui.workflow import text_input
from itsm_tui.workflow.changes.core import apply, load
from itsm_tui.workflow.changes.risk import is_high
from itsm_tui.workflow.changes.views import ChangeView, change_view
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Actor
from itsm_tui.workflow.site_settings import read_setting
from itsm_tui.workflow.sla.alerts import outbox_rows

#: The alert kind of an approval request (one per request and approver).
REQUEST_KIND = "approval"


@dataclass(frozen=True)
class Board:
    """One set of approver groups and the approvals it needs from their members."""

    key: str  # normal | emergency | high_risk
    groups: list[str]
    approvals: int


@dataclass(frozen=True)
class Tally:
    """Where a change's approval stands."""

    approved: int  # approvals by members of the type's board
    rejected: int
    need: int  # N
    of: int  # M: the active members of the board's groups
    high_risk_need: int  # approvals the high-risk board must add (0: not high risk)
    high_risk_approved: int

    @property
    def complete(self) -> bool:
        return self.approved >= self.need and self.high_risk_approved >= self.high_risk_need


def board(session: Session, key: str) -> Board:
    entry = read_setting(session, "change_cab").get(key, {"groups": [], "approvals": 0})
    return Board(key, list(entry["groups"]), int(entry["approvals"]))


def boards_for(session: Session, change: ChangeRequest) -> list[Board]:
    """The boards that decide on ``change``: its type's, and the high-risk one if need be."""
    if change.type == ChangeType.STANDARD:
        return []
    found = [board(session, change.type)]
    if is_high(change.risk_level):
        found.append(board(session, "high_risk"))
    return found


def members(session: Session, groups: list[str]) -> list[tuple[Staff, int]]:
    """The active members of ``groups`` (each once, with the first group that holds them)."""
    if not groups:
        return []
    rows = session.exec(
        select(Staff, AssignmentGroup.id)
        .join(GroupMember, col(GroupMember.staff_id) == Staff.id)
        .join(AssignmentGroup, col(AssignmentGroup.id) == GroupMember.group_id)
        .where(col(AssignmentGroup.code).in_(groups), col(Staff.active), AssignmentGroup.active)
        .order_by(col(Staff.id))
    ).all()
    seen: dict[int, tuple[Staff, int]] = {}
    for staff, group_id in rows:
        assert staff.id is not None and group_id is not None
        seen.setdefault(staff.id, (staff, group_id))
    return list(seen.values())


def tally(session: Session, change: ChangeRequest) -> Tally:
    boards = boards_for(session, change)
    decisions = session.exec(
        select(ChangeApproval.staff_id, ChangeApproval.decision).where(
            ChangeApproval.change_id == change.id
        )
    ).all()
    approved_by = {s for s, d in decisions if d == Decision.APPROVED}
    rejected = sum(1 for _, d in decisions if d == Decision.REJECTED)
    if not boards:
        return Tally(0, rejected, 0, 0, 0, 0)
    main = {s.id for s, _ in members(session, boards[0].groups)}
    high = {s.id for s, _ in members(session, boards[1].groups)} if len(boards) > 1 else set()
    return Tally(
        approved=len(approved_by & main),
        rejected=rejected,
        need=boards[0].approvals,
        of=len(main),
        high_risk_need=boards[1].approvals if len(boards) > 1 else 0,
        high_risk_approved=len(approved_by & high),
    )


def may_decide(session: Session, change: ChangeRequest, actor: Actor) -> bool:
    """Whether ``actor`` is an approver of ``change`` who has not decided on it yet."""
    groups = [g for b in boards_for(session, change) for g in b.groups]
    if actor.id not in {s.id for s, _ in members(session, groups)}:
        return False
    return (
        session.exec(
            select(ChangeApproval.id).where(
                ChangeApproval.change_id == change.id, ChangeApproval.staff_id == actor.id
            )
        ).first()
        is None
    )


def check_boards(session: Session, change: ChangeRequest) -> list[tuple[Staff, int]]:
    """Every approver of ``change``; refused when a board cannot give the approvals it needs."""
    everyone: dict[int, tuple[Staff, int]] = {}
    for b in boards_for(session, change):
        found = members(session, b.groups)
        if b.approvals > len(found) or (b.approvals and not b.groups):
            raise Invalid(
                N_(
                    "The {board} CAB needs {need} approvals but its groups ({groups}) have "
                    "{have} active members: set change_cab."
                ),
                field="change_cab",
                board=b.key,
                need=b.approvals,
                groups=", ".join(b.groups) or "-",
                have=len(found),
            )
        for staff, group_id in found:
            assert staff.id is not None
            everyone.setdefault(staff.id, (staff, group_id))
    return list(everyone.values())


def ask(tx: Tx, change: ChangeRequest) -> list[str]:
    """Put an approval request in every approver's inbox (and their e-mail through the
    outbox), in the request's own transaction. Returns the logins asked."""
    assert change.id is not None
    zone = tx.site.settings.zone
    window = (
        f"{local(change.window_start, zone)} – {local(change.window_end, zone)}"
        if change.window_start and change.window_end
        else "no window"
    )
    message = (
        f"{change.number} ({change.type}, risk {change.risk_level or '-'}) "
        f"{change.title[:120]}: your approval is asked by {tx.actor.display_name}; {window}"
    )[:ALERT_MESSAGE_MAX]
    kind = f"{REQUEST_KIND}:{change.version}"
    asked = []
    for person, _ in check_boards(tx.session, change):
        assert person.id is not None
        alert = SlaAlert(
            change_id=change.id,
            kind=kind,
            staff_id=person.id,
            target="cab",
            message=message,
            due_at=change.window_start or tx.now,
            created_at=tx.now,
        )
        tx.session.add(alert)
        tx.session.flush()
        assert alert.id is not None
        payload = {
            "alert_id": alert.id,
            "ticket": change.number,
            "kind": kind,
            "due_at": (change.window_start or tx.now).isoformat(),
            "staff": person.login,
            "target": "cab",
            "message": message,
        }
        for row in outbox_rows(tx, alert.id, person.email, payload):
            tx.session.add(NotificationOutbox(**row))
        asked.append(person.login)
    return asked


def _decide(
    tx: Tx, number: str, decision: Decision, comment: str, expected_version: int | None
) -> ChangeView:
    text_input.storable("comment", comment)
    if len(comment) > CHANGE_COMMENT_MAX:
        raise Invalid(
            N_("{name} is {length} characters; the limit is {limit}."),
            field="comment",
            name="comment",
            length=len(comment),
            limit=CHANGE_COMMENT_MAX,
        )
    if decision == Decision.REJECTED and not comment.strip():
        raise Invalid(N_("A rejection needs a comment saying why."), field="comment")
    change = load(tx, number, "approve", expected_version)
    assert change.id is not None
    groups = [g for b in boards_for(tx.session, change) for g in b.groups]
    mine = {s.id: g for s, g in members(tx.session, groups)}
    if tx.actor.id not in mine:
        raise Forbidden(
            N_("{login} is not in the approver groups of {number} ({groups})."),
            field="approver",
            login=tx.actor.login,
            number=change.number,
            groups=", ".join(groups) or "-",
        )
    already = tx.session.exec(
        select(ChangeApproval.decision).where(
            ChangeApproval.change_id == change.id, ChangeApproval.staff_id == tx.actor.id
        )
    ).first()
    if already is not None:
        raise Invalid(
            N_("{login} has already decided on {number} ({decision})."),
            field="approver",
            login=tx.actor.login,
            number=change.number,
            decision=already,
        )
    assert tx.actor.id is not None  # a member of a group: a staff member, not the system
    try:
        with tx.session.begin_nested():
            tx.session.add(
                ChangeApproval(
                    change_id=change.id,
                    staff_id=tx.actor.id,
                    group_id=mine[tx.actor.id],
                    decision=decision.value,
                    comment=comment,
                    at=tx.now,
                )
            )
    except IntegrityError:  # a second process of the same person got there first
        raise Invalid(
            N_("{login} has already decided on {number} ({decision})."),
            field="approver",
            login=tx.actor.login,
            number=change.number,
            decision="?",
        ) from None
    count = tally(tx.session, change)
    values: dict[str, Any] = {}
    if decision == Decision.REJECTED:
        stops = read_setting(tx.session, "change_one_rejection_stops")
        if stops or count.rejected > count.of - count.need:
            values = {"status": ChangeStatus.REJECTED.value, "closed_at": tx.now}
    elif count.complete and change.approved_at is None:
        values = {"approved_at": tx.now}
    apply(
        tx,
        change,
        "approve" if decision == Decision.APPROVED else "reject",
        values,
        {
            "comment": comment,
            "approvals": f"{count.approved}/{count.need} of {count.of}",
            **(
                {"high_risk_approvals": f"{count.high_risk_approved}/{count.high_risk_need}"}
                if count.high_risk_need
                else {}
            ),
        },
    )
    return change_view(tx.session, change, tx.actor)


@mutation(Action.APPROVE_CHANGE)
def approve(
    tx: Tx, number: str, *, comment: str = "", expected_version: int | None = None
) -> ChangeView:
    """Approve as a member of the change's approver groups. The change is approved once it has
    its N approvals (and the high-risk group's, if its risk is high)."""
    return _decide(tx, number, Decision.APPROVED, comment, expected_version)


@mutation(Action.APPROVE_CHANGE)
def reject(tx: Tx, number: str, *, comment: str, expected_version: int | None = None) -> ChangeView:
    """Reject, saying why. One rejection stops the change unless the site says otherwise."""
    return _decide(tx, number, Decision.REJECTED, comment, expected_version)


@dataclass(frozen=True)
class PendingApproval:
    """A change waiting for this approver's decision."""

    number: str
    type: str
    title: str
    risk_level: str | None
    window_start: datetime | None
    window_end: datetime | None
    approvals: str  # "1/2 of 5"
    requested_at: datetime


@query(Action.VIEW_CHANGES)
def pending_approvals(read: Read, *, limit: int = 100) -> list[PendingApproval]:
    """The changes awaiting approval whose boards hold the reader and that they have not
    decided on yet, earliest window first."""
    codes = set(
        read.session.exec(
            select(AssignmentGroup.code)
            .join(GroupMember, col(GroupMember.group_id) == AssignmentGroup.id)
            .where(GroupMember.staff_id == read.actor.id)
        ).all()
    )
    setting = read_setting(read.session, "change_cab")
    boards = {k for k, v in setting.items() if codes & set(v["groups"])}
    if not boards:
        return []
    decided = select(ChangeApproval.change_id).where(ChangeApproval.staff_id == read.actor.id)
    stmt = select(ChangeRequest).where(
        ChangeRequest.status == ChangeStatus.AWAITING_APPROVAL.value,
        col(ChangeRequest.approved_at).is_(None),
        col(ChangeRequest.id).not_in(decided),
    )
    if "high_risk" not in boards:
        stmt = stmt.where(col(ChangeRequest.type).in_([b for b in boards if b != "high_risk"]))
    rows = read.session.exec(
        stmt.order_by(col(ChangeRequest.window_start), col(ChangeRequest.id)).limit(limit)
    ).all()
    out = []
    for change in rows:
        if change.type not in boards and not is_high(change.risk_level):
            continue
        count = tally(read.session, change)
        out.append(
            PendingApproval(
                change.number,
                change.type,
                change.title,
                change.risk_level,
                change.window_start,
                change.window_end,
                f"{count.approved}/{count.need} of {count.of}",
                change.updated_at,
            )
        )
    return out
