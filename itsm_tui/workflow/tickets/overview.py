"""Everything the ticket screen shows, in one read: the ticket with its notes and calls, its
journal, the business services its CIs put at stake, and its SLA clocks in business time.

One transaction (one actor check, one ticket lookup) instead of three reads one after the other:
opening a ticket from a queue is the console's most frequent wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from itsm_tui.common.ticket_rows import HistoryEntry
from itsm_tui.storage import ticket_queries as q
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import InspectionIncident, InspectionRound
from itsm_tui.workflow.cmdb.impact import ServicesAtStake, stake_of
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.history_text import HistoryLine, read_names, timeline
from itsm_tui.workflow.lookup import find_ticket
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.sla.progress import Measure
from itsm_tui.workflow.sla.time_left import Progress
from itsm_tui.workflow.tickets.queries import TicketDetail, detail_of


@dataclass(frozen=True)
class TicketOverview:
    """The ticket screen's data: ``response`` and ``resolution`` are business time left;
    ``timeline`` the journal, notes and calls in words (``workflow.history_text``), oldest
    first; ``history`` the raw journal."""

    detail: TicketDetail
    history: list[HistoryEntry]
    timeline: list[HistoryLine]
    stake: ServicesAtStake
    response: Progress
    resolution: Progress
    read_at: datetime
    #: The inspection rounds that opened or noted this incident (its screen links back).
    rounds: list[str] = field(default_factory=list)


def _rounds_read() -> sa.Select[Any]:
    rounds, incidents = core_table(InspectionRound), core_table(InspectionIncident)
    return (
        sa.select(rounds.c.number)
        .join(incidents, incidents.c.round_id == rounds.c.id)
        .where(incidents.c.ticket_id == sa.bindparam("ticket_id", type_=sa.Integer))
        .distinct()
    )


#: Built once, read as plain rows: every ticket screen asks it.
_ROUNDS = _rounds_read()


def _rounds(session: Session, ticket_id: int) -> list[str]:
    """The rounds whose answers opened or noted the ticket (``ix_inspection_incident_ticket``)."""
    return sorted(session.execute(_ROUNDS, {"ticket_id": ticket_id}).scalars())


@query(Action.VIEW_TICKETS)
def ticket_overview(read: Read, number: str) -> TicketOverview:
    """The ticket, its timeline, what its CIs put at stake and its SLA clocks, in one read."""
    ticket = find_ticket(read.session, number)
    assert ticket.id is not None
    measure = Measure(read.session, read.now)
    detail = detail_of(read, ticket)
    history = q.history(read.session, ticket.id)
    names = read_names(read, history)
    zone = read.site.settings.zone
    return TicketOverview(
        detail,
        history,
        timeline(history, detail.notes, detail.contacts, zone, names),
        stake_of(read, ticket),
        measure.response(ticket),
        measure.resolution(ticket),
        read.now,
        _rounds(read.session, ticket.id),
    )
