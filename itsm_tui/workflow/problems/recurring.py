"""Recurring incidents: the job that suggests problems to tier-2 supervisors, and what people
do with its suggestions (the candidates list, dismiss).

A cluster is N incidents (setting ``recurring_incidents``, default 3) opened within the window
(``recurring_window_days``, default 14) and linked to no problem, either on one CI, or in one
category on one business service (a ticket names its service as a CI of class
``business_service``). Each cluster has one candidate row, keyed by what it groups on
(``ci:12``, ``service:3/category:7``):

- found for the first time: an open candidate, and an alert to each tier-2 supervisor;
- found again while open: its figures are brought up to date, no new alert;
- dismissed by a person: it stays dismissed; only incidents opened after the dismissal count
  towards suggesting that cluster again (a new round, alerted once more);
- accepted (a problem was made of it): its incidents are linked, so they no longer count.

Exactly once: the alert is raised in the transaction that inserts the candidate (unique key)
or bumps its round (conditional UPDATE on the round read), so two schedulers racing cannot both
alert. The clusters are found by two grouped queries over the window's incidents (an index
range on ``opened_at``), never by reading tickets into Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlmodel import col
from sqlmodel import select as model_select

from itsm_tui.common.domain import CandidateStatus, Role, TicketStatus, TicketType
from itsm_tui.common.errors import Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    AssignmentGroup,
    Category,
    ConfigurationItem,
    NotificationOutbox,
    ProblemCandidate,
    ProblemTicket,
    SlaAlert,
    Staff,
    StaffRole,
    Ticket,
    TicketCI,
)
from itsm_tui.storage.tables.sla import ALERT_MESSAGE_MAX
from itsm_tui.workflow.context import Read, Tx, mutation, query, system_transaction
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.site_settings import read_setting, site_language
from itsm_tui.workflow.sla.alerts import outbox_rows

_T = core_table(Ticket)
_TC = core_table(TicketCI)
_CI = core_table(ConfigurationItem)
_PT = core_table(ProblemTicket)
_PC = core_table(ProblemCandidate)

SERVICE_CLASS = "business_service"
#: The alert kind's prefix (the inbox shows it with the incident it was raised on).
ALERT_KIND = "problem_candidate"
PAGE_MAX = 500


@dataclass
class RecurringReport:
    clusters: int = 0
    new: list[str] = field(default_factory=list)  # keys suggested (again) this run
    alerts: int = 0


@dataclass(frozen=True)
class _Cluster:
    key: str
    ci_id: int
    category_id: int | None
    incidents: int
    last_ticket_id: int


def _window(since: datetime) -> Any:
    """The window's incidents, not cancelled, linked to no problem: read first, as an index
    range on ``opened_at`` (materialised, so neither database starts from ``ticket_ci`` and
    looks up every ticket of the year), then joined to their CIs by the ``ticket_ci`` key."""
    unlinked = ~select(_PT.c.ticket_id).where(_PT.c.ticket_id == _T.c.id).exists()
    return (
        select(_T.c.id, _T.c.category_id, _T.c.opened_at)
        .where(
            _T.c.opened_at >= since,
            _T.c.type == TicketType.INCIDENT.value,
            _T.c.status != TicketStatus.CANCELLED.value,
            unlinked,
        )
        .cte("recent")
        .prefix_with("MATERIALIZED")
    )


def _dismissed(on_category: Any) -> Any:
    """The dismissed candidate of a cluster, joined by its CI (and category, or none)."""
    dismissed = _PC.alias("dismissed")
    return dismissed, and_(
        dismissed.c.ci_id == _TC.c.ci_id,
        on_category(dismissed.c.category_id),
        dismissed.c.status == CandidateStatus.DISMISSED.value,
    )


def find_clusters(session: Any, now: datetime, threshold: int, days: int) -> list[_Cluster]:
    """Every cluster of the window that reaches ``threshold``: two grouped queries over the
    window's incidents. An incident counts unless a dismissal of its cluster came after it
    was opened."""
    recent = _window(now - timedelta(days=days))

    def counted(on_category: Any) -> tuple[Any, Any]:
        dismissed, on = _dismissed(on_category)
        joined = (
            recent.join(_TC, _TC.c.ticket_id == recent.c.id)
            .join(_CI, _CI.c.id == _TC.c.ci_id)
            .outerjoin(dismissed, on)
        )
        still = or_(dismissed.c.id.is_(None), recent.c.opened_at > dismissed.c.dismissed_at)
        return joined, still

    joined, still = counted(lambda c: c.is_(None))
    on_ci = (
        select(_TC.c.ci_id, func.count(), func.max(recent.c.id))
        .select_from(joined)
        .where(_CI.c.ci_class != SERVICE_CLASS, still)
        .group_by(_TC.c.ci_id)
        .having(func.count() >= threshold)
    )
    joined, still = counted(lambda c: c == recent.c.category_id)
    on_service = (
        select(_TC.c.ci_id, recent.c.category_id, func.count(), func.max(recent.c.id))
        .select_from(joined)
        .where(_CI.c.ci_class == SERVICE_CLASS, recent.c.category_id.is_not(None), still)
        .group_by(_TC.c.ci_id, recent.c.category_id)
        .having(func.count() >= threshold)
    )
    clusters = [
        _Cluster(f"ci:{ci}", ci, None, n, last) for ci, n, last in session.execute(on_ci)
    ]
    clusters += [
        _Cluster(f"service:{ci}/category:{cat}", ci, cat, n, last)
        for ci, cat, n, last in session.execute(on_service)
    ]
    return sorted(clusters, key=lambda c: c.key)


def tier2_supervisors(tx: Tx) -> list[Staff]:
    """Who hears of a suggestion: the supervisors of the active tier-2 groups; when those
    groups have none, every active supervisor (a suggestion is never raised to nobody)."""
    ids = tx.session.exec(
        model_select(AssignmentGroup.supervisor_id)
        .where(AssignmentGroup.tier == 2, col(AssignmentGroup.active))
        .where(col(AssignmentGroup.supervisor_id).is_not(None))
        .distinct()
    ).all()
    stmt = model_select(Staff).where(col(Staff.active))
    if ids:
        stmt = stmt.where(col(Staff.id).in_(list(ids)))
    else:
        stmt = stmt.join(StaffRole, col(StaffRole.staff_id) == Staff.id).where(
            StaffRole.role == Role.SUPERVISOR.value
        )
    return list(tx.session.exec(stmt.order_by(col(Staff.id))).all())


def _describe(tx: Tx, cluster: _Cluster, days: int) -> str:
    ci = tx.session.get(ConfigurationItem, cluster.ci_id)
    name = ci.name if ci else f"#{cluster.ci_id}"
    where = name
    if cluster.category_id is not None:
        category = tx.session.get(Category, cluster.category_id)
        where = f"{name} / {category.name if category else cluster.category_id}"
    say = site_language(tx.session)  # an alert's text: the site's language, as SLA alerts
    return say(
        N_(
            "Recurring incidents: {count} on {where} in {days} days, linked to no problem. "
            "Make a problem of them? (itsm problem candidates)"
        )
    ).format(count=cluster.incidents, where=where, days=days)[:ALERT_MESSAGE_MAX]


def _alert(tx: Tx, candidate_id: int, round_: int, cluster: _Cluster, message: str) -> int:
    kind = f"{ALERT_KIND}:{candidate_id}:{round_}"
    ticket = tx.session.get(Ticket, cluster.last_ticket_id)
    sent = 0
    for person in tier2_supervisors(tx):
        assert person.id is not None
        alert = SlaAlert(
            ticket_id=cluster.last_ticket_id,
            kind=kind,
            staff_id=person.id,
            target="tier2_supervisor",
            message=message,
            due_at=tx.now,
            created_at=tx.now,
        )
        tx.session.add(alert)
        tx.session.flush()
        assert alert.id is not None
        payload = {
            "alert_id": alert.id,
            "ticket": ticket.number if ticket else None,
            "kind": kind,
            "staff": person.login,
            "target": "tier2_supervisor",
            "message": message,
        }
        for row in outbox_rows(tx, alert.id, person.email, payload):
            tx.session.add(NotificationOutbox(**row))
        sent += 1
    return sent


def _handle(tx: Tx, cluster: _Cluster, days: int, report: RecurringReport) -> None:
    row = tx.session.execute(select(_PC).where(_PC.c.key == cluster.key)).first()
    figures = {
        "incidents": cluster.incidents,
        "last_ticket_id": cluster.last_ticket_id,
        "last_seen_at": tx.now,
    }
    if row is None:
        candidate_id = tx.session.execute(
            _PC.insert()
            .values(
                key=cluster.key,
                ci_id=cluster.ci_id,
                category_id=cluster.category_id,
                status=CandidateStatus.OPEN.value,
                round=1,
                first_seen_at=tx.now,
                **figures,
            )
            .returning(_PC.c.id)
        ).scalar_one()
        round_ = 1
    elif row.status == CandidateStatus.OPEN:
        tx.session.execute(update(_PC).where(_PC.c.id == row.id).values(**figures))
        return
    else:
        round_ = row.round + 1
        done = tx.session.execute(
            update(_PC)
            .where(_PC.c.id == row.id, _PC.c.round == row.round)
            .values(
                status=CandidateStatus.OPEN.value,
                round=round_,
                first_seen_at=tx.now,
                dismissed_at=None,
                dismissed_by_id=None,
                problem_id=None,
                **figures,
            )
        ).rowcount  # type: ignore[attr-defined]  # an UPDATE's CursorResult counts rows
        if not done:  # another scheduler suggested this round first
            return
        candidate_id = row.id
    tx.journal(
        "problem_candidate",
        candidate_id,
        "suggest",
        {"key": cluster.key, "incidents": cluster.incidents, "round": round_},
    )
    report.new.append(cluster.key)
    report.alerts += _alert(tx, candidate_id, round_, cluster, _describe(tx, cluster, days))


def detect_recurring(site: Site) -> RecurringReport:
    """The scheduler's job: find the clusters and suggest the new ones (one transaction)."""
    report = RecurringReport()
    with system_transaction(site) as tx:
        threshold = int(read_setting(tx.session, "recurring_incidents"))
        days = int(read_setting(tx.session, "recurring_window_days"))
        clusters = find_clusters(tx.session, tx.now, threshold, days)
        report.clusters = len(clusters)
        for cluster in clusters:
            _handle(tx, cluster, days, report)
    return report


