"""A change raised from a problem and linked to it as its fix: what the RFC takes from the
problem, both sides naming each other, unlinking, and what is refused."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from itsm_tui.common.errors import Forbidden, Invalid, NotFound
from itsm_tui.storage.tables import JournalEntry
from itsm_tui.workflow.changes import fixes, records
from itsm_tui.workflow.changes.records import ChangeDraft
from itsm_tui.workflow.problems import operations as problem_ops
from itsm_tui.workflow.problems.queries import show_problem
from itsm_tui.workflow.tickets import TicketDraft, create_ticket, show_ticket
from tests.conftest import Desk
from tests.unit.change_fixtures import cab, estate, normal


@pytest.fixture
def board(desk: Desk) -> Desk:
    estate(desk)
    cab(desk)
    problem_ops.create_problem(
        desk.site, desk.eng1, title="数据库连接池耗尽", cis=["db01", "app01"]
    )
    problem_ops.update_problem(desk.site, desk.eng1, "PRB000001", root_cause="连接未释放")
    return desk


def _actions(desk: Desk, entity: str) -> list[str]:
    with Session(desk.site.engine) as s:
        return list(
            s.exec(
                select(JournalEntry.action)
                .where(JournalEntry.entity == entity)
                .order_by(col(JournalEntry.id))
            ).all()
        )


def test_a_change_from_a_problem_takes_its_title_cis_and_cause_and_is_its_fix(
    board: Desk,
) -> None:
    desk = board
    draft = fixes.draft_from_problem(desk.site, desk.eng1, "PRB1")
    assert (draft.title, draft.reason) == ("数据库连接池耗尽", "连接未释放")
    assert sorted(draft.cis) == ["database:db01", "server:app01"]
    view = fixes.change_from_problem(desk.site, desk.eng1, "PRB000001", ChangeDraft("normal"))
    assert view.title == "数据库连接池耗尽" and view.reason == "连接未释放"
    assert sorted(view.cis) == ["database:db01", "server:app01"]
    assert [(x.relation, x.entity, x.number) for x in view.links] == [
        ("fixes", "problem", "PRB000001")
    ]
    assert show_problem(desk.site, desk.eng1, "PRB000001").fix_change == view.number
    # What the person wrote wins over what the problem says.
    problem_ops.create_problem(desk.site, desk.eng1, title="OA 慢", cis=["oa01"])
    own = fixes.change_from_problem(
        desk.site, desk.eng1, "PRB2", ChangeDraft("normal", title="扩容 OA", cis=["oa01"])
    )
    assert own.title == "扩容 OA" and own.cis == ["server:oa01"]
    assert _actions(desk, "change").count("link") == 2


def test_link_and_unlink_journal_both_sides(board: Desk) -> None:
    desk = board
    change = normal(desk)
    linked = fixes.link_problem(desk.site, desk.eng1, change.number, "PRB000001")
    assert [x.number for x in linked.links] == ["PRB000001"]
    assert show_problem(desk.site, desk.eng1, "PRB000001").fix_change == change.number
    with pytest.raises(Invalid) as twice:
        fixes.link_problem(desk.site, desk.eng1, change.number, "PRB000001")
    assert twice.value.field == "problem"
    other = normal(desk, title="另一个办法")
    with pytest.raises(Invalid) as second:
        fixes.link_problem(desk.site, desk.eng1, other.number, "PRB000001")
    assert change.number in second.value.message  # one fix at a time: it names the first
    unlinked = fixes.unlink_problem(desk.site, desk.eng1, change.number, "PRB000001")
    assert unlinked.links == []
    assert show_problem(desk.site, desk.eng1, "PRB000001").fix_change is None
    with pytest.raises(Invalid):
        fixes.unlink_problem(desk.site, desk.eng1, change.number, "PRB000001")
    assert [a for a in _actions(desk, "change") if a != "create"] == ["link", "unlink"]
    assert _actions(desk, "problem")[-2:] == ["update", "update"]


def test_the_hotline_cannot_link_a_problem_and_a_closed_problem_takes_no_fix(
    board: Desk,
) -> None:
    desk = board
    change = normal(desk)
    with pytest.raises(Forbidden):
        fixes.link_problem(desk.site, desk.agent1, change.number, "PRB000001")
    problem_ops.resolve_problem(desk.site, desk.eng1, "PRB000001", fix="释放连接")
    with pytest.raises(Invalid) as closed:
        fixes.link_problem(desk.site, desk.eng1, change.number, "PRB000001")
    assert closed.value.field == "status"


def test_updating_the_fix_change_links_a_real_change_and_resolving_names_it(
    board: Desk,
) -> None:
    desk = board
    first, second = normal(desk), normal(desk, title="第二个")
    problem_ops.update_problem(desk.site, desk.eng1, "PRB000001", fix_change=first.number)
    problem_ops.update_problem(desk.site, desk.eng1, "PRB000001", fix_change=second.number)
    assert records.show_change(desk.site, desk.eng1, first.number).links == []
    assert [x.number for x in records.show_change(desk.site, desk.eng1, second.number).links] == [
        "PRB000001"
    ]
    with pytest.raises(NotFound) as unknown:
        problem_ops.update_problem(desk.site, desk.eng1, "PRB000001", fix_change="CHG999")
    assert unknown.value.field == "change"
    incident = create_ticket(
        desk.site,
        desk.agent1,
        TicketDraft(title="连接超时", category="sw-oa", cis=["db01"], group="server"),
    ).number
    problem_ops.link_incidents(desk.site, desk.eng1, "PRB000001", [incident])
    done = problem_ops.resolve_problem(
        desk.site, desk.eng1, "PRB000001", fix="释放连接", resolve_incidents=True
    )
    assert done.resolved == [incident]
    ticket = show_ticket(desk.site, desk.eng1, incident).ticket
    assert f"PRB000001 ({second.number})" in (ticket.resolution_text or "")
