"""A ticket's life after intake: pending and resume, resolve, close, reopen, cancel, and the
changes to what it is about (fields, priority override)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from itsm_tui.common.domain import DESCRIPTION_MAX, PRIORITY_LEVELS, PendingReason, TicketStatus
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.storage import title_grams
from itsm_tui.storage.tables import AssignmentGroup, Ticket
from itsm_tui.workflow import text_input
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.lookup import find_caller, find_category
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.quality.surveys import offer_survey
from itsm_tui.workflow.site_settings import priority_for, read_setting, site_language
from itsm_tui.workflow.tickets.assignment import _reason
from itsm_tui.workflow.tickets.core import apply, load, permit
from itsm_tui.workflow.tickets.create import TicketDraft, check_text, open_ticket
from itsm_tui.workflow.tickets.states import PENDING_REASONS, RESOLUTION_CODES
from itsm_tui.workflow.tickets.views import TicketView, ticket_view

S = TicketStatus


def _working_status(ticket: Ticket) -> str:
    """Where a ticket goes back to when it is picked up again."""
    return (S.IN_PROGRESS if ticket.assignee_id else S.NEW).value


@mutation(Action.WORK_TICKET)
def set_pending(
    tx: Tx, number: str, *, reason: str, note: str = "", expected_version: int | None = None
) -> TicketView:
    """Wait for the caller, a vendor or a change. Waiting for the caller or a vendor pauses
    the resolution clock; waiting for a change does not (that is our own work)."""
    if reason not in PENDING_REASONS:
        options = ", ".join(f"{k} ({v})" for k, v in PENDING_REASONS.items())
        raise Invalid("Pending reason must be one of: {options}.", field="reason", options=options)
    ticket = load(tx, number, "pending", expected_version)
    permit(tx, ticket, "pending")
    check_text("note", note)
    apply(
        tx,
        ticket,
        "pending",
        {"status": S.PENDING.value, "pending_reason": PendingReason(reason).value},
        {"note": note} if note else None,
    )
    return ticket_view(tx.session, ticket, tx.actor)


@mutation(Action.WORK_TICKET)
def resume(tx: Tx, number: str, *, expected_version: int | None = None) -> TicketView:
    """Work on a pending ticket again (the answer came in)."""
    ticket = load(tx, number, "resume", expected_version)
    permit(tx, ticket, "resume")
    apply(tx, ticket, "resume", {"status": _working_status(ticket), "pending_reason": None})
    return ticket_view(tx.session, ticket, tx.actor)


@mutation(Action.WORK_TICKET)
def resolve(
    tx: Tx, number: str, *, code: str, text: str, expected_version: int | None = None
) -> TicketView:
    """Resolve with a resolution code and text.

    "Resolved at first line" is recorded when tier 1 resolves a ticket that never left it.
    Resolving also counts as a response if nothing responded before.
    """
    if code not in RESOLUTION_CODES:
        raise Invalid(
            "Resolution code must be one of: {names}.",
            field="code",
            names=", ".join(RESOLUTION_CODES),
        )
    check_text("note", text, required=True)
    ticket = load(tx, number, "resolve", expected_version)
    permit(tx, ticket, "resolve")
    changes: dict[str, Any] = {
        "status": S.RESOLVED.value,
        "pending_reason": None,
        "resolved_at": tx.now,
        "resolution_code": code,
        "resolution_text": text,
        "resolved_first_line": ticket.tier == 1 and not ticket.left_first_line,
        "flagged_at": None,
    }
    if ticket.assignee_id is None and not tx.actor.is_system:
        changes["assignee_id"] = tx.actor.id
    if ticket.first_response_at is None:
        changes["first_response_at"] = tx.now
    apply(tx, ticket, "resolve", changes)
    offer_survey(tx, ticket)  # a satisfaction survey for the caller (workflow/quality)
    return ticket_view(tx.session, ticket, tx.actor)


@mutation(Action.CLOSE_TICKET)
def close(tx: Tx, number: str, *, expected_version: int | None = None) -> TicketView:
    """Close a resolved ticket (the caller confirmed, or the auto-close job ran)."""
    ticket = load(tx, number, "close", expected_version)
    permit(tx, ticket, "close")
    apply(tx, ticket, "close", {"status": S.CLOSED.value, "closed_at": tx.now})
    return ticket_view(tx.session, ticket, tx.actor)


@mutation(Action.CLOSE_TICKET)
def reopen(tx: Tx, number: str, *, reason: str, expected_version: int | None = None) -> TicketView:
    """Reopen a resolved ticket within the site's reopen window.

    Past the window, or once closed, the ticket stays as it was (its figures are final) and a
    follow-up ticket linked to it is opened instead; the view returned is then the new one.
    """
    reason = _reason(reason, N_("reopen a ticket"))
    ticket = load(tx, number, "reopen", expected_version)
    permit(tx, ticket, "reopen")
    window = timedelta(days=int(read_setting(tx.session, "reopen_window_days")))
    resolved_at = ticket.resolved_at
    if ticket.status == S.RESOLVED and resolved_at and tx.now - resolved_at <= window:
        changes = {
            "status": _working_status(ticket),
            "resolved_at": None,
            "resolution_code": None,
            "resolution_text": None,
            "resolved_first_line": False,
            "reopen_count": ticket.reopen_count + 1,
        }
        apply(tx, ticket, "reopen", changes, {"reason": reason})
        return ticket_view(tx.session, ticket, tx.actor)
    return ticket_view(tx.session, _follow_up(tx, ticket, reason), tx.actor)


def _follow_up(tx: Tx, original: Ticket, reason: str) -> Ticket:
    """The follow-up takes the original's title and description as today's rules accept them:
    a title stored with a line break before titles were one line must not block the reopen.
    It goes to the original's group while that group is active (those who worked it), so a
    supervisor or a member of another group may reopen as the rule offers it."""
    caller = f"#{original.caller_id}" if original.caller_id else None
    group = tx.session.get(AssignmentGroup, original.group_id) if original.group_id else None
    say = site_language(tx.session)  # written into the record: the site's language
    follow_up = say(N_("Follow-up of {number}: {reason}")).format(
        number=original.number, reason=reason
    )
    description = f"{follow_up}\n\n{original.description}"
    follow = open_ticket(
        tx,
        TicketDraft(
            title=text_input.folded(original.title),
            description=text_input.text_only(description)[:DESCRIPTION_MAX],
            type=original.type,
            caller=caller,
            impact=original.impact,
            urgency=original.urgency,
            group=group.code if group is not None and group.active else None,
        ),
    )
    follow.category_id = original.category_id
    follow.related_ticket_id = original.id
    tx.session.add(follow)
    assert original.id is not None
    apply(tx, original, "follow_up", {}, {"follow_up": follow.number, "reason": reason})
    return follow


@mutation(Action.CLOSE_TICKET)
def cancel(tx: Tx, number: str, *, reason: str, expected_version: int | None = None) -> TicketView:
    """Cancel a ticket opened in error or duplicated; it leaves every queue and report."""
    reason = _reason(reason, N_("cancel a ticket"))
    ticket = load(tx, number, "cancel", expected_version)
    permit(tx, ticket, "cancel")
    apply(
        tx,
        ticket,
        "cancel",
        {"status": S.CANCELLED.value, "closed_at": tx.now, "flagged_at": None},
        {"reason": reason},
    )
    return ticket_view(tx.session, ticket, tx.actor)


@mutation(Action.OVERRIDE_PRIORITY)
def override_priority(
    tx: Tx, number: str, *, priority: int, reason: str, expected_version: int | None = None
) -> TicketView:
    """Set a priority other than the matrix gives (engineers, supervisors); needs a reason."""
    if priority not in PRIORITY_LEVELS:
        raise Invalid(
            "priority must be {lowest} to {highest}, not {priority}.",
            field="priority",
            lowest=PRIORITY_LEVELS[0],
            highest=PRIORITY_LEVELS[-1],
            priority=priority,
        )
    reason = _reason(reason, N_("override the priority"))
    ticket = load(tx, number, "priority", expected_version)
    permit(tx, ticket, "priority")
    apply(
        tx,
        ticket,
        "override_priority",
        {"priority": priority, "priority_overridden": True},
        {"reason": reason},
    )
    assert ticket.id is not None
    title_grams.reprioritise(tx.session.connection(), ticket.id, priority)
    return ticket_view(tx.session, ticket, tx.actor)


@mutation(Action.WORK_TICKET)
def update_ticket(
    tx: Tx,
    number: str,
    *,
    title: str | None = None,
    description: str | None = None,
    caller: str | None = None,
    category: str | None = None,
    impact: int | None = None,
    urgency: int | None = None,
    expected_version: int | None = None,
) -> TicketView:
    """Correct what a ticket is about. A new impact or urgency re-derives the priority from the
    matrix unless it was overridden by hand."""
    ticket = load(tx, number, "update", expected_version)
    permit(tx, ticket, "update")
    session = tx.session
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = check_text("title", title, required=True)
    if description is not None:
        changes["description"] = check_text("description", description)
    if caller is not None:
        changes["caller_id"] = find_caller(session, caller).id
    if category is not None:
        changes["category_id"] = find_category(session, category).id
    if impact is not None or urgency is not None:
        changes["impact"] = impact if impact is not None else ticket.impact
        changes["urgency"] = urgency if urgency is not None else ticket.urgency
        if not ticket.priority_overridden:
            changes["priority"] = priority_for(session, changes["impact"], changes["urgency"])
    if not changes:
        raise Invalid("Nothing to change.", field="ticket")
    apply(tx, ticket, "update", changes)
    assert ticket.id is not None
    if "title" in changes:
        title_grams.index_title(
            session.connection(),
            ticket.id,
            changes["title"],
            ticket.priority,
            replace=True,
            open_=title_grams.is_open(ticket.status),
        )
    elif "priority" in changes:
        title_grams.reprioritise(session.connection(), ticket.id, ticket.priority)
    return ticket_view(session, ticket, tx.actor)
