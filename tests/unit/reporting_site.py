"""A seeded site for the report tests: the demo's year of tickets up to 2 December 2026, with
the SLA figures of the resolved ones replaced by figures drawn from a seeded random stream
(a fifth late, and so on), which the report tests' expected values were written against.

A report test module takes the fixtures as attributes of its own (``clock, seeded =
reporting_site.clock, reporting_site.seeded``; pytest finds fixtures by the module's names,
and an import of them would read as unused to the linter): ``clock`` replaces the shared one
for that module only, so the site's "now" is :data:`NOW`; ``seeded`` is the site with the
data loaded. Not a ``conftest.py``: that would stop the clock for every test of the folder."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from itsm_tui.common.clock import FrozenClock
from itsm_tui.storage.tables import Ticket
from itsm_tui.workflow.demo import load_demo
from itsm_tui.workflow.site import Actor, Site

TICKETS = 800
SEED = 15
#: 2 December 2026, 09:00 in Beijing: November is over.
NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    """The site's clock, stopped at :data:`NOW`."""
    return FrozenClock(NOW)


@pytest.fixture
def seeded(site: Site, admin: Actor) -> Site:
    """The site with the report tests' data: :func:`seed_site`."""
    seed_site(site, admin)
    return site


def seed_site(site: Site, admin: Actor) -> None:
    load_demo(site, admin, tickets=TICKETS, seed=SEED)
    rng = random.Random(SEED)
    with Session(site.engine) as session:
        done = session.exec(
            select(Ticket.id, Ticket.opened_at, Ticket.resolved_at).where(
                col(Ticket.resolved_at).is_not(None)
            )
        ).all()
        for ticket_id, opened, resolved in done:
            assert resolved is not None
            late = rng.random() < 0.2
            due = resolved - timedelta(minutes=5) if late else resolved + timedelta(hours=2)
            session.execute(
                update(Ticket)
                .where(col(Ticket.id) == ticket_id)
                .values(
                    resolution_due_at=due,
                    response_due_at=opened + timedelta(minutes=30),
                    resolution_elapsed_min=rng.randint(5, 3000),
                    reopen_count=1 if rng.random() < 0.05 else 0,
                )
            )
        session.commit()
