"""Reading tickets: one ticket, its history and timeline, and the queues."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, or_, true
from sqlmodel import col, select

from itsm_tui.common.domain import OPEN_STATUSES, PRIORITY_LEVELS, TicketStatus
from itsm_tui.common.errors import Invalid
from itsm_tui.common.ticket_rows import ContactRow, HistoryEntry, NoteRow, TicketRow
from itsm_tui.storage import ticket_queries as q
from itsm_tui.storage import title_grams
from itsm_tui.storage.tables import AssignmentGroup, GroupMember, Ticket
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.lookup import find_ticket
from itsm_tui.workflow.permissions import Action, allowed
from itsm_tui.workflow.sla.progress import page_progress
from itsm_tui.workflow.text_input import storable
from itsm_tui.workflow.tickets import risk, title_search
from itsm_tui.workflow.tickets.pages import SORTS, Queue, TicketPage
from itsm_tui.workflow.tickets.views import TicketView, ticket_view

MAX_PAGE = 500
#: The at-risk and breached queues are cut from their time window when it holds at most this
#: many tickets (``ticket_queries.window_page``), and walked in the page's order when it is
#: wider: then one ticket in (open tickets / this) is in it, and a page fills soon.
WINDOW_MAX = 2_000
#: The most rows of a queue's order a narrow search's page walks before it is read from the
#: term's postings instead (``ticket_queries.walked_page``, ``_walk_budget``): a few
#: milliseconds of index entries.
WALK_BUDGET = 10_000


@dataclass(frozen=True)
class TicketDetail:
    ticket: TicketView
    notes: list[NoteRow]
    contacts: list[ContactRow]


@query(Action.VIEW_TICKETS)
def show_ticket(read: Read, number: str) -> TicketDetail:
    return detail_of(read, find_ticket(read.session, number))


def detail_of(read: Read, ticket: Ticket) -> TicketDetail:
    """:func:`show_ticket` for a ticket already read, inside a read already open."""
    assert ticket.id is not None
    return TicketDetail(
        ticket_view(read.session, ticket, read.actor),
        q.notes(read.session, ticket.id),
        q.contacts(read.session, ticket.id),
    )


@query(Action.VIEW_TICKETS)
def ticket_history(read: Read, number: str) -> list[HistoryEntry]:
    """Every audited change of the ticket, oldest first: who, when, what, old → new."""
    ticket = find_ticket(read.session, number)
    assert ticket.id is not None
    return q.history(read.session, ticket.id)


def my_groups(read: Read) -> list[int]:
    """The ids of the reading actor's groups: those they belong to and those they supervise
    (a supervisor of four groups who is a member of none has four groups, not none). Pass
    them to :func:`queue_filter` when several queues are filtered in one read."""
    member = select(GroupMember.group_id).where(GroupMember.staff_id == read.actor.id)
    supervised = select(AssignmentGroup.id).where(AssignmentGroup.supervisor_id == read.actor.id)
    return sorted({*read.session.exec(member).all(), *read.session.exec(supervised).all()} - {None})


def _scoped_to_my_groups(read: Read, where: list[Any], groups: list[int] | None) -> list[Any]:
    """Non-supervisors see a cross-group queue only for the groups they belong to."""
    groups = my_groups(read) if groups is None else groups
    if groups and not allowed(read.actor.roles, Action.SUPERVISE):
        where.append(col(Ticket.group_id).in_(groups))
    return where


def risk_scope(read: Read, groups: list[int] | None = None) -> list[Any]:
    """The tickets the at-risk and breached queues draw from: open ones, in my groups unless
    I supervise (``groups`` as in :func:`queue_filter`)."""
    is_open = col(Ticket.status).in_([s.value for s in OPEN_STATUSES])
    return _scoped_to_my_groups(read, [is_open], groups)


def at_risk(read: Read) -> Any:
    """The at-risk condition as of the read's instant (``risk.at_risk_filter``, bounded by
    ``risk.at_risk_until``): the queue's, its counts' and the dashboard's."""
    return risk.at_risk_filter(read.now, risk.at_risk_until(read.session, read.now))


