"""The incident and request workflow, transition by transition, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from itsm_tui.common.domain import DESCRIPTION_MAX
from itsm_tui.common.errors import Conflict, Forbidden, Invalid, NotFound
from itsm_tui.storage.tables import JournalEntry, Ticket
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.site import Actor
from itsm_tui.workflow.site_settings import set_setting
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import Desk


def _new(desk: Desk, **kw: object) -> t.TicketView:
    draft = TicketDraft(
        **{"title": "OA系统登录缓慢", "caller": "E001", "category": "软件/OA系统", **kw}  # type: ignore[arg-type]
    )
    return t.create_ticket(desk.site, desk.agent1, draft)


def _journal(desk: Desk, number: str) -> list[JournalEntry]:
    with Session(desk.site.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        return list(
            s.exec(
                select(JournalEntry)
                .where(JournalEntry.entity == "ticket", JournalEntry.entity_id == ticket.id)
                .order_by(JournalEntry.id)
            ).all()
        )


# --- creation ------------------------------------------------------------------------------


def test_create_numbers_each_type_in_its_own_series(desk: Desk) -> None:
    assert _new(desk).number == "INC000001"
    assert _new(desk).number == "INC000002"
    assert _new(desk, type="request").number == "REQ000001"


def test_create_fills_defaults_and_journals(desk: Desk) -> None:
    view = _new(desk, impact=2, urgency=1, cis=["OA办公系统"], description="  两个空格  ")
    assert view.priority == 2  # impact 2 × urgency 1
    assert view.status == "new" and view.group == "hotline" and view.tier == 1
    assert view.caller == "王小明" and view.category == "软件/OA系统"
    assert view.cis == ["OA办公系统"]
    assert view.description == "  两个空格  "  # stored exactly as typed
    assert view.version == 1
    [entry] = _journal(desk, view.number)
    assert entry.action == "create" and entry.actor_id == desk.agent1.id


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"),
    [
        (1, 1, 1),
        (1, 2, 2),
        (2, 1, 2),
        (1, 3, 3),
        (2, 2, 3),
        (3, 1, 3),
        (2, 3, 4),
        (3, 2, 4),
        (3, 3, 5),
    ],
)
def test_default_priority_matrix(desk: Desk, impact: int, urgency: int, priority: int) -> None:
    assert _new(desk, impact=impact, urgency=urgency).priority == priority


def test_priority_matrix_is_configurable(desk: Desk) -> None:
    set_setting(desk.site, desk.sup, "priority_matrix", [[1, 1, 2], [2, 3, 4], [3, 4, 5]])
    assert _new(desk, impact=1, urgency=2).priority == 1
    with pytest.raises(Invalid, match="3 rows of 3"):
        set_setting(desk.site, desk.sup, "priority_matrix", [[1, 2]])


def test_unknown_references_suggest_close_matches(desk: Desk) -> None:
    with pytest.raises(NotFound) as err:
        _new(desk, caller="王小")
    assert err.value.field == "caller" and "王小明" in err.value.suggestions
    with pytest.raises(NotFound) as err:
        _new(desk, group="hotlin")
    assert "hotline" in err.value.suggestions
    with pytest.raises(NotFound) as err:
        _new(desk, category="软件/OA")
    assert err.value.field == "category"
    with pytest.raises(NotFound) as err:
        _new(desk, cis=["OA办公"])
    assert "OA办公系统" in err.value.suggestions


def test_over_long_text_is_refused_with_the_limit(desk: Desk) -> None:
    with pytest.raises(Invalid, match="title is 201 characters; the limit is 200"):
        _new(desk, title="x" * 201)
    with pytest.raises(Invalid, match="limit is 20,000"):
        _new(desk, description="长" * 20_001)
    with Session(desk.site.engine) as s:  # nothing half-written, numbers not consumed
        assert s.exec(select(func.count()).select_from(Ticket)).one() == 0
    assert _new(desk).number == "INC000001"


def test_inspector_may_open_but_not_work(desk: Desk) -> None:
    view = t.create_ticket(desk.site, desk.insp, TicketDraft(title="机房空调告警", group="server"))
    assert view.tier == 2
    with pytest.raises(Forbidden):
        t.resolve(desk.site, desk.insp, view.number, code="fixed", text="x")


# --- claiming and assignment ---------------------------------------------------------------


def test_claim_takes_it_and_counts_as_first_response(desk: Desk) -> None:
    number = _new(desk).number
    desk.site.clock.advance(minutes=5)  # type: ignore[attr-defined]
    view = t.claim(desk.site, desk.agent2, number)
    assert view.assignee == "agent2" and view.status == "in_progress"
    assert view.first_response_at == desk.site.clock.now()


def test_second_claim_is_refused_naming_the_holder(desk: Desk) -> None:
    number = _new(desk).number
    t.claim(desk.site, desk.agent1, number)
    with pytest.raises(Conflict, match="already assigned to 钱一 \\(agent1\\)"):
        t.claim(desk.site, desk.agent2, number)


def test_claim_from_another_groups_queue_is_refused(desk: Desk) -> None:
    number = _new(desk, group="server").number
    with pytest.raises(Forbidden, match="belongs to another group"):
        t.claim(desk.site, desk.agent1, number)
    assert t.claim(desk.site, desk.sup, number).assignee == "sup"  # supervisors may


def test_assign_within_tier_counts_reassignments(desk: Desk) -> None:
    number = _new(desk).number
    view = t.assign(desk.site, desk.agent1, number, assignee="agent2")
    assert view.status == "assigned" and view.assignee == "agent2" and view.reassignment_count == 0
    view = t.assign(desk.site, desk.agent1, number, group="desktop")
    assert view.group == "desktop" and view.assignee is None and view.reassignment_count == 1
    with pytest.raises(Invalid, match="escalate it instead"):
        t.assign(desk.site, desk.sup, number, group="server")
    with pytest.raises(Invalid, match="not a member of desktop"):
        t.assign(desk.site, desk.sup, number, assignee="agent1")


def test_the_tier_rule_says_where_assign_escalate_and_return_may_go() -> None:
    """One rule, which the console's dialogs offer and the workflow enforces."""
    from itsm_tui.workflow.tickets.assignment import tier_move_allowed

    assert [to for to in (1, 2, 3) if tier_move_allowed("assign", 2, to)] == [2]
    assert [to for to in (1, 2, 3) if tier_move_allowed("escalate", 2, to)] == [3]
    assert [to for to in (1, 2, 3) if tier_move_allowed("return", 2, to)] == [1]


