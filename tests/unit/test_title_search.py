"""Queue search by title: rare terms are read from the title bigram index, common ones walk
the queue's sort index, and both return the same tickets in the same order."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session

from itsm_tui.storage import migrate, title_grams
from itsm_tui.storage import ticket_queries as q
from itsm_tui.storage.engine import read_session
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.context import Read, load_actor
from itsm_tui.workflow.tickets import Queue, TicketDraft, queries, title_search
from itsm_tui.workflow.tickets.lifecycle import override_priority, update_ticket
from itsm_tui.workflow.tickets.queries import page_filter
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
        monkeypatch.setattr(title_search, "OPEN_MAX", -1)
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
        (stmt,) = q.page_ids(where, after=None, limit=50, dialect=session.get_bind().dialect.name)
        plan = "\n".join(q.plan(session, stmt))
    assert "ix_ticket_gram_by_priority" in plan or "pk_ticket_gram" in plan, plan


GRAMS = "SELECT ticket_id, gram, priority FROM ticket_gram"


def test_the_migration_indexes_the_tickets_already_there(desk: Desk) -> None:
    _site(desk)
    engine = desk.site.engine
    with engine.connect() as conn:
        live = sorted(conn.execute(text(GRAMS)).all())
    migrate.downgrade(engine, "0015")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        filled = sorted(conn.execute(text(GRAMS)).all())
    assert filled == live  # each gram with its ticket's priority (0019)
    assert not any(g == "VP" for _, g, _ in filled) and any(g == "vp" for _, g, _ in filled)


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
    monkeypatch.setattr(title_search, "OPEN_MAX", -1)
    assert rare == paged() and len(rare) == 12


def _priority_site(desk: Desk) -> list[str]:
    """Twelve "蓝屏" tickets over three priorities, and three without the term."""
    out = []
    for n in range(12):
        draft = TicketDraft(title=f"蓝屏 {n}", impact=n % 3 + 1, urgency=(n // 3) % 3 + 1)
        out.append(t.create_ticket(desk.site, desk.agent1, draft).number)
    for n in range(3):
        t.create_ticket(desk.site, desk.agent1, TicketDraft(title=f"邮箱 {n}", impact=1, urgency=1))
    return out


def _paged(desk: Desk, backwards: bool = False, queue: str = "open", **kw: object) -> list[str]:
    """Every page of ``queue`` searched for 蓝屏, five at a time, forwards or (from the last
    page) backwards, in the order shown."""
    out: list[str] = []
    at: int | None = 0 if backwards else None
    while True:
        where = {"before": at} if backwards else {"after": at}
        page = t.list_tickets(
            desk.site,
            desk.agent1,
            queue,
            text="蓝屏",
            limit=5,
            **where,
            **kw,  # type: ignore[arg-type]
        )
        numbers = [r.number for r in page.rows]
        out = numbers + out if backwards else out + numbers
        if backwards:
            if len(page.rows) < 5:
                return out
            at = page.rows[0].id
        elif page.next_after is None:
            return out
        else:
            at = page.next_after


@pytest.mark.parametrize("filters", [{"sort": "priority"}, {"priority": 3}, {"priority": 4}])
def test_a_common_term_by_priority_walks_its_postings_and_pages_as_the_queue_walk(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, filters: dict[str, object]
) -> None:
    """A large queue (here: any queue) searched for a common term and read by priority walks
    the term's postings in that order; the operator sees what walking the queue shows, in
    the same order, paging forwards and backwards."""
    _priority_site(desk)
    monkeypatch.setattr(title_search, "RARE_MAX", 0)  # every term is common
    monkeypatch.setattr(title_search, "OPEN_MAX", -1)  # even among the open tickets
    walked = _paged(desk, **filters)
    assert walked == _paged(desk, backwards=True, **filters)
    monkeypatch.setattr(title_search, "QUEUE_WALK_MAX", -1)  # every queue is large
    with Session(desk.site.engine) as session:
        found = title_search.text_filter(
            session, "蓝屏", "priority", queue_size=lambda cap: cap + 1
        )
        assert isinstance(found, title_search.ByPriority)
    assert _paged(desk, **filters) == walked
    assert _paged(desk, backwards=True, **filters) == walked
    assert len(walked) == 12 if "sort" in filters else 0 < len(walked) < 12


def test_a_new_priority_moves_the_tickets_postings(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An override or a new impact moves the ticket in a search by priority (its postings
    carry the priority: the order they are walked in)."""
    numbers = _priority_site(desk)
    monkeypatch.setattr(title_search, "RARE_MAX", 0)
    monkeypatch.setattr(title_search, "OPEN_MAX", -1)

    def both_ways() -> list[str]:
        """The posting walk's order, checked against the queue walk's."""
        monkeypatch.setattr(title_search, "QUEUE_WALK_MAX", -1)
        posted = _paged(desk, sort="priority")
        monkeypatch.setattr(title_search, "QUEUE_WALK_MAX", 10_000)
        assert _paged(desk, sort="priority") == posted
        return posted

    last = both_ways()[-1]  # a P4
    override_priority(desk.site, desk.sup, last, priority=1, reason="董事长的电脑")
    assert both_ways().index(last) < 3  # among the P1s, newest first
    first = numbers[0]  # impact 1, urgency 1: a P1
    update_ticket(desk.site, desk.agent1, first, impact=3, urgency=3)
    assert both_ways().index(first) > 8  # among the P4s


