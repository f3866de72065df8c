"""``load_demo``: a whole demo site, deterministic, in one transaction.

Why one transaction, even for a million tickets: a half-loaded demo would be refused as "already
loaded" and could not be finished or told apart from a complete one, and docs/architecture.md
promises that nothing is ever half-written. SQLite and PostgreSQL both handle one long bulk
transaction well; memory stays flat because rows stream through in chunks (see ``tickets``).

Why separate random streams (people, catalog, arrivals and tickets): each part stays the same
when another part changes, so a new caller field does not reshuffle every ticket.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, select, update
from sqlmodel import Session

from itsm_tui.common.domain import NUMBER_PREFIX, TicketType
from itsm_tui.common.errors import Invalid
from itsm_tui.storage import bulk
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.demo.catalog import Catalog, create_catalog
from itsm_tui.workflow.demo.changes import load_changes
from itsm_tui.workflow.demo.epoch import epoch_stamper
from itsm_tui.workflow.demo.inspection_incidents import raise_inspection_incidents
from itsm_tui.workflow.demo.inspections import create_inspections
from itsm_tui.workflow.demo.knowledge_load import load_knowledge
from itsm_tui.workflow.demo.people import People, create_people
from itsm_tui.workflow.demo.quality import write_quality
from itsm_tui.workflow.demo.sla_figures import SlaFigures
from itsm_tui.workflow.demo.sla_start import start_clocks
from itsm_tui.workflow.demo.tickets import Ids, TicketFactory, write_chunk
from itsm_tui.workflow.demo.vocabulary import ADMIN_GROUP, DEMO_GROUP_CODES
from itsm_tui.workflow.demo.writing import reset_sequences, table_of, write
from itsm_tui.workflow.groups import join_group
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.quality.scheme import DEFAULT_SCHEME_TOML
from itsm_tui.workflow.quality.scorecards import store_scheme
from itsm_tui.workflow.quality.surveys import alert_low_scores

Progress = Callable[[int, int], None]

MAX_TICKETS = 10_000_000


@dataclass(frozen=True)
class DemoSummary:
    """How many rows the demo wrote, per table (tickets also split by type)."""

    staff: int = 0
    staff_roles: int = 0
    assignment_groups: int = 0
    group_members: int = 0
    callers: int = 0
    locations: int = 0
    categories: int = 0
    configuration_items: int = 0
    ci_relations: int = 0
    ci_documents: int = 0
    tickets: int = 0
    incidents: int = 0
    requests: int = 0
    contacts: int = 0
    ticket_notes: int = 0
    ticket_cis: int = 0
    journal_entries: int = 0
    inspection_templates: int = 0
    inspection_items: int = 0
    inspection_schedules: int = 0
    inspection_rounds: int = 0
    inspection_answers: int = 0
    inspection_incidents: int = 0
    surveys: int = 0
    complaints: int = 0
    complaint_journal_entries: int = 0  # apart: the tickets' journal is compared with raw loads
    low_score_alerts: int = 0  # the history's low survey scores, alerted as live ones are
    changes: int = 0
    change_approvals: int = 0
    change_links: int = 0
    change_freezes: int = 0

    def __str__(self) -> str:
        """The counts in words, in the language in force (``itsm demo`` prints it)."""
        from itsm_tui.common.i18n import _

        return _(
            "{tickets:,} tickets ({incidents:,} incidents, {requests:,} requests), "
            "{contacts:,} contacts, {journal_entries:,} journal entries, "
            "{staff} staff in {assignment_groups} groups, {callers:,} callers, "
            "{configuration_items} CIs"
        ).format(**asdict(self))


@dataclass(frozen=True)
class Streams:
    """The independent random streams of one seed."""

    people: random.Random
    catalog: random.Random
    tickets: random.Random

    @classmethod
    def of(cls, seed: int) -> Streams:
        # String seeds are hashed with SHA-512: stable across runs and Python builds.
        parts = ("people", "catalog", "tickets")
        return cls(*(random.Random(f"itsm-demo:{seed}:{part}") for part in parts))


def refuse_if_loaded(conn: Connection) -> None:
    """Refuse a second load. The demo's own journal entry marks a loaded demo; failing that
    (an older load), all its groups being there does. A site that merely uses one of the
    demo's group codes is refused later, by the clash check, with a message that says so."""
    journal = table_of("journal_entry")
    marked = conn.execute(
        select(journal.c.id)
        .where(journal.c.entity == "site", journal.c.action == "demo_load")
        .limit(1)
    ).first()
    groups = table_of("assignment_group")
    found = conn.execute(
        select(func.count()).select_from(groups).where(groups.c.code.in_(DEMO_GROUP_CODES))
    ).scalar_one()
    if marked is not None or found == len(DEMO_GROUP_CODES):
        raise Invalid(
            "Demo data is already loaded in this database; load it into a new one.",
            field="demo",
        )


def create_reference(conn: Connection, seed: int, now: int) -> tuple[People, Catalog]:
    """Write the reference data (places, categories, CIs, staff, groups, callers)."""
    streams = Streams.of(seed)
    stamp = epoch_stamper(conn)
    catalog = create_catalog(conn, streams.catalog, now, stamp)
    people = create_people(conn, streams.people, now, stamp, catalog)
    return people, catalog


