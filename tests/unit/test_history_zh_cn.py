"""A ticket's history and the SLA e-mails read in Chinese when Chinese is in force: the agent
reads "钱一 把工单升级到 服务器运维（2线）", not English sentences around Chinese names."""

from __future__ import annotations

from collections.abc import Iterator
from email.header import decode_header, make_header
from typing import Any

import pytest

from itsm_tui.common import i18n
from itsm_tui.scheduler.channels import smtp_sender
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.history_text import alert_kind_text, readable_history
from tests.conftest import Desk


@pytest.fixture
def chinese() -> Iterator[None]:
    assert i18n.install("zh_CN") == "zh_CN", i18n.problem
    yield
    i18n.install("en")


def test_the_history_reads_as_chinese_sentences(desk: Desk, chinese: None) -> None:
    draft = t.TicketDraft(title="OA系统登录缓慢", caller="E001")
    number = t.create_ticket(desk.site, desk.agent1, draft).number
    t.escalate(desk.site, desk.agent1, number, group="server", reason="需要服务器组排查")
    t.assign(desk.site, desk.sup, number, assignee="eng1")
    t.add_note(desk.site, desk.eng1, number, "正在查看日志")
    t.flag(desk.site, desk.eng1, number, reason="多人受影响")
    t.override_priority(desk.site, desk.sup, number, priority=1, reason="领导关注")
    t.set_pending(desk.site, desk.eng1, number, reason="vendor")
    headings = [line.heading for line in readable_history(desk.site, desk.agent1, number)]
    assert headings == [
        "钱一 新建了事件，组：服务热线（1线），P5，来电人：王小明：OA系统登录缓慢",
        "钱一 把工单升级到 服务器运维（2线）：需要服务器组排查",
        "赵主管 把工单分派给 李工（现为已分派）",
        "李工 添加了工作备注：正在查看日志",
        "李工 把工单上报给主管 赵主管：多人受影响",
        "赵主管 手工把优先级从 P5 调整为 P1：领导关注",
        "李工 挂起了工单，等待厂商",
    ]


def test_an_alerts_kind_reads_in_chinese(chinese: None) -> None:
    assert alert_kind_text("resolution:100") == "解决已超时"
    assert alert_kind_text("response:80") == "响应时间已用 80 %"
    assert alert_kind_text("tier2_budget") == "2线时限预算已用完"
    assert alert_kind_text("flag:3") == "已上报"


def test_an_sla_e_mail_is_worded_in_the_language_in_force(
    smtp: tuple[int, list[Any]], chinese: None
) -> None:
    port, mails = smtp
    send = smtp_sender("127.0.0.1", port, "itsm@example.gov.cn")
    payload = {
        "message": "INC000001 (P2) OA系统登录缓慢: 响应时间于 2026-12-04 10:00 已用 80 %",
        "ticket": "INC000001",
        "kind": "response:80",
        "due_at": "2026-12-04T02:00:00+00:00",
        "target": "group_supervisor",
    }
    send("sup@example.gov.cn", payload)
    (mail,) = mails
    assert str(make_header(decode_header(mail["Subject"]))).startswith("[SLA] INC000001 (P2)")
    body = mail.get_payload(decode=True).decode("utf-8")
    assert "工单：INC000001" in body
    assert "阈值：response:80，截止 2026-12-04T02:00:00+00:00" in body
    assert "通知您的身份：group_supervisor" in body
    assert "Ticket:" not in body and "Threshold" not in body


def test_the_sites_language_words_its_alerts_and_e_mails_whatever_the_writer_speaks(
    desk: Desk, smtp: tuple[int, list[Any]]
) -> None:
    """An agent's English console flags a ticket: the supervisor's alert and its e-mail are
    in the site's language (the ``language`` setting), Chinese here."""
    from sqlmodel import Session, col, select

    from itsm_tui.common.config import Settings
    from itsm_tui.storage.tables import NotificationOutbox, SlaAlert
    from itsm_tui.workflow.site import Site
    from itsm_tui.workflow.site_settings import set_setting

    assert i18n.language() == "en"
    assert set_setting(desk.site, desk.sup, "language", "zh-CN") == "zh_CN"
    settings = Settings(
        database_url=desk.site.settings.database_url, webhook_url="http://127.0.0.1:9/hook"
    )
    site = Site(desk.site.engine, clock=desk.site.clock, settings=settings)
    draft = t.TicketDraft(title="OA系统登录缓慢", caller="E001")
    number = t.create_ticket(site, desk.agent1, draft).number
    t.flag(site, desk.agent1, number, reason="用户投诉处理太慢")
    with Session(site.engine) as s:
        alert = s.exec(select(SlaAlert).where(col(SlaAlert.kind).startswith("flag"))).one()
        (queued,) = s.exec(select(NotificationOutbox)).all()
    assert alert.message.endswith("由 钱一 上报：用户投诉处理太慢")
    assert queued.payload["language"] == "zh_CN"

    port, mails = smtp
    smtp_sender("127.0.0.1", port, "itsm@example.gov.cn")("sup@example.gov.cn", queued.payload)
    body = mails[0].get_payload(decode=True).decode("utf-8")
    assert f"工单：{number}" in body and "Ticket:" not in body


def test_the_sites_language_is_one_the_site_speaks(desk: Desk) -> None:
    from itsm_tui.common.errors import Invalid
    from itsm_tui.workflow.site_settings import set_setting

    with pytest.raises(Invalid, match="language must be one of: en, zh_CN"):
        set_setting(desk.site, desk.sup, "language", "fr")
    assert set_setting(desk.site, desk.sup, "language", None) is None


def test_the_demos_summary_reads_in_chinese(chinese: None) -> None:
    from itsm_tui.workflow.demo.loader import DemoSummary

    summary = DemoSummary(tickets=1300, incidents=900, requests=400, staff=44, callers=1000)
    assert str(summary).startswith("1,300 个工单（事件 900 个，服务请求 400 个）")
    i18n.install("en")
    assert str(summary).startswith("1,300 tickets (900 incidents, 400 requests), 0 contacts")
