"""The vocabulary every layer shares: roles, ticket types and states, channels, the levels a
ticket is rated on, and the text limits.

Plain string enums, stored as their values, so the database stays readable from ``psql``. The
database refuses any other value (CHECK constraints built from these, in
``storage.tables.checks``), so a new member needs a migration that re-creates its constraint.
Defined here, below every layer, so the tables, the workflow and the screens read the same set.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a staff member may do is decided by roles (see ``workflow.permissions``)."""

    AGENT = "agent"  # tier 1: hotline, on-site engineer
    ENGINEER = "engineer"  # tier 2: operations administrator
    SPECIALIST = "specialist"  # tier 3: developer or vendor
    INSPECTOR = "inspector"  # machine-room inspection rounds
    SUPERVISOR = "supervisor"  # watches queues and SLA risk, intervenes
    ADMIN = "admin"  # manages staff, groups and configuration


class TicketType(StrEnum):
    INCIDENT = "incident"
    REQUEST = "request"


#: Each ticket type has its own number series: INC000123, REQ000045.
NUMBER_PREFIX: dict[TicketType, str] = {TicketType.INCIDENT: "INC", TicketType.REQUEST: "REQ"}


def status_label(code: str) -> str:
    """A status, pending reason, CI status or journal action as people read it: "in_progress"
    → "in progress". The stored value keeps its underscore (scripts and ``psql`` read it); every
    screen and the readable history show this, so a state reads alike everywhere."""
    return code.replace("_", " ")


class TicketStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


#: States in which a ticket still needs work (queues show these).
OPEN_STATUSES: tuple[TicketStatus, ...] = (
    TicketStatus.NEW,
    TicketStatus.ASSIGNED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.PENDING,
)


class PendingReason(StrEnum):
    """What a pending ticket waits for. Waiting for the caller or a vendor pauses the SLA
    resolution clock; waiting for a change does not (implementing it is our own work)."""

    CUSTOMER = "customer"
    VENDOR = "vendor"
    CHANGE = "change"


#: Pending for these stops the SLA resolution clock.
PAUSING_PENDING_REASONS: frozenset[PendingReason] = frozenset(
    {PendingReason.CUSTOMER, PendingReason.VENDOR}
)


class ClockState(StrEnum):
    """Where an SLA clock stands. A paused clock keeps what it has counted and goes on from
    there; a stopped one (resolved, cancelled, responded) counts no more unless reopened."""

    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    NONE = "none"  # no SLA policy applies to the ticket: nothing is measured


# The levels a ticket is rated on, 1 the most severe: impact and urgency 1-3, and the priority
# derived from them 1-5 (P1-P5). The support tier of tickets, staff and groups: 1 the first
# line, 3 (developers and vendors) the top, beyond which nothing escalates.
IMPACT_LEVELS = range(1, 4)
URGENCY_LEVELS = range(1, 4)
PRIORITY_LEVELS = range(1, 6)

#: Impact and urgency as the forms offer them (the CLI's help says the same in short).
IMPACT_LABELS: dict[int, str] = {1: "enterprise-wide", 2: "department", 3: "one person"}
URGENCY_LABELS: dict[int, str] = {1: "work stopped", 2: "work impaired", 3: "can wait"}
TOP_TIER = 3
TIERS = range(1, TOP_TIER + 1)

# Text limits, in characters: the workflow refuses longer input with a message naming the
# limit; the title and summary columns are sized from them (descriptions and notes are TEXT
# columns and reasons go into the journal, so their limit is the workflow's alone).
TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
NOTE_MAX = 20_000
REASON_MAX = 2_000  # the reason given for an escalation, override, reopen or cancellation
SUMMARY_MAX = 500  # a logged contact's summary


class Channel(StrEnum):
    """How a contact reached the service desk."""

    PHONE = "phone"
    WALK_IN = "walk_in"
    EMAIL = "email"
    WEB = "web"
    MONITORING = "monitoring"


class NoteKind(StrEnum):
    WORK_NOTE = "work_note"  # internal
    PUBLIC_REPLY = "public_reply"  # seen by the caller


class CIStatus(StrEnum):
    IN_USE = "in_use"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"


class ProblemStatus(StrEnum):
    """A problem's life: new → investigating → known error (cause and workaround known) →
    resolved (the fix is in) → closed."""

    NEW = "new"
    INVESTIGATING = "investigating"
    KNOWN_ERROR = "known_error"
    RESOLVED = "resolved"
    CLOSED = "closed"


#: Problem numbers: PRB000012; knowledge articles: KB000034.
PROBLEM_PREFIX = "PRB"
ARTICLE_PREFIX = "KB"


class ArticleStatus(StrEnum):
    """A knowledge article's life: draft → reviewed (by a supervisor) → published → retired."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    PUBLISHED = "published"
    RETIRED = "retired"


class Visibility(StrEnum):
    """Who may read a published article: staff only, or also the self-service page."""

    INTERNAL = "internal"
    SELF_SERVICE = "self_service"


class CandidateStatus(StrEnum):
    """A suggested problem (recurring incidents): open until a person makes a problem of it or
    dismisses it."""

    OPEN = "open"
    DISMISSED = "dismissed"
    ACCEPTED = "accepted"


class ItemKind(StrEnum):
    """What an inspection item asks for (``workflow.inspections``)."""

    PASS_FAIL = "pass_fail"  # look and judge: p or f
    READING = "reading"  # a number with a unit, a normal range and an optional warning band
    CHOICE = "choice"  # one of a list, some of which count as failed (red, amber …)
    TEXT = "text"  # free text, never failed by itself


class Outcome(StrEnum):
    """How an answered inspection item came out."""

    PASS = "pass"
    WARN = "warn"  # a reading in the warning band: asks for a note, opens an incident
    FAIL = "fail"
    SKIPPED = "skipped"  # not answered when the round was completed, with a reason


class RoundStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


#: 1 high · 2 medium · 3 low: an item's severity is the incident's urgency.
SEVERITY_LEVELS = range(1, 4)
class SurveyStatus(StrEnum):
    """A satisfaction survey is open until answered or until its window runs out."""

    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"


class ComplaintStatus(StrEnum):
    """received → under review → valid / invalid (with a reason) → closed."""

    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    VALID = "valid"
    INVALID = "invalid"
    CLOSED = "closed"


class Verdict(StrEnum):
    """A complaint's validity, as a supervisor judged it (only valid ones count in scores)."""

    VALID = "valid"
    INVALID = "invalid"


#: A survey's scores run 1 (worst) to 5 (best); a complaint's and a comment's text limit.
SURVEY_SCORES = range(1, 6)
COMMENT_MAX = 2_000
COMPLAINT_MAX = 5_000


class ReportSchedule(StrEnum):
    """The KPI reports the scheduler renders by itself, one per period."""

    MONTHLY = "monthly"
    WEEKLY = "weekly"
