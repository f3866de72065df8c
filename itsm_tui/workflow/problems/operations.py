"""Every change to a problem, one workflow function each: open one (from incidents or not),
link and unlink incidents, record what is known, and move it through its life.

Each is version-checked and journaled like a ticket's changes (``records.apply``); linking an
incident is journaled on the incident too, so its history says which problem it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import InitVar, dataclass
from typing import Any

from sqlmodel import col, select

from itsm_tui.common.domain import (
    OPEN_STATUSES,
    PRIORITY_LEVELS,
    PROBLEM_PREFIX,
    ProblemStatus,
    TicketType,
)
from itsm_tui.common.errors import Conflict, DomainError, Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.tables import (
    AssignmentGroup,
    Problem,
    ProblemCandidate,
    ProblemCI,
    ProblemTicket,
    Ticket,
    TicketCI,
)
from itsm_tui.workflow.cmdb.items import find_ci
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.lookup import find_category, find_group, find_staff, find_ticket
from itsm_tui.workflow.numbering import next_in_series
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.problems.records import ProblemView, apply, load, problem_view, reindex
from itsm_tui.workflow.site_settings import read_setting
from itsm_tui.workflow.tickets import offered
from itsm_tui.workflow.tickets.create import check_text
from itsm_tui.workflow.tickets.lifecycle import resolve as resolve_ticket
from itsm_tui.workflow.tickets.views import TicketView

S = ProblemStatus
#: The default priority of a problem opened from no incident (P3).
DEFAULT_PRIORITY = PRIORITY_LEVELS[2]
#: Most incidents one call links (a cluster the recurring job finds is far smaller).
LINK_MAX = 200

#: The ticket ``resolve`` operation's own body (``@mutation`` keeps it, ``functools.wraps``):
#: resolving a problem's incidents is that operation, in the problem's transaction.
_resolve_body: Callable[..., TicketView] = resolve_ticket.__wrapped__  # type: ignore[attr-defined]  # set by functools.wraps in @mutation


def cause_codes(tx_or_session: Any) -> list[str]:
    """The site's root-cause codes (setting ``problem_cause_codes``)."""
    session = getattr(tx_or_session, "session", tx_or_session)
    return list(read_setting(session, "problem_cause_codes"))


def _cause_code(tx: Tx, code: str) -> str:
    codes = cause_codes(tx)
    if code not in codes:
        raise Invalid(
            N_("Cause code must be one of: {codes}."), field="cause_code", codes=", ".join(codes)
        )
    return code


def _priority(priority: int) -> int:
    if priority not in PRIORITY_LEVELS:
        raise Invalid(
            N_("priority must be {low} to {high}, not {priority}."),
            field="priority",
            low=PRIORITY_LEVELS[0],
            high=PRIORITY_LEVELS[-1],
            priority=priority,
        )
    return priority


def _tier2_group(tx: Tx) -> AssignmentGroup | None:
    """Problems belong to tier 2 unless told otherwise: the opener's own tier-2 group, else
    the first active tier-2 group."""
    from itsm_tui.storage.tables import GroupMember

    stmt = (
        select(AssignmentGroup)
        .where(AssignmentGroup.tier == 2, col(AssignmentGroup.active))
        .order_by(col(AssignmentGroup.id))
    )
    own = tx.session.exec(
        stmt.join(GroupMember, col(GroupMember.group_id) == AssignmentGroup.id).where(
            GroupMember.staff_id == tx.actor.id
        )
    ).first()
    return own or tx.session.exec(stmt).first()


def _incident(tx: Tx, ref: str) -> Ticket:
    ticket = find_ticket(tx.session, ref, for_update=True)
    if ticket.type != TicketType.INCIDENT:
        raise Invalid(
            N_("{number} is a service request; only incidents are linked to problems."),
            field="tickets",
            number=ticket.number,
        )
    return ticket


def _link(tx: Tx, problem: Problem, ticket: Ticket) -> None:
    assert problem.id is not None and ticket.id is not None
    held = tx.session.get(ProblemTicket, ticket.id)
    if held is not None:
        other = tx.session.get(Problem, held.problem_id)
        raise Conflict(
            N_("{ticket} is already linked to {problem}."),
            field="tickets",
            ticket=ticket.number,
            problem=other.number if other else "?",
        )
    tx.session.add(ProblemTicket(ticket_id=ticket.id, problem_id=problem.id, linked_at=tx.now))
    tx.journal("ticket", ticket.id, "link_problem", {"problem": problem.number})


