"""Start the SLA clocks of the demo's open tickets, as if the scheduler had run all along.

The finished tickets were measured as they were written (``sla_figures``); the open ones are
inserted without SLA columns, because their thresholds need recording too. Each open ticket
is measured from its journal (the same ``clock.measure`` every ticket change uses), and the
warnings and tier budgets already behind it are recorded as handled, so the first scan does
not replay a year of backlog at once (nor escalate demo tickets automatically).

A breach already behind it is *not* recorded as handled: a breached ticket whose breach was
marked done without an alert is exactly what a supervisor must not miss. (It was so once: the
demo's breached tickets showed on the dashboard's "Breached" card while every inbox said
"No alerts.", because no scan had ever raised them.) The ticket's ``next_sla_at`` is then due,
and the scheduler's first scan, which runs as it starts, raises each breach's alerts through
the ladder like any other (assignee, group supervisor, managers). Chunked and set-based, like
the scan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, col, select

from itsm_tui.common.domain import OPEN_STATUSES
from itsm_tui.storage.tables import SlaEvent, Ticket
from itsm_tui.workflow.sla import clock
from itsm_tui.workflow.sla import config as cfg

CHUNK = 1_000


def breach(threshold: clock.Threshold) -> bool:
    """A response or resolution time used up: left for the first scan to alert."""
    return threshold.clock != "tier" and threshold.percent >= 100


def start_clocks(session: Session, now: datetime) -> int:
    """Measure every open ticket, mark its past warnings handled (its breaches are left to the
    first scan, which alerts them); return how many."""
    config = cfg.read_config(session)
    is_open = col(Ticket.status).in_([s.value for s in OPEN_STATUSES])
    after, started = 0, 0
    while tickets := list(
        session.exec(
            select(Ticket)
            .where(is_open, col(Ticket.id) > after)
            .order_by(col(Ticket.id))
            .limit(CHUNK)
        ).all()
    ):
        after = tickets[-1].id or after
        ids = [t.id for t in tickets if t.id is not None]
        journals = clock.journals(session, ids)
        policies = clock.policies_for(session, tickets, config)
        measured, handled = [], []
        for ticket in tickets:
            assert ticket.id is not None
            policy = policies[ticket.id]
            cal = cfg.calendar(session, policy.calendar)
            clocks = clock.measure(ticket, now, policy, cal, journals[ticket.id], set())
            past = [th for th in clocks.thresholds if th.at <= now and not breach(th)]
            handled += [
                {"ticket_id": ticket.id, "kind": th.kind, "due_at": th.at, "fired_at": th.at}
                for th in past
            ]
            marked = tuple(replace(th, fired=th in past) for th in clocks.thresholds)
            measured.append((ticket, replace(clocks, thresholds=marked)))
        if handled:
            session.execute(insert(SlaEvent), handled)
        clock.refresh_many(session, measured)
        session.expunge_all()  # keep memory flat over a million-ticket demo
        started += len(tickets)
    return started
