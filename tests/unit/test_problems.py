"""Problem management: opening problems from incidents, their life, linking, and resolving a
problem's incidents with its fix."""

from __future__ import annotations

import pytest

from itsm_tui.common.errors import Conflict, Forbidden, Invalid, NotFound
from itsm_tui.workflow.problems.operations import (
    close_problem,
    create_problem,
    investigate,
    link_incidents,
    mark_known_error,
    resolve_problem,
    unlink_incident,
    update_problem,
)
from itsm_tui.workflow.problems.queries import (
    list_problems,
    problem_of_ticket,
    resolution_preview,
    show_problem,
)
from itsm_tui.workflow.tickets import TicketDraft, TicketView, create_ticket, show_ticket
from tests.conftest import Desk


def _incident(desk: Desk, title: str, *, group: str = "hotline", impact: int = 3) -> str:
    view = create_ticket(
        desk.site,
        desk.agent1,
        TicketDraft(title=title, category="sw-oa", cis=["OA办公系统"], group=group, impact=impact),
    )
    return view.number


def _ticket(desk: Desk, number: str) -> TicketView:
    return show_ticket(desk.site, desk.eng1, number).ticket


def test_a_problem_opened_from_incidents_takes_what_they_say(desk: Desk) -> None:
    a = _incident(desk, "OA登录后白屏", impact=2)
    b = _incident(desk, "OA无法登录")
    problem = create_problem(desk.site, desk.eng1, tickets=[a, b])
    assert problem.number == "PRB000001"
    assert problem.title == "OA登录后白屏"
    assert problem.status == "new"
    assert problem.category == "OA系统"
    assert problem.cis == ["OA办公系统"]
    assert [i.number for i in problem.incidents] == [a, b]
    assert problem.group == "server"  # tier 2 by default: the engineer's own tier-2 group
    assert problem.owner == "eng1"
    assert problem.priority == min(_ticket(desk, a).priority, _ticket(desk, b).priority)


def test_the_hotline_reads_problems_but_does_not_open_them(desk: Desk) -> None:
    a = _incident(desk, "打印机卡纸")
    with pytest.raises(Forbidden):
        create_problem(desk.site, desk.agent1, tickets=[a])
    create_problem(desk.site, desk.eng1, tickets=[a])
    assert show_problem(desk.site, desk.agent1, "PRB1").title == "打印机卡纸"


def test_an_incident_belongs_to_one_problem(desk: Desk) -> None:
    a = _incident(desk, "VPN证书过期")
    create_problem(desk.site, desk.eng1, tickets=[a])
    other = create_problem(desk.site, desk.eng1, title="VPN 客户端崩溃")
    with pytest.raises(Conflict, match="already linked to PRB000001"):
        link_incidents(desk.site, desk.eng1, other.number, [a])
    assert show_problem(desk.site, desk.eng1, other.number).incidents == []


def test_link_and_unlink_are_journaled_and_versioned(desk: Desk) -> None:
    a, b = _incident(desk, "邮箱收不到邮件"), _incident(desk, "邮箱满")
    problem = create_problem(desk.site, desk.eng1, title="邮件服务器磁盘满")
    linked = link_incidents(desk.site, desk.eng1, problem.number, [a, b])
    assert [i.number for i in linked.incidents] == [a, b]
    assert linked.version == problem.version + 1
    with pytest.raises(Conflict):  # worked from the version before the link
        unlink_incident(desk.site, desk.eng1, problem.number, a, expected_version=problem.version)
    after = unlink_incident(
        desk.site, desk.eng1, problem.number, a, expected_version=linked.version
    )
    assert [i.number for i in after.incidents] == [b]
    with pytest.raises(NotFound):
        unlink_incident(desk.site, desk.eng1, problem.number, a)
    assert problem_of_ticket(desk.site, desk.agent1, a) is None
    assert problem_of_ticket(desk.site, desk.agent1, b) is not None


def test_a_known_error_needs_its_cause_code_cause_and_workaround(desk: Desk) -> None:
    problem = create_problem(desk.site, desk.eng1, title="网络端口频繁掉线")
    investigate(desk.site, desk.eng1, problem.number)
    with pytest.raises(Invalid, match="cause code"):
        mark_known_error(desk.site, desk.eng1, problem.number, workaround="换端口")
    with pytest.raises(Invalid, match="must be one of"):
        mark_known_error(desk.site, desk.eng1, problem.number, cause_code="gremlins")
    known = mark_known_error(
        desk.site,
        desk.eng1,
        problem.number,
        cause_code="hardware",
        root_cause="交换机端口老化",
        workaround="改接到备用端口",
    )
    assert known.status == "known_error"
    assert known.known_error_at is not None