@mutation(Action.MANAGE_PROBLEMS)
def create_problem(
    tx: Tx,
    *,
    title: str | None = None,
    description: str = "",
    tickets: Sequence[str] = (),
    category: str | None = None,
    priority: int | None = None,
    group: str | None = None,
    owner: str | None = None,
    cis: Sequence[str] = (),
    candidate: int | None = None,
) -> ProblemView:
    """Open a problem, from one or several incidents or from none.

    From incidents, what is not given is taken from them: the title of the first, its
    category, the most severe priority among them, and every CI they name. The group is
    tier 2's unless one is named; the owner is whoever opens it unless one is named.
    ``candidate`` is the recurring-incident suggestion it answers (then marked accepted).
    """
    if len(tickets) > LINK_MAX:
        raise Invalid(N_("At most {limit} incidents at once."), field="tickets", limit=LINK_MAX)
    incidents = [_incident(tx, ref) for ref in dict.fromkeys(tickets)]
    first = incidents[0] if incidents else None
    if title is None:
        if first is None:
            raise Invalid(N_("A problem needs a title or an incident."), field="title")
        title = first.title
    check_text("title", title, required=True)
    check_text("description", description)
    category_id = find_category(tx.session, category).id if category else None
    if category_id is None and first is not None:
        category_id = first.category_id
    if priority is None:
        priority = min((t.priority for t in incidents), default=DEFAULT_PRIORITY)
    team = find_group(tx.session, group) if group else _tier2_group(tx)
    owner_id = find_staff(tx.session, owner).id if owner else tx.actor.id
    if tx.actor.is_system and not owner:
        owner_id = None
    problem = Problem(
        number=next_in_series(tx.session, PROBLEM_PREFIX),
        title=title,
        description=description,
        category_id=category_id,
        priority=_priority(priority),
        status=S.NEW.value,
        owner_id=owner_id,
        group_id=team.id if team else None,
        opened_by_id=None if tx.actor.is_system else tx.actor.id,
        opened_at=tx.now,
        updated_at=tx.now,
    )
    tx.session.add(problem)
    tx.session.flush()
    assert problem.id is not None
    ci_ids = {find_ci(tx.session, ref).id for ref in cis}
    if incidents:
        ci_ids.update(
            tx.session.exec(
                select(TicketCI.ci_id).where(col(TicketCI.ticket_id).in_([t.id for t in incidents]))
            ).all()
        )
    for ci_id in sorted(i for i in ci_ids if i is not None):
        tx.session.add(ProblemCI(problem_id=problem.id, ci_id=ci_id))
    tx.journal(
        "problem",
        problem.id,
        "create",
        {"title": title, "tickets": [t.number for t in incidents], "priority": priority},
    )
    for ticket in incidents:
        _link(tx, problem, ticket)
    if candidate is not None:
        _accept_candidate(tx, candidate, problem)
    tx.session.flush()
    reindex(tx, problem)
    return problem_view(tx.session, problem, tx.actor.roles)


def _accept_candidate(tx: Tx, candidate_id: int, problem: Problem) -> None:
    row = tx.session.get(ProblemCandidate, candidate_id)
    if row is None:
        raise NotFound(N_("No candidate #{id}."), field="candidate", id=candidate_id)
    row.status = "accepted"
    row.problem_id = problem.id
    tx.session.add(row)
    tx.journal("problem_candidate", candidate_id, "accept", {"problem": problem.number})


@mutation(Action.MANAGE_PROBLEMS)
def link_incidents(
    tx: Tx, number: str, tickets: Sequence[str], *, expected_version: int | None = None
) -> ProblemView:
    """Link more incidents to a problem (each may belong to one problem only)."""
    if not tickets:
        raise Invalid(N_("Name at least one incident."), field="tickets")
    if len(tickets) > LINK_MAX:
        raise Invalid(N_("At most {limit} incidents at once."), field="tickets", limit=LINK_MAX)
    problem = load(tx, number, "link", expected_version)
    linked = []
    for ref in dict.fromkeys(tickets):
        ticket = _incident(tx, ref)
        _link(tx, problem, ticket)
        linked.append(ticket.number)
    apply(tx, problem, "link", {}, {"tickets": linked})
    return problem_view(tx.session, problem, tx.actor.roles)


