"""A change's steps after it is written: submit, assess, ask the CAB, schedule, start, finish,
review, close, cancel. Each is refused when what it needs is missing, naming the field: no
back-out plan for a normal change, no window, approvals not complete, a freeze, a conflict.
"""

from __future__ import annotations

from typing import Any

from itsm_tui.common.changes import ChangeOutcome, ChangeStatus, ChangeType
from itsm_tui.common.domain import REASON_MAX
from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.common.timefmt import local
from itsm_tui.storage.tables import ChangeRequest
from itsm_tui.workflow import permissions, text_input
from itsm_tui.workflow.changes import cab, conflicts, freeze, risk
from itsm_tui.workflow.changes.core import apply, load
from itsm_tui.workflow.changes.views import ChangeView, change_view
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.lookup import find_ticket
from itsm_tui.workflow.permissions import Action

S = ChangeStatus


def _need(change: ChangeRequest, name: str) -> None:
    value = getattr(change, name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid(
            N_("{number} has no {name}: fill it in first."),
            field=name,
            number=change.number,
            name=name.removesuffix("_id"),
        )


def _reason(reason: str, *, required: bool = True) -> str:
    text_input.storable("reason", reason)
    if required and not reason.strip():
        raise Invalid(N_("Give a reason."), field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(
            N_("{name} is {length} characters; the limit is {limit}."),
            field="reason",
            name="reason",
            length=len(reason),
            limit=REASON_MAX,
        )
    return reason


@mutation(Action.REQUEST_CHANGE)
def submit(tx: Tx, number: str, *, expected_version: int | None = None) -> ChangeView:
    """Hand a draft in: it needs a reason, its CIs and its implementation and test plans, and
    (normal and emergency changes) a back-out plan."""
    change = load(tx, number, "submit", expected_version)
    assert change.id is not None
    for name in ("reason", "implementation_plan", "test_plan"):
        _need(change, name)
    if change.type != ChangeType.STANDARD:
        _need(change, "backout_plan")
    if not risk.change_ci_ids(tx, change.id):
        raise Invalid(
            N_("{number} names no configuration item: add the CIs it changes."),
            field="cis",
            number=change.number,
        )
    apply(tx, change, "submit", {"status": S.SUBMITTED.value})
    return change_view(tx.session, change, tx.actor)


@mutation(Action.ASSESS_CHANGE)
def assess(tx: Tx, number: str, *, expected_version: int | None = None) -> ChangeView:
    """Assess a submitted change: it needs a window, an implementer and their group; its risk
    is computed from the CMDB and kept with every factor's contribution."""
    change = load(tx, number, "assess", expected_version)
    for name in ("window_start", "window_end", "implementer_id", "group_id"):
        _need(change, name)
    values: dict[str, Any] = {"status": S.ASSESSED.value, **risk.assessed_values(tx, change)}
    apply(
        tx,
        change,
        "assess",
        values,
        {"risk": f"{values['risk_level']} ({values['risk_score']})"},
    )
    return change_view(tx.session, change, tx.actor)


@mutation(Action.ASSESS_CHANGE)
def request_approval(tx: Tx, number: str, *, expected_version: int | None = None) -> ChangeView:
    """Ask the CAB: every approver of the change's boards gets the request in their inbox
    (and by e-mail). A standard change is pre-approved and needs no CAB."""
    change = load(tx, number, "request_approval", expected_version)
    if change.type == ChangeType.STANDARD:
        raise Invalid(
            N_("{number} is a standard change: it is pre-approved, schedule it."),
            field="type",
            number=change.number,
        )
    asked = cab.ask(tx, change)
    apply(tx, change, "request_approval", {"status": S.AWAITING_APPROVAL.value}, {"asked": asked})
    return change_view(tx.session, change, tx.actor)


def _check_schedule(tx: Tx, change: ChangeRequest, reason: str) -> dict[str, Any]:
    """What scheduling needs; the extra journal keys for what was overridden."""
    assert change.id is not None
    if change.type == ChangeType.STANDARD:
        if change.status != S.ASSESSED:
            raise Invalid(N_("Assess the change before scheduling it."), field="status")
    else:
        if change.status != S.AWAITING_APPROVAL:
            raise Invalid(
                N_("{number} needs the CAB's approval: request it first."),
                field="approvals",
                number=change.number,
            )
        count = cab.tally(tx.session, change)
        if change.approved_at is None:
            raise Invalid(
                N_("{number} is not approved yet: {have} of {need} approvals."),
                field="approvals",
                number=change.number,
                have=count.approved + count.high_risk_approved,
                need=count.need + count.high_risk_need,
            )
    for name in ("window_start", "window_end"):
        _need(change, name)
    assert change.window_start is not None and change.window_end is not None
    zone = tx.site.settings.zone
    if change.window_start < tx.now:
        raise Invalid(
            N_("The window starts in the past ({start})."),
            field="window_start",
            start=local(change.window_start, zone),
        )
    extra: dict[str, Any] = {}
    hit = freeze.overlapping(tx.session, change.window_start, change.window_end)
    if hit is not None:
        if change.type != ChangeType.EMERGENCY:
            raise Invalid(
                N_(
                    "The window falls in the freeze {name} ({start} to {end}): a {type} change "
                    "may not be scheduled there."
                ),
                field="window_start",
                name=hit.name,
                start=local(hit.starts_at, zone),
                end=local(hit.ends_at, zone),
                type=change.type,
            )
        if not reason.strip():
            raise Invalid(
                N_(
                    "The window falls in the freeze {name}: an emergency change may go in "
                    "with a reason."
                ),
                field="reason",
                name=hit.name,
            )
        extra["freeze"] = hit.name
    found = conflicts.find(
        tx.session,
        change.id,
        risk.change_ci_ids(tx, change.id),
        change.window_start,
        change.window_end,
    )
    if found:
        numbers = ", ".join(f"{c.number} ({c.why})" for c in found)
        if not permissions.allowed(tx.actor.roles, Action.OVERRIDE_CHANGE):
            raise Forbidden(
                N_(
                    "{number} conflicts with {conflicts}: a supervisor must override it "
                    "with a reason."
                ),
                field="window_start",
                number=change.number,
                conflicts=numbers,
            )
        if not reason.strip():
            raise Invalid(
                N_("{number} conflicts with {conflicts}: give a reason to override."),
                field="reason",
                number=change.number,
                conflicts=numbers,
            )
        extra["conflicts"] = [c.number for c in found]
    return extra


@mutation(Action.ASSESS_CHANGE)
def schedule(
    tx: Tx, number: str, *, reason: str = "", expected_version: int | None = None
) -> ChangeView:
    """Put an approved (or standard, assessed) change in the schedule. A freeze refuses a
    normal or standard change and lets an emergency one in with a reason; a conflict with
    another scheduled change needs a supervisor's override with a reason."""
    _reason(reason, required=False)
    change = load(tx, number, "schedule", expected_version)
    extra = _check_schedule(tx, change, reason)
    values: dict[str, Any] = {"status": S.SCHEDULED.value}
    if extra:
        values["override_reason"] = reason
        extra["reason"] = reason
    apply(tx, change, "schedule", values, extra)
    return change_view(tx.session, change, tx.actor)


@mutation(Action.IMPLEMENT_CHANGE)
def start(tx: Tx, number: str, *, expected_version: int | None = None) -> ChangeView:
    """Start implementing: the actual start is recorded."""
    change = load(tx, number, "start", expected_version)
    apply(tx, change, "start", {"status": S.IMPLEMENTING.value, "actual_start": tx.now})
    return change_view(tx.session, change, tx.actor)


@mutation(Action.IMPLEMENT_CHANGE)
def finish(
    tx: Tx,
    number: str,
    *,
    outcome: str = ChangeOutcome.SUCCESS.value,
    note: str = "",
    expected_version: int | None = None,
) -> ChangeView:
    """Finish implementing: succeeded, failed, or backed out; the actual end is recorded."""
    try:
        result = ChangeOutcome(outcome)
    except ValueError:
        raise Invalid(
            N_("outcome must be one of: {outcomes}."),
            field="outcome",
            outcomes=", ".join(ChangeOutcome),
        ) from None
    _reason(note, required=result != ChangeOutcome.SUCCESS)
    change = load(tx, number, "finish", expected_version)
    status = S.IMPLEMENTED if result == ChangeOutcome.SUCCESS else S.FAILED
    apply(
        tx,
        change,
        "finish",
        {"status": status.value, "actual_end": tx.now, "outcome": result.value},
        {"note": note} if note else None,
    )
    return change_view(tx.session, change, tx.actor)


@mutation(Action.REVIEW_CHANGE)
def review(
    tx: Tx,
    number: str,
    *,
    success: bool,
    lessons: str,
    caused: list[str] | None = None,
    expected_version: int | None = None,
) -> ChangeView:
    """The post-implementation review: whether the change succeeded, the incidents it caused
    (linked as ``caused``) and the lessons learned."""
    text_input.storable("lessons", lessons)
    if not lessons.strip():
        raise Invalid(N_("A review records the lessons learned."), field="lessons")
    change = load(tx, number, "review", expected_version)
    assert change.id is not None
    if change.type == ChangeType.EMERGENCY:  # reviewed afterwards by the full CAB
        full = cab.board(tx.session, "normal").groups
        members = {s.id for s, _ in cab.members(tx.session, full)}
        if full and tx.actor.id not in members:
            raise Forbidden(
                N_("An emergency change is reviewed by the full CAB ({groups})."),
                field="reviewer",
                groups=", ".join(full),
            )
    from itsm_tui.storage.tables import ChangeLink

    numbers = []
    for ref in caused or []:
        ticket = find_ticket(tx.session, ref)
        assert ticket.id is not None
        if tx.session.get(ChangeLink, (change.id, "ticket", ticket.id, "caused")) is None:
            tx.session.add(
                ChangeLink(
                    change_id=change.id,
                    entity="ticket",
                    entity_id=ticket.id,
                    relation="caused",
                    created_at=tx.now,
                )
            )
        numbers.append(ticket.number)
    tx.session.flush()
    apply(
        tx,
        change,
        "review",
        {
            "status": S.IN_REVIEW.value,
            "review_success": success,
            "lessons": lessons,
            "reviewed_at": tx.now,
            "reviewed_by_id": tx.actor.id,
        },
        {"caused": numbers} if numbers else None,
    )
    return change_view(tx.session, change, tx.actor)


@mutation(Action.REVIEW_CHANGE)
def close(tx: Tx, number: str, *, expected_version: int | None = None) -> ChangeView:
    """Close a change. A normal or emergency change needs its post-implementation review."""
    change = load(tx, number, "close", expected_version)
    if change.type != ChangeType.STANDARD and change.reviewed_at is None:
        raise Invalid(
            N_("{number} needs its post-implementation review before it is closed."),
            field="review",
            number=change.number,
        )
    apply(tx, change, "close", {"status": S.CLOSED.value, "closed_at": tx.now})
    return change_view(tx.session, change, tx.actor)


@mutation(Action.REQUEST_CHANGE)
def cancel(tx: Tx, number: str, *, reason: str, expected_version: int | None = None) -> ChangeView:
    """Withdraw a change that has not started, saying why."""
    _reason(reason)
    change = load(tx, number, "cancel", expected_version)
    apply(
        tx,
        change,
        "cancel",
        {"status": S.CANCELLED.value, "closed_at": tx.now},
        {"reason": reason},
    )
    return change_view(tx.session, change, tx.actor)
