"""KPI reports kept in the reports folder: the scheduler's monthly and weekly ones, and those
rendered from the console.

Exactly once per scheduled period is enforced here, by ``uq_stored_report_period``: the
scheduler claims a period by inserting its row, so two schedulers, or one restarted, cannot
render or mail it twice (a report rendered by hand has no schedule: NULLs never clash).
"""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.types import UTCDateTime

#: Longest path kept for a report file.
REPORT_PATH_MAX = 1000


class StoredReport(Table, table=True):
    """One rendered report: its period, file, who or what asked for it, and when it was sent.

    ``rendered_at`` is None while a claimed scheduled period is still to be rendered (a
    scheduler that died mid-render leaves it so, and the next run finishes it)."""

    __tablename__ = "stored_report"
    __table_args__ = (
        UniqueConstraint("schedule", "period_key", name="uq_stored_report_period"),
        Index("ix_stored_report_created", "created_at", "id"),  # itsm report list: newest first
    )

    id: int | None = Field(default=None, primary_key=True)
    # common.domain.ReportSchedule, or None: rendered by hand. (No CHECK constraint: migration
    # 0006 adds every entry of checks.CHECKS to a table that exists before this one does.)
    schedule: str | None = Field(default=None, max_length=20)
    period_key: str = Field(max_length=40)  # 2026-11, 2026-W48, 2026-11-01..2026-11-15
    path: str = Field(default="", max_length=REPORT_PATH_MAX)
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")  # None: the system
    created_at: datetime = Field(sa_type=UTCDateTime)
    rendered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mailed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BacklogSnapshot(Table, table=True):
    """The backlog at one local midnight (the end of a day in the site's zone), taken once:
    ``uq_backlog_snapshot_end`` makes the nightly job, a second scheduler or the backfill
    write each day once. The KPI report reads an old period's backlog from here instead of
    from about half the tickets (``workflow.kpi.snapshots``)."""

    __tablename__ = "backlog_snapshot"
    __table_args__ = (UniqueConstraint("end_at", name="uq_backlog_snapshot_end"),)

    id: int | None = Field(default=None, primary_key=True)
    end_at: datetime = Field(sa_type=UTCDateTime)  # the local midnight, as a UTC instant
    day: str = Field(max_length=10)  # the local day that ended then, 2026-11-30
    backlog: int = Field(default=0)  # the whole site's
    taken_at: datetime = Field(sa_type=UTCDateTime)


class BacklogCount(Table, table=True):
    """One snapshot's backlog of one group and tier (no row: none), so a report scoped to a
    group or a tier reads its own figure."""

    __tablename__ = "backlog_count"
    __table_args__ = (Index("ix_backlog_count_snapshot", "snapshot_id", "group_id", "tier"),)

    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="backlog_snapshot.id", ondelete="CASCADE")
    group_id: int | None = Field(default=None, foreign_key="assignment_group.id")
    tier: int
    backlog: int


class KpiDay(Table, table=True):
    """One local day whose resolved tickets are rolled up in ``kpi_day_count``, taken once
    (``uq_kpi_day_end``) and only when the day is final: its end lies further back than the
    reopen window, so none of its resolved tickets can be reopened any more and the counts
    stay equal to a live count. The KPI report sums these instead of reading a month of
    tickets per figure (``workflow.kpi.rollups``)."""

    __tablename__ = "kpi_day"
    __table_args__ = (
        UniqueConstraint("end_at", name="uq_kpi_day_end"),
        Index("ix_kpi_day_start", "start_at", "end_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    start_at: datetime = Field(sa_type=UTCDateTime)  # the local midnight it starts at, in UTC
    end_at: datetime = Field(sa_type=UTCDateTime)  # the next local midnight, in UTC
    day: str = Field(max_length=10)  # the local day, 2026-11-30
    taken_at: datetime = Field(sa_type=UTCDateTime)


class KpiDayCount(Table, table=True):
    """The tickets resolved on one rolled-up day, of one group, tier and priority (no row:
    none), counted as the report's sections define them (``workflow.kpi.rollups.RESOLVED``)."""

    __tablename__ = "kpi_day_count"
    __table_args__ = (Index("ix_kpi_day_count_day", "day_id", "group_id", "tier", "priority"),)

    id: int | None = Field(default=None, primary_key=True)
    day_id: int = Field(foreign_key="kpi_day.id", ondelete="CASCADE")
    group_id: int | None = Field(default=None, foreign_key="assignment_group.id")
    tier: int
    priority: int
    resolved: int = Field(default=0)
    first_line: int = Field(default=0)
    reassignments: int = Field(default=0)
    reopened: int = Field(default=0)
    sla_measured: int = Field(default=0)
    sla_met: int = Field(default=0)
    response_measured: int = Field(default=0)
    response_met: int = Field(default=0)