def test_a_search_by_priority_reads_the_postings_in_order(desk: Desk) -> None:
    """The posting walk's plan: the gram's range of ``ix_ticket_gram_by_priority`` in the
    page's order, each ticket by key, no sort (SQLite: no temporary B-tree; PostgreSQL, with
    sorts and sequential scans off as in ``test_queue_plans``: the index, no Sort node)."""
    _priority_site(desk)
    engine = desk.site.engine
    seen: list[tuple[str, object]] = []

    def hook(conn: object, cursor: object, statement: str, params: object, *_: object) -> None:
        if "ticket_gram" in statement and "LIMIT" in statement.upper() and "EXISTS" in statement:
            seen.append((statement, params))

    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", hook)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(title_search, "RARE_MAX", 0)  # every term common,
            mp.setattr(title_search, "QUEUE_WALK_MAX", -1)  # every queue large
            mp.setattr(title_search, "OPEN_MAX", -1)  # and common among the open tickets
            first = t.list_tickets(
                desk.site, desk.agent1, "all", text="蓝屏", sort="priority", limit=5
            )
            t.list_tickets(
                desk.site,
                desk.agent1,
                "open",
                text="蓝屏",
                sort="priority",
                limit=5,
                after=first.next_after,
            )
            t.list_tickets(desk.site, desk.agent1, "all", text="蓝屏", priority=3, limit=5)
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    assert len(seen) >= 4  # first page; after a row: two ranges; one priority
    with engine.connect() as conn:
        for statement, params in seen:
            if engine.dialect.name == "sqlite":
                rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
                plan = "\n".join(str(r[-1]) for r in rows)
                assert "TEMP B-TREE" not in plan, plan
                assert "ix_ticket_gram_by_priority" in plan, plan
            else:
                for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                    conn.exec_driver_sql(f"SET {setting} = off")
                rows = conn.exec_driver_sql(f"EXPLAIN {statement}", params).all()
                plan = "\n".join(str(r[0]) for r in rows)
                assert "ix_ticket_gram_by_priority" in plan, plan
                assert " Sort " not in plan and "Sort  (" not in plan, plan


def test_a_search_of_open_work_follows_tickets_resolved_reopened_and_cancelled(
    desk: Desk,
) -> None:
    """An open queue's search reads the term's open postings: a resolved ticket leaves it,
    the same ticket reopened comes back, a cancelled one leaves it; "all" keeps them all."""
    n = _site(desk)
    with Session(desk.site.engine) as session:
        found = title_search.text_filter(session, "蓝屏", "due", open_only=True)
        assert isinstance(found, title_search.OpenPostings)
    assert _numbers(desk, "蓝屏") == [n[4], n[1]]
    t.claim(desk.site, desk.agent1, n[4])
    t.resolve(desk.site, desk.agent1, n[4], code="fixed", text="重装系统。")
    assert _numbers(desk, "蓝屏") == [n[1]]
    assert _numbers(desk, "蓝屏", sort="due") == [n[1]]
    t.reopen(desk.site, desk.sup, n[4], reason="又蓝屏了")
    assert _numbers(desk, "蓝屏") == [n[4], n[1]]
    assert _numbers(desk, "蓝屏", sort="priority") == [n[4], n[1]]
    t.cancel(desk.site, desk.sup, n[1], reason="重复报修")
    assert _numbers(desk, "蓝屏", sort="oldest") == [n[4]]
    every = t.list_tickets(desk.site, desk.agent1, "all", text="蓝屏")
    assert [r.number for r in every.rows] == [n[4], n[1]]
    with Session(desk.site.engine) as session:
        conn = session.connection()
        # 蓝屏's postings: two tickets, one of them open
        assert title_grams.postings_up_to(conn, "蓝屏", 10) == 2
        assert title_grams.open_postings_up_to(conn, "蓝屏", 10) == 1


OPEN_GRAMS = "SELECT ticket_id, gram, priority, is_open FROM ticket_gram"


