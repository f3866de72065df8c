"""Work notes (internal) and public replies on a ticket."""

from __future__ import annotations

from itsm_tui.common.domain import NoteKind
from itsm_tui.storage.tables import TicketNote
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.tickets.core import apply, load
from itsm_tui.workflow.tickets.create import check_text
from itsm_tui.workflow.tickets.views import TicketView, ticket_view


@mutation(Action.WORK_TICKET)
def add_note(tx: Tx, number: str, body: str, *, public: bool = False) -> TicketView:
    """Add a note. A public reply is a response to the caller: the first one stops the response
    clock if a claim did not stop it before.

    A note bumps the ticket's version (it is a change others should see) but takes no expected
    version: adding a note never conflicts with anything.
    """
    check_text("note", body, required=True)
    ticket = load(tx, number, "note")
    assert ticket.id is not None
    kind = NoteKind.PUBLIC_REPLY if public else NoteKind.WORK_NOTE
    tx.session.add(
        TicketNote(
            ticket_id=ticket.id,
            author_id=tx.actor.id,
            kind=kind.value,
            body=body,
            created_at=tx.now,
        )
    )
    changes = {}
    if public and ticket.first_response_at is None:
        changes["first_response_at"] = tx.now
    apply(tx, ticket, "reply" if public else "note", changes, {"chars": len(body)})
    return ticket_view(tx.session, ticket)
