"""The knowledge base: the article life with supervisor review, revisions and their diff,
"solved with" uses, drafts from a ticket's resolution, search edge cases, and the suggestions
the call form shows."""

from __future__ import annotations

from typing import Any

import pytest

from itsm_tui.common.errors import Conflict, Forbidden, Invalid
from itsm_tui.workflow.knowledge.articles import (
    add_article,
    article_diff,
    article_from_ticket,
    article_history,
    edit_article,
    link_article,
    list_articles,
    publish_article,
    retire_article,
    review_article,
    show_article,
)
from itsm_tui.workflow.knowledge.finding import search_knowledge, suggest_for_call
from itsm_tui.workflow.problems.operations import create_problem, mark_known_error
from itsm_tui.workflow.tickets import TicketDraft, create_ticket, resolve
from tests.conftest import Desk


def _published(desk: Desk, title: str, body: str, **kw: Any) -> str:
    number = add_article(desk.site, desk.eng1, title=title, body=body, **kw).number
    review_article(desk.site, desk.sup, number)
    publish_article(desk.site, desk.sup, number)
    return number


def test_an_article_is_reviewed_by_a_supervisor_before_it_is_published(desk: Desk) -> None:
    article = add_article(desk.site, desk.agent1, title="打印机卡纸", body="取出卡纸。")
    assert (article.number, article.status, article.revision) == ("KB000001", "draft", 1)
    assert search_knowledge(desk.site, desk.agent1, "卡纸") == []  # drafts are not offered
    with pytest.raises(Forbidden):
        review_article(desk.site, desk.agent1, article.number)
    with pytest.raises(Invalid, match="draft"):
        publish_article(desk.site, desk.sup, article.number)
    review_article(desk.site, desk.sup, article.number)
    published = publish_article(desk.site, desk.sup, article.number)
    assert published.status == "published"
    assert [h.number for h in search_knowledge(desk.site, desk.agent1, "卡纸")] == ["KB000001"]
    retire_article(desk.site, desk.sup, article.number, reason="设备已淘汰")
    assert search_knowledge(desk.site, desk.agent1, "卡纸") == []


def test_an_edit_is_a_new_revision_with_a_readable_diff(desk: Desk) -> None:
    article = add_article(desk.site, desk.eng1, title="VPN证书过期", body="第一步\n第二步")
    review_article(desk.site, desk.sup, article.number)
    edited = edit_article(
        desk.site,
        desk.eng1,
        article.number,
        body="第一步\n第二步（需短信验证码）",
        expected_version=article.version + 1,
    )
    assert (edited.revision, edited.status) == (2, "draft")  # reviewed text changed: again
    assert [r.revision for r in article_history(desk.site, desk.agent1, article.number)] == [1, 2]
    diff = article_diff(desk.site, desk.agent1, article.number)
    assert "-第二步" in diff and "+第二步（需短信验证码）" in diff
    with pytest.raises(Conflict):
        edit_article(desk.site, desk.eng1, article.number, body="旧版本上改", expected_version=1)
    assert "需短信验证码" in show_article(desk.site, desk.agent1, article.number).body


def test_solved_with_counts_a_use_and_ranks_the_article_higher(desk: Desk) -> None:
    a = _published(desk, "网络故障排查", "检查网线和端口。")
    b = _published(desk, "网络端口不通", "换一个网络端口。")
    ticket = create_ticket(desk.site, desk.agent1, TicketDraft(title="电脑无法上网")).number
    assert link_article(desk.site, desk.agent1, ticket, a).use_count == 1
    with pytest.raises(Conflict):
        link_article(desk.site, desk.agent1, ticket, a)
    hits = search_knowledge(desk.site, desk.agent1, "网络")
    assert [h.number for h in hits] == [a, b]  # both in the title: the one used first
    hits = search_knowledge(desk.site, desk.agent1, "端口")
    assert [h.number for h in hits] == [b, a]  # in b's title, only in a's body