def test_the_migration_marks_the_open_tickets_postings(desk: Desk) -> None:
    """Upgrading a site whose postings do not yet know their ticket's state marks the open
    tickets' ones, as creating and resolving them live does."""
    n = _site(desk)
    t.claim(desk.site, desk.agent1, n[1])
    t.resolve(desk.site, desk.agent1, n[1], code="fixed", text="更换内存。")
    engine = desk.site.engine
    with engine.connect() as conn:
        live = sorted(conn.execute(text(OPEN_GRAMS)).all())
    assert {o for *_, o in live} == {True, False}
    migrate.downgrade(engine, "0023")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert sorted(conn.execute(text(OPEN_GRAMS)).all()) == live
    assert _numbers(desk, "蓝屏") == [n[4]]


def test_a_rare_term_by_deadline_in_the_whole_queue_is_read_by_key_and_pages_as_the_walk(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By deadline in the "all" queue (closed tickets too), a rare term's page is picked from
    its postings read by key and sorted by the database — the walk of the deadline index
    testing each row read (tickets / postings) × 50 rows — and it holds what that walk
    finds, in the same order (the tickets without a deadline last), paged both ways."""
    numbers = [
        t.create_ticket(
            desk.site,
            desk.agent1,
            TicketDraft(title=f"蓝屏 {n}", impact=n % 3 + 1, urgency=(n // 3) % 3 + 1),
        ).number
        for n in range(12)
    ]
    t.create_ticket(desk.site, desk.agent1, TicketDraft(title="邮箱满了", impact=1, urgency=1))
    with desk.site.engine.begin() as conn:  # two without a deadline (no SLA)
        conn.execute(
            text("UPDATE ticket SET resolution_due_at = NULL WHERE number IN (:a, :b)"),
            {"a": numbers[2], "b": numbers[7]},
        )

    with read_session(desk.site.engine) as session:
        read = Read(desk.site, session, load_actor(session, desk.agent1), desk.site.clock.now())
        assert page_filter(read, Queue.ALL, text="蓝屏", sort="due").cut
    by_key = _paged(desk, queue="all", sort="due")
    assert by_key == _paged(desk, backwards=True, queue="all", sort="due") and len(by_key) == 12
    assert by_key[-2:] == sorted([numbers[2], numbers[7]])  # no deadline: last, by id
    monkeypatch.setattr(title_search, "RARE_MAX", 0)
    monkeypatch.setattr(title_search, "RARE_MAX_SORTED", 0)
    assert _paged(desk, queue="all", sort="due") == by_key


@pytest.mark.parametrize("backwards", [False, True])
def test_a_narrow_term_by_deadline_after_a_cursor_is_walked_a_bounded_way_or_cut(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, backwards: bool
) -> None:
    """By deadline, a term in a few thousand titles: each page's matches, the first page's
    too, are looked for in the next rows of the deadline order (about three pages' worth),
    the match tested on each, and when that walk ends before the range and the page are full,
    or the term is too rare for it, the page is read from the term's postings. Either way the
    pages hold what walking the whole order finds, in order (the tickets without a deadline
    last)."""
    numbers = []
    for n in range(24):
        title = f"蓝屏 {n}" if n % 3 else f"邮箱 {n}"
        draft = TicketDraft(title=title, impact=n % 3 + 1, urgency=(n // 3) % 3 + 1)
        numbers.append(t.create_ticket(desk.site, desk.agent1, draft).number)
    with desk.site.engine.begin() as conn:  # two without a deadline (no SLA)
        conn.execute(
            text("UPDATE ticket SET resolution_due_at = NULL WHERE number IN (:a, :b)"),
            {"a": numbers[4], "b": numbers[11]},
        )
    monkeypatch.setattr(title_search, "RARE_MAX", 0)  # not read by key: narrowed
    with read_session(desk.site.engine) as session:
        read = Read(desk.site, session, load_actor(session, desk.agent1), desk.site.clock.now())
        assert page_filter(read, Queue.ALL, text="蓝屏", sort="due").walked_search is not None

    walks: list[bool] = []
    walked_page = q.walked_page

    def spy(*args: object, **kw: object) -> object:
        rows = walked_page(*args, **kw)  # type: ignore[arg-type]
        walks.append(rows is not None)
        return rows

    def pages() -> list[str]:
        return _paged(desk, backwards=backwards, queue="all", sort="due")

    monkeypatch.setattr(q, "walked_page", spy)
    walked = pages()
    assert len(walked) == 16 and walked[-2:] == sorted([numbers[4], numbers[11]])
    assert len(walks) == 4 and all(walks)  # every page of the four came from the walk
    walks.clear()
    monkeypatch.setattr(queries, "_walk_budget", lambda *_: 2)  # less than a page of 5
    assert pages() == walked
    assert False in walks  # walks that ended short: those pages cut from the postings
    walks.clear()
    monkeypatch.setattr(queries, "_walk_budget", lambda *_: None)  # too rare to walk
    assert pages() == walked and not walks
    monkeypatch.setattr(title_search, "RARE_MAX_SORTED", 0)  # the whole order walked
    assert pages() == walked
