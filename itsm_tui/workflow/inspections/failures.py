"""Failures become incidents: a failed item or an out-of-range reading opens an incident on the
item's CI, in the inspecting group's queue; while it is open, a new failure of the same item on
the same CI adds a note to it instead, and a later pass adds a "recovered" note (the incident
is still resolved by a person, not by the reading).

Priority comes from the site's matrix: impact from the CI's criticality (a critical or
high-criticality CI affects many), urgency from the item's severity.

What the rule writes into the record (the incident's title and description, its notes) is in
the site's language (``site_settings.site_language``), as a reopened ticket's follow-up is: it
is read later by anyone, not by the inspector whose console happens to take the reading.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import col, select

from itsm_tui.common.domain import OPEN_STATUSES, NoteKind, Outcome
from itsm_tui.common.i18n import N_
from itsm_tui.storage.tables import (
    AssignmentGroup,
    ConfigurationItem,
    InspectionIncident,
    InspectionItem,
    InspectionRound,
    Ticket,
    TicketNote,
)
from itsm_tui.workflow.context import Tx
from itsm_tui.workflow.inspections.judging import range_text
from itsm_tui.workflow.site_settings import site_language
from itsm_tui.workflow.tickets.core import apply
from itsm_tui.workflow.tickets.create import TicketDraft, open_ticket

#: CI criticality (1 critical … 4 low) → the incident's impact (1 high … 3 low).
IMPACT_OF_CRITICALITY = {1: 1, 2: 1, 3: 2, 4: 3}

OPENED, REPEAT, RECOVERED = "opened", "repeat", "recovered"


def _open_incident(
    tx: Tx, ci_id: int | None, template_code: str, item_key: str
) -> tuple[Ticket, str] | None:
    """The open incident a round raised for this CI and item, with its latest event."""
    ci_match = (
        col(InspectionIncident.ci_id).is_(None)
        if ci_id is None
        else InspectionIncident.ci_id == ci_id
    )
    row = tx.session.exec(
        select(Ticket, InspectionIncident.event)
        .join(InspectionIncident, col(InspectionIncident.ticket_id) == Ticket.id)
        .where(
            ci_match,
            InspectionIncident.template_code == template_code,
            InspectionIncident.item_key == item_key,
            col(Ticket.status).in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(col(InspectionIncident.id).desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def _what(
    say: Callable[[str], str],
    item: InspectionItem,
    outcome: str,
    value: float | None,
    text: str,
    note: str,
) -> str:
    """The reading and note as the incident and its notes say them, in ``say``'s language."""
    from itsm_tui.workflow.inspections.templates import limits_of

    if value is not None:
        shown = f"{value:g} {item.unit or ''}".rstrip()
        said = say(N_("{label}: {value} (normal {range}), {outcome}")).format(
            label=item.label, value=shown, range=range_text(limits_of(item)), outcome=outcome
        )
    else:
        said = say(N_("{label}: {value}, {outcome}")).format(
            label=item.label, value=text or outcome, outcome=outcome
        )
    return said + (f"\n{note}" if note else "")


def _link(
    tx: Tx,
    rnd: InspectionRound,
    item: InspectionItem,
    ticket: Ticket,
    template_code: str,
    event: str,
) -> None:
    assert rnd.id is not None and item.id is not None and ticket.id is not None
    tx.session.add(
        InspectionIncident(
            round_id=rnd.id,
            item_id=item.id,
            ticket_id=ticket.id,
            ci_id=item.ci_id,
            template_code=template_code,
            item_key=item.key,
            event=event,
            created_at=tx.now,
        )
    )


def _note(tx: Tx, ticket: Ticket, body: str, rnd: InspectionRound) -> None:
    assert ticket.id is not None
    tx.session.add(
        TicketNote(
            ticket_id=ticket.id,
            author_id=tx.actor.id,
            kind=NoteKind.WORK_NOTE.value,
            body=body,
            created_at=tx.now,
        )
    )
    apply(tx, ticket, "note", {}, {"chars": len(body), "round": rnd.number})


def after_answer(
    tx: Tx,
    rnd: InspectionRound,
    item: InspectionItem,
    template_code: str,
    outcome: Outcome,
    value: float | None,
    text: str,
    note: str,
) -> tuple[str, str] | None:
    """Open, note or mark recovered the incident this answer concerns; ``(number, event)``."""
    existing = _open_incident(tx, item.ci_id, template_code, item.key)
    if outcome in (Outcome.PASS, Outcome.SKIPPED):
        if outcome == Outcome.SKIPPED or existing is None or existing[1] == RECOVERED:
            return None
        ticket = existing[0]
        say = site_language(tx.session)  # written into the record: the site's language
        body = say(N_("Recovered in round {round}: {what}")).format(
            round=rnd.number, what=_what(say, item, outcome, value, text, note)
        )
        _note(tx, ticket, body, rnd)
        _link(tx, rnd, item, ticket, template_code, RECOVERED)
        return ticket.number, RECOVERED
    say = site_language(tx.session)
    what = _what(say, item, outcome, value, text, note)
    if existing is not None:
        ticket = existing[0]
        body = say(N_("Failed again in round {round}: {what}")).format(round=rnd.number, what=what)
        _note(tx, ticket, body, rnd)
        _link(tx, rnd, item, ticket, template_code, REPEAT)
        return ticket.number, REPEAT
    ci = tx.session.get(ConfigurationItem, item.ci_id) if item.ci_id is not None else None
    group = tx.session.get(AssignmentGroup, rnd.group_id)
    assert group is not None
    subject = ci.name if ci is not None else item.section
    draft = TicketDraft(
        title=say(N_("Inspection: {subject} {label} {outcome}")).format(
            subject=subject, label=item.label, outcome=outcome.value
        )[:200],
        description=say(N_("Round {round}, item {key} ({section}).\n{what}")).format(
            round=rnd.number, key=item.key, section=item.section, what=what
        ),
        group=group.code,
        cis=[f"{ci.ci_class}:{ci.name}"] if ci is not None else [],
        impact=IMPACT_OF_CRITICALITY.get(ci.criticality, 2) if ci is not None else 2,
        urgency=item.severity,
    )
    ticket = open_ticket(tx, draft)
    _link(tx, rnd, item, ticket, template_code, OPENED)
    return ticket.number, OPENED
