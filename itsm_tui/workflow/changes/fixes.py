"""A change and the problem it fixes: raising the RFC from a problem, linking and unlinking.

The link is held twice on purpose, in one transaction: a ``change_link`` row (``problem``,
``fixes``) so the change lists what it fixes like its other links, and the problem's
``fix_change`` so the problem names its fixing change without a join. Both are written here and
nowhere else, each journaled on its own record. A problem has one fixing change at a time:
linking a second one is refused until the first is unlinked.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete
from sqlmodel import Session, col, select

from itsm_tui.common.errors import Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    ChangeLink,
    ChangeRequest,
    ConfigurationItem,
    Problem,
    ProblemCI,
)
from itsm_tui.workflow.changes.core import apply, find_change, load
from itsm_tui.workflow.changes.records import ChangeDraft, add_link, create_change
from itsm_tui.workflow.changes.views import ChangeView, change_view
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.problems import records as problems

_LINK = core_table(ChangeLink)
FIXES = "fixes"


def _fix(tx: Tx, change: ChangeRequest, problem: Problem) -> None:
    """Link ``change`` as the fix of ``problem`` (both already loaded and locked)."""
    assert change.id is not None and problem.id is not None
    if problem.fix_change == change.number:
        raise Invalid(
            N_("{number} is already linked to {ticket} ({relation})."),
            field="problem",
            number=change.number,
            ticket=problem.number,
            relation=FIXES,
        )
    if problem.fix_change:
        raise Invalid(
            N_("{problem} is fixed by {change} already: unlink that change first."),
            field="problem",
            problem=problem.number,
            change=problem.fix_change,
        )
    add_link(tx, change, "problem", problem.id, problem.number, FIXES)
    problems.apply(tx, problem, "update", {"fix_change": change.number})


def _unfix(tx: Tx, change: ChangeRequest, problem: Problem) -> None:
    """Remove the fix link of ``change`` and ``problem`` from both sides."""
    assert change.id is not None and problem.id is not None
    tx.session.execute(
        delete(_LINK).where(
            _LINK.c.change_id == change.id,
            _LINK.c.entity == "problem",
            _LINK.c.entity_id == problem.id,
            _LINK.c.relation == FIXES,
        )
    )
    apply(tx, change, "unlink", {}, {"problem": problem.number, "relation": FIXES})
    problems.apply(tx, problem, "update", {"fix_change": None})


def _load_both(
    tx: Tx, number: str, problem_ref: str, operation: str
) -> tuple[ChangeRequest, Problem]:
    """The change and the problem, locked; editing a problem's fix is a problem manager's."""
    tx.require(Action.MANAGE_PROBLEMS)
    change = load(tx, number, "link")
    problem = problems.load(tx, problem_ref, operation, None)
    return change, problem


@mutation(Action.REQUEST_CHANGE)
def link_problem(tx: Tx, number: str, problem: str) -> ChangeView:
    """Record that change ``number`` carries the permanent fix of ``problem``."""
    change, found = _load_both(tx, number, problem, "link")
    _fix(tx, change, found)
    return change_view(tx.session, change, tx.actor)


@mutation(Action.REQUEST_CHANGE)
def unlink_problem(tx: Tx, number: str, problem: str) -> ChangeView:
    """The change turned out not to fix ``problem``: remove the link from both sides."""
    change, found = _load_both(tx, number, problem, "unlink")
    assert change.id is not None and found.id is not None
    if found.fix_change != change.number:
        raise Invalid(
            N_("{number} is not linked to {problem}."),
            field="problem",
            number=change.number,
            problem=found.number,
        )
    _unfix(tx, change, found)
    return change_view(tx.session, change, tx.actor)


def set_fix(tx: Tx, problem: Problem, ref: str) -> None:
    """Make change ``ref`` the fix of ``problem`` (already locked), replacing the one it had;
    an empty ``ref`` leaves it with none. What ``problem update --fix-change`` does."""
    if problem.fix_change:
        if ref.strip() and load(tx, ref, "link").number == problem.fix_change:
            return
        try:
            _unfix(tx, find_change(tx.session, problem.fix_change, for_update=True), problem)
        except NotFound:  # a number typed before changes were linked: nothing to unlink
            problems.apply(tx, problem, "update", {"fix_change": None})
    if ref.strip():
        _fix(tx, load(tx, ref, "link"), problem)


_create_body = create_change.__wrapped__  # type: ignore[attr-defined]  # set by functools.wraps in @mutation


@mutation(Action.REQUEST_CHANGE)
def change_from_problem(tx: Tx, problem: str, draft: ChangeDraft) -> ChangeView:
    """Raise the RFC that fixes ``problem``: what the draft leaves empty comes from the
    problem (its title, its CIs, its root cause as the reason), and the new change is linked
    as the problem's fix, in one transaction."""
    tx.require(Action.MANAGE_PROBLEMS)
    found = problems.load(tx, problem, "link", None)
    if found.fix_change:
        raise Invalid(
            N_("{problem} is fixed by {change} already: unlink that change first."),
            field="problem",
            problem=found.number,
            change=found.fix_change,
        )
    filled = replace(
        draft,
        title=draft.title or found.title,
        reason=draft.reason or found.root_cause,
        cis=draft.cis or problem_ci_refs(tx.session, found),
    )
    view: ChangeView = _create_body(tx, filled)
    change = load(tx, view.number, "link")
    _fix(tx, change, found)
    return change_view(tx.session, change, tx.actor)


def problem_ci_refs(session: Session, problem: Problem) -> list[str]:
    """The problem's CIs as ``class:name``, which names one CI and reads well in a form."""
    rows = session.exec(
        select(ConfigurationItem.ci_class, ConfigurationItem.name)
        .join(ProblemCI, col(ProblemCI.ci_id) == ConfigurationItem.id)
        .where(ProblemCI.problem_id == problem.id)
        .order_by(col(ConfigurationItem.id))
    ).all()
    return [f"{ci_class}:{name}" for ci_class, name in rows]


@query(Action.VIEW_PROBLEMS)
def draft_from_problem(read: Read, problem: str) -> ChangeDraft:
    """What a new change from ``problem`` starts with, for a form to show before it is
    raised: its title, its root cause as the reason, and its CIs."""
    found = problems.find_problem(read.session, problem)
    return ChangeDraft(
        type="normal",
        title=found.title,
        reason=found.root_cause,
        cis=problem_ci_refs(read.session, found),
    )