@mutation(Action.MANAGE_PROBLEMS)
def unlink_incident(
    tx: Tx, number: str, ticket_ref: str, *, expected_version: int | None = None
) -> ProblemView:
    """Say an incident is not caused by this problem after all."""
    problem = load(tx, number, "unlink", expected_version)
    ticket = find_ticket(tx.session, ticket_ref)
    row = tx.session.get(ProblemTicket, ticket.id)
    if row is None or row.problem_id != problem.id:
        raise NotFound(
            N_("{ticket} is not linked to {problem}."),
            field="tickets",
            ticket=ticket.number,
            problem=problem.number,
        )
    tx.session.delete(row)
    assert ticket.id is not None
    tx.journal("ticket", ticket.id, "unlink_problem", {"problem": problem.number})
    apply(tx, problem, "unlink", {}, {"tickets": [ticket.number]})
    return problem_view(tx.session, problem, tx.actor.roles)


@mutation(Action.MANAGE_PROBLEMS)
def update_problem(
    tx: Tx,
    number: str,
    *,
    title: str | None = None,
    description: str | None = None,
    category: str | None = None,
    priority: int | None = None,
    group: str | None = None,
    owner: str | None = None,
    cause_code: str | None = None,
    root_cause: str | None = None,
    workaround: str | None = None,
    fix: str | None = None,
    fix_change: str | None = None,
    expected_version: int | None = None,
) -> ProblemView:
    """Record what is learnt: the root cause and its code, the workaround, the fix."""
    problem = load(tx, number, "update", expected_version)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = check_text("title", title, required=True)
    for name, value in (
        ("description", description),
        ("root_cause", root_cause),
        ("workaround", workaround),
        ("fix", fix),
    ):
        if value is not None:
            changes[name] = check_text("description", value)
    if category is not None:
        changes["category_id"] = find_category(tx.session, category).id
    if priority is not None:
        changes["priority"] = _priority(priority)
    if group is not None:
        changes["group_id"] = find_group(tx.session, group).id
    if owner is not None:
        changes["owner_id"] = find_staff(tx.session, owner).id
    if cause_code is not None:
        changes["cause_code"] = _cause_code(tx, cause_code)
    if not changes and fix_change is None:
        raise Invalid(N_("Nothing to change."), field="problem")
    if changes:
        apply(tx, problem, "update", changes)
    if fix_change is not None:  # a real change, linked on both sides ("" unlinks it)
        from itsm_tui.workflow.changes.fixes import set_fix

        set_fix(tx, problem, fix_change)
    return problem_view(tx.session, problem, tx.actor.roles)


@mutation(Action.MANAGE_PROBLEMS)
def investigate(tx: Tx, number: str, *, expected_version: int | None = None) -> ProblemView:
    """Start studying the cause."""
    problem = load(tx, number, "investigate", expected_version)
    changes: dict[str, Any] = {"status": S.INVESTIGATING.value}
    if problem.owner_id is None and not tx.actor.is_system:
        changes["owner_id"] = tx.actor.id
    apply(tx, problem, "investigate", changes)
    return problem_view(tx.session, problem, tx.actor.roles)


@mutation(Action.MANAGE_PROBLEMS)
def mark_known_error(
    tx: Tx,
    number: str,
    *,
    cause_code: str | None = None,
    root_cause: str | None = None,
    workaround: str | None = None,
    expected_version: int | None = None,
) -> ProblemView:
    """The cause and a workaround are known: the hotline is offered it from now on."""
    problem = load(tx, number, "known_error", expected_version)
    changes: dict[str, Any] = {"status": S.KNOWN_ERROR.value, "known_error_at": tx.now}
    if cause_code is not None:
        changes["cause_code"] = _cause_code(tx, cause_code)
    if root_cause is not None:
        changes["root_cause"] = check_text("description", root_cause)
    if workaround is not None:
        changes["workaround"] = check_text("description", workaround)
    if not changes.get("cause_code", problem.cause_code):
        raise Invalid(N_("A known error needs a cause code."), field="cause_code")
    if not str(changes.get("root_cause", problem.root_cause)).strip():
        raise Invalid(N_("A known error needs its root cause."), field="root_cause")
    if not str(changes.get("workaround", problem.workaround)).strip():
        raise Invalid(N_("A known error needs a workaround."), field="workaround")
    apply(tx, problem, "known_error", changes)
    return problem_view(tx.session, problem, tx.actor.roles)


