"""Staff scorecards (绩效考评): each indicator's raw value, the band it fell in, its points, its
weight and its weighted points, for a month, a quarter or a year; rankings; closing a period.

Attribution — who a row counts for; the one place these rules are written:

- **first-line resolution** belongs to who *took* the ticket (``opened_by``: the hotline
  engineer who logged the call). A ticket counts in the period its last resolution falls in
  (``resolved_at``, which a reopen clears and the next resolution sets again), as "resolved at
  first line" when tier 1 resolved it and it never left tier 1. A transferred ticket — escalated
  to tier 2 or 3 — stays in the taker's count as not first-line, and counts for nobody else;
  one assigned to another tier-1 engineer stays the taker's, first-line if tier 1 resolved it.
- **call volume**: every contact the person logged (``contact.agent_id``), on any channel,
  by when it occurred; monitoring events are logged by the system and count for nobody.
- **satisfaction** and **survey response rate**: the surveys of resolutions the person made
  (``survey.staff_id``, the resolver), by when the ticket was resolved (``survey.created_at``):
  answered ones for the mean; answered ÷ (answered + expired) for the rate (open ones are not
  settled yet).
- **valid complaints**: complaints against the person received in the period and judged
  valid now (a re-judgement moves the figure; a closed period shows the difference).
- **reopen rate**, **SLA compliance** and **mean handling time** (opening to the last
  resolution, in minutes of the clock): the tickets the person resolved (``assignee`` at
  resolution), by ``resolved_at``.
- **Group changes**: scores follow the person, not the group: someone who moved groups in the
  middle of a period is scored on everything they did in it, and ranked with the group they are
  in when the ranking is asked for.

Every figure is computed with one aggregate query per indicator over index ranges
(``GROUP BY`` the person), for one person or a whole group at once, and :func:`explain` lists
the rows behind any of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, insert
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from itsm_tui.common.domain import Role
from itsm_tui.common.errors import Conflict, Forbidden, Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    AssignmentGroup,
    Complaint,
    Contact,
    FrozenScorecard,
    GroupMember,
    ScoreScheme,
    Staff,
    StaffRole,
    Survey,
    Ticket,
)
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.lookup import find_group, find_staff
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.quality.figures import (
    ANSWERED,
    SETTLED,
    VALID,
    mean_score,
    response_rate,
)
from itsm_tui.workflow.quality.periods import Period, parse_period
from itsm_tui.workflow.quality.scheme import (
    DEFAULT_SCHEME_TOML,
    FORMULAS,
    Scheme,
    band_for,
    band_text,
    indicators_json,
    parse_scheme,
    scheme_from_stored,
)

_T = core_table(Ticket)
_S = core_table(Survey)
_C = core_table(Complaint)
_K = core_table(Contact)
MAX_PAGE = 500


@dataclass(frozen=True)
class Raw:
    """A raw figure and what it is made of: ``value`` is ``part``/``whole`` as a percent or a
    mean, or a count (``part``); None when there is nothing to measure."""

    value: float | None
    part: float
    whole: int


@dataclass(frozen=True)
class IndicatorScore:
    formula: str
    label: str
    unit: str
    value: float | None
    part: float
    whole: int
    band: str
    points: float
    weight: float
    weighted: float
    frozen_weighted: float | None = None


@dataclass(frozen=True)
class Scorecard:
    login: str
    name: str
    period: str
    scheme: str
    scheme_version: int
    indicators: list[IndicatorScore]
    total: float
    frozen_total: float | None = None
    frozen_at: datetime | None = None
    difference: float | None = None  # live total − frozen total, once the period is closed


@dataclass(frozen=True)
class ExplainRow:
    """One row behind a figure: a ticket, a survey, a complaint or a contact."""

    kind: str
    id: int
    ticket: str | None
    at: datetime | None
    counts: bool  # in the numerator (first-line, answered, valid …)
    detail: str


# ---------------------------------------------------------------------------------------------
# Schemes


def default_scheme() -> Scheme:
    return parse_scheme(DEFAULT_SCHEME_TOML)


def scheme_for_role(session: Session, role: str) -> Scheme:
    """The role's newest imported scheme, or the built-in default (hotline engineers)."""
    row = session.exec(
        select(ScoreScheme)
        .where(ScoreScheme.role == role)
        .order_by(col(ScoreScheme.version).desc())
        .limit(1)
    ).first()
    if row is not None:
        return scheme_from_stored(row.id, row.version, row.name, row.role, row.indicators)
    if role == Role.AGENT.value:
        return default_scheme()
    raise NotFound(
        N_("No scoring scheme for role {role}: import one with itsm score scheme import."),
        field="role",
        role=role,
    )


