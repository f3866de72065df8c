"""Service quality: satisfaction surveys, complaints, scoring schemes and frozen scorecards.

Each survey and complaint names the staff member (and group) it is attributed to, so a score
can be explained row by row: the scorecards read these tables and the ticket's own facts
(``resolved_first_line``, ``opened_by_id``), never a copy.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field

from itsm_tui.common.domain import COMMENT_MAX
from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.tables.checks import checks_for
from itsm_tui.storage.types import UTCDateTime


class Survey(Table, table=True):
    """One satisfaction survey of one resolution of a ticket (a ticket reopened and resolved
    again gets another: ``round`` is the ticket's reopen count when it was resolved)."""

    __tablename__ = "survey"
    __table_args__ = (
        UniqueConstraint("ticket_id", "round", name="uq_survey_ticket_round"),
        # The callback queue (open, soonest to expire first) and the expiry job.
        Index("ix_survey_status_expires", "status", "expires_at", "id"),
        # Scorecards: a staff member's surveys in a period, covering the figures they read.
        Index("ix_survey_staff_created", "staff_id", "created_at", "status", "overall"),
        # "Answered in the last N days": not asked again.
        Index("ix_survey_caller_answered", "caller_id", "answered_at"),
        # The KPI report: a period's surveys for the site or a group, covering what it counts.
        Index("ix_survey_created_kpi", "created_at", "group_id", "status", "overall"),
        *checks_for("survey"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    round: int = Field(default=0)
    caller_id: int = Field(foreign_key="caller.id")
    staff_id: int | None = Field(default=None, foreign_key="staff.id")  # who resolved it
    group_id: int | None = Field(default=None, foreign_key="assignment_group.id")
    channel: str | None = Field(default=None, max_length=20)  # the ticket's first contact's
    status: str = Field(max_length=20)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_by_id: int | None = Field(default=None, foreign_key="staff.id")  # None: the link
    answered_via: str | None = Field(default=None, max_length=20)  # console | cli | link
    overall: int | None = Field(default=None)
    timeliness: int | None = Field(default=None)
    attitude: int | None = Field(default=None)
    solved: bool | None = Field(default=None)
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)
    low_score: bool = Field(default=False)
    # The callback queue: who last took this survey to call, and when (others skip it a while).
    callback_by_id: int | None = Field(default=None, foreign_key="staff.id")
    callback_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The signed link's nonce: a new link replaces it, so only the newest link answers.
    link_nonce: str | None = Field(default=None, max_length=40)
    version: int = Field(default=1)


class Complaint(Table, table=True):
    """A complaint against a ticket's handling, a staff member, or both."""

    __tablename__ = "complaint"
    __table_args__ = (
        # Scorecards: valid complaints against a staff member in a period.
        Index("ix_complaint_staff_received", "staff_id", "received_at", "verdict"),
        Index("ix_complaint_status", "status", "id"),
        # A person's complaints, a page at a time (``complaint list --staff``).
        Index("ix_complaint_staff_id", "staff_id", "id"),
        Index("ix_complaint_ticket", "ticket_id"),
        # The KPI report: the complaints received in a period, covering what it counts.
        Index("ix_complaint_received_kpi", "received_at", "group_id", "verdict"),
        *checks_for("complaint"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    staff_id: int | None = Field(default=None, foreign_key="staff.id")  # complained about
    group_id: int | None = Field(default=None, foreign_key="assignment_group.id")
    channel: str = Field(max_length=20)
    text: str = Field(sa_type=Text)
    received_at: datetime = Field(sa_type=UTCDateTime)
    logged_by_id: int | None = Field(default=None, foreign_key="staff.id")
    logged_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(max_length=20)
    verdict: str | None = Field(default=None, max_length=20)
    reason: str | None = Field(default=None, sa_type=Text)
    reviewer_id: int | None = Field(default=None, foreign_key="staff.id")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    follow_up: str | None = Field(default=None, sa_type=Text)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1)


class ScoreScheme(Table, table=True):
    """One imported version of a scoring scheme for a role: its TOML as written (kept so it can
    be exported again) and as read (``indicators``)."""

    __tablename__ = "score_scheme"
    __table_args__ = (UniqueConstraint("role", "version", name="uq_score_scheme_role_version"),)

    id: int | None = Field(default=None, primary_key=True)
    role: str = Field(max_length=20)
    version: int
    name: str = Field(max_length=100)
    source: str = Field(sa_type=Text)
    indicators: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    imported_at: datetime = Field(sa_type=UTCDateTime)
    imported_by_id: int | None = Field(default=None, foreign_key="staff.id")


class FrozenScorecard(Table, table=True):
    """A staff member's scorecard for a closed period, as it was when the period was closed:
    later corrections show as a difference against it, never as a silent change."""

    __tablename__ = "frozen_scorecard"
    __table_args__ = (
        UniqueConstraint("period", "staff_id", name="uq_frozen_scorecard_period_staff"),
    )

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=10)  # 2026, 2026-Q4, 2026-11
    staff_id: int = Field(foreign_key="staff.id")
    scheme_id: int | None = Field(default=None, foreign_key="score_scheme.id")
    total: float
    figures: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    closed_at: datetime = Field(sa_type=UTCDateTime)
    closed_by_id: int | None = Field(default=None, foreign_key="staff.id")