# --- the three tiers -----------------------------------------------------------------------


def test_escalate_up_the_tiers_and_return(desk: Desk) -> None:
    number = _new(desk).number
    t.claim(desk.site, desk.agent1, number)
    with pytest.raises(Invalid, match="reason is required"):
        t.escalate(desk.site, desk.agent1, number, group="server", reason=" ")
    with pytest.raises(Invalid, match="Tier-2 groups: dba, server"):
        t.escalate(desk.site, desk.agent1, number, group="dev", reason="需要开发")
    view = t.escalate(desk.site, desk.agent1, number, group="server", reason="服务器故障")
    assert (view.tier, view.group, view.assignee, view.status) == (2, "server", None, "new")
    assert view.escalation_count == 1
    t.claim(desk.site, desk.eng1, number)
    view = t.escalate(desk.site, desk.eng1, number, group="dev", reason="代码缺陷")
    assert view.tier == 3 and view.escalation_count == 2
    with pytest.raises(Invalid, match="already at tier 3"):
        t.escalate(desk.site, desk.spec1, number, group="dev", reason="x")
    view = t.return_ticket(desk.site, desk.spec1, number, group="server", reason="需现场处理")
    assert view.tier == 2 and view.reassignment_count == 3
    actions = [e.action for e in _journal(desk, number)]
    assert actions == ["create", "claim", "escalate", "claim", "escalate", "return"]
    assert _journal(desk, number)[2].changes["reason"] == "服务器故障"


def test_resolved_at_first_line_only_if_it_never_left(desk: Desk) -> None:
    first = _new(desk).number
    assert t.resolve(
        desk.site, desk.agent1, first, code="advice", text="已指导"
    ).resolved_first_line
    second = _new(desk).number
    t.escalate(desk.site, desk.agent1, second, group="server", reason="x")
    t.return_ticket(desk.site, desk.eng1, second, group="hotline", reason="y")
    view = t.resolve(desk.site, desk.agent1, second, code="fixed", text="重启解决")
    assert view.tier == 1 and not view.resolved_first_line


def test_flag_to_supervisor(desk: Desk) -> None:
    number = _new(desk).number
    view = t.flag(desk.site, desk.agent1, number, reason="用户投诉处理太慢")
    assert view.flagged_at == desk.site.clock.now()
    page = t.list_tickets(desk.site, desk.sup, "flagged")
    assert [r.number for r in page.rows] == [number]
    assert _journal(desk, number)[-1].changes["supervisor"] == "sup"


# --- lifecycle -----------------------------------------------------------------------------