def _scheme_for_staff(session: Session, staff_id: int) -> Scheme:
    roles = set(session.exec(select(StaffRole.role).where(StaffRole.staff_id == staff_id)).all())
    for role in [r.value for r in Role]:
        if role in roles:
            try:
                return scheme_for_role(session, role)
            except NotFound:
                continue
    return default_scheme()


@mutation(Action.MANAGE_SCORES)
def import_scheme(tx: Tx, source: str) -> Scheme:
    """Load a scheme's TOML as the next version of its role's scheme."""
    return store_scheme(tx, source)


def store_scheme(tx: Tx, source: str) -> Scheme:
    """:func:`import_scheme` inside a transaction already open (the demo loads the default)."""
    scheme = parse_scheme(source)
    last = tx.session.exec(
        select(func.max(ScoreScheme.version)).where(ScoreScheme.role == scheme.role)
    ).one()
    row = ScoreScheme(
        role=scheme.role,
        version=(last or 0) + 1,
        name=scheme.name,
        source=source,
        indicators=indicators_json(scheme),
        imported_at=tx.now,
        imported_by_id=tx.actor.id,
    )
    tx.session.add(row)
    try:
        tx.session.flush()
    except IntegrityError:  # uq_score_scheme_role_version: another import took this version
        raise Conflict(
            N_("Another scheme for {role} was imported at the same moment; import again."),
            role=scheme.role,
        ) from None
    assert row.id is not None
    tx.journal("score_scheme", row.id, "import", {"role": row.role, "version": row.version})
    return scheme_from_stored(row.id, row.version, row.name, row.role, row.indicators)


@query(Action.VIEW_SCORES)
def show_scheme(read: Read, role: str = Role.AGENT.value) -> Scheme:
    return scheme_for_role(read.session, role)


@query(Action.VIEW_SCORES)
def export_scheme(read: Read, role: str = Role.AGENT.value) -> str:
    """The TOML of the role's scheme as it was imported (the default's for a role without)."""
    row = read.session.exec(
        select(ScoreScheme)
        .where(ScoreScheme.role == role)
        .order_by(col(ScoreScheme.version).desc())
        .limit(1)
    ).first()
    if row is not None:
        return row.source
    scheme_for_role(read.session, role)  # refuses a role without any
    return DEFAULT_SCHEME_TOML


# ---------------------------------------------------------------------------------------------
# Who may see whose scorecard


def _may_see(read: Read, staff_id: int) -> None:
    """Staff see their own; supervisors those in the groups they supervise; admins all."""
    actor = read.actor
    if actor.is_system or Role.ADMIN in actor.roles or actor.id == staff_id:
        return
    if Role.SUPERVISOR in actor.roles:
        member = core_table(GroupMember)
        group = core_table(AssignmentGroup)
        supervised = read.session.execute(
            core_select(member.c.staff_id)
            .join(group, group.c.id == member.c.group_id)
            .where(group.c.supervisor_id == actor.id, member.c.staff_id == staff_id)
            .limit(1)
        ).first()
        if supervised is not None:
            return
    raise Forbidden(
        N_("{login} may see only their own scorecard (supervisors: their groups')."),
        field="login",
        login=actor.login,
    )


# ---------------------------------------------------------------------------------------------
# The figures, set-based


def _in(column: Any, period: Period) -> Any:
    return and_(column >= period.start, column < period.end)


