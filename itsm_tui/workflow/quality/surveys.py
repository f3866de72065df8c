"""Satisfaction surveys: one per resolution of a ticket with a caller, attributed to the staff
member who resolved it and their group, open for a window (``survey_window_days``) and then
expired unanswered.

Rules, each written once here:

- **Who is asked** (:func:`offer_survey`, called by ``tickets.resolve`` in its transaction):
  a ticket with a caller, sampled by the channel of its first contact (``survey_sample_percent``,
  a channel not listed: every ticket; the choice is a fixed function of the ticket id, so it can
  be re-checked), unless the caller answered a survey in the last ``survey_quiet_days`` days.
- **Answers**: overall, timeliness and attitude 1–5, solved yes/no, a comment (a site may
  ask fewer: ``survey_questions``, and word them itself: ``survey_wording``, in
  ``survey_wording.py``; overall is always asked); once, before the
  survey expires, by hotline staff (the callback queue, ``itsm survey answer``) or by the caller
  through a signed link (``survey_links``).
- **A low score** (overall ≤ 2, or not solved) alerts the resolver's group supervisor once, in
  the alert inbox (``uq_sla_alert`` on the kind ``survey:<id>``), and offers to reopen the
  ticket while its reopen window lasts (the answer's view says so: ``reopen_offer``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    CursorResult,
    Select,
    String,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal,
    update,
)
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from itsm_tui.common.domain import COMMENT_MAX, SURVEY_SCORES, SurveyStatus, TicketStatus
from itsm_tui.common.errors import Conflict, Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    AssignmentGroup,
    Caller,
    Contact,
    SlaAlert,
    Staff,
    Survey,
    Ticket,
)
from itsm_tui.workflow import text_input
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.lookup import find_staff, find_ticket
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.quality import survey_links
from itsm_tui.workflow.quality.survey_wording import QUESTIONS, SurveyQuestion, wording
from itsm_tui.workflow.site_settings import read_setting
from itsm_tui.workflow.sla.alerts import group_recipients, raise_alert

S = SurveyStatus
_SURVEY = core_table(Survey)

#: A survey taken from the callback queue is left to that operator this long before the queue
#: offers it to someone else (they may be on the phone with the caller).
CALLBACK_HOLD = timedelta(minutes=15)
#: Overall at or below this is a low score (so is "not solved").
LOW_OVERALL = 2
MAX_PAGE = 200
VIA = ("console", "cli", "link")


@dataclass(frozen=True)
class SurveyView:
    """A survey as every front door shows it (``--json``: these keys)."""

    id: int
    ticket: str
    title: str
    caller: str
    caller_phone: str | None
    staff: str | None
    staff_name: str | None
    group: str | None
    channel: str | None
    status: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    answered_via: str | None
    overall: int | None
    timeliness: int | None
    attitude: int | None
    solved: bool | None
    comment: str | None
    low_score: bool
    reopen_offer: bool
    resolution: str | None
    version: int


@dataclass(frozen=True)
class SurveyLink:
    """The signed link, and what the self-service page asks with it (the site's questions in
    its words, each language)."""

    survey: int
    token: str
    link: str
    expires_at: datetime
    questions: list[SurveyQuestion]


@dataclass(frozen=True)
class Answer:
    """What the caller said. ``timeliness`` and ``attitude`` may be left unanswered."""

    overall: int
    solved: bool | None  # None: the site does not ask it
    timeliness: int | None = None
    attitude: int | None = None
    comment: str = ""


# ---------------------------------------------------------------------------------------------
# Offering a survey when a ticket is resolved


def sampled(ticket_id: int, percent: int) -> bool:
    """Whether a ticket falls in a channel's sample: a fixed spread of the ticket id over
    0–99 (Knuth's multiplicative hash), so anyone can re-check why a ticket was (not) asked."""
    return (ticket_id * 2654435761) % 4294967296 % 100 < percent


_CONTACT = core_table(Contact)
#: The hook's statements, built once: it runs in every resolve of a ticket with a caller, and
#: building them (and the ORM's unit of work for one row) cost more than running them.
_FIRST_CHANNEL = (
    core_select(_CONTACT.c.channel)
    .where(_CONTACT.c.ticket_id == bindparam("ticket_id"))
    .order_by(_CONTACT.c.id)
    .limit(1)
)
_ANSWERED_SINCE = core_select(
    exists().where(
        _SURVEY.c.caller_id == bindparam("caller_id"), _SURVEY.c.answered_at >= bindparam("since")
    )
)
_EXPIRE_OPEN = (
    update(_SURVEY)
    .where(_SURVEY.c.ticket_id == bindparam("w_ticket_id"), _SURVEY.c.status == S.OPEN.value)
    .values(status=S.EXPIRED.value, version=_SURVEY.c.version + 1)
)
_ROUND_ASKED = (
    core_select(_SURVEY.c.id)
    .where(_SURVEY.c.ticket_id == bindparam("ticket_id"), _SURVEY.c.round == bindparam("round"))
    .limit(1)
)
_OPEN_SURVEY = insert(_SURVEY)


def _first_channel(session: Session, ticket_id: int) -> str | None:
    return session.execute(_FIRST_CHANNEL, {"ticket_id": ticket_id}).scalar()


def _answered_recently(session: Session, caller_id: int, since: datetime) -> bool:
    return bool(session.execute(_ANSWERED_SINCE, {"caller_id": caller_id, "since": since}).scalar())


def offer_survey(tx: Tx, ticket: Ticket) -> int | None:
    """Open a survey for a ticket just resolved (in the resolve's transaction); the survey's id,
    or None when the rules above leave this resolution unasked. A survey still open from an
    earlier resolution of the ticket expires: the caller is asked about the latest one."""
    if ticket.caller_id is None or ticket.id is None:
        return None
    session = tx.session
    channel = _first_channel(session, ticket.id)
    rates: dict[str, int] = read_setting(session, "survey_sample_percent") or {}
    if channel is not None and not sampled(ticket.id, int(rates.get(channel, 100))):
        return None
    quiet = int(read_setting(session, "survey_quiet_days"))
    if quiet and _answered_recently(session, ticket.caller_id, tx.now - timedelta(days=quiet)):
        return None
    session.execute(_EXPIRE_OPEN, {"w_ticket_id": ticket.id})
    asked = session.execute(_ROUND_ASKED, {"ticket_id": ticket.id, "round": ticket.reopen_count})
    if asked.first() is not None:
        return None
    window = timedelta(days=int(read_setting(session, "survey_window_days")))
    # A Core INSERT: nothing reads the survey back as an object in this transaction.
    opened = session.execute(
        _OPEN_SURVEY,
        {
            "ticket_id": ticket.id,
            "round": ticket.reopen_count,
            "caller_id": ticket.caller_id,
            "staff_id": ticket.assignee_id,
            "group_id": ticket.group_id,
            "channel": channel,
            "status": S.OPEN.value,
            "created_at": tx.now,
            "expires_at": tx.now + window,
        },
    )
    assert isinstance(opened, CursorResult)
    key = opened.inserted_primary_key
    assert key is not None
    survey_id = int(key[0])
    tx.journal("survey", survey_id, "create", {"ticket": ticket.number, "channel": channel})
    return survey_id


# ---------------------------------------------------------------------------------------------
# Reading


def _view_select() -> Select[Any]:
    resolver = core_table(Staff).alias("resolver")
    return (
        core_select(
            _SURVEY,
            core_table(Ticket).c.number,
            core_table(Ticket).c.title,
            core_table(Ticket).c.status.label("ticket_status"),
            core_table(Ticket).c.resolved_at,
            core_table(Ticket).c.resolution_text,
            core_table(Caller).c.name.label("caller_name"),
            core_table(Caller).c.phone.label("caller_phone"),
            resolver.c.login,
            resolver.c.display_name,
            core_table(AssignmentGroup).c.code.label("group_code"),
        )
        .select_from(_SURVEY)
        .join(core_table(Ticket), core_table(Ticket).c.id == _SURVEY.c.ticket_id)
        .join(core_table(Caller), core_table(Caller).c.id == _SURVEY.c.caller_id)
        .outerjoin(resolver, resolver.c.id == _SURVEY.c.staff_id)
        .outerjoin(
            core_table(AssignmentGroup), core_table(AssignmentGroup).c.id == _SURVEY.c.group_id
        )
    )


_VIEW = _view_select()


def _to_view(session: Session, row: Any, now: datetime) -> SurveyView:
    low = bool(row.low_score)
    reopen = low and row.ticket_status == TicketStatus.RESOLVED.value and row.resolved_at
    if reopen:
        window = timedelta(days=int(read_setting(session, "reopen_window_days")))
        reopen = now - row.resolved_at <= window
    return SurveyView(
        id=row.id,
        ticket=row.number,
        title=row.title,
        caller=row.caller_name,
        caller_phone=row.caller_phone,
        staff=row.login,
        staff_name=row.display_name,
        group=row.group_code,
        channel=row.channel,
        status=row.status,
        created_at=row.created_at,
        expires_at=row.expires_at,
        answered_at=row.answered_at,
        answered_via=row.answered_via,
        overall=row.overall,
        timeliness=row.timeliness,
        attitude=row.attitude,
        solved=None if row.solved is None else bool(row.solved),
        comment=row.comment,
        low_score=low,
        reopen_offer=bool(reopen),
        resolution=row.resolution_text,
        version=row.version,
    )


def survey_view(session: Session, survey_id: int, now: datetime) -> SurveyView:
    row = session.execute(_VIEW.where(_SURVEY.c.id == survey_id)).first()
    if row is None:
        raise NotFound(N_("No survey #{id}."), field="survey", id=survey_id)
    return _to_view(session, row, now)


def find_survey(session: Session, ref: str, *, for_update: bool = False) -> Survey:
    """A survey by id (``#12`` or ``12``) or by ticket number (its latest survey)."""
    ref = text_input.storable("survey", ref).strip()
    digits = ref.lstrip("#")
    if digits.isdigit() and len(digits) < 10:
        stmt = select(Survey).where(Survey.id == int(digits))
    else:
        ticket = find_ticket(session, ref)
        stmt = (
            select(Survey)
            .where(Survey.ticket_id == ticket.id)
            .order_by(col(Survey.round).desc())
            .limit(1)
        )
    if for_update:
        stmt = stmt.with_for_update()
    survey = session.exec(stmt).first()
    if survey is None:
        raise NotFound(N_("No survey for {ref}."), field="survey", ref=ref)
    return survey


@query(Action.VIEW_TICKETS)
def show_survey(read: Read, ref: str) -> SurveyView:
    survey = find_survey(read.session, ref)
    assert survey.id is not None
    return survey_view(read.session, survey.id, read.now)


@query(Action.VIEW_TICKETS)
def list_surveys(
    read: Read,
    *,
    status: str | None = None,
    staff: str | None = None,
    after: int | None = None,
    limit: int = 50,
) -> tuple[list[SurveyView], int | None]:
    """Surveys newest first, a page at a time (keyset on id); the cursor of the next page."""
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(N_("limit must be 1 to {max}."), field="limit", max=MAX_PAGE)
    stmt = _VIEW
    if status is not None:
        if status not in {s.value for s in S}:
            known = ", ".join(s.value for s in S)
            raise Invalid(N_("status must be one of: {known}."), field="status", known=known)
        stmt = stmt.where(_SURVEY.c.status == status)
    if staff is not None:
        stmt = stmt.where(_SURVEY.c.staff_id == find_staff(read.session, staff).id)
    if after is not None:
        stmt = stmt.where(_SURVEY.c.id < after)
    rows = read.session.execute(stmt.order_by(_SURVEY.c.id.desc()).limit(limit + 1)).all()
    views = [_to_view(read.session, r, read.now) for r in rows[:limit]]
    return views, (views[-1].id if len(rows) > limit else None)


# ---------------------------------------------------------------------------------------------
# Answering


def asked(session: Session) -> tuple[str, ...]:
    """The questions this site asks (``survey_questions``), in the survey's order."""
    chosen = set(read_setting(session, "survey_questions"))
    return tuple(q for q in QUESTIONS if q in chosen)


def questions_of(session: Session) -> list[SurveyQuestion]:
    """The questions this site asks, in its words (``survey_wording``) in each language."""
    return wording(asked(session), read_setting(session, "survey_wording"))


@query(Action.VIEW_TICKETS)
def survey_questions(read: Read) -> list[SurveyQuestion]:
    """What a survey asks here and how it says it: the callback screen's form, ``itsm survey
    next`` and ``questions`` read it (the link carries it too: :func:`make_link`)."""
    return questions_of(read.session)


def check_answer(answer: Answer, questions: tuple[str, ...] = QUESTIONS) -> Answer:
    """Scores 1–5 (timeliness and attitude may be left out), a one-paragraph comment; an
    answer to a question the site does not ask is refused, naming it."""
    given = {
        "timeliness": answer.timeliness,
        "attitude": answer.attitude,
        "solved": answer.solved,
        "comment": answer.comment or None,
    }
    for name, value in given.items():
        if value is not None and name not in questions:
            raise Invalid(N_("This site's survey does not ask {name}."), field=name, name=name)
    if "solved" in questions and answer.solved is None:
        raise Invalid(N_("solved is required (yes or no)."), field="solved")
    scores = {"overall": answer.overall, "timeliness": answer.timeliness}
    scores["attitude"] = answer.attitude
    for name, value in scores.items():
        if value is None and name == "overall":
            raise Invalid(N_("overall is required (1 to 5)."), field="overall")
        if value is not None and (isinstance(value, bool) or value not in SURVEY_SCORES):
            raise Invalid(
                N_("{name} must be 1 to 5, not {value}."), field=name, name=name, value=value
            )
    comment = text_input.storable("comment", answer.comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise Invalid(
            N_("comment is longer than {max} characters."), field="comment", max=COMMENT_MAX
        )
    solved = None if answer.solved is None else bool(answer.solved)
    return Answer(answer.overall, solved, answer.timeliness, answer.attitude, comment)


def is_low(answer: Answer) -> bool:
    return answer.overall <= LOW_OVERALL or answer.solved is False


def _record(
    tx: Tx, survey: Survey, answer: Answer, via: str, expected_version: int | None
) -> SurveyView:
    """Store one answer (the survey must be open and in its window), journal it, and alert
    the group's supervisor once for a low score."""
    assert survey.id is not None
    answer = check_answer(answer, asked(tx.session))
    if expected_version is not None and survey.version != expected_version:
        raise Conflict(
            N_("Survey #{id} changed meanwhile (version {now}, you had {had}); reload it."),
            id=survey.id,
            now=survey.version,
            had=expected_version,
        )
    if survey.status == S.ANSWERED.value:
        raise Invalid(N_("Survey #{id} is already answered."), field="survey", id=survey.id)
    if survey.status == S.EXPIRED.value or survey.expires_at <= tx.now:
        raise Invalid(N_("Survey #{id} has expired."), field="survey", id=survey.id)
    low = is_low(answer)
    values = {
        "status": S.ANSWERED.value,
        "answered_at": tx.now,
        "answered_by_id": None if tx.actor.is_system else tx.actor.id,
        "answered_via": via,
        "overall": answer.overall,
        "timeliness": answer.timeliness,
        "attitude": answer.attitude,
        "solved": answer.solved,
        "comment": answer.comment or None,
        "low_score": low,
        "link_nonce": None,
        "version": survey.version + 1,
    }
    result = tx.session.execute(
        update(_SURVEY)
        .where(_SURVEY.c.id == survey.id, _SURVEY.c.version == survey.version)
        .values(**values)
    )
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        raise Invalid(N_("Survey #{id} is already answered."), field="survey", id=survey.id)
    journaled = {k: values[k] for k in ("overall", "timeliness", "attitude", "solved", "comment")}
    tx.journal("survey", survey.id, "answer", {**journaled, "via": via, "low_score": low})
    if low:
        _alert_low_score(tx, survey, answer)
    return survey_view(tx.session, survey.id, tx.now)


def _alert_low_score(tx: Tx, survey: Survey, answer: Answer) -> None:
    assert survey.id is not None
    _alert(tx, survey.id, survey.ticket_id, survey.group_id, answer, at=tx.now)


def _alert(
    tx: Tx, survey_id: int, ticket_id: int, group_id: int | None, answer: Answer, *, at: datetime
) -> None:
    """The low score's one alert to the group's supervisor (kind ``survey:<id>``, once by
    ``uq_sla_alert``), whether the answer came in live or with the demo's history."""
    ticket = tx.session.get(Ticket, ticket_id)
    assert ticket is not None
    solved = {True: "solved", False: "NOT solved", None: "solved not asked"}[answer.solved]
    message = (
        f"{ticket.number} {ticket.title[:100]}: survey #{survey_id} scored "
        f"{answer.overall}/5, {solved}" + (f": {answer.comment[:200]}" if answer.comment else "")
    )
    raise_alert(tx, ticket, f"survey:{survey_id}", message, group_recipients(tx, group_id), at=at)


def alert_low_scores(tx: Tx, *, chunk: int = 1000) -> int:
    """Raise the alert of every low-scored answer that has none yet — the answers written in
    bulk with the demo's history, which did not pass through :func:`answer_survey` — each
    dated when it was answered; how many. Called inside a mutation (the demo loader's).
    Running it again finds nothing: an alerted survey has its ``survey:<id>`` alert."""
    alert = core_table(SlaAlert)
    done, after = 0, 0
    while True:
        rows = tx.session.execute(
            core_select(
                _SURVEY.c.id,
                _SURVEY.c.ticket_id,
                _SURVEY.c.group_id,
                _SURVEY.c.answered_at,
                _SURVEY.c.overall,
                _SURVEY.c.solved,
                _SURVEY.c.comment,
            )
            .where(
                _SURVEY.c.id > after,
                _SURVEY.c.status == S.ANSWERED.value,
                _SURVEY.c.low_score.is_(True),
                ~exists().where(
                    alert.c.ticket_id == _SURVEY.c.ticket_id,
                    alert.c.kind == literal("survey:") + cast(_SURVEY.c.id, String),
                ),
            )
            .order_by(_SURVEY.c.id)
            .limit(chunk)
        ).all()
        if not rows:
            return done
        for r in rows:
            answer = Answer(r.overall, r.solved, comment=r.comment or "")
            _alert(tx, r.id, r.ticket_id, r.group_id, answer, at=r.answered_at or tx.now)
        done += len(rows)
        after = rows[-1].id


@mutation(Action.ANSWER_SURVEY)
def answer_survey(
    tx: Tx, ref: str, answer: Answer, *, via: str = "cli", expected_version: int | None = None
) -> SurveyView:
    """Key in a caller's answers (the callback queue, ``itsm survey answer``, an IVR)."""
    if via not in VIA:
        raise Invalid(N_("via must be one of: {known}."), field="via", known=", ".join(VIA))
    survey = find_survey(tx.session, ref, for_update=True)
    return _record(tx, survey, answer, via, expected_version)


@mutation(Action.ANSWER_SURVEY)
def answer_by_link(tx: Tx, token: str, answer: Answer) -> SurveyView:
    """The self-service page's answer, through the signed link (it runs as the system)."""
    secret = survey_links.site_secret(tx.session, tx.now)
    fields = survey_links.read_token(secret, token, tx.now)
    survey = tx.session.exec(
        select(Survey).where(Survey.id == fields.survey_id).with_for_update()
    ).first()
    if survey is None or survey.link_nonce != fields.nonce:
        # Answered (the nonce is cleared) or replaced by a newer link: used up either way.
        raise Invalid(N_("This survey link has already been used."), field="token")
    return _record(tx, survey, answer, "link", None)


@mutation(Action.ANSWER_SURVEY)
def make_link(tx: Tx, ref: str) -> SurveyLink:
    """A signed link for an open survey, valid until the survey expires; it replaces any
    earlier link of the same survey."""
    survey = find_survey(tx.session, ref, for_update=True)
    assert survey.id is not None
    if survey.status != S.OPEN.value or survey.expires_at <= tx.now:
        raise Invalid(
            N_("Survey #{id} is {status}: no link can answer it."),
            field="survey",
            id=survey.id,
            status=survey.status if survey.status != S.OPEN.value else S.EXPIRED.value,
        )
    nonce = survey_links.new_nonce()
    secret = survey_links.site_secret(tx.session, tx.now)
    tx.session.execute(
        update(_SURVEY)
        .where(_SURVEY.c.id == survey.id)
        .values(link_nonce=nonce, version=_SURVEY.c.version + 1)
    )
    tx.journal("survey", survey.id, "link", {"expires_at": survey.expires_at})
    token = survey_links.sign(secret, survey.id, survey.expires_at, nonce)
    return SurveyLink(
        survey.id,
        token,
        survey_links.LINK_PATH + token,
        survey.expires_at,
        questions_of(tx.session),
    )


# ---------------------------------------------------------------------------------------------
# The callback queue and expiry


def _next_open(session: Session, now: datetime) -> Any:
    return session.execute(
        core_select(_SURVEY.c.id, _SURVEY.c.version)
        .where(
            _SURVEY.c.status == S.OPEN.value,
            _SURVEY.c.expires_at > now,
            (_SURVEY.c.callback_at.is_(None)) | (_SURVEY.c.callback_at <= now - CALLBACK_HOLD),
        )
        .order_by(_SURVEY.c.status, _SURVEY.c.expires_at, _SURVEY.c.id)
        .limit(1)
    ).first()


@mutation(Action.ANSWER_SURVEY, journaled=False)  # a survey taken is journaled; none, no change
def take_next_callback(tx: Tx) -> SurveyView | None:
    """The next caller to ring back (the open survey nearest its expiry that nobody took in
    the last quarter hour), held for this operator; None when the queue is empty."""
    for _ in range(3):  # another operator may take the same one first: try the next
        row = _next_open(tx.session, tx.now)
        if row is None:
            return None
        result = tx.session.execute(
            update(_SURVEY)
            .where(_SURVEY.c.id == row.id, _SURVEY.c.version == row.version)
            .values(callback_by_id=tx.actor.id, callback_at=tx.now, version=row.version + 1)
        )
        assert isinstance(result, CursorResult)
        if result.rowcount == 1:
            tx.journal("survey", row.id, "callback")
            return survey_view(tx.session, row.id, tx.now)
    return None


@query(Action.VIEW_TICKETS)
def callback_count(read: Read) -> int:
    """How many surveys wait in the callback queue (open, in their window)."""
    stmt = core_select(func.count()).where(
        _SURVEY.c.status == S.OPEN.value, _SURVEY.c.expires_at > read.now
    )
    return int(read.session.execute(stmt).scalar() or 0)


@mutation(Action.SUPERVISE, journaled=False)  # each expiry is journaled; none, nothing to say
def expire_surveys(tx: Tx, *, batch: int = 5000) -> int:
    """Expire the open surveys whose window has passed (the scheduler runs this), a batch at a
    time, each journaled; how many expired."""
    ids = [
        r.id
        for r in tx.session.execute(
            core_select(_SURVEY.c.id)
            .where(_SURVEY.c.status == S.OPEN.value, _SURVEY.c.expires_at <= tx.now)
            .order_by(_SURVEY.c.status, _SURVEY.c.expires_at)
            .limit(batch)
        )
    ]
    if not ids:
        return 0
    tx.session.execute(
        update(_SURVEY)
        .where(_SURVEY.c.id.in_(ids), _SURVEY.c.status == S.OPEN.value)
        .values(status=S.EXPIRED.value, link_nonce=None, version=_SURVEY.c.version + 1)
    )
    tx.journal_many("survey", "expire", [(i, {}) for i in ids])
    return len(ids)