def queue_filter(read: Read, queue: Queue, groups: list[int] | None = None) -> list[Any]:
    """The SQL conditions of ``queue`` for the reading actor (index-backed: see ``Ticket``).

    ``groups``: the actor's groups if already read (:func:`my_groups`); None reads them.
    """
    is_open = col(Ticket.status).in_([s.value for s in OPEN_STATUSES])
    if queue is Queue.MINE:
        return [col(Ticket.assignee_id) == read.actor.id, is_open]
    if queue is Queue.GROUP:
        return [col(Ticket.group_id).in_(my_groups(read) if groups is None else groups), is_open]
    if queue is Queue.UNASSIGNED:
        return _scoped_to_my_groups(read, [col(Ticket.assignee_id).is_(None), is_open], groups)
    if queue is Queue.AT_RISK:
        return [*risk_scope(read, groups), at_risk(read)]
    if queue is Queue.BREACHED:
        return [*risk_scope(read, groups), risk.breached_filter(read.now)]
    if queue is Queue.OPEN:
        return [is_open]
    if queue is Queue.FLAGGED:
        return [col(Ticket.flagged_at).is_not(None), is_open]
    return []


@dataclass(frozen=True)
class PageFilter:
    """A queue as its page is read: ``where`` holds for every row, and a row matches one of
    ``each`` (one per status and group the queue spans). Written so that every alternative is
    one index range in the page's order (``storage.ticket_queries.page_ids``): a status or
    group ``IN`` list would be several ranges the database then sorts together."""

    where: list[Any]
    each: list[list[Any]]
    #: ``where`` holds for few tickets (a rare search term's postings): cut the page from them.
    narrow: bool = False
    #: The search term's gram whose postings a priority-ordered page walks (``where`` holds
    #: the literal match): ``title_search.ByPriority``.
    gram: str | None = None
    #: The conditions of a page walked along its order's index and tested row by row, where
    #: they differ from ``where`` (the breached and at-risk queues: ``risk.breached_walk_filter``,
    #: ``risk.at_risk_walk_filter``).
    walk: list[Any] | None = None
    #: The alternatives the queue's time window is read by, when not ``each`` (the breached
    #: queue across every group: the range of ``ix_ticket_open_priority_due`` of each status
    #: and priority, read from the index alone).
    window: list[list[Any]] | None = None
    #: Whether a ticket without a deadline can match (not past a deadline: breached).
    nulls: bool = True
    #: ``where`` holds for at most ``title_search.OPEN_MAX`` tickets (a search term's open
    #: postings in a queue of open work): every page, the first too, is cut from them. The
    #: queue's alternatives are then tested on each candidate's row (``where``), and ``each``
    #: is one empty alternative: the candidates are read once, by key.
    cut: bool = False
    #: A narrow search whose pages are first looked for in a bounded walk of the queue's
    #: ranges (``ticket_queries.walked_page``), before its postings are read: ``where``
    #: holds its ``condition``; its ``literal`` alone is tested on each walked row (the
    #: postings' candidates would add nothing but a read of every posting: PostgreSQL hashed
    #: all 9,967 of VPN's for each page, 11 ms); its ``size`` sets the walk's budget.
    walked_search: title_search.Narrowed | None = None