@dataclass(frozen=True)
class CandidateRow:
    """One suggestion in the candidates list."""

    id: int
    key: str
    ci: str | None
    category: str | None
    status: str
    incidents: int
    last_ticket: str | None
    first_seen_at: datetime
    last_seen_at: datetime
    tickets: list[str]


def _cluster_tickets(read: Read, row: Any, days: int) -> list[str]:
    """The cluster's unlinked incidents of the window, newest first (at most 50)."""
    since = read.now - timedelta(days=days)
    unlinked = ~select(_PT.c.ticket_id).where(_PT.c.ticket_id == _T.c.id).exists()
    stmt = (
        select(_T.c.number)
        .select_from(_TC.join(_T, _T.c.id == _TC.c.ticket_id))
        .where(
            _TC.c.ci_id == row.ci_id,
            _T.c.opened_at >= since,
            _T.c.type == TicketType.INCIDENT.value,
            _T.c.status != TicketStatus.CANCELLED.value,
            unlinked,
        )
    )
    if row.category_id is not None:
        stmt = stmt.where(_T.c.category_id == row.category_id)
    if row.dismissed_at is not None:
        stmt = stmt.where(_T.c.opened_at > row.dismissed_at)
    return list(read.session.execute(stmt.order_by(_T.c.id.desc()).limit(50)).scalars())


