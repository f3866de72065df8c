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
from datetime import UTC, datetime
from pathlib import Path

import pytest

from itsm_tui.common.domain import OPEN_STATUSES, PRIORITY_LEVELS, TicketStatus
from itsm_tui.storage import ticket_queries as q
from itsm_tui.storage.engine import read_session
from itsm_tui.storage.tables import AssignmentGroup, GroupMember, Staff, StaffRole, Ticket
from itsm_tui.workflow.context import Read, load_actor
from itsm_tui.workflow.demo import load_demo
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.tickets import Queue, list_tickets, title_search
from itsm_tui.workflow.tickets.pages import SORTS
from itsm_tui.workflow.tickets.queries import page_filter

#: (queue, reader) → (index for newest/oldest, index for priority order or a priority filter,
#: index for the deadline order, with or without a priority filter). "pk": the table itself,
#: in id order.
INDEXES: dict[tuple[Queue, str], tuple[str, str, str]] = {
    (Queue.MINE, "agent"): (
        "ix_ticket_assignee_status",
        "ix_ticket_assignee_by_priority",
        "ix_ticket_assignee_by_due",
    ),
    (Queue.GROUP, "agent"): (
        "ix_ticket_group_status",
        "ix_ticket_group_by_priority",
        "ix_ticket_group_by_due",
    ),
    (Queue.UNASSIGNED, "agent"): (
        "ix_ticket_unassigned",
        "ix_ticket_unassigned_by_priority",
        "ix_ticket_unassigned_by_due",
    ),
    (Queue.UNASSIGNED, "sup"): (
        "ix_ticket_assignee_status",
        "ix_ticket_assignee_by_priority",
        "ix_ticket_assignee_by_due",
    ),
    (Queue.OPEN, "agent"): (
        "ix_ticket_status",
        "ix_ticket_status_by_priority",
        "ix_ticket_status_due",
    ),
    (Queue.FLAGGED, "agent"): (
        "ix_ticket_flagged",
        "ix_ticket_flagged_by_priority",
        "ix_ticket_flagged_by_due",
    ),
    (Queue.ALL, "agent"): ("pk", "ix_ticket_by_priority", "ix_ticket_by_due"),
}
#: The open queue's (or all with a status filter's) index, by the order's kind.
BY_STATUS = INDEXES[Queue.OPEN, "agent"]
#: The open queue by deadline at one priority: (status, priority, deadline, id), partial on
#: the open statuses — a range per status, never the whole deadline range of each.
OPEN_PRIORITY_DUE = "ix_ticket_open_priority_due"
#: The whole queue by deadline at a finished status (resolved, closed, cancelled) and one
#: priority: the partial index of the finished tickets, twin of OPEN_PRIORITY_DUE.
DONE_PRIORITY_DUE = "ix_ticket_done_priority_due"
#: A row's place in each order: for the deadline, one with a deadline and one without.
DEADLINE = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
CURSORS: dict[str, tuple[tuple[object, ...], ...]] = {
    "newest": ((1234,),),
    "oldest": ((1234,),),
    "priority": ((3, 1234),),
    "due": ((DEADLINE, 1234), (None, 1234)),
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
            # A bitmap scan reads its index's range too (the ticket's indexes are all named
            # ix_ticket_*; the table's key is pk_ticket): on a range of a row or two, as one
            # group's new tickets past due, PostgreSQL rightly prefers it to a plain one.
            m = re.search(r"Bitmap Index Scan on ((?:ix|pk)_ticket\w*)", line)
            if m:
                used.add("pk" if m.group(1) == "pk_ticket" else m.group(1))
    return used, sorts


def _cases() -> Iterator[tuple[Queue, str, str, TicketStatus | None, int | None, str | None]]:
    for (queue, who), sort, status, priority in itertools.product(
        INDEXES, SORTS, STATUSES, (None, 1)
    ):
        yield queue, who, sort, status, priority, None
    for (queue, who), sort in itertools.product(INDEXES, SORTS):
        yield queue, who, sort, None, None, "打印机"


def test_every_page_reads_its_order_from_an_index(
    site: Site, demo: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page walks its order's index (a rare search term reads the title postings
    instead and sorts those few: ``tests/unit/test_title_search.py``; here every term is
    taken as common)."""
    monkeypatch.setattr(title_search, "RARE_MAX", 0)
    monkeypatch.setattr(title_search, "RARE_MAX_SORTED", 0)
    monkeypatch.setattr(title_search, "OPEN_MAX", -1)
    checked = 0
    for queue, who, sort, status, priority, text in _cases():
        with reading(site, demo[who]) as read:
            dialect = read.session.get_bind().dialect.name
            page = page_filter(read, queue, status=status, priority=priority, text=text, sort=sort)
            if not page.each:
                continue  # an open-work queue filtered by a closed status: nothing to read
            # As list_tickets: one priority, priority order = newest first within it.
            order = "newest" if sort == "priority" and priority is not None else sort
            by_priority = sort == "priority" or (priority is not None and sort != "due")
            kind = 2 if sort == "due" else 1 if by_priority else 0
            want = INDEXES[queue, who][kind]
            if queue is Queue.ALL and status is not None:
                want = BY_STATUS[kind]
            if queue is Queue.OPEN and sort == "due" and priority is not None and text is None:
                want = OPEN_PRIORITY_DUE  # one range per status at that priority, merged
            if queue is Queue.ALL and sort == "due" and None not in (status, priority):
                # That status's range at that priority: the open or finished tickets' index.
                want = OPEN_PRIORITY_DUE if status in OPEN_STATUSES else DONE_PRIORITY_DUE
            # PostgreSQL's costs, unlike SQLite's, weigh the rows: a range of one status may
            # rightly beat the queue's own index (one "new" ticket among 3,000), and so may
            # walking the whole order and filtering when nearly every row matches (closed).
            also = {*INDEXES[Queue.OPEN, "agent"], *INDEXES[Queue.ALL, "agent"]}
            places = [(None, False)]
            places += [(c, way) for c in CURSORS[order] for way in (False, True)]
            for after, backwards in places:
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
                    # The tickets without a deadline are a range in id order: the
                    # queue's id-order index reads it as well as its deadline index (at
                    # one priority of the open queue, that priority's range of each status).
                    fine = {want}
                    if order == "due" and want not in (OPEN_PRIORITY_DUE, DONE_PRIORITY_DUE):
                        fine.add(
                            INDEXES[queue, who][0]
                            if status is None or queue is not Queue.ALL
                            else BY_STATUS[0]
                        )
                    if dialect == "postgresql":
                        assert used and used <= {*fine, *also}, shown
                    else:
                        assert used and used <= fine, shown
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
            for ids in q.page_ids(
                page.where, each=page.each, after=None, limit=50, sort=sort, dialect=dialect
            ):
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
    status = "resolved" if queue is Queue.ALL else None  # a few hundred of the demo's rows
    whole = list_tickets(site, demo["agent"], queue, sort=sort, status=status, limit=500).rows
    assert 20 < len(whole) < 500
    assert _paged(site, demo["agent"], queue, sort, status) == [r.id for r in whole]


@pytest.mark.parametrize("queue", [Queue.OPEN, Queue.ALL])
def test_by_deadline_the_soonest_come_first_and_those_without_one_last(
    site: Site, demo: dict[str, Actor], queue: Queue
) -> None:
    """Sorted by deadline, overdue tickets lead and tickets without a deadline (no SLA) close
    the queue, in id order — paged either way across the step from one to the other (SQLite
    and PostgreSQL put NULLs at opposite ends of an index)."""
    status = "resolved" if queue is Queue.ALL else None
    rows = list_tickets(site, demo["agent"], queue, sort="due", status=status, limit=500).rows
    undated = sorted(r.id for r in rows[::3])
    with site.engine.begin() as conn:
        conn.execute(
            q.sa.update(Ticket).where(Ticket.id.in_(undated)).values(resolution_due_at=None)
        )
    rows = list_tickets(site, demo["agent"], queue, sort="due", status=status, limit=500).rows
    without = sorted(r.id for r in rows if r.resolution_due_at is None)
    assert set(undated) <= set(without)
    assert [r.id for r in rows[-len(without) :]] == without
    dated = [r.resolution_due_at for r in rows[: -len(without)]]
    assert None not in dated and dated == sorted(dated)  # type: ignore[type-var]
    assert _paged(site, demo["agent"], queue, "due", status) == [r.id for r in rows]


@pytest.mark.parametrize("status", [None, "in_progress"])
def test_the_open_queue_by_deadline_at_one_priority_is_that_priority_of_the_whole(
    site: Site, demo: dict[str, Actor], status: str | None
) -> None:
    """Filtered by priority, the open queue by deadline (read from each status's range of
    that priority) holds the tickets of that priority the unfiltered queue holds, in the same
    order — those without a deadline last — and pages to the same rows both ways."""
    agent = demo["agent"]
    whole = list_tickets(site, agent, Queue.OPEN, sort="due", status=status, limit=500).rows
    undated = sorted(r.id for r in whole[::4])
    with site.engine.begin() as conn:
        conn.execute(
            q.sa.update(Ticket).where(Ticket.id.in_(undated)).values(resolution_due_at=None)
        )
    whole = list_tickets(site, agent, Queue.OPEN, sort="due", status=status, limit=500).rows
    assert 10 < len(whole) < 500
    read = undated_read = 0
    for p in PRIORITY_LEVELS:
        want = [r.id for r in whole if r.priority == p]
        rows = list_tickets(
            site, agent, Queue.OPEN, sort="due", status=status, priority=p, limit=500
        ).rows
        assert [r.id for r in rows] == want
        assert _paged(site, agent, Queue.OPEN, "due", status, priority=p) == want
        read += len(want)
        undated_read += sum(r.resolution_due_at is None for r in rows)
    assert read == len(whole)
    assert undated_read == sum(r.resolution_due_at is None for r in whole) > 0


def _paged(
    site: Site,
    agent: Actor,
    queue: Queue,
    sort: str,
    status: str | None,
    priority: int | None = None,
) -> list[int]:
    """The queue's ids read 7 at a time forwards, checked against those read backwards."""
    forwards: list[int] = []
    after = None
    while True:
        page = list_tickets(
            site, agent, queue, sort=sort, status=status, priority=priority, limit=7, after=after
        )
        forwards += [r.id for r in page.rows]
        if page.next_after is None:
            break
        after = page.next_after
    backwards: list[int] = []
    before = 0  # the last page
    while True:
        rows = list_tickets(
            site, agent, queue, sort=sort, status=status, priority=priority, limit=7, before=before
        )
        backwards = [r.id for r in rows.rows] + backwards
        if len(rows.rows) < 7:
            break
        before = rows.rows[0].id
    assert backwards == forwards
    return forwards


@pytest.mark.parametrize("queue", [Queue.AT_RISK, Queue.BREACHED])
@pytest.mark.parametrize("sort", SORTS)
def test_risk_queues_cut_from_their_window_read_as_the_walk_reads(
    site: Site, demo: dict[str, Actor], monkeypatch: pytest.MonkeyPatch, queue: Queue, sort: str
) -> None:
    """The at-risk and breached pages cut from the time window (``window_page``) hold the
    rows the walk of the sort index finds, in the same order, paged either way."""
    from datetime import timedelta

    from itsm_tui.workflow.tickets import queries as tq

    now = site.clock.now()
    open_ids = [r.id for r in list_tickets(site, demo["sup"], Queue.OPEN, limit=60).rows]
    with site.engine.begin() as conn:
        for n, ticket_id in enumerate(open_ids):
            due = now + timedelta(minutes=(n % 5 + 1) * (1 if n % 2 else -1))  # ties too
            conn.execute(
                q.sa.update(Ticket)
                .where(Ticket.id == ticket_id)
                .values(resolution_due_at=due, resolution_warn_at=now - timedelta(hours=1))
            )
    monkeypatch.setattr(tq, "WINDOW_MAX", 0)  # wider than the window: walked
    walked = [r.id for r in list_tickets(site, demo["sup"], queue, sort=sort, limit=500).rows]
    monkeypatch.setattr(tq, "WINDOW_MAX", 2_000)
    assert len(walked) > 7
    assert _paged(site, demo["sup"], queue, sort, None) == walked


#: The breached queue's ranges as a supervisor reads it (open, past due: each status's):
#: by deadline, the status's deadline index, or with a priority filter the open tickets'
#: (status, priority, deadline) index; its window, read for the other orders, the latter's
#: ranges alone (ids, priorities and deadlines are in it). A page after a row with the
#: cursor's deadline reads the tickets due at that instant by id (``ix_ticket_by_due``).
BREACHED_BY_DUE = {"ix_ticket_status_due", "ix_ticket_open_priority_due", "ix_ticket_by_due"}
BREACHED_WINDOW = "ix_ticket_open_priority_due"
RISK_RANGES = {"ix_ticket_status_due", "ix_ticket_status_warn", *BY_STATUS}


def test_breached_pages_are_index_ranges_whatever_the_number_breached(
    site: Site, demo: dict[str, Actor]
) -> None:
    """The supervisor's breached queue, in every order and filter, reads index ranges only
    and never sorts: its window is read from ``ix_ticket_open_priority_due`` alone (index
    entries only, the matching ones alone, at most ``WINDOW_MAX`` + 1) and the page cut from
    it; a wider window is walked, by deadline as the front of each status's deadline range
    (or of each status and priority's), in the other orders along the order's index, where
    the deadline is tested on each row and does not pull the plan onto a deadline index."""
    deadline = (DEADLINE, 1234)
    checked = 0
    for sort, status, priority in itertools.product(SORTS, (None, TicketStatus.NEW), (None, 3)):
        with reading(site, demo["sup"]) as read:
            dialect = read.session.get_bind().dialect.name
            page = page_filter(read, Queue.BREACHED, status=status, priority=priority, sort=sort)
            assert page.walk is not None and not page.nulls
            # (PostgreSQL reads an unfiltered window by status: it plans each arm anew.)
            assert page.window or (dialect == "postgresql" and priority is None)
            order = "newest" if sort == "priority" and priority is not None else sort
            by_priority = sort == "priority" or priority is not None
            cursors = {"due": deadline, "priority": (3, 1234)}.get(order, (1234,))
            case = f"breached, {sort}, {status}, P{priority}"
            if order == "due":
                walked, fine = page.where, BREACHED_BY_DUE
            else:
                walked, fine = page.walk, {BY_STATUS[1 if by_priority else 0]}
            for after, backwards in ((None, False), (cursors, False), (cursors, True)):
                for ids in q.page_ids(
                    walked,
                    each=page.each,
                    after=after,
                    limit=50,
                    sort=order,
                    backwards=backwards,
                    dialect=dialect,
                    nulls=page.nulls,
                ):
                    lines = q.plan(read.session, ids)
                    used, sorts = _scans(lines, dialect)
                    shown = f"{case}, {after}, reads {used}:\n" + "\n".join(lines)
                    assert not sorts, shown
                    assert used and used <= fine, shown
                    checked += 1
            # Its window, read first in every order (and cut from when at most WINDOW_MAX).
            window = q.window_ids(page.where, page.window or page.each, order, cap=2_000)
            lines = q.plan(read.session, window)
            used, sorts = _scans(lines, dialect)
            shown = f"{case}: window reads {used}:\n" + "\n".join(lines)
            assert not sorts, shown
            if dialect == "sqlite":
                assert used == {BREACHED_WINDOW}, shown
                ranges = [x for x in lines if x.startswith("SEARCH ticket")]
                assert all(f"COVERING INDEX {BREACHED_WINDOW}" in x for x in ranges), shown
            else:
                # PostgreSQL weighs 3,000 rows: a status's other ranges may be as cheap
                # here (the benchmark shows the window index chosen at 200,000).
                assert used and used <= {BREACHED_WINDOW, *RISK_RANGES}, shown
            checked += 1
    assert checked >= 60, checked


def test_pages_of_one_shape_and_other_values_each_get_their_own_rows(
    site: Site, demo: dict[str, Actor]
) -> None:
    """A page's statements are kept and run again for the next page of the same shape (by its
    conditions' SQL and values, the cursor's values as parameters). Read in turn, twice over,
    each status and each priority of the whole queue gets its own rows, on its first page
    and on the page after it — never the rows of the filter or cursor read before it."""
    with read_session(site.engine) as s:
        tickets = s.execute(
            q.sa.select(Ticket.id, Ticket.status, Ticket.priority).order_by(Ticket.id.desc())
        ).all()
    filters: list[dict[str, object]] = [{"status": s.value} for s in TicketStatus]
    filters += [{"priority": p} for p in PRIORITY_LEVELS]
    checked = 0
    for _round in range(2):
        for wanted in filters:
            want = [
                t.id
                for t in tickets
                if all(getattr(t, field) == value for field, value in wanted.items())
            ]
            first = list_tickets(site, demo["agent"], Queue.ALL, limit=7, **wanted)  # type: ignore[arg-type]
            assert [r.id for r in first.rows] == want[:7], wanted
            if first.next_after is None:
                continue
            after = list_tickets(
                site,
                demo["agent"],
                Queue.ALL,
                limit=7,
                after=first.next_after,
                **wanted,  # type: ignore[arg-type]
            )
            assert [r.id for r in after.rows] == want[7:14], wanted
            checked += 1
    assert checked >= 2 * 8  # most filters hold more than one page


def _at_risk_by_hand(site: Site, who: Actor, sort: str) -> list[int]:
    """The at-risk queue as the rule reads it (``risk.risk_of``) over every ticket, read
    whole, in ``sort``'s order: open, in the reader's groups unless they supervise."""
    from itsm_tui.common.domain import OPEN_STATUSES
    from itsm_tui.workflow.permissions import Action, allowed
    from itsm_tui.workflow.tickets import risk
    from itsm_tui.workflow.tickets.queries import my_groups

    with reading(site, who) as read:
        groups = my_groups(read)
        everyone = not groups or allowed(read.actor.roles, Action.SUPERVISE)
        rows = read.session.execute(
            q.sa.select(
                Ticket.id,
                Ticket.status,
                Ticket.group_id,
                Ticket.priority,
                Ticket.resolution_due_at,
                Ticket.resolution_warn_at,
            )
        ).all()
    now = site.clock.now()
    opened = {s.value for s in OPEN_STATUSES}
    found = [
        r
        for r in rows
        if r.status in opened
        and (everyone or r.group_id in groups)
        and risk.risk_of(r.resolution_due_at, r.resolution_warn_at, now) is risk.Risk.AT_RISK
    ]
    keys = {
        "newest": lambda r: -r.id,
        "oldest": lambda r: r.id,
        "priority": lambda r: (r.priority, -r.id),
        "due": lambda r: (r.resolution_due_at, r.id),
    }
    return [r.id for r in sorted(found, key=keys[sort])]


def test_the_at_risk_queue_is_every_ticket_at_risk_however_late_the_clock(
    site: Site, demo: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read now, a week and a month later, the at-risk queue (cut from its window, or walked
    when the window is wide) holds exactly the open tickets the rule calls at risk, in every
    order, paged 7 at a time both ways — among them tickets warned long ago and then paused
    for weeks (their deadline soon), and without those paused now, those whose policy has no
    warning step, or just breached; and the dashboard counts as many."""
    from datetime import timedelta

    from itsm_tui.workflow.dashboard import dashboard
    from itsm_tui.workflow.tickets import queries as tq

    open_ids = [r.id for r in list_tickets(site, demo["sup"], Queue.OPEN, limit=500).rows]
    seen = 0
    for step, days in enumerate((0, 7, 30)):
        now = site.clock.advance(days=days - (0, 0, 7)[step])
        mine = open_ids[step * 40 : step * 40 + 40]
        shapes = [
            (now - timedelta(days=45), now + timedelta(hours=3)),  # warned, paused, resumed
            (now - timedelta(days=2), now),  # due this instant: still at risk
            (None, now + timedelta(hours=1)),  # a ladder without a warning step
            (None, None),  # paused: no running clock
            (now - timedelta(days=9), now - timedelta(seconds=1)),  # just breached
            (now - timedelta(minutes=5), now + timedelta(minutes=30)),
        ]
        with site.engine.begin() as conn:
            for n, ticket_id in enumerate(mine):
                warn, due = shapes[n % len(shapes)]
                conn.execute(
                    q.sa.update(Ticket)
                    .where(Ticket.id == ticket_id)
                    .values(resolution_warn_at=warn, resolution_due_at=due)
                )
        for who, sort in itertools.product(("agent", "sup"), SORTS):
            want = _at_risk_by_hand(site, demo[who], sort)
            for wide in (False, True):  # cut from the window, or walked along the order
                monkeypatch.setattr(tq, "WINDOW_MAX", 0 if wide else 2_000)
                got = _paged(site, demo[who], Queue.AT_RISK, sort, None)
                assert got == want, (days, who, sort, wide)
            if sort == "newest":
                counts = dashboard(site, demo[who]).counts
                assert counts[Queue.AT_RISK] == len(want), (days, who)
            seen += len(want)
        assert set(_at_risk_by_hand(site, demo["sup"], "oldest")) >= set(mine[0::6] + mine[1::6])
    assert seen > 50


def test_no_at_risk_ticket_is_due_beyond_the_bound_a_long_holiday_included(
    site: Site, demo: dict[str, Actor], admin: Actor, tmp_path: Path
) -> None:
    """The deadline bound holds for the instants the SLA engine measures: over a fortnight's
    site closure (every open ticket remeasured on the new calendar), every ticket at risk as
    the clock runs on is due no later than ``at_risk_until`` — some of them beyond the
    closure — and sits in the queue; a set of policies without warning steps has no bound
    and no ticket at risk."""
    from datetime import timedelta

    from itsm_tui.workflow.sla import config as cfg
    from itsm_tui.workflow.sla import service
    from itsm_tui.workflow.tickets import risk

    start = site.clock.now()
    closed = [(start + timedelta(days=2 + d)).date() for d in range(14)]
    path = tmp_path / "closure.toml"
    path.write_text(
        "[holidays]\n" + "".join(f'{d.isoformat()} = "Site closure"\n' for d in closed),
        encoding="utf-8",
    )
    service.import_calendar(site, admin, path)
    beyond = 0
    for hours in (0, 12, 30, 40, 60, 200):
        site.clock.set(start + timedelta(hours=hours))
        now = site.clock.now()
        with reading(site, demo["sup"]) as read:
            until = risk.at_risk_until(read.session, now)
            due = dict(
                read.session.execute(
                    q.sa.select(Ticket.id, Ticket.resolution_due_at).where(
                        Ticket.id.in_(_at_risk_by_hand(site, demo["sup"], "newest"))
                    )
                ).all()
            )
        assert until is not None
        assert all(d <= until for d in due.values()), (hours, max(due.values()), until)
        beyond += sum(d.date() > closed[-1] for d in due.values())
        queue = list_tickets(site, demo["sup"], Queue.AT_RISK, limit=500).rows
        assert {r.id for r in queue} == set(due)
    assert beyond > 0
    warnless = [
        {**p.to_json(), "ladder": [{"percent": 100, "targets": ["assignee"]}]}
        for p in cfg.DEFAULT_CONFIG.policies
    ]
    service.replace_policies(site, admin, {"managers": [], "policies": warnless})
    with reading(site, demo["sup"]) as read:
        assert risk.at_risk_until(read.session, site.clock.now()) is None
    assert _at_risk_by_hand(site, demo["sup"], "newest") == []
    assert list_tickets(site, demo["sup"], Queue.AT_RISK).rows == []


#: The at-risk window's deadline ranges, by reader: an agent's are their groups'.
RISK_WINDOW = {"agent": "ix_ticket_group_by_due", "sup": "ix_ticket_status_due"}


def test_the_at_risk_window_is_a_bounded_range_of_deadlines(
    site: Site, demo: dict[str, Actor]
) -> None:
    """The at-risk window is read as each status's range of deadlines from now to the bound
    (of each group's too for an agent: ``ix_ticket_group_by_due``; a supervisor's,
    ``ix_ticket_status_due``), both ends in the index condition, never as the range of
    tickets past their warning (which holds every breached ticket as well, more and more as
    the clock runs on); walked when wide, along the order's index, without a sort."""
    for who, sort in itertools.product(("agent", "sup"), SORTS):
        with reading(site, demo[who]) as read:
            dialect = read.session.get_bind().dialect.name
            page = page_filter(read, Queue.AT_RISK, sort=sort)
            assert page.walk is not None and not page.nulls
            lines = q.plan(read.session, q.window_ids(page.where, page.each, sort, cap=2_000))
            shown = f"{who}, {sort}:\n" + "\n".join(lines)
            used, _ = _scans(lines, dialect)
            if dialect == "sqlite":
                assert used == {RISK_WINDOW[who]}, shown
                ranges = [x for x in lines if x.startswith("SEARCH ticket")]
                assert ranges and all(
                    "resolution_due_at>? AND resolution_due_at<?" in x for x in ranges
                ), shown
            else:
                # PostgreSQL weighs 3,000 rows: the deadline range of every status at once,
                # or a status's few open tickets read whole from the open tickets' index, may
                # be as cheap here (the benchmark shows the ranges above at 200,000).
                fine = {RISK_WINDOW[who], "ix_ticket_status_due", "ix_ticket_by_due"}
                fine.add(OPEN_PRIORITY_DUE)
                assert used and used <= fine, shown
                conds = [x for x in lines if "Index Cond" in x]
                assert conds and all(
                    "resolution_due_at >=" in x and "resolution_due_at <=" in x for x in conds
                ), shown
            walked = page.where if sort == "due" else page.walk
            for ids in q.page_ids(
                walked,
                each=page.each,
                after=None,
                limit=50,
                sort=sort,
                dialect=dialect,
                nulls=page.nulls,
            ):
                lines = q.plan(read.session, ids)
                used, sorts = _scans(lines, dialect)
                assert not sorts and used, f"{who}, {sort} walked:\n" + "\n".join(lines)
                assert "ix_ticket_status_warn" not in used, "\n".join(lines)


def _open_titles(site: Site) -> list[str]:
    with read_session(site.engine) as s:
        return list(s.execute(q.sa.select(Ticket.title).where(q.OPEN_ONLY)).scalars().all())


def _common_pair(titles: list[str]) -> str:
    """The two Chinese characters in most of ``titles``, the first in code-point order among
    equals: the same pair in every process (a set's order changes with the hash seed), and
    never digits, punctuation or Latin letters, which are searched other ways too (a number
    at the end of ticket numbers, walked; letters also as the prefix of ticket numbers,
    "IN" of every INC-…; punctuation has no bigram)."""
    from collections import Counter

    seen: Counter[str] = Counter()
    for title in titles:
        pairs = {title[i : i + 2] for i in range(len(title) - 1)}
        seen.update(p for p in pairs if p.isalpha() and not p.isascii())
    return min(seen.items(), key=lambda kv: (-kv[1], kv[0]))[0]


#: Open-work queues and their readers: the open queue, my group's, the unassigned across every
#: group and the breached (a supervisor's). (The demo agent's groups have no unassigned
#: ticket: that queue's plan is checked, its rows are none.)
OPEN_WORK = [
    (Queue.OPEN, "agent"),
    (Queue.GROUP, "agent"),
    (Queue.UNASSIGNED, "sup"),
    (Queue.BREACHED, "sup"),
]


@pytest.mark.parametrize(("queue", "who"), OPEN_WORK)
@pytest.mark.parametrize("sort", SORTS)
def test_a_search_of_open_work_finds_what_filtering_every_ticket_finds(
    site: Site, demo: dict[str, Actor], queue: Queue, who: str, sort: str
) -> None:
    """Searched for a term, an open-work queue (cut from the term's open postings) shows the
    tickets of that queue whose title holds the term — as a filter of every ticket's title
    picks them from the unsearched queue — in the queue's order, paged both ways."""
    from datetime import timedelta

    if queue is Queue.BREACHED:  # a few of the open tickets past due
        now = site.clock.now()
        with site.engine.begin() as conn:
            ids = conn.execute(q.sa.select(Ticket.id).where(q.OPEN_ONLY)).scalars().all()
            conn.execute(
                q.sa.update(Ticket)
                .where(Ticket.id.in_(ids[::2]))
                .values(resolution_due_at=now - timedelta(hours=1))
            )
    with read_session(site.engine) as s:
        titles = {i: title for i, title in s.execute(q.sa.select(Ticket.id, Ticket.title))}
    reader = demo[who]
    queue_rows = list_tickets(site, reader, queue, sort=sort, limit=500).rows
    assert len(queue_rows) < 500
    term = _common_pair([titles[r.id] for r in queue_rows])
    want = [r.id for r in queue_rows if term in titles[r.id]]
    assert want
    with reading(site, reader) as read:
        page = page_filter(read, queue, text=term, sort=sort)
        assert page.cut  # read from the open postings
    got = list_tickets(site, reader, queue, sort=sort, text=term, limit=500).rows
    assert [r.id for r in got] == want
    forwards: list[int] = []
    after = None
    while True:
        fwd = list_tickets(site, reader, queue, sort=sort, text=term, limit=3, after=after)
        forwards += [r.id for r in fwd.rows]
        if fwd.next_after is None:
            break
        after = fwd.next_after
    backwards: list[int] = []
    before = 0
    while True:
        rows = list_tickets(site, reader, queue, sort=sort, text=term, limit=3, before=before).rows
        backwards = [r.id for r in rows] + backwards
        if len(rows) < 3:
            break
        before = rows[0].id
    assert forwards == backwards == want


@pytest.mark.parametrize(("queue", "who"), [*OPEN_WORK, (Queue.UNASSIGNED, "agent")])
def test_a_search_of_open_work_reads_the_open_postings_and_each_ticket_by_key(
    site: Site, demo: dict[str, Actor], queue: Queue, who: str
) -> None:
    """The statement a searched open-work page is read by reads the term's range of
    ``ix_ticket_gram_open`` and each of its tickets by key, first page and after a row: no
    range of the ticket table (a queue walked row by row), no scan (PostgreSQL with
    sequential and bitmap scans off). It sorts those few candidates (at most
    ``title_search.OPEN_MAX``), and nothing else."""
    term = _common_pair(_open_titles(site))
    for sort in SORTS:
        with read_session(site.engine) as session:
            dialect = session.get_bind().dialect.name
            if dialect == "postgresql":
                for setting in ("enable_seqscan", "enable_bitmapscan"):
                    session.execute(q.sa.text(f"SET LOCAL {setting} = off"))
            read = Read(site, session, load_actor(session, demo[who]), site.clock.now())
            page = page_filter(read, queue, text=term, sort=sort)
            assert page.cut and page.each == [[]]
            for after, backwards in [
                (None, False),
                *((c, b) for c in CURSORS[sort] for b in (False, True)),
            ]:
                stmt = q.candidate_ids(
                    page.where, after=after, limit=50, sort=sort, backwards=backwards
                )
                lines = q.plan(session, stmt)
                shown = f"{queue} as {who}, {sort}, {after}, {backwards}:\n" + "\n".join(lines)
                assert "ix_ticket_gram_open" in "\n".join(lines), shown
                if dialect == "sqlite":  # each candidate's row by key, nothing else of ticket
                    reads = [x for x in lines if re.match(r"(SCAN|SEARCH) ticket\b", x)]
                    assert reads == ["SEARCH ticket USING INTEGER PRIMARY KEY (rowid=?)"], shown
                else:
                    used, _ = _scans(lines, dialect)
                    assert not used, shown
