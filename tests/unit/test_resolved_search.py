"""The hotline's "solved before?" lookup: past tickets by title words, newest first, with how
each was resolved; also ``itsm ticket search``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.common.errors import Invalid
from itsm_tui.workflow import staff as staff_flow
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.tickets import TicketDraft, title_search
from itsm_tui.workflow.tickets.resolved_search import SUMMARY_CHARS, search_past_tickets
from tests.conftest import Desk


def _ticket(desk: Desk, title: str, resolution: str | None = None) -> str:
    number = t.create_ticket(desk.site, desk.agent1, TicketDraft(title=title)).number
    if resolution is not None:
        t.claim(desk.site, desk.agent1, number)
        t.resolve(desk.site, desk.agent1, number, code="fixed", text=resolution)
    return number


@pytest.mark.parametrize("rare_max", [title_search.RARE_MAX, 0])
def test_resolved_tickets_by_every_word_newest_first(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, rare_max: int
) -> None:
    monkeypatch.setattr(title_search, "RARE_MAX", rare_max)  # 0: walk instead of postings
    old = _ticket(desk, "电脑频繁蓝屏", "更换内存条后恢复正常。\n已回访。")
    _ticket(desk, "电脑蓝屏后无法开机")  # still open
    new = _ticket(desk, "蓝屏 电脑重启", "重装显卡驱动。")
    _ticket(desk, "VPN无法连接", "更新VPN客户端。")
    page = search_past_tickets(desk.site, desk.agent1, "蓝屏 电脑")
    assert [(i.number, i.resolution) for i in page.items] == [
        (new, "重装显卡驱动。"),
        (old, "更换内存条后恢复正常。"),  # the first line
    ]
    assert page.items[0].resolution_code == "fixed" and page.items[0].resolved_at is not None
    anyway = search_past_tickets(desk.site, desk.agent1, "蓝屏", resolved_only=False)
    assert len(anyway.items) == 3
    assert [i.number for i in search_past_tickets(desk.site, desk.agent1, "vpn").items] != []


def test_pages_follow_on_by_key(desk: Desk) -> None:
    numbers = [_ticket(desk, f"打印机卡纸 {n}", "清理搓纸轮。") for n in range(5)]
    first = search_past_tickets(desk.site, desk.agent1, "打印机", limit=3)
    assert [i.number for i in first.items] == numbers[::-1][:3]
    rest = search_past_tickets(desk.site, desk.agent1, "打印机", limit=3, after=first.next_after)
    assert [i.number for i in rest.items] == numbers[::-1][3:] and rest.next_after is None


def test_a_long_resolution_is_cut_and_an_empty_search_is_refused(desk: Desk) -> None:
    _ticket(desk, "邮箱满了", "清理" * SUMMARY_CHARS)
    (item,) = search_past_tickets(desk.site, desk.agent1, "邮箱").items
    assert len(item.resolution) == SUMMARY_CHARS and item.resolution.endswith("…")
    with pytest.raises(Invalid) as refused:
        search_past_tickets(desk.site, desk.agent1, " ・ ")
    assert refused.value.field == "query"


def test_ticket_search_on_the_command_line(
    desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _ticket(desk, "电脑频繁蓝屏", "更换内存条。")
    monkeypatch.setattr(staff_flow, "os_login", lambda: "agent1")
    result = CliRunner().invoke(app, ["--db", db_url, "ticket", "search", "蓝屏", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [(i["number"], i["resolution"]) for i in out["items"]] == [(number, "更换内存条。")]
    assert out["next"] is None
    shown = CliRunner().invoke(app, ["--db", db_url, "ticket", "search", "蓝屏"])
    assert number in shown.stdout and "更换内存条。" in shown.stdout
