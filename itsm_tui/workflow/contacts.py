"""Contacts: every call, walk-in, e-mail, web request or monitoring event, logged by the agent
who took it. Call volume per agent is counted from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from itsm_tui.common.domain import SUMMARY_MAX, Channel
from itsm_tui.common.errors import Invalid
from itsm_tui.storage.tables import Contact, Ticket
from itsm_tui.workflow import text_input
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.lookup import find_caller, find_ticket
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.tickets.create import TicketDraft, open_ticket


@dataclass(frozen=True)
class ContactView:
    id: int
    channel: str
    caller: str | None
    agent: str
    occurred_at: datetime
    summary: str
    ticket: str | None
    new_ticket: bool


@mutation(Action.LOG_CONTACT)
def log_contact(
    tx: Tx,
    *,
    channel: str = Channel.PHONE.value,
    caller: str | None = None,
    summary: str = "",
    ticket: str | None = None,
    new_ticket: TicketDraft | None = None,
) -> ContactView:
    """Log a contact, attached to an existing ticket ("rings again about INC000123"), opening
    a new one, or standing alone (a question answered on the spot still counts as a call).

    Opening a ticket here also needs the right to create tickets; the new ticket's caller
    defaults to the contact's.
    """
    return record_contact(
        tx, channel=channel, caller=caller, summary=summary, ticket=ticket, new_ticket=new_ticket
    )


def record_contact(
    tx: Tx,
    *,
    channel: str,
    caller: str | None,
    summary: str,
    ticket: str | None,
    new_ticket: TicketDraft | None,
) -> ContactView:
    """The body of :func:`log_contact`, for operations that log a contact as one of their
    steps (the call form's save, which also clears the agent's draft)."""
    try:
        kind = Channel(channel)
    except ValueError:
        valid = ", ".join(c.value for c in Channel)
        raise Invalid("channel must be one of: {valid}.", field="channel", valid=valid) from None
    if ticket and new_ticket:
        raise Invalid("Attach the contact to a ticket or open a new one, not both.", field="ticket")
    text_input.one_line("summary", summary, hint="; put the details in the ticket")
    if len(summary) > SUMMARY_MAX:
        raise Invalid(
            "summary is {count:,} characters; the limit is {summary_max}.",
            field="summary",
            count=len(summary),
            summary_max=SUMMARY_MAX,
        )
    session = tx.session
    caller_row = find_caller(session, caller) if caller else None
    target: Ticket | None
    if new_ticket is not None:
        tx.require(Action.CREATE_TICKET)
        if new_ticket.caller is None and caller_row is not None:
            new_ticket = TicketDraft(**{**new_ticket.__dict__, "caller": f"#{caller_row.id}"})
        target = open_ticket(tx, new_ticket)
    else:
        target = find_ticket(session, ticket) if ticket else None
    contact = Contact(
        channel=kind.value,
        caller_id=caller_row.id if caller_row else (target.caller_id if target else None),
        agent_id=tx.actor.id,
        ticket_id=target.id if target else None,
        summary=summary or (text_input.folded(target.title)[:SUMMARY_MAX] if target else ""),
        occurred_at=tx.now,
    )
    session.add(contact)
    session.flush()
    assert contact.id is not None
    tx.journal(
        "contact",
        contact.id,
        "log",
        {"channel": kind.value, "ticket": target.number if target else None},
    )
    return ContactView(
        contact.id,
        kind.value,
        caller_row.name if caller_row else None,
        tx.actor.login,
        contact.occurred_at,
        contact.summary,
        target.number if target else None,
        new_ticket is not None,
    )
