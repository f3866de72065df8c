"""Tickets (incidents and service requests), their notes, contacts and number series."""

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Text, false, text
from sqlmodel import Field

from itsm_tui.common.domain import (
    IMPACT_LEVELS,
    OPEN_STATUSES,
    PRIORITY_LEVELS,
    SUMMARY_MAX,
    TIERS,
    TITLE_MAX,
    URGENCY_LEVELS,
    TicketStatus,
)
from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.tables.checks import checks_for
from itsm_tui.storage.types import UTCDateTime

#: The conditions of the partial queue indexes, as the queue queries write them.
UNASSIGNED = "assignee_id IS NULL"
FLAGGED = "flagged_at IS NOT NULL"
#: Open work only (the breached queue's index): literal values, so that SQLite can match a
#: query's condition to it (``ticket_queries.OPEN_ONLY`` repeats it word for word).
OPEN_ONLY = "status IN (" + ", ".join(f"'{s.value}'" for s in OPEN_STATUSES) + ")"
#: Finished work only (resolved, closed, cancelled: ``ix_ticket_done_priority_due``), the same
#: way (``ticket_queries.DONE_ONLY``).
DONE_ONLY = (
    "status IN (" + ", ".join(f"'{s.value}'" for s in TicketStatus if s not in OPEN_STATUSES) + ")"
)
#: A title n-gram's length (``common.ngrams.grams``: two characters).
GRAM_MAX = 2


