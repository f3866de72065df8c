"""What people type reaches the database as text and is matched as text, on both databases:
NUL and non-UTF-8 refused in every ticket, caller and contact field, a title on one line, and
``%`` / ``_`` in a search meaning themselves."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from itsm_tui.common.errors import Invalid, NotFound
from itsm_tui.storage.tables import Caller, Contact, JournalEntry, Ticket, TicketNote
from itsm_tui.workflow import callers, cmdb
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.contacts import log_contact
from itsm_tui.workflow.lookup import find_caller
from tests.conftest import Desk

NUL, NOT_UTF8 = "\x00", "\udcff"  # what Python makes of the byte 0xff in an argument


def _counts(desk: Desk) -> tuple[int, ...]:
    with Session(desk.site.engine) as s:
        return tuple(
            s.exec(select(func.count()).select_from(table)).one()
            for table in (Ticket, TicketNote, Caller, Contact, JournalEntry)
        )


def _open(desk: Desk, title: str = "OA系统登录缓慢") -> str:
    return t.create_ticket(desk.site, desk.agent1, t.TicketDraft(title=title)).number


@pytest.mark.parametrize("bad", [NUL, NOT_UTF8])
def test_nul_and_non_utf8_are_refused_in_every_ticket_caller_and_contact_field(
    desk: Desk, bad: str
) -> None:
    number = _open(desk)
    t.claim(desk.site, desk.agent1, number)
    site, agent = desk.site, desk.agent1
    before = _counts(desk)
    attempts = {
        "title": lambda: t.create_ticket(site, agent, t.TicketDraft(title=f"OA{bad}慢")),
        "description": lambda: t.create_ticket(
            site, agent, t.TicketDraft(title="OA", description=f"x{bad}")
        ),
        "note": lambda: t.add_note(site, agent, number, f"已联系{bad}"),
        "reason": lambda: t.escalate(site, agent, number, group="server", reason=f"x{bad}"),
        "note ": lambda: t.resolve(site, agent, number, code="fixed", text=f"x{bad}"),
        "name": lambda: callers.add_caller(site, desk.admin, f"王{bad}"),
        "department": lambda: callers.add_caller(site, desk.admin, "王", department=f"办{bad}"),
        "employee_no": lambda: callers.add_caller(site, desk.admin, "王", employee_no=f"E{bad}"),
        "summary": lambda: log_contact(site, agent, summary=f"问{bad}"),
        "caller": lambda: log_contact(site, agent, caller=f"E001{bad}"),
        "ticket": lambda: t.show_ticket(site, agent, f"{number}{bad}"),
        "text": lambda: callers.search_callers(site, agent, f"王{bad}"),
    }
    for field, attempt in attempts.items():
        with pytest.raises(Invalid) as refused:
            attempt()
        assert refused.value.field == field.strip(), field
        assert "NUL" in refused.value.message or "UTF-8" in refused.value.message
    assert _counts(desk) == before  # nothing written, on SQLite as on PostgreSQL


def test_a_title_is_one_line_refused_not_folded(desk: Desk) -> None:
    """ "One line saying what is wrong": a line break in a title (or a call's summary, or a
    caller's name) is refused with where the details go; a description keeps its lines."""
    site, agent = desk.site, desk.agent1
    number = _open(desk)
    for br in ("\n", "\r\n", "\r", "\u2028", "\x85"):
        with pytest.raises(Invalid, match=r"one line.*description") as refused:
            t.create_ticket(site, agent, t.TicketDraft(title=f"OA系统{br}登录缓慢"))
        assert refused.value.field == "title"
        with pytest.raises(Invalid, match="one line"):
            t.update_ticket(site, agent, number, title=f"OA{br}慢")
        with pytest.raises(Invalid, match="one line") as refused:
            log_contact(site, agent, summary=f"来电{br}询问")
        assert refused.value.field == "summary"
        with pytest.raises(Invalid, match="one line"):
            callers.add_caller(site, desk.admin, f"王{br}小明")
    kept = t.create_ticket(
        site, agent, t.TicketDraft(title="OA\t慢 \x1b[31m", description="第一行\r\n第二行")
    )
    assert kept.title == "OA\t慢 \x1b[31m"  # other controls are kept, shown escaped
    assert t.show_ticket(site, agent, kept.number).ticket.description == "第一行\r\n第二行"


def test_percent_and_underscore_match_only_themselves(desk: Desk) -> None:
    site, agent = desk.site, desk.agent1
    for name in ("李%华", "张_伟", "赵小明", "钱多多"):
        callers.add_caller(site, desk.admin, name, department="财务处")
    assert [c.name for c in callers.search_callers(site, agent, "%")] == ["李%华"]
    assert [c.name for c in callers.search_callers(site, agent, "_")] == ["张_伟"]
    assert [c.name for c in callers.search_callers(site, agent, "李%")] == ["李%华"]
    assert callers.search_callers(site, agent, "%伟") == []  # not "anything, then 伟"
    assert callers.search_callers(site, agent, "/") == []  # the escape character, too
    _open(desk, "磁盘使用率 100% 告警")
    _open(desk, "打印机卡纸")
    found = t.list_tickets(site, agent, "open", text="%")
    assert [r.title for r in found.rows] == ["磁盘使用率 100% 告警"]
    assert t.list_tickets(site, agent, "open", text="_").rows == []
    cmdb.add_ci(site, desk.admin, "备份_服务器", "server", attributes={"kind": "virtual"})
    cmdb.add_ci(site, desk.admin, "备份A服务器", "server", attributes={"kind": "virtual"})
    assert [c.name for c in cmdb.lookup_cis(site, agent, "份_服")] == ["备份_服务器"]


def test_an_id_beyond_64_bits_is_no_caller_not_a_crash(desk: Desk) -> None:
    with Session(desk.site.engine) as s:
        for ref in ("#99999999999999999999", "#²", "#2147483648"):
            with pytest.raises(NotFound):
                find_caller(s, ref)
        assert find_caller(s, f"#{desk.caller.id}").name == "王小明"
    with pytest.raises(NotFound) as refused:
        callers.find_callers(desk.site, desk.agent1, "王", after=2**64)
    assert refused.value.field == "after"


def test_a_title_stored_before_the_rule_does_not_block_a_follow_up(desk: Desk) -> None:
    """An old ticket whose title holds a line break can still be reopened past the window: the
    follow-up takes the title on one line instead of being refused for it."""
    number = _open(desk)
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="已修复")
    with Session(desk.site.engine) as s:
        s.exec(select(Ticket).where(Ticket.number == number)).one().title = "OA系统\r\n登录缓慢"
        s.commit()
    desk.site.clock.advance(days=8)  # type: ignore[attr-defined]
    follow = t.reopen(desk.site, desk.agent2, number, reason="又出现了")
    assert follow.title == "OA系统 登录缓慢" and follow.related_number == number