def test_pending_resume_resolve_close(desk: Desk) -> None:
    number = _new(desk).number
    with pytest.raises(Invalid, match=r"it is new\. From there you can: claim"):
        t.set_pending(desk.site, desk.agent1, number, reason="customer")
    t.claim(desk.site, desk.agent1, number)
    with pytest.raises(Invalid, match="Pending reason must be one of"):
        t.set_pending(desk.site, desk.agent1, number, reason="lunch")
    view = t.set_pending(desk.site, desk.agent1, number, reason="vendor", note="等待厂商备件")
    assert view.status == "pending" and view.pending_reason == "vendor"
    view = t.resume(desk.site, desk.agent1, number)
    assert view.status == "in_progress" and view.pending_reason is None
    with pytest.raises(Invalid, match="Resolution code must be one of"):
        t.resolve(desk.site, desk.agent1, number, code="magic", text="x")
    with pytest.raises(Invalid, match="note must not be empty"):
        t.resolve(desk.site, desk.agent1, number, code="fixed", text="  ")
    view = t.resolve(desk.site, desk.agent1, number, code="fixed", text="更换硬盘")
    assert view.status == "resolved" and view.resolution_code == "fixed"
    view = t.close(desk.site, desk.agent2, number)
    assert view.status == "closed" and view.allowed == ["reopen"]
    with pytest.raises(Invalid, match=r"it is closed\. From there you can: reopen"):
        t.resolve(desk.site, desk.agent1, number, code="fixed", text="x")


def test_reopen_within_the_window(desk: Desk) -> None:
    number = _new(desk).number
    t.claim(desk.site, desk.agent1, number)
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="已修复")
    desk.site.clock.advance(days=6)  # type: ignore[attr-defined]
    view = t.reopen(desk.site, desk.agent2, number, reason="问题复现")
    assert view.number == number and view.status == "in_progress" and view.reopen_count == 1
    assert view.resolved_at is None and view.resolution_code is None


def test_reopen_after_the_window_opens_a_linked_follow_up(desk: Desk) -> None:
    number = _new(desk).number
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="已修复")
    desk.site.clock.advance(days=8)  # type: ignore[attr-defined]
    follow = t.reopen(desk.site, desk.agent2, number, reason="又出现了")
    assert follow.number == "INC000002" and follow.related_number == number
    assert follow.caller == "王小明" and follow.category == "软件/OA系统"
    original = t.show_ticket(desk.site, desk.agent1, number).ticket
    assert original.status == "resolved" and original.reopen_count == 0


def test_a_follow_up_of_a_full_description_keeps_within_the_limit(desk: Desk) -> None:
    """The follow-up's description is the reason plus the original's: cut to the limit, so it
    can still be opened (and edited) rather than refused for the original's length."""
    number = _new(desk, description="长" * DESCRIPTION_MAX).number
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="已修复")
    desk.site.clock.advance(days=8)  # type: ignore[attr-defined]
    follow = t.reopen(desk.site, desk.agent2, number, reason="又出现了")
    assert len(follow.description) == DESCRIPTION_MAX
    assert follow.description.startswith(f"Follow-up of {number}: 又出现了\n\n长长")
    t.update_ticket(desk.site, desk.agent1, follow.number, description=follow.description)


def test_a_follow_up_says_so_in_the_sites_language(desk: Desk) -> None:
    """The follow-up's first line is written into the record: in the site's language, as the
    alerts are, whatever the language of the console that reopened it."""
    from itsm_tui.workflow.site_settings import set_setting

    set_setting(desk.site, desk.sup, "language", "zh_CN")
    number = _new(desk).number
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="已修复")
    desk.site.clock.advance(days=8)  # type: ignore[attr-defined]
    follow = t.reopen(desk.site, desk.agent2, number, reason="又出现了")
    assert follow.description.startswith(f"{number} 的后续工单：又出现了\n\n")


def test_cancel_needs_a_reason_and_is_final(desk: Desk) -> None:
    number = _new(desk).number
    with pytest.raises(Invalid):
        t.cancel(desk.site, desk.agent1, number, reason="")
    assert t.cancel(desk.site, desk.agent1, number, reason="重复登记").status == "cancelled"
    with pytest.raises(Invalid, match="nothing \\(it is final\\)"):
        t.add_note(desk.site, desk.agent1, number, "x")


def test_priority_override_needs_role_and_reason(desk: Desk) -> None:
    number = _new(desk).number
    with pytest.raises(Forbidden):
        t.override_priority(desk.site, desk.agent1, number, priority=1, reason="领导要求")
    view = t.override_priority(desk.site, desk.sup, number, priority=1, reason="领导要求")
    assert view.priority == 1 and view.priority_overridden
    # A later impact/urgency change keeps the override.
    view = t.update_ticket(desk.site, desk.agent1, number, impact=3, urgency=3)
    assert view.priority == 1
    assert _journal(desk, number)[1].changes == {
        "priority": [5, 1],
        "priority_overridden": [False, True],
        "reason": "领导要求",
    }


