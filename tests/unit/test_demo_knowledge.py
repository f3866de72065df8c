"""The demo site's knowledge base and problems: published articles the hotline finds,
problems linked to the demo's own recurring incidents, known errors suggested at intake."""

from __future__ import annotations

from sqlalchemy import func, select

from itsm_tui.storage.tables import KbArticle, KbRevision, ProblemTicket
from itsm_tui.workflow.demo import load_demo
from itsm_tui.workflow.demo.knowledge_generated import DEMO_ARTICLES as ARTICLES
from itsm_tui.workflow.demo.knowledge_generated import DEMO_PROBLEMS as PROBLEMS
from itsm_tui.workflow.knowledge.finding import search_knowledge, suggest_for_call
from itsm_tui.workflow.problems.queries import list_problems, show_problem
from itsm_tui.workflow.site import Actor, Site


def test_the_demo_has_articles_and_problems_on_its_recurring_faults(
    site: Site, admin: Actor
) -> None:
    load_demo(site, admin, tickets=4000, seed=7)
    with site.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(KbArticle)).scalar() == len(ARTICLES)
        revisions = conn.execute(select(func.count()).select_from(KbRevision)).scalar()
        assert revisions is not None and revisions > len(ARTICLES)  # some were edited
        linked = conn.execute(select(func.count()).select_from(ProblemTicket)).scalar()
    assert linked is not None and linked >= 2 * len(PROBLEMS)
    problems = list_problems(site, admin)
    assert len(problems) == len(PROBLEMS)
    assert {p.status for p in problems} >= {"known_error", "resolved", "investigating"}
    oa = show_problem(site, admin, problems[-1].number)  # the first: OA white screens
    assert oa.cis == ["OA办公系统"] and oa.incidents
    assert len(oa.incidents) <= 8  # the cluster's most recent
    printing = search_knowledge(site, admin, "打印")
    assert {h.title for h in printing} >= {"打印机卡纸的处理方法", "打印机显示脱机无法打印"}
    offered = suggest_for_call(site, admin, "OA 白屏", cis=["OA办公系统"])
    assert offered.known_errors and offered.known_errors[0].title == "OA办公系统登录后间歇性白屏"


def _text(article: tuple[str, str, tuple[str, ...], str | None, str, str]) -> str:
    title, _category, tags, _system, _visibility, body = article
    return f"{title}\n{' '.join(tags)}\n{body}"


def test_the_demo_knowledge_base_is_the_size_a_working_desk_has(site: Site, admin: Actor) -> None:
    """About 200 articles and 20 problems (the issue's figures), every problem on incidents
    of its own, and the generated articles found like the hand-written ones."""
    assert len(ARTICLES) == 200 and len({a[0] for a in ARTICLES}) == 200
    assert len(PROBLEMS) == 20
    load_demo(site, admin, tickets=4000, seed=7)
    problems = list_problems(site, admin, status=None)
    assert len(problems) == 20 and sum(1 for p in problems if p.incidents) >= 15
    for term in ("蓝屏", "VPN证书", "卡纸", "会话已过期"):
        holding = [a for a in ARTICLES if term.casefold() in _text(a).casefold()]
        found = search_knowledge(site, admin, term, limit=100, include_drafts=True)
        assert len(found) == len(holding) >= 4, term
    offered = suggest_for_call(site, admin, "移动端同步失败", cis=["行政执法系统"])
    assert "行政执法系统移动端同步失败" in [h.title for h in offered.known_errors]