def page_filter(
    read: Read,
    queue: Queue,
    *,
    status: TicketStatus | None = None,
    priority: int | None = None,
    text: str | None = None,
    groups: list[int] | None = None,
    sort: str = "newest",
) -> PageFilter:
    """The conditions of a page of ``queue`` with its filters (rows: as :func:`queue_filter`,
    which counts and the dashboard use); ``groups`` as there. ``sort``: the order it is read
    in, as one filter is written so the database reads that order's index."""
    where: list[Any] = []
    narrow = False
    narrowed: title_search.Narrowed | None = None  # a narrow search term
    breached: Any = None
    timed: Any = None  # the at-risk or breached queue's time window: walked row by row if wide
    walked: Any = None  # the same condition as no index of deadlines serves it
    statuses: list[str | None] = [s.value for s in OPEN_STATUSES]
    spans: list[int | None] = [None]  # the groups the queue is split over (None: any)
    if queue is Queue.ALL:
        statuses = [None]
    if status is not None:
        statuses = [status.value] if status.value in statuses or queue is Queue.ALL else []
    if queue is Queue.MINE:
        where.append(col(Ticket.assignee_id) == read.actor.id)
    elif queue is Queue.GROUP:
        spans = list(my_groups(read) if groups is None else groups)
    elif queue in (Queue.UNASSIGNED, Queue.AT_RISK, Queue.BREACHED):
        spans = _my_scope(read, groups)
        if queue is Queue.UNASSIGNED:
            where.append(col(Ticket.assignee_id).is_(None))  # ix_ticket_unassigned's condition
        elif queue is Queue.AT_RISK:
            until = risk.at_risk_until(read.session, read.now)
            timed = risk.at_risk_filter(read.now, until)
            walked = risk.at_risk_walk_filter(read.now, until)
            where.append(timed)
        else:
            # Open and past due: across every group, ranges of ix_ticket_open_priority_due
            # (and of the status's deadline index), whose condition OPEN_ONLY repeats; in my
            # groups, of each group's deadline index.
            timed = breached = risk.breached_filter(read.now)
            walked = risk.breached_walk_filter(read.now)
            where += [q.OPEN_ONLY, breached] if spans == [None] else [breached]
    elif queue is Queue.FLAGGED:
        where.append(col(Ticket.flagged_at).is_not(None))  # ix_ticket_flagged's condition
    every_group = spans == [None]
    searching = bool(text and storable("text", text).strip())
    # The open queue by deadline at one priority: one range of ix_ticket_open_priority_due
    # (status, priority, deadline, id) per status, merged in deadline order, the tickets
    # without a deadline a range of their own; its partial condition is OPEN_ONLY, repeated
    # word for word. (Walking the deadline index instead reads every open ticket due before
    # the page's last and keeps one priority: more the more tickets are open.)
    open_by_due = queue is Queue.OPEN and priority is not None and sort == "due" and not searching
    if open_by_due:
        where += [q.OPEN_ONLY, col(Ticket.priority) == priority]
    elif queue is Queue.ALL and status is not None and priority is not None and sort == "due":
        # The whole queue at one status and priority, by deadline: that status's range of the
        # open or the finished tickets' (status, priority, deadline, id) index, whose
        # condition is repeated word for word. (Walking the status's deadline range for one
        # priority read every ticket of the status due before its first: 94 cancelled P1
        # tickets meant reading every cancelled ticket, 9-11 ms of CPU at a million.)
        where.append(q.OPEN_ONLY if status in OPEN_STATUSES else q.DONE_ONLY)
        where.append(col(Ticket.priority) == priority)
    elif priority is not None and sort == "due" and not (breached is not None and every_group):
        # Walk the deadline index and keep one priority (``+ 0``: no index of priority is an
        # index of deadlines, and one chosen for the priority would need the rows sorted).
        where.append(col(Ticket.priority) + 0 == priority)
    elif priority is not None:
        where.append(col(Ticket.priority) == priority)
    each = [
        [
            *([] if g is None else [col(Ticket.group_id) == g]),
            *([] if s is None else [col(Ticket.status) == s]),
        ]
        for g in spans
        for s in statuses
    ]
    gram: str | None = None
    if text and searching:
        scope = list(where)  # the queue's own conditions, before the text's
        found = title_search.text_filter(
            read.session,
            text,
            sort,
            priority=priority,
            queue_size=lambda cap: q.count_up_to(read.session, scope, each, cap),
            open_only=bool(statuses)
            and all(s is not None and title_grams.is_open(s) for s in statuses),
        )
        narrowed = found if isinstance(found, title_search.Narrowed) else None
        narrow = narrowed is not None
        if isinstance(found, title_search.ByPriority):
            gram = found.gram
        # By deadline, a rare term's postings (up to RARE_MAX) are read the same way: walking
        # the deadline index and testing each row against them read about (tickets /
        # postings) × 50 rows, 11.5–13.7 ms of CPU for ~1,500 postings at a million tickets
        # (now 8.7–12.5 ms, most of it reading the 1,500 rows). Not for more: PostgreSQL
        # scans the whole table for ~10,000 of 200,000 (74 ms), where cutting the page from
        # them in Python costs less, though still too much (47 ms of CPU after a cursor).
        by_key = (
            isinstance(found, title_search.Narrowed)
            and sort == "due"
            and found.size <= title_search.RARE_MAX
        )
        if isinstance(found, title_search.OpenPostings) or by_key:
            # The candidates read by key, and every other condition (the queue's, its
            # alternatives', the literal match) tested on each one's row: none of them may
            # turn the plan into the queue's index ranges (SQLite, which keeps no statistics,
            # took the group's ranges, which hold every open ticket of the group).
            literal = found.literal if isinstance(found, title_search.Narrowed) else found.condition
            alts = or_(*(and_(true(), *alt) for alt in each))
            tested = q.row_test(and_(true(), *where, literal, alts))
            cut = [found.candidates, tested]
            return PageFilter(cut, [[]] if each else [], cut=True)
        where.append(getattr(found, "condition", found))
    if timed is None:
        # The bounded walk (list_tickets): by deadline, with no filter but the term.
        walkable = narrow and sort == "due" and priority is None and each == [[]]
        return PageFilter(where, each, narrow, gram, walked_search=narrowed if walkable else None)
    walk = [walked if w is timed else w for w in where if w is not q.OPEN_ONLY]
    window: list[list[Any]] | None = None
    # The breached window across every group: each status and priority's range of the index
    # (read from it alone). PostgreSQL plans every arm of the union anew, twice (the count and
    # the read: 13 + 18 ms for 20 arms at 200,000 tickets, against 1 + 1 ms for 4 arms, their
    # execution under 1 ms either way), so there the window of an unfiltered page is read by
    # status alone; SQLite plans them in microseconds.
    by_priority = priority is not None or read.session.get_bind().dialect.name == "sqlite"
    if breached is not None and every_group and by_priority:
        levels = PRIORITY_LEVELS if priority is None else (priority,)
        window = [[*alt, col(Ticket.priority) == p] for alt in each for p in levels]
    return PageFilter(where, each, narrow, gram, walk, window, nulls=False)


