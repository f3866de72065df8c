"""The hotline's payoff: a call logged with what the knowledge base suggested for it.

The call form shows known errors and published articles as the agent types
(``finding.suggest_for_call``). From there one key logs the call *with* a suggestion:

- with a known error, the new incident is linked to the known error's problem, so tier 2
  sees one more occurrence instead of a new escalation;
- with an article, the new ticket is linked to it ("solved with"), one more use of it;
- and, where the workaround or the article answers the call, the ticket is resolved at first
  line, the workaround or the article as its resolution.

It is one transaction: the contact, the ticket, the link and the resolution are all written
or none is. Linking an incident to a problem is otherwise tier 2's (``MANAGE_PROBLEMS``);
the service desk may link the incident it is opening to a *known error*, because matching a
call to a known error is the desk's part of problem management (ITIL's "incident matching").
Resolving still needs the right to work tickets, and the ticket rule (``tickets.offered``) is
applied to the new ticket as to any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from itsm_tui.common.domain import ArticleStatus, ProblemStatus
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.workflow import drafts
from itsm_tui.workflow.contacts import ContactView, record_contact
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.knowledge.articles import find_article, link_article
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.problems.operations import link_incidents
from itsm_tui.workflow.problems.records import find_problem
from itsm_tui.workflow.tickets.create import TicketDraft
from itsm_tui.workflow.tickets.lifecycle import resolve as resolve_ticket

# The operations' own bodies (``@mutation`` keeps them, ``functools.wraps``): each step is
# that operation, in this call's transaction, so its rule and journal entry live once.
_link_incidents: Callable[..., Any] = link_incidents.__wrapped__  # type: ignore[attr-defined]
_link_article: Callable[..., Any] = link_article.__wrapped__  # type: ignore[attr-defined]
_resolve: Callable[..., Any] = resolve_ticket.__wrapped__  # type: ignore[attr-defined]

#: The resolution code a known error's workaround resolves with, and an article's.
WORKAROUND_CODE = "workaround"
ARTICLE_CODE = "advice"
#: A resolution text holds at most this much of the workaround or the article.
RESOLUTION_CHARS = 2_000


@dataclass(frozen=True)
class CallWithSuggestion:
    """What was written: the contact (its ``ticket`` is the new ticket), the problem or the
    article it was linked to, and whether the ticket was resolved at once."""

    contact: ContactView
    problem: str | None
    article: str | None
    resolved: bool


@mutation(Action.LOG_CONTACT)
def log_call_with_suggestion(
    tx: Tx,
    *,
    channel: str,
    caller: str | None,
    summary: str,
    new_ticket: TicketDraft,
    assign_to_me: bool = False,
    known_error: str | None = None,
    article: str | None = None,
    resolve: bool = False,
) -> CallWithSuggestion:
    """Log the call as a new ticket linked to ``known_error`` (a problem's number) or to
    ``article``, exactly one of them; with ``resolve``, resolve the ticket with the known
    error's workaround or the article. The agent's draft of the form goes with the call."""
    if (known_error is None) == (article is None):
        raise Invalid(N_("Name one known error or one article."), field="suggestion")
    problem = find_problem(tx.session, known_error, for_update=True) if known_error else None
    if problem is not None and problem.status != ProblemStatus.KNOWN_ERROR.value:
        raise Invalid(
            N_("{number} is no longer a known error; read it again."),
            field="suggestion",
            number=problem.number,
        )
    found = find_article(tx.session, article) if article else None
    if found is not None and found.status != ArticleStatus.PUBLISHED.value:
        raise Invalid(
            N_("{number} is not published; read it again."),
            field="suggestion",
            number=found.number,
        )
    if found is not None:
        tx.require(Action.WRITE_KNOWLEDGE)
    if resolve:
        tx.require(Action.WORK_TICKET)
    if assign_to_me:
        new_ticket = replace(new_ticket, assignee=tx.actor.login)
    contact = record_contact(
        tx, channel=channel, caller=caller, summary=summary, ticket=None, new_ticket=new_ticket
    )
    drafts.clear(tx)
    number = contact.ticket
    assert number is not None  # a new ticket was asked for
    if problem is not None:
        _link_incidents(tx, problem.number, [number])
        text = f"{problem.number} {problem.title}\n{problem.workaround}"
        code = WORKAROUND_CODE
    else:
        assert found is not None
        _link_article(tx, number, found.number)
        text = f"{found.number} {found.title}\n{found.body}"
        code = ARTICLE_CODE
    if resolve:
        _resolve(tx, number, code=code, text=text[:RESOLUTION_CHARS])
    return CallWithSuggestion(
        contact,
        problem.number if problem is not None else None,
        found.number if found is not None else None,
        resolve,
    )
