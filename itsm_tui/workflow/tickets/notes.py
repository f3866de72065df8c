"""Work notes (internal) and public replies on a ticket."""

from __future__ import annotations

from itsm_tui.common.domain import NoteKind
from itsm_tui.storage.tables import TicketNote
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.tickets.core import apply, load, permit
from itsm_tui.workflow.tickets.create import check_text
from itsm_tui.workflow.tickets.views import TicketView, ticket_view


@mutation(Action.WORK_TICKET)
def add_note(tx: Tx, number: str, body: str, *, public: bool = False) -> TicketView:
    """Add a note. A public reply is a response to the caller: the first one stops the response
    clock if a claim did not stop it before.

    Who may (the rule is ``tickets.offered``): anyone on the desk may add an internal work note
    to any ticket not yet closed (the hotline records "the caller rang again" on a ticket
    another group holds, resolved or not; nobody outside sees it);
    a public reply speaks for the group that holds the ticket, so it is for the ticket's
    assignee, its group's members and supervisors, like every other working operation. A reply
    from outside the group therefore never counts as the group's first response.

    A note bumps the ticket's version (it is a change others should see) but takes no expected
    version: adding a note never conflicts with anything.
    """
    check_text("note", body, required=True)
    ticket = load(tx, number, "note")
    assert ticket.id is not None
    permit(tx, ticket, "reply" if public else "note")
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
    return ticket_view(tx.session, ticket, tx.actor)