def _minutes(session: Session, start: Any, end: Any) -> Any:
    """Minutes from ``start`` to ``end`` in SQL, as each database counts them."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 60.0
    return (func.julianday(end) - func.julianday(start)) * 1440.0


def _percent(part: float, whole: int) -> Raw:
    return Raw(round(100.0 * part / whole, 2) if whole else None, part, whole)


def raw_figures(
    session: Session, staff_ids: Sequence[int], period: Period, formulas: set[str]
) -> dict[int, dict[str, Raw]]:
    """Each person's raw figures for ``formulas``: one grouped query per source table."""
    ids = list(staff_ids)
    out: dict[int, dict[str, Raw]] = {i: {} for i in ids}
    if not ids:
        return out
    if formulas & {"satisfaction", "response_rate"}:
        rows = session.execute(
            core_select(
                _S.c.staff_id,
                func.sum(case((ANSWERED, 1), else_=0)),
                func.sum(case((ANSWERED, _S.c.overall), else_=0)),
                func.sum(case((SETTLED, 1), else_=0)),
            )
            .where(_S.c.staff_id.in_(ids), _in(_S.c.created_at, period))
            .group_by(_S.c.staff_id)
        ).all()
        got = {r[0]: (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in rows}
        for i in ids:
            n, total, settled_n = got.get(i, (0, 0, 0))
            out[i]["satisfaction"] = Raw(mean_score(total, n), total, n)
            out[i]["response_rate"] = Raw(response_rate(n, settled_n), n, settled_n)
    if "valid_complaints" in formulas:
        rows = session.execute(
            core_select(_C.c.staff_id, func.count())
            .where(
                _C.c.staff_id.in_(ids),
                _in(_C.c.received_at, period),
                VALID,
            )
            .group_by(_C.c.staff_id)
        ).all()
        got_n = {r[0]: int(r[1]) for r in rows}
        for i in ids:
            out[i]["valid_complaints"] = Raw(float(got_n.get(i, 0)), got_n.get(i, 0), 0)
    if "first_line_rate" in formulas:
        rows = session.execute(
            core_select(
                _T.c.opened_by_id,
                func.count(),
                func.sum(case((_T.c.resolved_first_line, 1), else_=0)),
            )
            .where(_T.c.opened_by_id.in_(ids), _in(_T.c.resolved_at, period))
            .group_by(_T.c.opened_by_id)
        ).all()
        got_pair = {r[0]: (int(r[1]), int(r[2] or 0)) for r in rows}
        for i in ids:
            whole, part = got_pair.get(i, (0, 0))
            out[i]["first_line_rate"] = _percent(part, whole)
    if "call_volume" in formulas:
        rows = session.execute(
            core_select(_K.c.agent_id, func.count())
            .where(_K.c.agent_id.in_(ids), _in(_K.c.occurred_at, period))
            .group_by(_K.c.agent_id)
        ).all()
        got_n = {r[0]: int(r[1]) for r in rows}
        for i in ids:
            out[i]["call_volume"] = Raw(float(got_n.get(i, 0)), got_n.get(i, 0), 0)
    if formulas & {"reopen_rate", "sla_compliance", "handling_minutes"}:
        due = _T.c.resolution_due_at
        rows = session.execute(
            core_select(
                _T.c.assignee_id,
                func.count(),
                func.sum(case((_T.c.reopen_count > 0, 1), else_=0)),
                func.sum(case((due.is_not(None), 1), else_=0)),
                func.sum(case((_T.c.resolved_at <= due, 1), else_=0)),
                func.sum(_minutes(session, _T.c.opened_at, _T.c.resolved_at)),
            )
            .where(_T.c.assignee_id.in_(ids), _in(_T.c.resolved_at, period))
            .group_by(_T.c.assignee_id)
        ).all()
        counted = {r[0]: (int(r[1]), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0)) for r in rows}
        spent = {r[0]: float(r[5] or 0) for r in rows}
        for i in ids:
            whole, reopened, with_due, met = counted.get(i, (0, 0, 0, 0))
            minutes = spent.get(i, 0.0)
            out[i]["reopen_rate"] = _percent(reopened, whole)
            out[i]["sla_compliance"] = _percent(met, with_due)
            mean = round(minutes / whole, 1) if whole else None
            out[i]["handling_minutes"] = Raw(mean, round(minutes, 1), whole)
    return out