@query(Action.VIEW_PROBLEMS)
def list_candidates(
    read: Read, *, status: str = CandidateStatus.OPEN.value, limit: int = 50
) -> list[CandidateRow]:
    """The suggestions in ``status`` (open by default), newest first, with their incidents."""
    if status not in {s.value for s in CandidateStatus}:
        raise Invalid(
            N_("status must be one of: {states}."),
            field="status",
            states=", ".join(s.value for s in CandidateStatus),
        )
    if not 1 <= limit <= PAGE_MAX:
        raise Invalid(N_("limit must be 1 to {limit}."), field="limit", limit=PAGE_MAX)
    days = int(read_setting(read.session, "recurring_window_days"))
    rows = read.session.execute(
        select(_PC, _CI.c.name, core_table(Category).c.name.label("category"), _T.c.number)
        .select_from(
            _PC.outerjoin(_CI, _CI.c.id == _PC.c.ci_id)
            .outerjoin(core_table(Category), core_table(Category).c.id == _PC.c.category_id)
            .outerjoin(_T, _T.c.id == _PC.c.last_ticket_id)
        )
        .where(_PC.c.status == status)
        .order_by(_PC.c.id.desc())
        .limit(limit)
    ).all()
    return [
        CandidateRow(
            r.id,
            r.key,
            r.name,
            r.category,
            r.status,
            r.incidents,
            r.number,
            r.first_seen_at,
            r.last_seen_at,
            _cluster_tickets(read, r, days),
        )
        for r in rows
    ]


@mutation(Action.MANAGE_PROBLEMS)
def dismiss_candidate(tx: Tx, candidate_id: int, *, reason: str = "") -> None:
    """Not a problem: the suggestion stays dismissed (only incidents opened from now on can
    bring its cluster back)."""
    row = tx.session.get(ProblemCandidate, candidate_id)
    if row is None:
        raise NotFound(N_("No candidate #{id}."), field="candidate", id=candidate_id)
    if row.status != CandidateStatus.OPEN:
        raise Invalid(
            N_("Candidate #{id} is {status}, not open."),
            field="candidate",
            id=candidate_id,
            status=row.status,
        )
    row.status = CandidateStatus.DISMISSED.value
    row.dismissed_at = tx.now
    row.dismissed_by_id = tx.actor.id
    tx.session.add(row)
    tx.journal("problem_candidate", candidate_id, "dismiss", {"reason": reason} if reason else {})
