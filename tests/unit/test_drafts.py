"""Call drafts: one per operator, kept across sessions, checked like any input, cleared by the
call they become, and not journaled (a draft is not a business record)."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.storage.tables import JournalEntry
from itsm_tui.workflow import drafts, intake
from itsm_tui.workflow.tickets import TicketDraft, show_ticket
from tests.conftest import Desk


def _journal_size(desk: Desk) -> int:
    with Session(desk.site.engine) as session:
        return session.exec(select(func.count()).select_from(JournalEntry)).one()


def test_a_draft_is_kept_per_operator_and_replaced_by_the_next_save(desk: Desk) -> None:
    site = desk.site
    assert drafts.load_draft(site, desk.agent1) is None
    before = _journal_size(desk)
    drafts.save_draft(site, desk.agent1, {"title": "OA 很慢", "impact": 2, "caller": 1})
    drafts.save_draft(site, desk.agent2, {"title": "打印机"})
    site.clock.advance(minutes=1)  # type: ignore[attr-defined]
    saved = drafts.save_draft(site, desk.agent1, {"title": "OA 打不开", "assign_to_me": True})
    mine = drafts.load_draft(site, desk.agent1)
    assert mine is not None
    assert mine.fields == {"title": "OA 打不开", "assign_to_me": True}
    assert mine.saved_at == saved.saved_at
    other = drafts.load_draft(site, desk.agent2)
    assert other is not None and other.fields == {"title": "打印机"}
    assert _journal_size(desk) == before  # no journal entry for scratch
    assert drafts.discard_draft(site, desk.agent1) is True
    assert drafts.discard_draft(site, desk.agent1) is False
    assert drafts.load_draft(site, desk.agent1) is None
    assert drafts.load_draft(site, desk.agent2) is not None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"impact": "2"}, "impact"),
        ({"impact": True}, "impact"),
        ({"assign_to_me": 1}, "assign_to_me"),
        ({"title": "a\x00b"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"ci": "x" * 201}, "ci"),
    ],
)
def test_a_draft_refuses_what_the_form_cannot_hold(
    desk: Desk, fields: dict[str, object], field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        drafts.save_draft(desk.site, desk.agent1, fields)
    assert refused.value.field == field
    assert drafts.load_draft(desk.site, desk.agent1) is None


def test_only_those_who_log_calls_keep_a_call_draft(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        drafts.save_draft(desk.site, desk.spec1, {"title": "x"})
    with pytest.raises(Forbidden):
        drafts.load_draft(desk.site, desk.insp)


def test_logging_the_call_clears_the_draft_in_the_same_transaction(desk: Desk) -> None:
    site = desk.site
    drafts.save_draft(site, desk.agent1, {"title": "OA 很慢"})
    view = intake.log_call(
        site,
        desk.agent1,
        channel="walk_in",
        caller="E001",
        summary="OA 很慢",
        new_ticket=TicketDraft(title="OA 很慢", description="从早上开始", type="request"),
        assign_to_me=True,
    )
    assert drafts.load_draft(site, desk.agent1) is None
    assert view.channel == "walk_in" and view.new_ticket
    ticket = show_ticket(site, desk.agent1, view.ticket or "").ticket
    assert (ticket.type, ticket.assignee_name, ticket.description) == (
        "request",
        "钱一",
        "从早上开始",
    )


def test_a_refused_call_keeps_the_draft(desk: Desk) -> None:
    site = desk.site
    drafts.save_draft(site, desk.agent1, {"title": "OA 很慢"})
    with pytest.raises(Invalid):
        intake.log_call(site, desk.agent1, channel="fax", caller=None, summary="x", new_ticket=None)
    assert drafts.load_draft(site, desk.agent1) is not None


def test_the_category_a_ci_suggests(desk: Desk) -> None:
    from itsm_tui.workflow import catalog, cmdb

    site, admin = desk.site, desk.admin
    oa = intake.search_cis(site, desk.agent1, "OA办公系统", limit=1)[0]  # the desk's own
    catalog.add_category(site, admin, "biz", "业务系统")
    catalog.add_category(site, admin, "biz-oa", "OA办公系统", parent="biz")
    found = intake.category_for_ci(site, desk.agent1, oa.id)
    assert found is not None and (found.code, found.parent) == ("biz-oa", "业务系统")
    printer = cmdb.add_ci(site, admin, "PRN-3F-01", "printer")
    assert intake.category_for_ci(site, desk.agent1, printer.id) is None


def test_a_supervisor_in_no_group_logs_calls_for_the_group_they_lead(desk: Desk) -> None:
    choices = intake.intake_choices(desk.site, desk.sup)
    assert choices.default_group == "hotline"  # the lowest tier among those sup leads
    assert [g.code for g in choices.groups][:2] == ["desktop", "hotline"]
    view = intake.log_call(
        desk.site, desk.sup, channel="phone", caller=None, summary="x",
        new_ticket=TicketDraft(title="会议室投影仪"),
    )  # fmt: skip
    ticket = show_ticket(desk.site, desk.sup, view.ticket or "").ticket
    assert ticket.group == "hotline"
