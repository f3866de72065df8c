"""The demo's inspection-born incidents: the six weeks of readings are written in bulk, then
every answer that concerns a failure — each warn or fail, and the later answers of the same
item on the same CI — goes through the live rule (:func:`failures.after_answer`) in the order
it was given, as its inspector, at the time it was given.

So the demo's incidents are the ones a live site would have: 精密空调-03's return-air drift
opens one incident on the unit and adds a note for each reading after, a PDU spike opens its
own, a reading back in range adds a "recovered" note — each linked to its round, in the
machine-room group's queue, with the SLA clock started when the reading was taken. Only the
answers of items that ever failed are replayed (a few dozen of some 3,500): a pass on an item
with no incident does nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, tuple_

from itsm_tui.common.domain import Outcome
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    Contact,
    InspectionAnswer,
    InspectionItem,
    InspectionRound,
    JournalEntry,
    Ticket,
    TicketCI,
    TicketNote,
)
from itsm_tui.workflow.context import Tx, load_actor
from itsm_tui.workflow.inspections import failures
from itsm_tui.workflow.site import Actor

_FAILED = (Outcome.WARN.value, Outcome.FAIL.value)


#: The demo summary's counters of the rows the replay adds (ticket and journal families).
_COUNTED = {
    "tickets": core_table(Ticket),
    "ticket_notes": core_table(TicketNote),
    "contacts": core_table(Contact),
    "journal_entries": core_table(JournalEntry),
}


def raise_inspection_incidents(tx: Tx) -> dict[str, int]:
    """Replay the failures of the demo's rounds through the live rule; return the rows it
    added, by the demo summary's counters (``inspection_incidents``: the incidents opened)."""
    session = tx.session
    conn = session.connection()
    last = {
        name: conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one()
        for name, t in _COUNTED.items()
    }
    opened = _replay(tx)
    session.flush()  # the notes and links added through the session: counted below
    added = {
        name: conn.execute(select(func.count()).where(t.c.id > last[name])).scalar_one()
        for name, t in _COUNTED.items()
    }
    links = core_table(TicketCI)  # no id of its own: the new tickets' links
    added["ticket_cis"] = conn.execute(
        select(func.count()).where(links.c.ticket_id > last["tickets"])
    ).scalar_one()
    return {**added, "incidents": opened, "inspection_incidents": opened}


def _replay(tx: Tx) -> int:
    """Each answer of an item that ever failed, through the rule, in order; the incidents
    opened."""
    answer = core_table(InspectionAnswer)
    session = tx.session
    failed = (
        select(answer.c.template_code, answer.c.item_key, answer.c.ci_id)
        .where(answer.c.outcome.in_(_FAILED))
        .distinct()
    )
    keys = {(code, key, ci) for code, key, ci in session.connection().execute(failed)}
    if not keys:
        return 0
    rows = (
        session.connection()
        .execute(
            select(
                answer.c.item_key,
                answer.c.ci_id,
                answer.c.round_id,
                answer.c.item_id,
                answer.c.template_code,
                answer.c.outcome,
                answer.c.value,
                answer.c.text,
                answer.c.note,
                answer.c.answered_by_id,
                answer.c.answered_at,
            )
            .where(
                tuple_(answer.c.template_code, answer.c.item_key).in_({(c, k) for c, k, _ in keys}),
                answer.c.outcome != Outcome.SKIPPED.value,
                # The open round's answers are stamped a few minutes apart from its slot, some
                # after the load's "now": those have not happened yet.
                answer.c.answered_at <= tx.now,
            )
            .order_by(answer.c.answered_at, answer.c.id)
        )
        .all()
    )
    actors: dict[int | None, Actor] = {}
    opened = 0
    for key, ci, round_id, item_id, code, outcome, value, text, note, by, at in rows:
        if (code, key, ci) not in keys:
            continue  # the same item on another CI (a NULL CI matches only by Python's ==)
        rnd = session.get(InspectionRound, round_id)
        item = session.get(InspectionItem, item_id)
        assert rnd is not None and item is not None
        if by not in actors:
            actors[by] = load_actor(session, Actor(by, "", "", 1, frozenset())) if by else tx.actor
        when: datetime = at
        step = Tx(tx.site, session, actors[by], when)
        done = failures.after_answer(step, rnd, item, code, Outcome(outcome), value, text, note)
        tx.journaled += step.journaled
        opened += done is not None and done[1] == failures.OPENED
    return opened
