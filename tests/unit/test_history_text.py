"""A ticket's history as sentences: names, local times and words, not the journal's values."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from itsm_tui.common.domain import NoteKind
from itsm_tui.common.ticket_rows import ContactRow, HistoryEntry, NoteRow
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.history_text import Names, describe, readable_history, sentence, timeline
from tests.conftest import Desk

ZONE = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
NAMES = Names(
    {"li.bin": "李彬", "zhao": "赵主管"}, {"app": ("应用运维", 2), "hotline": ("服务热线", 1)}
)


def test_an_instant_field_reads_in_the_site_zone_and_other_text_as_typed() -> None:
    changes = {
        "resolved_on": [None, "2026-12-04T02:00:00+00:00"],
        "title": ["2026-12-04T10:00:00+00:00", "2026-12-04T10:00 mail down"],
        "due_at": [None, "2026-12-04T02:00:00+00:00"],
    }
    assert describe("update", changes, ZONE) == [
        "resolved on: — → 2026-12-04T02:00:00+00:00",
        "title: 2026-12-04T10:00:00+00:00 → 2026-12-04T10:00 mail down",
        "due at: — → 2026-12-04 10:00",
    ]


def test_an_instant_field_that_does_not_parse_is_shown_rather_than_breaking_the_history() -> None:
    assert describe("update", {"due_at": ["2026-13-45T99:00", "soon"]}, ZONE) == [
        "due at: 2026-13-45T99:00 → soon"
    ]


def test_an_escalation_reads_as_one_sentence_with_the_groups_name_and_tier() -> None:
    changes = {
        "group": ["hotline", "app"],
        "assignee": ["li.bin", None],
        "tier": [1, 2],
        "status": ["in_progress", "new"],
        "left_first_line": [False, True],
        "reassignment_count": [0, 1],
        "escalation_count": [0, 1],
        "reason": "需要服务器组排查",
    }
    text, detail = sentence("escalate", "李彬", changes, ZONE, NAMES)
    assert f"{text}: {detail}" == "李彬 escalated it to 应用运维 (tier 2): 需要服务器组排查"


def test_bookkeeping_is_never_shown_and_values_read_as_words() -> None:
    changes = {
        "status": ["in_progress", "new"],
        "left_first_line": [False, True],
        "reassignment_count": [0, 1],
        "version": [3, 4],
        "priority": [3, 2],
        "assignee": ["li.bin", None],
    }
    assert describe("something_new", changes, ZONE, NAMES) == [
        "status: in progress → new",
        "priority: P3 → P2",
        "assignee: 李彬 → —",
    ]


def test_a_note_appears_once_with_its_text_and_a_call_as_a_sentence() -> None:
    entries = [
        HistoryEntry(1, AT, "create", "li.bin", "李彬", {"group": "hotline", "title": "打印机"}),
        HistoryEntry(2, AT, "note", "li.bin", "李彬", {"chars": 6}),
    ]
    notes = [NoteRow(AT, NoteKind.WORK_NOTE, "李彬", "已远程查看")]
    calls = [ContactRow(AT, "phone", "王小明", "李彬", "打印机卡纸")]
    lines = timeline(entries, notes, calls, ZONE, NAMES)
    assert [line.heading for line in lines] == [
        "李彬 took a call from 王小明 (phone): 打印机卡纸",
        "李彬 opened the ticket in 服务热线 (tier 1): 打印机",
        "李彬 added a work note: 已远程查看",
    ]
    assert lines[0].when(ZONE) == "2026-12-04 10:00"


def test_a_note_of_several_lines_is_a_block_under_its_sentence() -> None:
    entries = [HistoryEntry(2, AT, "reply", "li.bin", "李彬", {"chars": 5})]
    notes = [NoteRow(AT, NoteKind.PUBLIC_REPLY, "李彬", "您好\n已处理")]
    (line,) = timeline(entries, notes, [], ZONE, NAMES)
    assert (line.heading, line.block) == ("李彬 replied to the caller", "您好\n已处理")


def test_the_history_names_people_and_groups_as_they_are_known(desk: Desk) -> None:
    draft = t.TicketDraft(title="OA系统登录缓慢", caller="E001")
    number = t.create_ticket(desk.site, desk.agent1, draft).number
    t.escalate(desk.site, desk.agent1, number, group="server", reason="需要服务器组排查")
    t.assign(desk.site, desk.sup, number, assignee="eng1")
    t.add_note(desk.site, desk.eng1, number, "正在查看日志")
    t.flag(desk.site, desk.eng1, number, reason="多人受影响")
    t.override_priority(desk.site, desk.sup, number, priority=1, reason="领导关注")
    headings = [line.heading for line in readable_history(desk.site, desk.agent1, number)]
    assert headings == [
        "钱一 opened the incident in 服务热线 (tier 1) at P5 for 王小明: OA系统登录缓慢",
        "钱一 escalated it to 服务器运维 (tier 2): 需要服务器组排查",
        "赵主管 assigned it to 李工 (now assigned)",
        "李工 added a work note: 正在查看日志",
        "李工 flagged it to the supervisor, 赵主管: 多人受影响",
        "赵主管 set the priority by hand from P5 to P1: 领导关注",
    ]


def test_an_sla_alerts_kind_reads_as_words() -> None:
    from itsm_tui.workflow.history_text import alert_kind_text

    assert alert_kind_text("resolution:100") == "resolution time breached"
    assert alert_kind_text("response:80") == "80 per cent of the response time used"
    assert alert_kind_text("tier2_budget") == "tier 2 time budget ran out"
    assert alert_kind_text("flag:3") == "flagged"