def _my_scope(read: Read, groups: list[int] | None) -> list[int | None]:
    """The groups a cross-group queue is split over: mine unless I supervise (or belong to
    none), as in :func:`_scoped_to_my_groups`; ``[None]`` means every group."""
    groups = my_groups(read) if groups is None else groups
    if groups and not allowed(read.actor.roles, Action.SUPERVISE):
        return list(groups)
    return [None]


@query(Action.VIEW_TICKETS)
def list_tickets(
    read: Read,
    queue: Queue | str = Queue.OPEN,
    *,
    status: str | None = None,
    priority: int | None = None,
    after: int | None = None,
    before: int | None = None,
    sort: str = "newest",
    text: str | None = None,
    limit: int = 50,
) -> TicketPage:
    """A page of a queue, paged by key in both directions.

    ``sort`` is one of :data:`SORTS`: newest (by id, the default), oldest, priority (most
    urgent first, newest first within a priority) or due (soonest resolution deadline first,
    tickets without one last). ``after`` = the id of the last row you
    saw: the page that follows it. ``before`` = the id of the first row you saw: the page
    that precedes it; ``before=0`` reads the last page (jump to the end). Rows come in
    ``sort`` order either way. ``text`` keeps tickets whose number or title matches.
    """
    try:
        queue = Queue(queue)
    except ValueError:
        raise Invalid(
            "Unknown queue '{queue}'; queues are: {names}.",
            field="queue",
            queue=queue,
            names=", ".join(q.value for q in Queue),
        ) from None
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid("limit must be 1 to {max_page}.", field="limit", max_page=MAX_PAGE)
    if sort not in SORTS:
        raise Invalid(
            "Unknown sort '{sort}'; sorts are: {names}.",
            field="sort",
            sort=sort,
            names=", ".join(SORTS),
        )
    if after is not None and before is not None:
        raise Invalid("Page after a row or before one, not both.", field="before")
    wanted: TicketStatus | None = None
    if status is not None:
        try:
            # "in progress" as the screens label it, or the stored "in_progress".
            wanted = TicketStatus(status.replace(" ", "_"))
        except ValueError:
            valid = ", ".join(s.value for s in TicketStatus)
            raise Invalid(
                "Unknown status '{status}'; statuses are: {valid}.",
                field="status",
                status=status,
                valid=valid,
            ) from None
    if priority is not None and priority not in PRIORITY_LEVELS:
        raise Invalid(
            "priority must be {lowest} to {highest}.",
            field="priority",
            lowest=PRIORITY_LEVELS[0],
            highest=PRIORITY_LEVELS[-1],
        )
    page = page_filter(read, queue, status=wanted, priority=priority, text=text, sort=sort)
    if sort == "priority" and priority is not None:
        sort = "newest"  # one priority: the same order, read as one range rather than two
    # A rare term's first page (and last) comes straight from its postings in SQL; a page
    # after a cursor is cut from them (see ``title_search.Narrowed``).
    cursor = after is not None or bool(before)
    mark = before or None if before is not None else after  # the row the page follows or precedes
    if page.gram is not None and queue not in (Queue.AT_RISK, Queue.BREACHED):
        posted = q.posting_page(
            read.session,
            page.gram,
            page.where,
            each=page.each,
            after=mark,
            limit=limit,
            backwards=before is not None,
            priority=priority,
        )
        return _page_of(read, posted, limit, before)
    if page.cut:  # a term's open postings: the database sorts those few, one page out
        found = q.candidate_page(
            read.session,
            page.where,
            after=mark,
            limit=limit,
            sort=sort,
            backwards=before is not None,
        )
        return _page_of(read, found, limit, before)
    # A time window is cut when narrow (its plan need not be in the page's order: on few rows
    # PostgreSQL rightly sorts), and walked when wide: breached by deadline is then the front
    # of the deadline ranges, and in the other orders walked with ``walk``.
    # By deadline alone, the window's ranges are in the page's order already (overdue first;
    # at risk, from now on): their front is the page, and cutting it from the whole window
    # would carry up to WINDOW_MAX rows to Python for 50 (12 ms of CPU at 1,773 breached).
    in_order = sort == "due" and priority is None and not text
    timed = queue in (Queue.AT_RISK, Queue.BREACHED) and not in_order
    budget = _walk_budget(read, page.walked_search, limit)
    if page.walked_search is not None and budget is not None:
        # A term in up to RARE_MAX_SORTED titles: its next matches are usually among the next
        # few thousand tickets of the order (5 % of titles: 1,000 rows for 50), where cutting
        # a page after a cursor from all its postings read them all (~10,000 at 200,000
        # tickets on PostgreSQL: 69 ms), and the first page tested each row against them. The
        # walk is bounded, so a term whose titles lie elsewhere in the order falls through.
        walked = q.walked_page(
            read.session,
            [w for w in page.where if w is not page.walked_search.condition],
            page.walked_search.literal,
            each=page.each,
            after=mark,
            limit=limit,
            sort=sort,
            budget=budget,
            backwards=before is not None,
            nulls=page.nulls,
        )
        if walked is not None:
            return _page_of(read, walked, limit, before)
    if (page.narrow and cursor) or timed:
        rows = q.window_page(
            read.session,
            page.where,
            each=page.window or page.each,
            after=mark,
            limit=limit,
            sort=sort,
            cap=title_search.RARE_MAX_SORTED if page.narrow else WINDOW_MAX,
            backwards=before is not None,
            count_first=not text,  # a title is matched on the table's rows: read them once
        )
        if rows is not None:
            return _page_of(read, rows, limit, before)
    if page.walk is not None and sort != "due":
        page = replace(page, where=page.walk)
    if before is not None:
        rows = q.queue_page(
            read.session,
            page.where,
            each=page.each,
            after=before or None,
            limit=limit,
            sort=sort,
            backwards=True,
            nulls=page.nulls,
        )
        return _page_of(read, rows, limit, before)
    return _page(read, page, after=after, limit=limit, sort=sort)


