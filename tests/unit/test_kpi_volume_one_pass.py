"""Section 1 reads type, category and group in one pass over the period's tickets and labels
them in Python: each breakdown must equal the tickets' own labels counted here, for the site,
a group and a tier, over several periods (a subcategory counts under its top level; a ticket
without a category or group under an empty label)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from itsm_tui.storage.engine import read_session
from itsm_tui.storage.tables import AssignmentGroup, Category, Ticket
from itsm_tui.workflow.context import Read, load_actor
from itsm_tui.workflow.kpi import volume
from itsm_tui.workflow.kpi.base import Window
from itsm_tui.workflow.kpi.periods import parse_period
from itsm_tui.workflow.site import Actor, Site
from tests.unit import reporting_site
from tests.unit.reporting_site import NOW, seed_site

#: The report tests' "now" and clock (pytest finds a fixture by the module's attribute).
clock = reporting_site.clock


@pytest.fixture
def seeded(site: Site, admin: Actor) -> Site:
    seed_site(site, admin)
    with Session(site.engine) as session:
        # Some tickets without a category or a group: they count under an empty label.
        ids = session.exec(select(Ticket.id).order_by(col(Ticket.id))).all()
        session.execute(update(Ticket).where(col(Ticket.id).in_(ids[::7])).values(category_id=None))
        session.execute(update(Ticket).where(col(Ticket.id).in_(ids[::11])).values(group_id=None))
        session.commit()
    return site


def _ranked(counted: Counter[str]) -> list[list[object]]:
    return [[k, n] for k, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))]


def _python(site: Site, window: Window) -> dict[str, object]:
    with Session(site.engine) as session:
        tickets = session.exec(select(Ticket)).all()
        categories = {c.id: c for c in session.exec(select(Category)).all()}
        groups = {g.id: g.name for g in session.exec(select(AssignmentGroup)).all()}

    def label(category_id: int | None) -> str:
        if category_id is None:
            return ""
        c = categories[category_id]
        return categories[c.parent_id].name if c.parent_id is not None else c.name

    received = [
        t
        for t in tickets
        if window.start <= t.opened_at.replace(tzinfo=UTC) < window.end
        and (window.group_id is None or t.group_id == window.group_id)
        and (window.tier is None or t.tier == window.tier)
    ]
    return {
        "received": len(received),
        "by_type": _ranked(Counter(t.type for t in received)),
        "by_category": _ranked(Counter(label(t.category_id) for t in received)),
        "by_group": _ranked(
            Counter(groups[t.group_id] if t.group_id is not None else "" for t in received)
        ),
    }


def test_breakdowns_read_in_one_pass_equal_the_tickets_own(seeded: Site, admin: Actor) -> None:
    zone = seeded.settings.zone
    with Session(seeded.engine) as session:
        group_ids = list(session.exec(select(AssignmentGroup.id)).all())
    with read_session(seeded.engine) as session:
        read = Read(seeded, session, load_actor(session, admin), NOW)
        for key in ("2026-11", "2026-10-15", "2026-Q3"):
            for group_id, tier in [(None, None), (group_ids[0], None), (None, 2)]:
                window = Window(*parse_period(key).bounds(zone), group_id, tier)
                got = volume.compute(read, window, True)
                expected = _python(seeded, window)
                assert {k: got[k] for k in expected} == expected, (key, group_id, tier)
                assert volume.compute(read, window, False) == {"received": got["received"]}
        november = volume.compute(read, Window(*parse_period("2026-11").bounds(zone)), True)
    assert november["received"] > 20
    assert any(label == "" for label, _n in november["by_category"])  # the uncategorised
