"""Stored KPI reports: the scheduler's claim on a period (exactly once, by the row's unique
key), the report files rendered by hand, the list, and mailing a report to the supervisors
through the notification outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from itsm_tui.common.domain import ReportSchedule, Role
from itsm_tui.common.errors import NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.engine import write_session
from itsm_tui.storage.tables import NotificationOutbox, Staff, StaffRole, StoredReport
from itsm_tui.workflow.context import Read, Tx, mutation, query, system_transaction
from itsm_tui.workflow.kpi.schedules import due_period, parse_schedule
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.site_settings import read_setting

#: The setting that says when each schedule runs.
SETTING = {ReportSchedule.MONTHLY: "report_monthly_at", ReportSchedule.WEEKLY: "report_weekly_at"}
#: Rows a page of ``itsm report list`` shows by default, and at most.
PAGE, MAX_PAGE = 50, 500


@dataclass(frozen=True)
class ReportView:
    id: int
    schedule: str | None
    period: str
    path: str
    created_at: datetime
    rendered_at: datetime | None
    mailed_at: datetime | None


@dataclass(frozen=True)
class ReportPage:
    rows: list[ReportView]
    next_after: int | None


def _view(row: StoredReport) -> ReportView:
    assert row.id is not None
    return ReportView(
        row.id,
        row.schedule,
        row.period_key,
        row.path,
        row.created_at,
        row.rendered_at,
        row.mailed_at,
    )


@query(Action.VIEW_REPORTS)
def list_reports(read: Read, *, after: int | None = None, limit: int = PAGE) -> ReportPage:
    """Stored reports, newest first, a keyset page after the id ``after``."""
    limit = max(1, min(limit, MAX_PAGE))
    stmt = select(StoredReport).order_by(col(StoredReport.id).desc()).limit(limit + 1)
    if after is not None:
        stmt = stmt.where(col(StoredReport.id) < after)
    rows = list(read.session.exec(stmt).all())
    more = len(rows) > limit
    rows = rows[:limit]
    return ReportPage([_view(r) for r in rows], rows[-1].id if more and rows else None)


@query(Action.VIEW_REPORTS)
def get_report(read: Read, report_id: int) -> ReportView:
    row = read.session.get(StoredReport, report_id)
    if row is None:
        raise NotFound(N_("No stored report {id}."), field="id", id=report_id)
    return _view(row)


@mutation(Action.VIEW_REPORTS)
def record_report(tx: Tx, period_key: str, path: str) -> ReportView:
    """Keep a report rendered by hand (the console's render key) in the list."""
    row = StoredReport(
        period_key=period_key,
        path=path,
        created_by_id=tx.actor.id,
        created_at=tx.now,
        rendered_at=tx.now,
    )
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    tx.journal("report", row.id, "render", {"period": period_key, "path": path})
    return _view(row)


@mutation(Action.VIEW_REPORTS)
def mail_report(tx: Tx, report_id: int) -> int:
    """Queue the report for every active supervisor with an e-mail address (once each: a
    second request for the same report queues nobody again); how many were queued."""
    row = tx.session.get(StoredReport, report_id)
    if row is None or row.rendered_at is None:
        raise NotFound(N_("No stored report {id}."), field="id", id=report_id)
    queued = _queue_mail(tx.session, row, tx.now)
    tx.journal("report", report_id, "mail", {"recipients": queued})
    return queued


def _supervisors(session: Session) -> list[str]:
    rows = session.exec(
        select(Staff.email)
        .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
        .where(StaffRole.role == Role.SUPERVISOR.value, col(Staff.active))
        .where(col(Staff.email).is_not(None))
        .order_by(col(Staff.id))
    ).all()
    return list(dict.fromkeys(e for e in rows if e))


def _queue_mail(session: Session, row: StoredReport, now: datetime) -> int:
    assert row.id is not None
    have = set(
        session.exec(
            select(NotificationOutbox.address).where(
                NotificationOutbox.report_id == row.id, NotificationOutbox.channel == "email"
            )
        ).all()
    )
    payload: dict[str, Any] = {
        "kind": "report",
        "message": f"KPI report {row.period_key}",
        "period": row.period_key,
        "path": row.path,
        "language": read_setting(session, "language"),  # the e-mail's words: the site's
    }
    queued = 0
    for address in _supervisors(session):
        if address in have:
            continue
        session.add(
            NotificationOutbox(
                report_id=row.id,
                channel="email",
                address=address,
                payload=payload,
                next_attempt_at=now,
                created_at=now,
            )
        )
        queued += 1
    if queued:
        row.mailed_at = now
        session.add(row)
    return queued


@dataclass(frozen=True)
class Claim:
    """A scheduled period to render: its row and the period."""

    report_id: int
    schedule: ReportSchedule
    period_key: str


def claim_due(site: Site) -> list[Claim]:
    """For each schedule that is on, claim the latest period due (insert its row unless it
    exists: ``uq_stored_report_period`` lets one insert win, across processes and restarts),
    and return every claimed period not rendered yet (a render that died is taken up again)."""
    now = site.clock.now()
    local = now.astimezone(site.settings.zone)
    with write_session(site.engine) as session:
        due = []
        for schedule, key in SETTING.items():
            when = parse_schedule(key, read_setting(session, key))
            if when is not None:
                due.append((schedule, due_period(schedule, when, local).key))
    for schedule, period_key in due:
        try:
            with system_transaction(site) as tx:
                row = StoredReport(schedule=schedule.value, period_key=period_key, created_at=now)
                tx.session.add(row)
                tx.session.flush()
                assert row.id is not None
                tx.journal(
                    "report", row.id, "claim", {"schedule": schedule.value, "period": period_key}
                )
        except IntegrityError:
            pass  # claimed already, by this scheduler earlier or by another
    with write_session(site.engine) as session:
        rows = session.exec(
            select(StoredReport)
            .where(col(StoredReport.schedule).is_not(None), col(StoredReport.rendered_at).is_(None))
            .order_by(col(StoredReport.id))
        ).all()
        return [Claim(r.id or 0, ReportSchedule(str(r.schedule)), r.period_key) for r in rows]


def finish_scheduled(site: Site, report_id: int, path: str) -> bool:
    """Mark a claimed report rendered at ``path`` and queue its mail, in one transaction;
    False when another scheduler finished it first (then nothing is queued again)."""
    with system_transaction(site) as tx:
        result = tx.session.execute(
            update(StoredReport)
            .where(col(StoredReport.id) == report_id, col(StoredReport.rendered_at).is_(None))
            .values(rendered_at=tx.now, path=path)
        )
        assert isinstance(result, CursorResult)
        if result.rowcount != 1:
            tx.session.rollback()
            return False
        row = tx.session.get(StoredReport, report_id)
        assert row is not None
        tx.session.refresh(row)
        queued = _queue_mail(tx.session, row, tx.now)
        tx.journal("report", report_id, "render", {"path": path, "recipients": queued})
        return True