def test_the_ticket_shows_its_problems_workaround(desk: Desk) -> None:
    a = _incident(desk, "OA登录后白屏")
    problem = create_problem(desk.site, desk.eng1, tickets=[a])
    update_problem(desk.site, desk.eng1, problem.number, workaround="清除浏览器缓存后重新登录")
    brief = problem_of_ticket(desk.site, desk.agent1, a)
    assert brief is not None
    assert (brief.number, brief.workaround) == (problem.number, "清除浏览器缓存后重新登录")


def test_resolving_a_problem_resolves_the_incidents_shown_in_its_preview(desk: Desk) -> None:
    mine = _incident(desk, "OA登录后白屏", group="server")
    theirs = _incident(desk, "OA无法登录", group="dba")  # a group eng1 is not in
    problem = create_problem(desk.site, desk.eng1, tickets=[mine, theirs])
    preview = resolution_preview(desk.site, desk.eng1, problem.number)
    assert [(o.number, o.resolvable) for o in preview] == [(mine, True), (theirs, False)]
    assert _ticket(desk, mine).status == "new"  # a preview changes nothing
    with pytest.raises(Invalid, match="fix"):
        resolve_problem(desk.site, desk.eng1, problem.number, resolve_incidents=True)
    done = resolve_problem(
        desk.site, desk.eng1, problem.number, fix="升级OA到3.2.1", resolve_incidents=True
    )
    assert done.resolved == [mine]
    assert [o.number for o in done.skipped] == [theirs]
    ticket = _ticket(desk, mine)
    assert ticket.status == "resolved"
    assert ticket.resolution_text == f"{problem.number}: 升级OA到3.2.1"
    assert _ticket(desk, theirs).status == "new"
    assert close_problem(desk.site, desk.eng1, problem.number).status == "closed"
    with pytest.raises(Invalid, match="closed"):
        update_problem(desk.site, desk.eng1, problem.number, title="再改")


def test_resolving_without_the_incidents_leaves_them_open(desk: Desk) -> None:
    a = _incident(desk, "打印机脱机", group="server")
    problem = create_problem(desk.site, desk.eng1, tickets=[a])
    done = resolve_problem(desk.site, desk.eng1, problem.number, fix="更新打印机驱动")
    assert done.resolved == []
    assert _ticket(desk, a).status == "new"


def test_the_list_pages_newest_first_and_filters_open(desk: Desk) -> None:
    numbers = [create_problem(desk.site, desk.eng1, title=f"问题{i}").number for i in range(5)]
    resolve_problem(desk.site, desk.eng1, numbers[0], fix="已修复")
    first = list_problems(desk.site, desk.agent1, limit=2)
    assert [r.number for r in first] == numbers[:-3:-1]
    rest = list_problems(desk.site, desk.agent1, after_id=first[-1].id, limit=10)
    assert [r.number for r in rest] == numbers[2::-1]
    open_ones = list_problems(desk.site, desk.agent1, status="open")
    assert numbers[0] not in {r.number for r in open_ones}
    with pytest.raises(Invalid):
        list_problems(desk.site, desk.agent1, status="bogus")


def test_every_step_is_journaled_on_the_problem_and_its_incidents(desk: Desk) -> None:
    from sqlalchemy import select

    from itsm_tui.storage.tables import JournalEntry

    a = _incident(desk, "OA登录后白屏")
    problem = create_problem(desk.site, desk.eng1, tickets=[a])
    investigate(desk.site, desk.eng1, problem.number)
    update_problem(desk.site, desk.eng1, problem.number, root_cause="脚本缺陷")
    with desk.site.engine.connect() as conn:
        entries = conn.execute(
            select(JournalEntry.entity, JournalEntry.action, JournalEntry.changes).order_by(
                JournalEntry.id
            )
        ).all()
    on_problem = [(e.action, e.changes) for e in entries if e.entity == "problem"]
    assert [action for action, _ in on_problem] == ["create", "investigate", "update"]
    assert on_problem[1][1]["status"] == ["new", "investigating"]
    assert on_problem[2][1]["root_cause"] == ["", "脚本缺陷"]
    assert ("ticket", "link_problem") in {(e.entity, e.action) for e in entries}


def test_a_title_on_two_lines_is_refused_and_nothing_is_written(desk: Desk) -> None:
    with pytest.raises(Invalid, match="one line"):
        create_problem(desk.site, desk.eng1, title="第一行\n第二行")
    assert list_problems(desk.site, desk.eng1) == []
