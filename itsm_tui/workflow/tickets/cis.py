"""The configuration items a ticket is about: link one, unlink one.

Each is a change to the ticket like any other: version-checked and bumped, journaled as
``cis: [before, after]`` (the names, so the timeline reads like the other field changes), and
refused once the ticket is resolved, closed or cancelled.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from itsm_tui.common.errors import Conflict, NotFound
from itsm_tui.storage.tables import ConfigurationItem, Ticket, TicketCI
from itsm_tui.workflow.cmdb.items import find_ci
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.tickets.core import apply, load, permit
from itsm_tui.workflow.tickets.views import TicketView, ticket_view


def _linked(session: Session, ticket: Ticket) -> list[str]:
    return list(
        session.exec(
            select(ConfigurationItem.name)
            .join(TicketCI, col(TicketCI.ci_id) == ConfigurationItem.id)
            .where(TicketCI.ticket_id == ticket.id)
            .order_by(ConfigurationItem.name)
        ).all()
    )


@mutation(Action.WORK_TICKET)
def link_ci(tx: Tx, number: str, ci_ref: str, *, expected_version: int | None = None) -> TicketView:
    """Say the ticket is about one more CI (``#id``, asset tag, name or ``class:name``)."""
    ticket = load(tx, number, "update", expected_version)
    permit(tx, ticket, "update")
    ci = find_ci(tx.session, ci_ref)
    if tx.session.get(TicketCI, (ticket.id, ci.id)) is not None:
        raise Conflict(
            "{number} is already linked to {name}.", field="ci", number=ticket.number, name=ci.name
        )
    before = _linked(tx.session, ticket)
    assert ticket.id is not None and ci.id is not None  # both were read from the database
    tx.session.add(TicketCI(ticket_id=ticket.id, ci_id=ci.id))
    tx.session.flush()
    apply(tx, ticket, "link_ci", {}, {"cis": [before, _linked(tx.session, ticket)]})
    return ticket_view(tx.session, ticket, tx.actor)


@mutation(Action.WORK_TICKET)
def unlink_ci(
    tx: Tx, number: str, ci_ref: str, *, expected_version: int | None = None
) -> TicketView:
    """Say the ticket is not about this CI after all."""
    ticket = load(tx, number, "update", expected_version)
    permit(tx, ticket, "update")
    ci = find_ci(tx.session, ci_ref)
    row = tx.session.get(TicketCI, (ticket.id, ci.id))
    if row is None:
        raise NotFound(
            "{number} is not linked to {name}.", field="ci", number=ticket.number, name=ci.name
        )
    before = _linked(tx.session, ticket)
    tx.session.delete(row)
    tx.session.flush()
    apply(tx, ticket, "unlink_ci", {}, {"cis": [before, _linked(tx.session, ticket)]})
    return ticket_view(tx.session, ticket, tx.actor)
