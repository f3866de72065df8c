"""Complaints: logged against a ticket, a staff member or both, judged valid or invalid by a
supervisor who is not the person complained about, followed up and closed; every step journaled.

Lifecycle: received → under review → valid / invalid (with a reason) → closed. A judged or
closed complaint may be judged again (with a reason): only valid complaints count in
scorecards, so a re-judged one changes the scores of the period it was received in, and a
closed period shows the change against its frozen figures (``scorecards``).

Attribution: a complaint against a ticket alone counts against whoever held the ticket when the
complaint was logged (its assignee); one naming a staff member counts against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, update
from sqlmodel import col, select

from itsm_tui.common.domain import COMPLAINT_MAX, Channel, ComplaintStatus, Verdict
from itsm_tui.common.errors import Conflict, Forbidden, Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.complaint_queries import complaint_page
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import AssignmentGroup, Complaint, JournalEntry, Staff, Ticket
from itsm_tui.workflow import text_input
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.lookup import find_group, find_staff, find_ticket
from itsm_tui.workflow.permissions import Action

C = ComplaintStatus
_COMPLAINT = core_table(Complaint)
MAX_PAGE = 200
REASON_MAX = 2_000

#: What each step may start from.
_FROM: dict[str, tuple[ComplaintStatus, ...]] = {
    "review": (C.RECEIVED,),
    "judge": (C.RECEIVED, C.UNDER_REVIEW, C.VALID, C.INVALID, C.CLOSED),
    "follow_up": (C.UNDER_REVIEW, C.VALID, C.INVALID),
    "close": (C.VALID, C.INVALID),
}


def can(step: str, status: str) -> bool:
    """Whether a complaint in ``status`` may take ``step`` (review, judge, follow_up, close):
    what a front door offers is what the lifecycle allows."""
    return status in {s.value for s in _FROM[step]}


@dataclass(frozen=True)
class ComplaintEvent:
    action: str
    actor: str | None
    at: datetime
    changes: dict[str, Any]


@dataclass(frozen=True)
class ComplaintView:
    id: int
    ticket: str | None
    staff: str | None
    staff_name: str | None
    group: str | None
    channel: str
    text: str
    received_at: datetime
    logged_by: str | None
    status: str
    verdict: str | None
    reason: str | None
    reviewer: str | None
    reviewed_at: datetime | None
    follow_up: str | None
    closed_at: datetime | None
    version: int
    history: list[ComplaintEvent]


def _text(field: str, value: str, limit: int, *, required: bool = True) -> str:
    value = text_input.storable(field, value or "").strip()
    if required and not value:
        raise Invalid(N_("{name} is required."), field=field, name=field)
    if len(value) > limit:
        raise Invalid(
            N_("{name} is longer than {max} characters."), field=field, name=field, max=limit
        )
    return value


def find_complaint(session: Any, ref: str | int, *, for_update: bool = False) -> Complaint:
    digits = str(ref).strip().lstrip("#")
    if not digits.isdigit() or len(digits) > 9:
        raise Invalid(N_("A complaint is named by its number, e.g. #12."), field="complaint")
    stmt = select(Complaint).where(Complaint.id == int(digits))
    if for_update:
        stmt = stmt.with_for_update()
    found = session.exec(stmt).first()
    if found is None:
        raise NotFound(N_("No complaint #{id}."), field="complaint", id=digits)
    return found


def _view(session: Any, complaint: Complaint, *, history: bool = True) -> ComplaintView:
    def login(staff_id: int | None) -> str | None:
        person = session.get(Staff, staff_id) if staff_id else None
        return person.login if person else None

    subject = session.get(Staff, complaint.staff_id) if complaint.staff_id else None
    ticket = session.get(Ticket, complaint.ticket_id) if complaint.ticket_id else None
    group = session.get(AssignmentGroup, complaint.group_id) if complaint.group_id else None
    events: list[ComplaintEvent] = []
    if history:
        rows = session.exec(
            select(JournalEntry, Staff.login)
            .join(Staff, col(Staff.id) == JournalEntry.actor_id, isouter=True)
            .where(JournalEntry.entity == "complaint", JournalEntry.entity_id == complaint.id)
            .order_by(col(JournalEntry.id))
        ).all()
        events = [ComplaintEvent(e.action, who, e.at, e.changes) for e, who in rows]
    assert complaint.id is not None
    return ComplaintView(
        id=complaint.id,
        ticket=ticket.number if ticket else None,
        staff=subject.login if subject else None,
        staff_name=subject.display_name if subject else None,
        group=group.code if group else None,
        channel=complaint.channel,
        text=complaint.text,
        received_at=complaint.received_at,
        logged_by=login(complaint.logged_by_id),
        status=complaint.status,
        verdict=complaint.verdict,
        reason=complaint.reason,
        reviewer=login(complaint.reviewer_id),
        reviewed_at=complaint.reviewed_at,
        follow_up=complaint.follow_up,
        closed_at=complaint.closed_at,
        version=complaint.version,
        history=events,
    )


@mutation(Action.LOG_COMPLAINT)
def add_complaint(
    tx: Tx,
    *,
    text: str,
    ticket: str | None = None,
    staff: str | None = None,
    group: str | None = None,
    channel: str = Channel.PHONE.value,
    received_at: datetime | None = None,
) -> ComplaintView:
    """Log a complaint (hotline staff for a caller, or a supervisor)."""
    body = _text("text", text, COMPLAINT_MAX)
    if channel not in {c.value for c in Channel}:
        known = ", ".join(c.value for c in Channel)
        raise Invalid(N_("channel must be one of: {known}."), field="channel", known=known)
    if ticket is None and staff is None:
        raise Invalid(
            N_("A complaint is against a ticket, a staff member, or both: name one."),
            field="ticket",
        )
    received = received_at or tx.now
    if received.tzinfo is None:
        raise Invalid(N_("received_at needs a time zone."), field="received_at")
    if received > tx.now:
        raise Invalid(N_("received_at cannot be in the future."), field="received_at")
    found = find_ticket(tx.session, ticket) if ticket else None
    subject = find_staff(tx.session, staff) if staff else None
    staff_id = subject.id if subject else (found.assignee_id if found else None)
    if found is not None and staff_id is None:
        raise Invalid(
            N_("{number} has no assignee to attribute the complaint to: name the staff member."),
            field="staff",
            number=found.number,
        )
    group_id = find_group(tx.session, group).id if group else (found.group_id if found else None)
    row = Complaint(
        ticket_id=found.id if found else None,
        staff_id=staff_id,
        group_id=group_id,
        channel=channel,
        text=body,
        received_at=received,
        logged_by_id=tx.actor.id,
        logged_at=tx.now,
        status=C.RECEIVED.value,
    )
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    tx.journal(
        "complaint",
        row.id,
        "create",
        {"ticket": found.number if found else None, "staff": _login(tx, staff_id)},
    )
    return _view(tx.session, row)


def _login(tx: Tx, staff_id: int | None) -> str | None:
    person = tx.session.get(Staff, staff_id) if staff_id else None
    return person.login if person else None


def _step(
    tx: Tx,
    ref: str,
    step: str,
    values: dict[str, Any],
    extra: dict[str, Any],
    expected_version: int | None,
) -> ComplaintView:
    """One step of the lifecycle: the state allows it, the reviewer is not the subject, the
    row changes only at the version read, one journal entry."""
    complaint = find_complaint(tx.session, ref, for_update=True)
    assert complaint.id is not None
    if expected_version is not None and complaint.version != expected_version:
        raise Conflict(
            N_("Complaint #{id} changed meanwhile (version {now}, you had {had}); reload it."),
            id=complaint.id,
            now=complaint.version,
            had=expected_version,
        )
    if complaint.status not in _FROM[step]:
        allowed = ", ".join(s.value for s in _FROM[step])
        raise Invalid(
            N_("Complaint #{id} is {status}; this step needs it to be: {allowed}."),
            field="status",
            id=complaint.id,
            status=complaint.status,
            allowed=allowed,
        )
    if complaint.staff_id is not None and complaint.staff_id == tx.actor.id:
        raise Forbidden(
            N_("Complaint #{id} is about you: another supervisor reviews it."),
            field="reviewer",
            id=complaint.id,
        )
    old = {k: getattr(complaint, k) for k in values}
    result = tx.session.execute(
        update(_COMPLAINT)
        .where(_COMPLAINT.c.id == complaint.id, _COMPLAINT.c.version == complaint.version)
        .values(**values, version=complaint.version + 1)
    )
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        raise Conflict(N_("Complaint #{id} changed meanwhile; reload it."), id=complaint.id)
    tx.session.expire(complaint)
    diff = {k: (old[k], v) for k, v in values.items() if old[k] != v and not k.endswith("_at")}
    tx.journal("complaint", complaint.id, step, {**diff, **extra})
    return _view(tx.session, complaint)


@mutation(Action.REVIEW_COMPLAINT)
def start_review(tx: Tx, ref: str, *, expected_version: int | None = None) -> ComplaintView:
    """Take a received complaint under review."""
    values = {"status": C.UNDER_REVIEW.value, "reviewer_id": tx.actor.id}
    return _step(tx, ref, "review", values, {}, expected_version)


@mutation(Action.REVIEW_COMPLAINT)
def judge(
    tx: Tx, ref: str, *, verdict: str, reason: str, expected_version: int | None = None
) -> ComplaintView:
    """Judge a complaint valid or invalid, with a reason; judging again later is a
    re-judgement (journaled as such) that changes the scores of its period."""
    if verdict not in {v.value for v in Verdict}:
        raise Invalid(N_("verdict must be valid or invalid."), field="verdict")
    why = _text("reason", reason, REASON_MAX)
    current = find_complaint(tx.session, ref)
    closed = current.status == C.CLOSED.value
    values: dict[str, Any] = {
        "verdict": verdict,
        "reason": why,
        "reviewer_id": tx.actor.id,
        "reviewed_at": tx.now,
    }
    if not closed:
        values["status"] = verdict
    extra = {"rejudged": True} if current.verdict is not None else {}
    return _step(tx, ref, "judge", values, {**extra, "why": why}, expected_version)


@mutation(Action.REVIEW_COMPLAINT)
def follow_up(tx: Tx, ref: str, *, text: str, expected_version: int | None = None) -> ComplaintView:
    """Record what was done about a complaint (called the caller back, coached the engineer)."""
    body = _text("text", text, COMPLAINT_MAX)
    return _step(tx, ref, "follow_up", {"follow_up": body}, {}, expected_version)


@mutation(Action.REVIEW_COMPLAINT)
def close_complaint(tx: Tx, ref: str, *, expected_version: int | None = None) -> ComplaintView:
    """Close a judged complaint."""
    values = {"status": C.CLOSED.value, "closed_at": tx.now}
    return _step(tx, ref, "close", values, {}, expected_version)


@query(Action.LOG_COMPLAINT)
def show_complaint(read: Read, ref: str) -> ComplaintView:
    return _view(read.session, find_complaint(read.session, ref))


@query(Action.LOG_COMPLAINT)
def list_complaints(
    read: Read,
    *,
    status: str | None = None,
    staff: str | None = None,
    after: int | None = None,
    limit: int = 50,
) -> tuple[list[ComplaintView], int | None]:
    """Complaints newest first, a page at a time (keyset on id, one statement a page)."""
    _check_limit(limit)
    if status is not None and status not in {s.value for s in C}:
        known = ", ".join(s.value for s in C)
        raise Invalid(N_("status must be one of: {known}."), field="status", known=known)
    staff_id = find_staff(read.session, staff).id if staff is not None else None
    rows = complaint_page(
        read.session,
        statuses=None if status is None else (status,),
        staff_id=staff_id,
        after=after,
        limit=limit + 1,
    )
    return _paged(rows, limit)


#: What waits for a reviewer.
TO_REVIEW = (C.RECEIVED.value, C.UNDER_REVIEW.value)
#: What a supervisor still has to act on: judge, follow up or close (everything not closed).
OPEN = (*TO_REVIEW, C.VALID.value, C.INVALID.value)


@query(Action.REVIEW_COMPLAINT)
def review_queue(
    read: Read, *, after: int | None = None, limit: int = 50, judged: bool = False
) -> tuple[list[ComplaintView], int | None]:
    """Complaints received or under review (with ``judged``, also those judged and not yet
    closed, which wait for a follow-up and closing), oldest first (``ix_complaint_status``
    ranges), a page at a time: the supervisors' review screen."""
    _check_limit(limit)
    rows = complaint_page(
        read.session,
        statuses=OPEN if judged else TO_REVIEW,
        after=after,
        oldest_first=True,
        limit=limit + 1,
    )
    return _paged(rows, limit)


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(N_("limit must be 1 to {max}."), field="limit", max=MAX_PAGE)


def _paged(rows: list[Any], limit: int) -> tuple[list[ComplaintView], int | None]:
    """The page's views and the id to continue after (None on the last page)."""
    views = [_row_view(r) for r in rows[:limit]]
    return views, (views[-1].id if len(rows) > limit else None)


def _row_view(row: Any) -> ComplaintView:
    """A list row as a view, without its history (``show_complaint`` reads that)."""
    return ComplaintView(
        id=row.id,
        ticket=row.ticket_number,
        staff=row.staff_login,
        staff_name=row.staff_name,
        group=row.group_code,
        channel=row.channel,
        text=row.text,
        received_at=row.received_at,
        logged_by=row.logger_login,
        status=row.status,
        verdict=row.verdict,
        reason=row.reason,
        reviewer=row.reviewer_login,
        reviewed_at=row.reviewed_at,
        follow_up=row.follow_up,
        closed_at=row.closed_at,
        version=row.version,
        history=[],
    )