def test_a_draft_is_written_from_a_resolved_ticket(desk: Desk) -> None:
    number = create_ticket(desk.site, desk.agent1, TicketDraft(title="OA白屏")).number
    with pytest.raises(Invalid, match="no resolution"):
        article_from_ticket(desk.site, desk.agent1, number)
    resolve(desk.site, desk.agent1, number, code="workaround", text="清除浏览器缓存后恢复")
    draft = article_from_ticket(desk.site, desk.agent1, number)
    assert (draft.title, draft.status) == ("OA白屏", "draft")
    assert "清除浏览器缓存后恢复" in draft.body


def test_search_input_that_finds_nothing_or_is_refused(desk: Desk) -> None:
    _published(desk, "百分号%与下划线_的说明", "路径 C:\\temp 中的反斜杠")
    _published(desk, "普通文章", "没有特殊字符 abc")
    for text in ["", "   ", "！？。，", "%%", "...", "\t\n"]:
        assert search_knowledge(desk.site, desk.agent1, text) == [], text
    with pytest.raises(Invalid, match="limit"):
        search_knowledge(desk.site, desk.agent1, "打" * 10_000)
    # LIKE's metacharacters match only themselves.
    assert [h.title for h in search_knowledge(desk.site, desk.agent1, "%与")] == [
        "百分号%与下划线_的说明"
    ]
    assert [h.title for h in search_knowledge(desk.site, desk.agent1, "线_")] == [
        "百分号%与下划线_的说明"
    ]
    assert len(search_knowledge(desk.site, desk.agent1, "c:\\temp")) == 1
    assert search_knowledge(desk.site, desk.agent1, "a_c") == []


def test_raw_html_in_an_article_is_kept_as_text(desk: Desk) -> None:
    body = "<script>alert(1)</script> 与 <b>粗体</b>"
    number = _published(desk, "含HTML的文章", body)
    assert show_article(desk.site, desk.agent1, number).body == body  # stored as typed


def test_self_service_sees_only_self_service_articles(desk: Desk) -> None:
    _published(desk, "内部：交换机配置", "交换机", visibility="internal")
    _published(desk, "自助：重置密码", "交换机", visibility="self_service")
    titles = [
        h.title for h in search_knowledge(desk.site, desk.agent1, "交换机", self_service=True)
    ]
    assert titles == ["自助：重置密码"]


def test_the_list_pages_and_filters_by_status(desk: Desk) -> None:
    _published(desk, "一", "正文")
    add_article(desk.site, desk.eng1, title="二", body="正文")
    assert [a.title for a in list_articles(desk.site, desk.agent1)] == ["二", "一"]
    assert [a.title for a in list_articles(desk.site, desk.agent1, status="draft")] == ["二"]


def test_the_call_form_is_offered_known_errors_and_articles(desk: Desk) -> None:
    article = _published(desk, "VPN证书过期无法连接", "在统一身份认证平台续期证书。")
    _published(desk, "打印机卡纸", "取出卡纸。")
    on_oa = _published(desk, "OA使用须知", "无关内容", cis=["OA办公系统"])
    problem = create_problem(desk.site, desk.eng1, title="VPN 证书批量过期")
    mark_known_error(
        desk.site,
        desk.eng1,
        problem.number,
        cause_code="configuration",
        root_cause="证书有效期一年，批量签发",
        workaround="管理员远程续期",
    )
    found = suggest_for_call(desk.site, desk.agent1, "VPN 证书过期")
    assert [h.number for h in found.known_errors] == [problem.number]
    assert found.known_errors[0].summary == "管理员远程续期"
    assert [h.number for h in found.articles] == [article]
    # A caller's own words rarely match a title exactly: similar texts are offered too.
    assert article in [
        h.number for h in suggest_for_call(desk.site, desk.agent1, "vpn证书到期了").articles
    ]
    # The CI named on the call brings its articles.
    by_ci = suggest_for_call(desk.site, desk.agent1, "系统很慢", cis=["OA办公系统"])
    assert [h.number for h in by_ci.articles] == [on_oa]
