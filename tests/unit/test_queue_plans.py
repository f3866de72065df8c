"""Every queue page is read from an index already in the page's order — never by sorting the
tickets that match, which costs more the more match (at a million tickets, "all, closed, by
priority" sorted ~970,000 rows in a temporary B-tree: 308 ms).

For each queue × sort × status filter × priority filter (and a search), first page and a page
after a row, this reads the plan of the statement ``list_tickets`` runs
(``workflow.tickets.queries.page_filter`` → ``storage.ticket_queries.page_ids``; the rows
of the ids it picks are then read by primary key):

- SQLite: no "USE TEMP B-TREE FOR ORDER BY" (nor its "RIGHT PART"), and every range over
  ``ticket`` reads the index meant for that queue and order. SQLite keeps no statistics here
  (nothing runs ANALYZE), so its choice on this small site is its choice at a million tickets.
- PostgreSQL: no Sort node, and the ranges read the queue's index — or, as its costs weigh
  the rows (3,000 demo tickets, analysed), the status index or the whole order's index when
  those are cheaper for the rows at hand. On so few rows it would rightly prefer a sequential
  scan and a sort, so the test turns those off (``enable_seqscan``, ``enable_bitmapscan``,
  ``enable_sort``) for its transaction: what it proves is that each order has an index that
  yields it without sorting; ``benchmarks/queues.py`` shows the plans chosen on 200,000.

The at-risk and breached queues are filtered by a time window that moves with the clock; no
index has their rows in id or priority order, so they are left to the planner (see the
benchmark) and only checked not to scan the whole table.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from itsm_tui.common.domain import TicketStatus
from itsm_tui.storage import ticket_queries as q
from itsm_tui.storage.engine import read_session
from itsm_tui.storage.tables import AssignmentGroup, GroupMember, Staff, StaffRole
from itsm_tui.workflow.context import Read, load_actor
from itsm_tui.workflow.demo import load_demo
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.tickets import Queue, list_tickets
from itsm_tui.workflow.tickets.pages import SORTS
from itsm_tui.workflow.tickets.queries import page_filter

#: (queue, reader) → (index for newest/oldest, index for priority order or a priority filter).
#: "pk": the table itself, in id order.
INDEXES: dict[tuple[Queue, str], tuple[str, str]] = {
    (Queue.MINE, "agent"): ("ix_ticket_assignee_status", "ix_ticket_assignee_by_priority"),
    (Queue.GROUP, "agent"): ("ix_ticket_group_status", "ix_ticket_group_by_priority"),
    (Queue.UNASSIGNED, "agent"): ("ix_ticket_unassigned", "ix_ticket_unassigned_by_priority"),
    (Queue.UNASSIGNED, "sup"): ("ix_ticket_assignee_status", "ix_ticket_assignee_by_priority"),
    (Queue.OPEN, "agent"): ("ix_ticket_status", "ix_ticket_status_by_priority"),
    (Queue.FLAGGED, "agent"): ("ix_ticket_flagged", "ix_ticket_flagged_by_priority"),
    (Queue.ALL, "agent"): ("pk", "ix_ticket_by_priority"),
}
STATUSES: tuple[TicketStatus | None, ...] = (None, *TicketStatus)


def test_the_console_and_the_storage_offer_the_same_orders() -> None:
    assert tuple(q.SORTS) == SORTS


@pytest.fixture
def demo(site: Site, admin: Actor) -> dict[str, Actor]:
    """A demo site of 3,000 tickets (analysed, on PostgreSQL) and its readers: a tier-1
    agent of a hotline group, and a supervisor."""
    load_demo(site, admin, tickets=3_000, seed=2026)
    with read_session(site.engine) as s:
        agent = s.execute(
            q.sa.select(Staff.id)
            .join(GroupMember, GroupMember.staff_id == Staff.id)
            .join(AssignmentGroup, AssignmentGroup.id == GroupMember.group_id)
            .join(StaffRole, StaffRole.staff_id == Staff.id)
            .where(AssignmentGroup.tier == 1, StaffRole.role == "agent")
            .order_by(Staff.id)
        ).scalar()
        boss = s.execute(
            q.sa.select(Staff.id)
            .join(StaffRole, StaffRole.staff_id == Staff.id)
            .where(StaffRole.role == "supervisor")
            .order_by(Staff.id)
        ).scalar()
    assert agent and boss
    return {
        "agent": Actor(agent, "", "", 1, frozenset()),
        "sup": Actor(boss, "", "", 1, frozenset()),
    }


@contextmanager
def reading(site: Site, who: Actor) -> Iterator[Read]:
    with read_session(site.engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                session.execute(q.sa.text(f"SET LOCAL {setting} = off"))
        yield Read(site, session, load_actor(session, who), site.clock.now())


def _scans(lines: list[str], dialect: str) -> tuple[set[str], list[str]]:
    """The indexes the page's ranges over ``ticket`` read, and its sort steps."""
    used: set[str] = set()
    sorts: list[str] = []
    for n, line in enumerate(lines):
        if dialect == "sqlite":
            if "TEMP B-TREE" in line:
                sorts.append(line)
            elif re.match(r"(SCAN|SEARCH) ticket\b", line) and "(rowid=?)" not in line:
                m = re.search(r"INDEX (\w+)", line)
                used.add(m.group(1) if m else "pk")
        else:
            if re.search(r"(^|->)\s*(Incremental )?Sort\s+\(", line):
                sorts.append(line.strip())
            if "Seq Scan on ticket " in line:
                used.add("seq scan")
            m = re.search(r"Index (?:Only )?Scan(?: Backward)? using (\w+) on ticket ", line)
            lookup = n + 1 < len(lines) and "Index Cond: (id = " in lines[n + 1]
            if m and not lookup:  # (a joined row looked up by key is no range of the page)
                used.add("pk" if m.group(1) == "pk_ticket" else m.group(1))
    return used, sorts


