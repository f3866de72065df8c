"""What the scheduler watches in changes: a change that overruns its window, an emergency
change not reviewed by the full CAB in time; and the incidents a change may have caused.

Each alert goes to the alert inbox once per change and kind (``uq_sla_alert_change``), so a
scheduler that runs the watch every few minutes, or two schedulers, alert once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from itsm_tui.common.changes import ChangeStatus, ChangeType
from itsm_tui.common.domain import TicketType
from itsm_tui.storage.tables import (
    AssignmentGroup,
    ChangeCI,
    ChangeLink,
    ChangeRequest,
    ConfigurationItem,
    NotificationOutbox,
    SlaAlert,
    Staff,
    Ticket,
    TicketCI,
)
from itsm_tui.storage.tables.sla import ALERT_MESSAGE_MAX
from itsm_tui.workflow.business_calendar import BusinessCalendar
from itsm_tui.workflow.changes import cab
from itsm_tui.workflow.changes.core import find_change
from itsm_tui.workflow.changes.freeze import day_off
from itsm_tui.workflow.context import Read, Tx, query, system_transaction
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.site_settings import read_setting
from itsm_tui.workflow.sla.alerts import outbox_rows
from itsm_tui.workflow.sla.config import calendar

log = logging.getLogger(__name__)

OVERRUN = "overrun"
REVIEW_DUE = "review_due"
BATCH = 200


@dataclass
class WatchReport:
    overruns: list[str] = field(default_factory=list)
    reviews_due: list[str] = field(default_factory=list)


def review_deadline(office: BusinessCalendar, finished: datetime, days: int) -> datetime:
    """The end of the ``days``-th working day after the day ``finished`` falls on."""
    zone = ZoneInfo(office.tz)
    day: date = finished.astimezone(zone).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if not day_off(office, day):
            counted += 1
    return datetime.combine(day + timedelta(days=1), time(), zone)


def _alert(tx: Tx, change: ChangeRequest, person: Staff, kind: str, message: str) -> bool:
    """One alert in ``person``'s inbox (and their e-mail); False if they had it already."""
    assert change.id is not None and person.id is not None
    message = message[:ALERT_MESSAGE_MAX]
    alert = SlaAlert(
        change_id=change.id,
        kind=kind,
        staff_id=person.id,
        target=kind,
        message=message,
        due_at=tx.now,
        created_at=tx.now,
    )
    try:
        with tx.session.begin_nested():
            tx.session.add(alert)
    except IntegrityError:
        return False
    assert alert.id is not None
    payload = {
        "alert_id": alert.id,
        "ticket": change.number,
        "kind": kind,
        "due_at": tx.now.isoformat(),
        "staff": person.login,
        "target": kind,
        "message": message,
    }
    for row in outbox_rows(tx, alert.id, person.email, payload):
        tx.session.add(NotificationOutbox(**row))
    return True


def _owners(tx: Tx, change: ChangeRequest) -> list[Staff]:
    """The implementer and their group's supervisor."""
    people: list[Staff] = []
    if change.implementer_id is not None:
        found = tx.session.get(Staff, change.implementer_id)
        people += [found] if found is not None and found.active else []
    group = tx.session.get(AssignmentGroup, change.group_id) if change.group_id else None
    if group is not None and group.supervisor_id is not None:
        boss = tx.session.get(Staff, group.supervisor_id)
        if boss is not None and boss.active and boss not in people:
            people.append(boss)
    return people


def watch(site: Site) -> WatchReport:
    """Alert on overrunning changes and on emergency changes whose review is late."""
    report = WatchReport()
    with system_transaction(site) as tx:
        overrun = tx.session.exec(
            select(ChangeRequest)
            .where(
                ChangeRequest.status == ChangeStatus.IMPLEMENTING.value,
                col(ChangeRequest.window_end) < tx.now,
            )
            .limit(BATCH)
        ).all()
        for change in overrun:
            assert change.id is not None and change.window_end is not None
            message = (
                f"{change.number} {change.title[:120]}: still implementing after its window "
                f"ended at {change.window_end.astimezone(site.settings.zone):%Y-%m-%d %H:%M}"
            )
            alerted = [
                p.login for p in _owners(tx, change) if _alert(tx, change, p, OVERRUN, message)
            ]
            if alerted:
                tx.journal("change", change.id, "overrun_alert", {"alerted": alerted})
                report.overruns.append(change.number)
        days = int(read_setting(tx.session, "change_emergency_review_days"))
        office = calendar(tx.session, "office")
        unreviewed = tx.session.exec(
            select(ChangeRequest)
            .where(
                ChangeRequest.type == ChangeType.EMERGENCY.value,
                col(ChangeRequest.status).in_(
                    [ChangeStatus.IMPLEMENTED.value, ChangeStatus.FAILED.value]
                ),
                col(ChangeRequest.reviewed_at).is_(None),
                col(ChangeRequest.actual_end).is_not(None),
            )
            .limit(BATCH)
        ).all()
        full = [s for s, _ in cab.members(tx.session, cab.board(tx.session, "normal").groups)]
        for change in unreviewed:
            assert change.id is not None and change.actual_end is not None
            if review_deadline(office, change.actual_end, days) > tx.now:
                continue
            message = (
                f"{change.number} {change.title[:120]}: an emergency change not reviewed by "
                f"the CAB within {days} working days"
            )
            alerted = [p.login for p in full if _alert(tx, change, p, REVIEW_DUE, message)]
            if alerted:
                tx.journal("change", change.id, "review_due_alert", {"alerted": alerted})
                report.reviews_due.append(change.number)
    return report


@dataclass(frozen=True)
class Suspect:
    """An incident that may have been caused by a change."""

    number: str
    title: str
    opened_at: datetime
    ci: str


@query(Action.VIEW_CHANGES)
def possibly_caused(read: Read, number: str) -> list[Suspect]:
    """Incidents opened on the change's CIs during its window (as implemented, else as
    planned) and up to ``change_caused_hours`` after it, not yet linked as caused by it."""
    change = find_change(read.session, number)
    start = change.actual_start or change.window_start
    end = change.actual_end or change.window_end
    if start is None or end is None:
        return []
    end += timedelta(hours=int(read_setting(read.session, "change_caused_hours")))
    caused = select(ChangeLink.entity_id).where(
        ChangeLink.change_id == change.id,
        ChangeLink.entity == "ticket",
        ChangeLink.relation == "caused",
    )
    rows = read.session.exec(
        select(Ticket.number, Ticket.title, Ticket.opened_at, ConfigurationItem.name)
        .join(TicketCI, col(TicketCI.ticket_id) == Ticket.id)
        .join(ChangeCI, col(ChangeCI.ci_id) == TicketCI.ci_id)
        .join(ConfigurationItem, col(ConfigurationItem.id) == TicketCI.ci_id)
        .where(
            ChangeCI.change_id == change.id,
            Ticket.type == TicketType.INCIDENT.value,
            col(Ticket.opened_at) >= start,
            col(Ticket.opened_at) <= end,
            col(Ticket.id).not_in(caused),
        )
        .order_by(col(Ticket.opened_at))
        .limit(100)
    ).all()
    seen: dict[str, Suspect] = {}
    for num, title, opened, ci in rows:
        seen.setdefault(num, Suspect(num, title, opened, ci))
    return list(seen.values())
