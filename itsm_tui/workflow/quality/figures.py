"""What a survey or a complaint counts as, for any aggregate over a period: written once here
and read by the scorecards (per person) and the KPI report (per site or group), so the two can
never disagree on what "answered", "settled" or "valid" means.

- A survey belongs to the period its ticket was resolved in (``survey.created_at``, set by the
  resolution that offered it).
- **Answered**: the caller gave a score. **Settled**: answered or expired; an open survey may
  still be answered, so it is in neither side of the response rate.
- **Response rate** = answered ÷ settled; **satisfaction** = the mean overall score (1–5) of
  the answered ones.
- A complaint belongs to the period it was received in; **valid** is its verdict now (a
  re-judgement moves the figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlmodel import Session

from itsm_tui.common.domain import SURVEY_SCORES, SurveyStatus, Verdict
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.kpi_queries import not_indexed
from itsm_tui.storage.tables import Complaint, Survey, Ticket

SURVEY = core_table(Survey)
COMPLAINT = core_table(Complaint)
_S = SURVEY.c
_C = COMPLAINT.c
_T = core_table(Ticket).c


def _answered(status: Any) -> ColumnElement[bool]:
    return status == SurveyStatus.ANSWERED.value


#: A survey the caller answered.
ANSWERED: ColumnElement[bool] = _answered(_S.status)
#: The same, with the status where no index serves it, for a read of one period's surveys:
#: SQLite, without statistics, otherwise walks ``ix_survey_status_expires`` — every survey
#: ever answered — instead of the period's ``created_at`` range.
ANSWERED_IN_RANGE: ColumnElement[bool] = _answered(not_indexed(_S.status))
#: A survey that can no longer change: answered or expired.
SETTLED: ColumnElement[bool] = _S.status != SurveyStatus.OPEN.value
#: A complaint judged valid.
VALID: ColumnElement[bool] = _C.verdict == Verdict.VALID.value


def response_rate(answered: int, settled: int) -> float | None:
    """Answered ÷ settled as a percentage to two decimals; None when none is settled."""
    return round(100.0 * answered / settled, 2) if settled else None


def mean_score(total: int, answered: int) -> float | None:
    """The mean overall score to two decimals; None when none is answered."""
    return round(total / answered, 2) if answered else None


@dataclass(frozen=True)
class SurveyFigures:
    offered: int
    answered: int
    settled: int
    response_rate: float | None
    mean: float | None
    distribution: list[int]  # answered surveys per overall score, 1 to 5


def survey_figures(
    session: Session, start: datetime, end: datetime, group_id: int | None = None
) -> SurveyFigures:
    """The surveys of the resolutions in ``[start, end)``, optionally of one group: one
    grouped read by overall score."""
    where = [_S.created_at >= start, _S.created_at < end]
    if group_id is not None:
        where.append(_S.group_id == group_id)
    found = session.execute(
        select(
            _S.overall,
            func.count(),
            func.sum(case((ANSWERED, 1), else_=0)),
            func.sum(case((SETTLED, 1), else_=0)),
        )
        .where(*where)
        .group_by(_S.overall)
    ).all()
    offered = answered = settled = total = 0
    by_score = dict.fromkeys(SURVEY_SCORES, 0)
    for overall, n, a, s in found:
        offered += int(n)
        answered += int(a or 0)
        settled += int(s or 0)
        if overall is not None and a:
            by_score[int(overall)] = by_score.get(int(overall), 0) + int(a)
            total += int(overall) * int(a)
    return SurveyFigures(
        offered,
        answered,
        settled,
        response_rate(answered, settled),
        mean_score(total, answered),
        [by_score[s] for s in SURVEY_SCORES],
    )


def worst_comments(
    session: Session, start: datetime, end: datetime, group_id: int | None, limit: int
) -> list[dict[str, Any]]:
    """The answered surveys of the period with a comment, lowest overall score first (then the
    latest): what the callers who were least happy wrote.

    Read one score at a time, lowest first, until ``limit`` are found: the score is tested in
    the period's index (``ix_survey_created_kpi``), so only that score's surveys are fetched
    for their comment, not every survey of the period (a month at a million tickets: ~30,000
    rows fetched and sorted for ten)."""
    where = [
        _S.created_at >= start,
        _S.created_at < end,
        ANSWERED_IN_RANGE,
        _S.comment.is_not(None),
        _S.comment != "",
    ]
    if group_id is not None:
        where.append(_S.group_id == group_id)
    found: list[Any] = []
    # Overall is always asked; a survey answered without it (none should be) comes last.
    for score in [*sorted(SURVEY_SCORES), None]:
        if len(found) >= limit:
            break
        scored = _S.overall.is_(None) if score is None else _S.overall == score
        found.extend(
            session.execute(
                select(_T.number, _S.overall, _S.comment, _S.answered_at)
                .select_from(SURVEY.join(core_table(Ticket), _T.id == _S.ticket_id))
                .where(*where, scored)
                .order_by(_S.answered_at.desc(), _S.id)
                .limit(limit - len(found))
            ).all()
        )
    return [
        {"ticket": number, "overall": overall, "comment": comment}
        for number, overall, comment, _at in found
    ]


@dataclass(frozen=True)
class ComplaintFigures:
    received: int
    valid: int


def complaint_figures(
    session: Session, start: datetime, end: datetime, group_id: int | None = None
) -> ComplaintFigures:
    """Complaints received in ``[start, end)`` and how many of them are judged valid."""
    where = [_C.received_at >= start, _C.received_at < end]
    if group_id is not None:
        where.append(_C.group_id == group_id)
    received, valid = session.execute(
        select(func.count(), func.sum(case((and_(VALID), 1), else_=0))).where(*where)
    ).one()
    return ComplaintFigures(int(received or 0), int(valid or 0))