def _cases() -> Iterator[tuple[Queue, str, str, TicketStatus | None, int | None, str | None]]:
    for (queue, who), sort, status, priority in itertools.product(
        INDEXES, SORTS, STATUSES, (None, 1)
    ):
        yield queue, who, sort, status, priority, None
    for (queue, who), sort in itertools.product(INDEXES, SORTS):
        yield queue, who, sort, None, None, "打印机"


def test_every_page_reads_its_order_from_an_index(site: Site, demo: dict[str, Actor]) -> None:
    checked = 0
    for queue, who, sort, status, priority, text in _cases():
        with reading(site, demo[who]) as read:
            dialect = read.session.get_bind().dialect.name
            page = page_filter(read, queue, status=status, priority=priority, text=text)
            if not page.each:
                continue  # an open-work queue filtered by a closed status: nothing to read
            # As list_tickets: one priority, priority order = newest first within it.
            order = "newest" if sort == "priority" and priority is not None else sort
            by_priority = sort == "priority" or priority is not None
            want = INDEXES[queue, who][1 if by_priority else 0]
            if queue is Queue.ALL and status is not None:
                want = "ix_ticket_status_by_priority" if by_priority else "ix_ticket_status"
            # PostgreSQL's costs, unlike SQLite's, weigh the rows: a range of one status may
            # rightly beat the queue's own index (one "new" ticket among 3,000), and so may
            # walking the whole order and filtering when nearly every row matches (closed).
            also = {*INDEXES[Queue.OPEN, "agent"], *INDEXES[Queue.ALL, "agent"]}
            cursor = (3, 1234) if order == "priority" else (1234,)  # a row's place in the order
            for after, backwards in ((None, False), (cursor, False), (cursor, True)):
                parts = q.page_ids(
                    page.where,
                    each=page.each,
                    after=after,
                    limit=50,
                    sort=order,
                    backwards=backwards,
                    dialect=dialect,
                )
                for ids in parts:  # each part of the page, as list_tickets reads them in turn
                    lines = q.plan(read.session, ids)
                    used, sorts = _scans(lines, dialect)
                    case = f"{queue} as {who}, {sort}, {status}, P{priority}, {text!r}, {after}"
                    shown = f"{case} reads {used}, not {want}:\n" + "\n".join(lines)
                    assert not sorts, shown
                    if text is not None:
                        continue  # words are matched on the table's rows: any index in order
                    if dialect == "postgresql":
                        assert used and used <= {want, *also}, shown
                    else:
                        assert used == {want}, shown
                    checked += 1
    assert checked > 700


@pytest.mark.parametrize("queue", [Queue.AT_RISK, Queue.BREACHED])
def test_risk_queues_never_scan_the_table(site: Site, demo: dict[str, Actor], queue: Queue) -> None:
    for who, sort, status in itertools.product(("agent", "sup"), SORTS, (None, "new")):
        with read_session(site.engine) as session:
            read = Read(site, session, load_actor(session, demo[who]), site.clock.now())
            wanted = TicketStatus(status) if status else None
            page = page_filter(read, queue, status=wanted)
            dialect = session.get_bind().dialect.name
            (ids,) = q.page_ids(
                page.where, each=page.each, after=None, limit=50, sort=sort, dialect=dialect
            )
            lines = q.plan(session, ids)
            used, _ = _scans(lines, dialect)
            assert used and not used & {"pk", "seq scan"}, "\n".join(lines)


@pytest.mark.parametrize("queue", [Queue.OPEN, Queue.ALL])
@pytest.mark.parametrize("sort", SORTS)
def test_paging_by_key_both_ways_reads_each_row_once_in_order(
    site: Site, demo: dict[str, Actor], queue: Queue, sort: str
) -> None:
    """Page by page forwards (``after``) and backwards (``before``), a queue reads the rows
    one big page holds, in the same order — across the ranges merged for each status and,
    sorted by priority, across each change of priority."""
    agent = demo["agent"]
    status = "resolved" if queue is Queue.ALL else None  # a few hundred of the demo's rows
    whole = list_tickets(site, agent, queue, sort=sort, status=status, limit=500).rows
    assert 20 < len(whole) < 500
    forwards: list[int] = []
    after = None
    while True:
        page = list_tickets(site, agent, queue, sort=sort, status=status, limit=7, after=after)
        forwards += [r.id for r in page.rows]
        if page.next_after is None:
            break
        after = page.next_after
    assert forwards == [r.id for r in whole]
    backwards: list[int] = []
    before = 0  # the last page
    while True:
        rows = list_tickets(site, agent, queue, sort=sort, status=status, limit=7, before=before)
        backwards = [r.id for r in rows.rows] + backwards
        if len(rows.rows) < 7:
            break
        before = rows.rows[0].id
    assert backwards == forwards