def _score(scheme: Scheme, raw: dict[str, Raw]) -> tuple[list[IndicatorScore], float]:
    scores = []
    for ind in scheme.indicators:
        figure = raw[ind.formula]
        band, points = band_for(ind, figure.value)
        formula = FORMULAS[ind.formula]
        weighted = round(points * ind.weight / 100, 2)
        scores.append(
            IndicatorScore(
                ind.formula,
                formula.label,
                formula.unit,
                figure.value,
                figure.part,
                figure.whole,
                band_text(band),
                points,
                ind.weight,
                weighted,
            )
        )
    return scores, round(sum(s.weighted for s in scores), 2)


def compute(
    session: Session, staff: Sequence[Staff], period: Period
) -> list[tuple[Staff, Scheme, list[IndicatorScore], float]]:
    """Live scorecards of several people: one query per source table for them all."""
    schemes = {s.id: _scheme_for_staff(session, s.id) for s in staff if s.id is not None}
    formulas = {i.formula for sc in schemes.values() for i in sc.indicators}
    raw = raw_figures(session, [s.id for s in staff if s.id is not None], period, formulas)
    out = []
    for person in staff:
        assert person.id is not None
        scheme = schemes[person.id]
        scores, total = _score(scheme, raw[person.id])
        out.append((person, scheme, scores, total))
    return out


def _with_frozen(
    session: Session,
    person: Staff,
    period: Period,
    scheme: Scheme,
    scores: list[IndicatorScore],
    total: float,
) -> Scorecard:
    frozen = session.exec(
        select(FrozenScorecard).where(
            FrozenScorecard.period == period.label, FrozenScorecard.staff_id == person.id
        )
    ).first()
    if frozen is not None:
        then = {i["formula"]: i["weighted"] for i in frozen.figures.get("indicators", [])}
        scores = [replace(s, frozen_weighted=then.get(s.formula)) for s in scores]
    return Scorecard(
        person.login,
        person.display_name,
        period.label,
        scheme.name,
        scheme.version,
        scores,
        total,
        frozen.total if frozen else None,
        frozen.closed_at if frozen else None,
        round(total - frozen.total, 2) if frozen else None,
    )


@query(Action.VIEW_SCORES)
def show_scorecard(read: Read, login: str, period: str) -> Scorecard:
    """One person's scorecard for a period: live figures, and the frozen ones once closed."""
    person = find_staff(read.session, login)
    assert person.id is not None
    _may_see(read, person.id)
    when = parse_period(period, read.site.settings.zone)
    [(who, scheme, scores, total)] = compute(read.session, [person], when)
    return _with_frozen(read.session, who, when, scheme, scores, total)


def _members(session: Session, group_id: int) -> list[Staff]:
    return list(
        session.exec(
            select(Staff)
            .join(GroupMember, col(GroupMember.staff_id) == Staff.id)
            .where(GroupMember.group_id == group_id, col(Staff.active))
            .order_by(col(Staff.login))
        ).all()
    )


@query(Action.VIEW_SCORES)
def rank_group(read: Read, group: str, period: str) -> list[Scorecard]:
    """A group's current members ranked by total for a period (supervisors of the group and
    admins; a member sees the ranking only if they may see every card in it)."""
    found = find_group(read.session, group)
    assert found.id is not None
    when = parse_period(period, read.site.settings.zone)
    people = _members(read.session, found.id)
    for person in people:
        assert person.id is not None
        _may_see(read, person.id)
    cards = [
        _with_frozen(read.session, who, when, scheme, scores, total)
        for who, scheme, scores, total in compute(read.session, people, when)
    ]
    return sorted(cards, key=lambda c: (-c.total, c.login))