def _where(condition: str) -> dict[str, Any]:
    """A partial index's condition, on both databases."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


class Ticket(Table, table=True):
    """An incident or service request.

    ``version`` is bumped by every update and checked by it (optimistic locking), so two
    operators editing the same ticket can never silently overwrite each other.
    """

    __tablename__ = "ticket"
    __table_args__ = (
        # Queues page by key, one index per queue key × sort, ``id`` last so a page is an
        # index range in the sort's own order (storage/ticket_queries.py: a queue over several
        # statuses or groups is one range per value, merged; never a sort of the matches).
        # Newest / oldest first (id), and priority first (priority, then newest: id DESC).
        Index("ix_ticket_assignee_status", "assignee_id", "status", "id"),  # "mine"
        Index("ix_ticket_group_status", "group_id", "status", "id"),  # "my group"
        Index("ix_ticket_status", "status", "id"),  # open, all with a status filter
        # Unassigned in my groups and flagged: few rows, so partial indexes of those rows only
        # (cheap to keep up); a queue's WHERE repeats the index's condition word for word.
        # (assignee_id last, so they cover the condition: SQLite then prefers them to
        # ix_ticket_group_status, which would read the group's assigned tickets as well.)
        Index(
            "ix_ticket_unassigned", "group_id", "status", "id", "assignee_id", **_where(UNASSIGNED)
        ),
        Index("ix_ticket_flagged", "status", "id", **_where(FLAGGED)),
        # The priority-first orders (priority, then newest: id DESC) are declared below the
        # class, where a column can be named descending.
        # The SLA scan reads only what is due next (an index range, never all open tickets).
        Index("ix_ticket_next_sla", "next_sla_at"),
        # Breached and at-risk counts and queues: open statuses × a time range; and the open
        # queue (all, with a status filter) by deadline.
        Index("ix_ticket_status_due", "status", "resolution_due_at", "id"),
        Index("ix_ticket_status_warn", "status", "resolution_warn_at"),
        # Reports and the auto-close job read by time: the KPI report's period ranges, each
        # index covering every column its sections read (workflow/kpi), so a month of a
        # million-ticket site is read from the index alone, never from the table.
        Index(
            "ix_ticket_opened_kpi",
            "opened_at", "status", "type", "group_id", "tier", "category_id",
            "left_first_line", "priority", "response_elapsed_min", "resolution_elapsed_min",
            "id",
        ),
        Index(
            "ix_ticket_resolved_kpi",
            "resolved_at", "status", "priority", "group_id", "tier", "resolved_first_line",
            "reassignment_count", "reopen_count", "resolution_elapsed_min",
            "resolution_due_at", "response_due_at", "first_response_at",
        ),
        # A repeat call: this caller's recent tickets.
        Index("ix_ticket_caller", "caller_id", "opened_at"),
        *checks_for("ticket"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    type: str = Field(max_length=20)
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", sa_type=Text)
    caller_id: int | None = Field(default=None, foreign_key="caller.id")
    category_id: int | None = Field(default=None, foreign_key="category.id")
    impact: int = Field(default=IMPACT_LEVELS[-1], ge=IMPACT_LEVELS[0], le=IMPACT_LEVELS[-1])
    urgency: int = Field(default=URGENCY_LEVELS[-1], ge=URGENCY_LEVELS[0], le=URGENCY_LEVELS[-1])
    priority: int = Field(
        default=PRIORITY_LEVELS[-1], ge=PRIORITY_LEVELS[0], le=PRIORITY_LEVELS[-1]
    )
    status: str = Field(max_length=20)
    pending_reason: str | None = Field(default=None, max_length=20)
    group_id: int | None = Field(default=None, foreign_key="assignment_group.id")
    assignee_id: int | None = Field(default=None, foreign_key="staff.id")
    tier: int = Field(default=TIERS[0], ge=TIERS[0], le=TIERS[-1])
    opened_by_id: int | None = Field(default=None, foreign_key="staff.id")
    opened_at: datetime = Field(sa_type=UTCDateTime)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # Filled by the SLA engine: due times and the next moment anything is due.
    response_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When the resolution clock reaches its last warning step before 100 % (75 % by default):
    # from then until the due time the ticket is "at risk". None while the clock is not running.
    resolution_warn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_sla_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The SLA policy in force ("P2", "P2/category:sw" …) and the resolution clock's business
    # minutes as of the last change, so a queue can show time left and elapsed % per row
    # without reading the journal (see ``workflow.sla.progress``).
    sla_policy: str | None = Field(default=None, max_length=80)
    resolution_elapsed_min: int | None = Field(default=None)
    # The response clock's business minutes, opening to first response, stored with the first
    # response (None before it): the KPI report aggregates it in SQL.
    response_elapsed_min: int | None = Field(default=None)
    reassignment_count: int = Field(default=0)
    escalation_count: int = Field(default=0)
    reopen_count: int = Field(default=0)
    left_first_line: bool = Field(default=False)  # ever escalated beyond tier 1
    resolved_first_line: bool = Field(default=False)
    resolution_code: str | None = Field(default=None, max_length=40)
    resolution_text: str | None = Field(default=None, sa_type=Text)
    # Set by an override (journaled with its reason): impact/urgency changes then keep it.
    priority_overridden: bool = Field(default=False)
    # Hierarchical escalation: raised to the group's supervisor, until they act on it.
    flagged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A follow-up opened for a ticket past its reopen window points back at it.
    related_ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    version: int = Field(default=1)


_newest = Ticket.__table__.c.id.desc()  # type: ignore[attr-defined]
Index("ix_ticket_assignee_by_priority", "assignee_id", "status", "priority", _newest)
Index("ix_ticket_group_by_priority", "group_id", "status", "priority", _newest)
Index("ix_ticket_status_by_priority", "status", "priority", _newest)
Index("ix_ticket_by_priority", "priority", _newest)  # all, by priority
Index(
    "ix_ticket_unassigned_by_priority",
    "group_id",
    "status",
    "priority",
    _newest,
    "assignee_id",
    **_where(UNASSIGNED),
)
Index("ix_ticket_flagged_by_priority", "status", "priority", _newest, **_where(FLAGGED))
# By deadline: soonest first, then oldest (ticket_queries.SORTS["due"]); the open queue reads
# ix_ticket_status_due. (Columns, not names: an index outside the class names its table so.)
_c = Ticket.__table__.c  # type: ignore[attr-defined]
Index("ix_ticket_assignee_by_due", _c.assignee_id, _c.status, _c.resolution_due_at, _c.id)
Index("ix_ticket_group_by_due", _c.group_id, _c.status, _c.resolution_due_at, _c.id)
Index("ix_ticket_by_due", _c.resolution_due_at, _c.id)  # all, by deadline
# All with a status at one priority by deadline: that status's range of the open tickets'
# index (ix_ticket_open_priority_due, below) or of the finished tickets' twin (walking the
# status's deadline range for one priority read every ticket of the status due before its
# first). Partial, so that SQLite reads it only for a query that repeats its condition: a full
# index of (priority, deadline) was SQLite's choice for the breached queue at one priority,
# whose range then held every closed ticket of the priority (1.5 s at a million).
# (PostgreSQL can also read it for a query naming one finished status.)
Index(
    "ix_ticket_done_priority_due",
    _c.status,
    _c.priority,
    _c.resolution_due_at,
    _c.id,
    **_where(DONE_ONLY),
)
Index(
    "ix_ticket_unassigned_by_due",
    _c.group_id,
    _c.status,
    _c.resolution_due_at,
    _c.id,
    _c.assignee_id,
    **_where(UNASSIGNED),
)
Index(
    "ix_ticket_flagged_by_due",
    _c.status,
    _c.resolution_due_at,
    _c.id,
    **_where(FLAGGED),
)
# The breached queue (open, past the deadline: a range of each status and priority, in deadline
# order) read by deadline with a priority filter, and its window read from the index alone
# (ids, priorities and deadlines) for the other orders: ticket_queries.window_page. Open tickets
# only, a few per cent of them all.
Index(
    "ix_ticket_open_priority_due",
    _c.status,
    _c.priority,
    _c.resolution_due_at,
    _c.id,
    **_where(OPEN_ONLY),
)
# Scorecards (workflow/quality): the tickets a staff member took (first-line resolution) and
# resolved (reopen rate, SLA compliance) in a period, as index ranges.
Index("ix_ticket_opener_resolved", _c.opened_by_id, _c.resolved_at, _c.resolved_first_line)
Index("ix_ticket_assignee_resolved", _c.assignee_id, _c.resolved_at, _c.reopen_count)


class TicketNote(Table, table=True):
    """A work note (internal) or a public reply on a ticket."""

    __tablename__ = "ticket_note"
    __table_args__ = (Index("ix_ticket_note_ticket", "ticket_id", "id"), *checks_for("ticket_note"))

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="staff.id")
    kind: str = Field(max_length=20)
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Contact(Table, table=True):
    """One call, walk-in, e-mail, web request or monitoring event, as the agent logged it."""

    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_agent_at", "agent_id", "occurred_at"),  # call volume per agent
        Index("ix_contact_ticket", "ticket_id"),
        Index("ix_contact_caller_at", "caller_id", "occurred_at"),
        # Contacts by time, with the channel: the KPI report counts a period's by channel from
        # the index alone.
        Index("ix_contact_at_channel", "occurred_at", "channel"),
        *checks_for("contact"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    caller_id: int | None = Field(default=None, foreign_key="caller.id")
    agent_id: int | None = Field(default=None, foreign_key="staff.id")
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    summary: str = Field(default="", max_length=SUMMARY_MAX)
    occurred_at: datetime = Field(sa_type=UTCDateTime)


class NumberSeries(Table, table=True):
    """The last number handed out per series (INC, REQ, …).

    Incremented with a conditional UPDATE in the creating transaction, so concurrent creators
    serialise on one row and never get the same number; a rolled-back creation rolls the
    counter back too.
    """

    __tablename__ = "number_series"

    prefix: str = Field(max_length=10, primary_key=True)
    last_value: int = Field(default=0)


class TicketGram(Table, table=True):
    """Two consecutive characters of a ticket's folded title (``common.ngrams``), each pair
    once per ticket: the index a queue search reads when its term is rare.

    The key (ticket, gram) is how the rows are written (a new ticket's grams append at the
    end; a corrected title deletes its ticket's range); ``ix_ticket_gram_by_priority`` (gram,
    priority, newest ticket first) is a gram's posting list, read as one index range. No rowid
    on SQLite: the key is the table, so the two structures are all there is to keep up.
    """

    __tablename__ = "ticket_gram"
    __table_args__ = ({"sqlite_with_rowid": False},)

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True, ondelete="CASCADE")
    gram: str = Field(max_length=GRAM_MAX, primary_key=True)
    #: The ticket's priority, kept with each of its grams (``title_grams.reprioritise``), so
    #: that a gram's postings come in the priority queue's order.
    priority: int
    #: Whether the ticket is open (``OPEN_ONLY``), kept with each of its grams in the
    #: transaction that opens or closes it (``title_grams.set_open``): a search in a queue of
    #: open work reads the gram's open postings (``ix_ticket_gram_open``), a few in a hundred.
    is_open: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


# A gram's posting list in the priority order of the queues (most urgent first, newest first
# within a priority): a search sorted by priority walks it and stops after a page, however the
# term's tickets fall over the priorities; a count of a gram's postings reads its range. On a
# bulk load it costs ~50 % more CPU to insert into than (gram, ticket) did (100,000 tickets:
# 4.0 s against 2.6 s), as a gram's new postings go to five places, one per priority, at the
# start of each; an ascending id (new postings at the ends) saved only 0.3 s of that, for up
# to five statements a page instead of one or two.
_g = TicketGram.__table__.c  # type: ignore[attr-defined]
Index("ix_ticket_gram_by_priority", _g.gram, _g.priority, _g.ticket_id.desc())
# A gram's postings of open tickets only (about one in a hundred at a million tickets): a search
# in an open-work queue reads these tens or hundreds and cuts its page from them, instead of
# reading every posting's ticket (99 % closed) or walking the queue and testing each title.
# Partial, so it costs writes only for open tickets' grams.
OPEN_GRAM = "is_open"
Index("ix_ticket_gram_open", _g.gram, _g.ticket_id, **_where(OPEN_GRAM))