def _page_of(read: Read, rows: list[TicketRow], limit: int, before: int | None) -> TicketPage:
    """The page of ``rows``: read forwards, a full page may have rows after it (its last is
    the next page's mark); read backwards (``before``), the rows after it are those shown."""
    more = before is None and len(rows) == limit
    return TicketPage(rows, rows[-1].id if more else None, read.now, page_progress(read, rows))


def _walk_budget(read: Read, search: title_search.Narrowed | None, limit: int) -> int | None:
    """How many rows of the order a narrow search's page walks (None: not walked): three
    times what a page takes on average (the tickets over the term's postings, times the
    page), when that is at most :data:`WALK_BUDGET`. A rarer term would pass its budget more
    often than not, and its postings are the shorter way."""
    if search is None or not search.size:
        return None
    tickets = q.newest_id(read.session)
    if tickets is None:
        return None
    budget = 3 * limit * tickets // search.size
    return budget if budget <= WALK_BUDGET else None


def first_page(read: Read, queue: Queue, limit: int, groups: list[int] | None = None) -> TicketPage:
    """The first page of ``queue``, newest first, inside a read already open (the dashboard
    reads "mine" with its figures)."""
    return _page(
        read, page_filter(read, queue, groups=groups), after=None, limit=limit, sort="newest"
    )


def _page(read: Read, page: PageFilter, *, after: int | None, limit: int, sort: str) -> TicketPage:
    rows = q.queue_page(
        read.session,
        page.where,
        each=page.each,
        after=after,
        limit=limit,
        sort=sort,
        nulls=page.nulls,
    )
    return _page_of(read, rows, limit, None)