@query(Action.VIEW_SCORES)
def rankable_groups(read: Read, *, first_for: str | None = None) -> list[str]:
    """The codes of the groups whose ranking this person may see: every group for an admin,
    the groups they supervise for a supervisor, none for anyone else (a ranking shows every
    member's card, which only they may see). The groups ``first_for`` (a login) belongs to
    come first — the ranking opened from someone's scorecard is their group's — then the rest,
    each part by code."""
    group = core_table(AssignmentGroup)
    member = core_table(GroupMember)
    stmt = core_select(group.c.code, group.c.id)
    if not (read.actor.is_system or Role.ADMIN in read.actor.roles):
        if Role.SUPERVISOR not in read.actor.roles:
            return []
        stmt = stmt.where(group.c.supervisor_id == read.actor.id)
    rows = read.session.execute(stmt.order_by(group.c.code)).all()
    theirs: set[int] = set()
    if first_for is not None:
        person = find_staff(read.session, first_for)
        theirs = set(
            read.session.execute(
                core_select(member.c.group_id).where(member.c.staff_id == person.id)
            ).scalars()
        )
    return [r.code for r in rows if r.id in theirs] + [r.code for r in rows if r.id not in theirs]


def scored_staff(session: Session, group_id: int | None = None) -> list[Staff]:
    """Who has a scorecard: the active staff holding a role with a scheme (hotline agents
    always: they have the built-in one), optionally only the current members of one group."""
    scored_roles = [Role.AGENT.value, *session.exec(select(ScoreScheme.role).distinct()).all()]
    stmt = select(Staff).where(
        col(Staff.active),
        col(Staff.id).in_(select(StaffRole.staff_id).where(col(StaffRole.role).in_(scored_roles))),
    )
    if group_id is not None:
        stmt = stmt.where(
            col(Staff.id).in_(select(GroupMember.staff_id).where(GroupMember.group_id == group_id))
        )
    return list(session.exec(stmt.order_by(col(Staff.id))).all())


@mutation(Action.MANAGE_SCORES)
def close_period(tx: Tx, period: str) -> int:
    """Freeze every active staff member's scorecard for a period that has ended; how many.
    Later corrections then show as a difference against these figures (``history``)."""
    when = parse_period(period, tx.site.settings.zone)
    if when.end > tx.now:
        raise Invalid(N_("Period {period} has not ended yet."), field="period", period=when.label)
    already = tx.session.exec(
        select(FrozenScorecard.id).where(FrozenScorecard.period == when.label).limit(1)
    ).first()
    if already is not None:
        raise Invalid(N_("Period {period} is already closed."), field="period", period=when.label)
    people = scored_staff(tx.session)
    rows = []
    for person, scheme, scores, total in compute(tx.session, people, when):
        figures = {
            "scheme": scheme.name,
            "scheme_version": scheme.version,
            "indicators": [
                {k: v for k, v in s.__dict__.items() if k != "frozen_weighted"} for s in scores
            ],
        }
        rows.append(
            {
                "period": when.label,
                "staff_id": person.id,
                "scheme_id": scheme.id,
                "total": total,
                "figures": figures,
                "closed_at": tx.now,
                "closed_by_id": tx.actor.id,
            }
        )
    if rows:
        try:
            tx.session.execute(insert(core_table(FrozenScorecard)), rows)
        except IntegrityError:  # uq_frozen_scorecard_period_staff: closed at the same moment
            raise Conflict(
                N_("Period {period} was closed by someone else at the same moment."),
                period=when.label,
            ) from None
    tx.journal("scorecard", 0, "close", {"period": when.label, "staff": len(rows)})
    return len(rows)


@dataclass(frozen=True)
class HistoryEntry:
    period: str
    closed_at: datetime
    frozen_total: float
    live_total: float
    difference: float


@query(Action.VIEW_SCORES)
def scorecard_history(read: Read, login: str) -> list[HistoryEntry]:
    """The person's closed periods: frozen total, today's figure for the same period, and the
    difference a later correction (a re-judged complaint, a reopened ticket) made."""
    person = find_staff(read.session, login)
    assert person.id is not None
    _may_see(read, person.id)
    frozen = read.session.exec(
        select(FrozenScorecard)
        .where(FrozenScorecard.staff_id == person.id)
        .order_by(col(FrozenScorecard.period))
    ).all()
    out = []
    for row in frozen:
        when = parse_period(row.period, read.site.settings.zone)
        [(_, _, _, total)] = compute(read.session, [person], when)
        out.append(
            HistoryEntry(row.period, row.closed_at, row.total, total, round(total - row.total, 2))
        )
    return out