def first_ids(conn: Connection) -> Ids:
    """Where the demo's ids and ticket numbers start (after whatever the database holds)."""
    table = table_of("number_series")
    series = {row.prefix: row.last_value for row in conn.execute(select(table))}
    return Ids(
        ticket=bulk.next_id(conn, table_of("ticket")),
        contact=bulk.next_id(conn, table_of("contact")),
        note=bulk.next_id(conn, table_of("ticket_note")),
        journal=bulk.next_id(conn, table_of("journal_entry")),
        last_incident=int(series.get(NUMBER_PREFIX[TicketType.INCIDENT], 0)),
        last_request=int(series.get(NUMBER_PREFIX[TicketType.REQUEST], 0)),
    )


def ticket_factory(
    conn: Connection,
    people: People,
    catalog: Catalog,
    *,
    seed: int,
    now: int,
    count: int,
    zone: ZoneInfo,
) -> TicketFactory:
    """The generator of the demo's tickets, positioned after the database's existing rows,
    measuring the finished ones by the site's SLA policies as it goes."""
    stamp = epoch_stamper(conn)
    with Session(bind=conn) as session:  # joins the caller's transaction, and leaves it open
        sla = SlaFigures.of(session, stamp, catalog.ci_name)
    return TicketFactory(
        people,
        catalog,
        rng=Streams.of(seed).tickets,
        now=now,
        count=count,
        zone=zone,
        stamp=stamp,
        ids=first_ids(conn),
        sla=sla,
    )


def _set_number_series(conn: Connection, factory: TicketFactory) -> None:
    """Leave each series at the last number the demo used, as ``numbering`` would have."""
    table = table_of("number_series")
    for ticket_type, value in factory.last.items():
        prefix = NUMBER_PREFIX[TicketType(ticket_type)]
        done = conn.execute(
            update(table).where(table.c.prefix == prefix).values(last_value=value)
        ).rowcount
        if not done:
            conn.execute(insert(table).values(prefix=prefix, last_value=value))


def write_tickets(
    conn: Connection, factory: TicketFactory, progress: Progress | None = None
) -> dict[str, int]:
    """Stream the factory's chunks into the tables; return the row counts per summary field."""
    counts = dict.fromkeys(_COUNTER.values(), 0) | {"incidents": 0, "requests": 0}

    def write_counted(name: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> int:
        written = write(conn, name, columns, rows)
        if name in _COUNTER:  # the title index is no demo content of its own
            counts[_COUNTER[name]] += written
        return written

    if progress:
        progress(0, factory.count)
    for chunk in factory.chunks():
        write_chunk(write_counted, chunk)
        counts["incidents"] += chunk.incidents
        counts["requests"] += chunk.requests
        if progress:
            progress(counts["tickets"], factory.count)
    return counts


@mutation(Action.ADMINISTER)
def load_demo(
    tx: Tx, *, tickets: int = 50_000, seed: int = 2026, progress: Progress | None = None
) -> DemoSummary:
    """Load a demo site: staff, groups, callers, places, categories, CIs and a year of tickets.

    The same seed and clock give the same rows. ``progress(done, total)`` is called as tickets
    are written. Refused if the demo is already loaded. The admin who loads it joins its
    hotline (a journaled membership, as ``itsm group add-member`` would write), so a call can
    be logged and worked as them on a fresh demo site.
    """
    if not 0 <= tickets <= MAX_TICKETS:
        raise Invalid(
            "tickets must be between 0 and {max_tickets:,}.",
            field="tickets",
            max_tickets=MAX_TICKETS,
        )
    conn = tx.session.connection()
    refuse_if_loaded(conn)
    now = int(tx.now.timestamp())
    people, catalog = create_reference(conn, seed, now)
    factory = ticket_factory(
        conn, people, catalog, seed=seed, now=now, count=tickets, zone=tx.site.settings.zone
    )
    counts = {**catalog.counts, **people.counts, **write_tickets(conn, factory, progress)}
    counts |= create_inspections(
        conn,
        random.Random(f"itsm-demo:{seed}:inspections"),
        now,
        epoch_stamper(conn),
        zone=tx.site.settings.zone,
        groups=people.group,
        inspectors=people.team["inspector"],
        ci_ids={name: ci_id for ci_id, name in catalog.ci_name.items()},
        history=tickets > 0,  # an empty desk: the checklists and schedules, no rounds yet
    )
    if tickets:
        _set_number_series(conn, factory)
    if tickets:  # a year of history: its changes too (without it, the estate alone)
        for key, written in load_changes(tx, people, catalog, seed=seed).items():
            counts[key] = counts.get(key, 0) + written
    reset_sequences(conn)
    counts.update(write_quality(conn, people, catalog, seed=seed, now=now))
    # The history's low scores reach the supervisors as a live answer's would: the same rule.
    counts["low_score_alerts"] = alert_low_scores(tx)
    store_scheme(tx, DEFAULT_SCHEME_TOML)
    join_group(tx, ADMIN_GROUP, tx.actor.login)
    load_knowledge(tx, catalog, people, seed)
    # Incidents like any other (the next call's number follows them), counted apart as well.
    for key, added in raise_inspection_incidents(tx).items():
        counts[key] = counts.get(key, 0) + added
    start_clocks(tx.session, tx.now)
    if conn.dialect.name == "postgresql":
        # Fresh statistics, or the planner guesses on a million unseen rows until autovacuum
        # comes round (a queue of a few flagged tickets was read by a scan of the whole table).
        conn.exec_driver_sql("ANALYZE")
    summary = DemoSummary(**counts)
    tx.journal("site", 0, "demo_load", {"seed": seed, **asdict(summary)})
    return summary


#: Table → the summary field counting its rows.
_COUNTER = {
    "ticket": "tickets",
    "contact": "contacts",
    "ticket_note": "ticket_notes",
    "ticket_ci": "ticket_cis",
    "journal_entry": "journal_entries",
}
