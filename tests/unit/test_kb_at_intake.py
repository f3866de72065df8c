"""A call logged with what the knowledge base suggested: linked to a known error's problem,
or solved with an article, and resolved at first line in the same transaction."""

from __future__ import annotations

from typing import Any

import pytest

from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.workflow.knowledge.articles import (
    add_article,
    publish_article,
    review_article,
    show_article,
)
from itsm_tui.workflow.knowledge.at_intake import CallWithSuggestion, log_call_with_suggestion
from itsm_tui.workflow.problems.operations import create_problem, mark_known_error
from itsm_tui.workflow.problems.queries import problem_of_ticket, show_problem
from itsm_tui.workflow.tickets import TicketDraft, show_ticket
from tests.conftest import Desk


def _known_error(desk: Desk) -> str:
    problem = create_problem(desk.site, desk.eng1, title="VPN 证书批量过期")
    mark_known_error(
        desk.site,
        desk.eng1,
        problem.number,
        cause_code="configuration",
        root_cause="证书有效期一年，批量签发",
        workaround="管理员远程续期",
    )
    return problem.number


def _article(desk: Desk) -> str:
    number = add_article(
        desk.site, desk.eng1, title="VPN证书过期无法连接", body="在统一身份认证平台续期证书。"
    ).number
    review_article(desk.site, desk.sup, number)
    publish_article(desk.site, desk.sup, number)
    return number


def _call(desk: Desk, **kw: Any) -> CallWithSuggestion:
    return log_call_with_suggestion(
        desk.site,
        desk.agent1,
        channel="phone",
        caller=f"#{desk.caller.id}",
        summary="VPN 连不上",
        new_ticket=TicketDraft(title="VPN 连不上，提示证书过期", group="hotline"),
        **kw,
    )


def test_a_call_is_linked_to_the_known_error_without_resolving_it(desk: Desk) -> None:
    problem = _known_error(desk)
    done = _call(desk, known_error=problem)
    number = done.contact.ticket
    assert done.problem == problem and not done.resolved
    brief = problem_of_ticket(desk.site, desk.agent1, number)
    assert brief is not None and brief.number == problem
    assert number in [i.number for i in show_problem(desk.site, desk.agent1, problem).incidents]
    assert show_ticket(desk.site, desk.agent1, number).ticket.status != "resolved"


def test_the_workaround_resolves_the_call_at_first_line(desk: Desk) -> None:
    problem = _known_error(desk)
    done = _call(desk, known_error=problem, resolve=True)
    ticket = show_ticket(desk.site, desk.agent1, done.contact.ticket).ticket
    assert ticket.status == "resolved" and ticket.resolved_first_line
    assert ticket.resolution_text is not None and "管理员远程续期" in ticket.resolution_text


def test_an_article_solves_the_call_and_counts_a_use(desk: Desk) -> None:
    article = _article(desk)
    done = _call(desk, article=article, resolve=True)
    ticket = show_ticket(desk.site, desk.agent1, done.contact.ticket).ticket
    assert ticket.status == "resolved" and ticket.resolved_first_line
    assert ticket.resolution_text is not None and article in ticket.resolution_text
    assert show_article(desk.site, desk.agent1, article).use_count == 1


def test_refusals_write_nothing(desk: Desk) -> None:
    problem = create_problem(desk.site, desk.eng1, title="还在调查的问题").number
    with pytest.raises(Invalid, match="no longer a known error"):
        _call(desk, known_error=problem)
    with pytest.raises(Invalid, match="one known error or one article"):
        _call(desk)
    assert show_problem(desk.site, desk.agent1, problem).incidents == []
    with pytest.raises(Forbidden):  # an inspector may not log calls
        log_call_with_suggestion(
            desk.site,
            desk.insp,
            channel="phone",
            caller=None,
            summary="x",
            new_ticket=TicketDraft(title="x"),
            known_error=_known_error(desk),
        )
