"""Queue search by title: rare terms are read from the title bigram index, common ones walk
the queue's sort index, and both return the same tickets in the same order."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session

from itsm_tui.storage import migrate
from itsm_tui.storage import ticket_queries as q
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.tickets import TicketDraft, title_search
from itsm_tui.workflow.tickets.lifecycle import update_ticket
from tests.conftest import Desk

TITLES = [
    "打印机卡纸",
    "电脑频繁蓝屏",
    "VPN无法连接",
    "ＶＰＮ证书过期",
    "蓝屏后无法开机",
    "邮箱满了",
]


def _site(desk: Desk) -> list[str]:
    return [t.create_ticket(desk.site, desk.agent1, TicketDraft(title=x)).number for x in TITLES]


def _numbers(desk: Desk, term: str, **kw: object) -> list[str]:
    page = t.list_tickets(desk.site, desk.agent1, "open", text=term, **kw)  # type: ignore[arg-type]
    return [r.number for r in page.rows]


@pytest.mark.parametrize("rare_max", [title_search.RARE_MAX, 0])
def test_two_character_chinese_and_latin_terms_are_found_either_way(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, rare_max: int
) -> None:
    """``rare_max`` 0: every term is "common", so the page walks the sort index; the default
    reads the postings. The operator sees the same tickets."""
    monkeypatch.setattr(title_search, "RARE_MAX", rare_max)
    if not rare_max:
        monkeypatch.setattr(title_search, "RARE_MAX_SORTED", 0)
    n = _site(desk)
    assert _numbers(desk, "蓝屏") == [n[4], n[1]]  # newest first
    assert _numbers(desk, "蓝屏", sort="oldest") == [n[1], n[4]]
    assert _numbers(desk, "蓝屏", sort="priority") == [n[4], n[1]]
    assert _numbers(desk, "打印") == [n[0]]
    assert _numbers(desk, "VPN") == [n[2]]  # the full-width ＶＰＮ is another text
    assert _numbers(desk, "无法") == [n[4], n[2]]
    assert _numbers(desk, "无法连接") == [n[2]]
    assert _numbers(desk, "蓝屏开机") == []  # both bigrams' tickets, but not the words
    assert _numbers(desk, "网络") == []
    assert _numbers(desk, n[3].lower()) == [n[3]]  # a number still finds its ticket


def test_a_corrected_title_is_found_by_its_new_words_only(desk: Desk) -> None:
    n = _site(desk)
    update_ticket(desk.site, desk.agent1, n[5], title="邮箱无法登录")
    assert _numbers(desk, "邮箱满") == []
    assert _numbers(desk, "登录") == [n[5]]


def test_the_rarity_check_picks_the_rarest_bigram(desk: Desk) -> None:
    _site(desk)
    with Session(desk.site.engine) as session:
        # 蓝屏 is in two titles, 频繁 and 繁蓝 in one
        assert title_search.rarest_gram(session, "频繁蓝屏") in (("频繁", 1), ("繁蓝", 1))
        assert title_search.rarest_gram(session, "网") is None  # no bigram: walked


def test_a_rare_term_reads_the_postings_not_the_queue(desk: Desk) -> None:
    """The page's statement reads the posting index of the term's bigram (PostgreSQL with
    sequential scans off: on six tickets, without statistics, it would scan them all)."""
    _site(desk)
    with Session(desk.site.engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL enable_seqscan = off"))
        found = title_search.text_filter(session, "频繁")
        assert isinstance(found, title_search.Narrowed)
        where = [found.condition]
        (stmt,) = q.page_ids(
            where, after=None, limit=50, dialect=session.get_bind().dialect.name
        )
        plan = "\n".join(q.plan(session, stmt))
    assert "ix_ticket_gram_gram" in plan or "pk_ticket_gram" in plan, plan


def test_the_migration_indexes_the_tickets_already_there(desk: Desk) -> None:
    _site(desk)
    engine = desk.site.engine
    with engine.connect() as conn:
        live = sorted(conn.execute(text("SELECT ticket_id, gram FROM ticket_gram")).all())
    migrate.downgrade(engine, "0015")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        filled = sorted(conn.execute(text("SELECT ticket_id, gram FROM ticket_gram")).all())
    assert filled == live
    assert ("V", "vp") not in filled and any(g == "vp" for _, g in filled)


@pytest.mark.parametrize("sort", ["newest", "priority", "due"])
def test_a_rare_term_pages_as_the_walk_pages(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    """Cut from the postings, a rare term's pages hold what walking the order finds, in the
    same order, paged forwards by key."""
    for n in range(12):
        draft = TicketDraft(title=f"蓝屏 {n}", impact=n % 3 + 1, urgency=(n // 3) % 3 + 1)
        t.create_ticket(desk.site, desk.agent1, draft)

    def paged() -> list[str]:
        out: list[str] = []
        after = None
        while True:
            page = t.list_tickets(
                desk.site, desk.agent1, "open", text="蓝屏", sort=sort, limit=5, after=after
            )
            out += [r.number for r in page.rows]
            if page.next_after is None:
                return out
            after = page.next_after

    rare = paged()
    monkeypatch.setattr(title_search, "RARE_MAX", 0)
    monkeypatch.setattr(title_search, "RARE_MAX_SORTED", 0)
    assert rare == paged() and len(rare) == 12