@dataclass(frozen=True)
class IncidentOutcome:
    """One open incident of a problem being resolved: whether resolving the problem resolves
    it too (the person may resolve it), or why not."""

    number: str
    title: str
    status: str
    resolvable: bool
    reason: str | None  # English (``--json``, logs); :meth:`reason_text` for a person
    refusal: InitVar[DomainError | None] = None

    def __post_init__(self, refusal: DomainError | None) -> None:
        # Not a field: ``--json`` (``dataclasses.asdict``) keeps the five fields above.
        object.__setattr__(self, "_refusal", refusal)

    def reason_text(self) -> str | None:
        """Why it stays open, in the language in force."""
        refusal: DomainError | None = getattr(self, "_refusal", None)
        return refusal.text() if refusal is not None else self.reason


@dataclass(frozen=True)
class ProblemResolution:
    problem: ProblemView
    resolved: list[str]
    skipped: list[IncidentOutcome]


def open_incidents(tx_session: Any, actor: Any, problem: Problem) -> list[IncidentOutcome]:
    """The problem's linked incidents still open, each with whether ``actor`` may resolve it
    (the ticket rule of ``tickets.offered``): what a resolution would resolve."""
    session = tx_session
    rows = session.exec(
        select(Ticket)
        .join(ProblemTicket, col(ProblemTicket.ticket_id) == Ticket.id)
        .where(
            ProblemTicket.problem_id == problem.id,
            col(Ticket.status).in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(col(Ticket.id))
    ).all()
    out = []
    for ticket in rows:
        member = offered.is_member(session, actor, ticket.group_id)
        error = offered.refusal("resolve", actor, offered.Holding.of(ticket), member)
        out.append(
            IncidentOutcome(
                ticket.number,
                ticket.title,
                ticket.status,
                error is None,
                error.message if error is not None else None,
                error,
            )
        )
    return out


@mutation(Action.MANAGE_PROBLEMS)
def resolve_problem(
    tx: Tx,
    number: str,
    *,
    fix: str | None = None,
    resolve_incidents: bool = False,
    expected_version: int | None = None,
) -> ProblemResolution:
    """The permanent fix is in. With ``resolve_incidents``, every open linked incident the
    person may resolve is resolved too ("fixed", the fix as the resolution text), in the same
    transaction; :func:`queries.resolution_preview` lists them first."""
    problem = load(tx, number, "resolve", expected_version)
    text = check_text("description", fix) if fix is not None else problem.fix
    if not text.strip():
        raise Invalid(N_("Say what the fix was."), field="fix")
    apply(
        tx,
        problem,
        "resolve",
        {"status": S.RESOLVED.value, "resolved_at": tx.now, "fix": text},
        {"resolve_incidents": resolve_incidents, "fix_change": problem.fix_change},
    )
    resolved: list[str] = []
    skipped: list[IncidentOutcome] = []
    if resolve_incidents:  # the incidents' resolution names the change that fixed them
        fixed_by = f" ({problem.fix_change})" if problem.fix_change else ""
        resolution = f"{problem.number}{fixed_by}: {text}"[:20_000]
        for outcome in open_incidents(tx.session, tx.actor, problem):
            if not outcome.resolvable:
                skipped.append(outcome)
                continue
            _resolve_body(tx, outcome.number, code="fixed", text=resolution)
            resolved.append(outcome.number)
    return ProblemResolution(problem_view(tx.session, problem, tx.actor.roles), resolved, skipped)


@mutation(Action.MANAGE_PROBLEMS)
def close_problem(tx: Tx, number: str, *, expected_version: int | None = None) -> ProblemView:
    """Close a resolved problem (the fix held)."""
    problem = load(tx, number, "close", expected_version)
    apply(tx, problem, "close", {"status": S.CLOSED.value, "closed_at": tx.now})
    return problem_view(tx.session, problem, tx.actor.roles)


@mutation(Action.MANAGE_PROBLEMS)
def reopen_problem(
    tx: Tx, number: str, *, reason: str, expected_version: int | None = None
) -> ProblemView:
    """The fix did not hold: back to investigating."""
    if not reason.strip():
        raise Invalid(N_("A reason is required to reopen a problem."), field="reason")
    check_text("reason", reason)
    problem = load(tx, number, "reopen", expected_version)
    apply(
        tx,
        problem,
        "reopen",
        {"status": S.INVESTIGATING.value, "resolved_at": None},
        {"reason": reason},
    )
    return problem_view(tx.session, problem, tx.actor.roles)