def test_notes_and_public_reply(desk: Desk) -> None:
    number = _new(desk).number
    t.add_note(desk.site, desk.agent1, number, "内部：怀疑是网络问题")
    assert t.show_ticket(desk.site, desk.agent1, number).ticket.first_response_at is None
    desk.site.clock.advance(minutes=3)  # type: ignore[attr-defined]
    view = t.add_note(desk.site, desk.agent1, number, "您好，正在处理", public=True)
    assert view.first_response_at == desk.site.clock.now() and view.version == 3
    detail = t.show_ticket(desk.site, desk.agent1, number)
    assert [n.kind for n in detail.notes] == ["public_reply", "work_note"]


# --- integrity -----------------------------------------------------------------------------


def test_stale_version_is_a_conflict_naming_who_and_when(desk: Desk) -> None:
    number = _new(desk).number
    seen = t.show_ticket(desk.site, desk.agent1, number).ticket.version
    t.claim(desk.site, desk.agent2, number)
    with pytest.raises(Conflict) as err:
        t.assign(desk.site, desk.agent1, number, assignee="agent1", expected_version=seen)
    message = str(err.value)
    assert "changed by 孙二 (agent2) at 2026-11-27 09:00 (claim)" in message
    assert "version 2, you had version 1" in message
    assert t.show_ticket(desk.site, desk.agent1, number).ticket.assignee == "agent2"


def test_history_lists_every_change_with_old_and_new(desk: Desk) -> None:
    number = _new(desk).number
    t.claim(desk.site, desk.agent1, number)
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="ok")
    history = t.ticket_history(desk.site, desk.sup, number)
    assert [(h.action, h.actor) for h in history] == [
        ("create", "agent1"),
        ("claim", "agent1"),
        ("resolve", "agent1"),
    ]
    assert history[1].changes["status"] == ["new", "in_progress"]
    assert history[1].changes["assignee"] == [None, "agent1"]  # logins, not ids
    assert t.show_ticket(desk.site, desk.sup, number).ticket.version == len(history)


# --- queues --------------------------------------------------------------------------------


def test_queues_page_by_key(desk: Desk) -> None:
    numbers = [_new(desk, title=f"工单 {i}").number for i in range(7)]
    t.claim(desk.site, desk.agent1, numbers[0])
    t.claim(desk.site, desk.agent2, numbers[1])
    t.create_ticket(desk.site, desk.eng1, TicketDraft(title="服务器宕机", group="server"))
    mine = t.list_tickets(desk.site, desk.agent1, "mine")
    assert [r.number for r in mine.rows] == [numbers[0]]
    unassigned = t.list_tickets(desk.site, desk.agent1, "unassigned")
    assert [r.number for r in unassigned.rows] == numbers[:1:-1]  # my groups only
    assert len(t.list_tickets(desk.site, desk.sup, "unassigned").rows) == 6  # all groups
    first = t.list_tickets(desk.site, desk.agent1, "group", limit=3)
    second = t.list_tickets(desk.site, desk.agent1, "group", limit=3, after=first.next_after)
    third = t.list_tickets(desk.site, desk.agent1, "group", limit=3, after=second.next_after)
    paged = [r.number for r in first.rows + second.rows + third.rows]
    assert paged == numbers[::-1] and third.next_after is None
    assert [
        r.number for r in t.list_tickets(desk.site, desk.sup, "all", status="in_progress").rows
    ] == [
        numbers[1],
        numbers[0],
    ]
    with pytest.raises(Invalid, match="queues are: mine, group"):
        t.list_tickets(desk.site, desk.sup, "everything")


def test_a_call_logged_by_someone_in_no_group_enters_through_the_service_desk(desk: Desk) -> None:
    """A tier-2 supervisor who leads only tier-2 groups, and belongs to none, logs a call: it
    goes to the tier-1 desk (the single point of contact), not to their tier-2 team."""
    from itsm_tui.workflow import groups
    from itsm_tui.workflow.staff import add_staff

    view = add_staff(desk.site, desk.admin, "sup2", "钱主管", tier=2, roles=["supervisor"])
    groups.add_group(desk.site, desk.admin, "net", "网络运维", tier=2, supervisor="sup2")
    sup2 = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
    ticket = t.create_ticket(desk.site, sup2, TicketDraft(title="网络时断时续", caller="E001"))
    assert ticket.group == "hotline"
    # The desk's own supervisor, also in no group, gets the first desk group they lead.
    mine = t.create_ticket(desk.site, desk.sup, TicketDraft(title="打印机", caller="E001"))
    assert mine.group == "hotline"