# ---------------------------------------------------------------------------------------------
# Drill-down


@query(Action.VIEW_SCORES)
def explain(
    read: Read,
    login: str,
    period: str,
    formula: str,
    *,
    after: int | None = None,
    limit: int = 100,
) -> tuple[list[ExplainRow], int | None]:
    """The rows behind one figure, by id (keyset pages): the tickets of a first-line rate, the
    surveys of a satisfaction mean, the complaints counted, the contacts logged."""
    if formula not in FORMULAS:
        known = ", ".join(FORMULAS)
        raise Invalid(
            N_("unknown indicator {name}; formulas are: {known}."),
            field="indicator",
            name=formula,
            known=known,
        )
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(N_("limit must be 1 to {max}."), field="limit", max=MAX_PAGE)
    person = find_staff(read.session, login)
    assert person.id is not None
    _may_see(read, person.id)
    when = parse_period(period, read.site.settings.zone)
    stmt: Any
    if formula in ("satisfaction", "response_rate"):
        stmt = (
            core_select(
                _S.c.id,
                _T.c.number,
                _S.c.created_at,
                ANSWERED.label("counts"),
                _S.c.status,
                _S.c.overall,
            )
            .join(_T, _T.c.id == _S.c.ticket_id)
            .where(_S.c.staff_id == person.id, _in(_S.c.created_at, when))
        )
        stmt = stmt.where(ANSWERED) if formula == "satisfaction" else stmt.where(SETTLED)
        key, kind = _S.c.id, "survey"
    elif formula == "valid_complaints":
        stmt = (
            core_select(
                _C.c.id,
                _T.c.number,
                _C.c.received_at,
                VALID.label("counts"),
                _C.c.verdict,
                _C.c.text,
            )
            .outerjoin(_T, _T.c.id == _C.c.ticket_id)
            .where(
                _C.c.staff_id == person.id,
                _in(_C.c.received_at, when),
                VALID,
            )
        )
        key, kind = _C.c.id, "complaint"
    elif formula == "call_volume":
        stmt = (
            core_select(
                _K.c.id,
                _T.c.number,
                _K.c.occurred_at,
                _K.c.channel.is_not(None).label("counts"),
                _K.c.channel,
                _K.c.summary,
            )
            .outerjoin(_T, _T.c.id == _K.c.ticket_id)
            .where(_K.c.agent_id == person.id, _in(_K.c.occurred_at, when))
        )
        key, kind = _K.c.id, "contact"
    else:
        owner = _T.c.opened_by_id if formula == "first_line_rate" else _T.c.assignee_id
        counts = {
            "first_line_rate": _T.c.resolved_first_line,
            "reopen_rate": _T.c.reopen_count > 0,
            "sla_compliance": _T.c.resolved_at <= _T.c.resolution_due_at,
            "handling_minutes": _T.c.resolved_at.is_not(None),
        }[formula]
        stmt = core_select(
            _T.c.id, _T.c.number, _T.c.resolved_at, counts.label("counts"), _T.c.tier, _T.c.title
        ).where(owner == person.id, _in(_T.c.resolved_at, when))
        if formula == "sla_compliance":
            stmt = stmt.where(_T.c.resolution_due_at.is_not(None))
        key, kind = _T.c.id, "ticket"
    if after is not None:
        stmt = stmt.where(key > after)
    # Ordered by ``key + 0``: the person's rows are found through their covering index and the
    # few found sorted. Ordered by the bare key, PostgreSQL walked the primary key in order and
    # filtered every row until a page was full: 1.1 s for a month's first page at 1M tickets.
    rows = read.session.execute(stmt.order_by(key + 0).limit(limit + 1)).all()
    out = [
        ExplainRow(
            kind, r[0], r[1], r[2], bool(r[3]), " ".join(str(v) for v in r[4:] if v is not None)
        )
        for r in rows[:limit]
    ]
    return out, (out[-1].id if len(rows) > limit else None)
