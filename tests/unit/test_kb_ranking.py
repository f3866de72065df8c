"""The knowledge search ranks only the page it returns (title hits from the title index, a
common term's other hits in rank order, a rarer one's from its rarest bigram): its pages must be
exactly those of the ranking's definition, worked out here in Python over every document —
every term held literally, every term in the title first, known errors before articles, then
use count, the most recently updated and the newest row — for many terms, limits and filters,
whichever way the search reads them. And the posting counts it chooses by stay exact."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

from itsm_tui.common.domain import ArticleStatus, ProblemStatus, Visibility
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    KbArticle,
    Problem,
    SearchDoc,
    SearchGram,
    SearchGramCount,
)
from itsm_tui.workflow import search_terms
from itsm_tui.workflow.demo import load_demo
from itsm_tui.workflow.knowledge import search
from itsm_tui.workflow.knowledge.finding import search_in
from itsm_tui.workflow.site import Actor, Site

TERMS = [
    "打", "网", "屏", "码", "的", "系",
    "打印", "网络", "邮箱", "蓝屏", "证书", "登录", "oa", "VPN", "系统", "无法",
    "打印机", "VPN证书", "统一身份认证", "网络端口", "会话已过期", "浏览器", "密码错误",
    "打印 驱动", "vpn 证书", "打 纸", "系统 登录 密码", "无法 的", "Outlook", "ctrl",
    "量子计算", "zz", "印机打",
]  # fmt: skip
LIMITS = [1, 5, 20, 100]
FILTERS = [(False, False), (True, False), (False, True), (True, True)]

_A, _P, _D = core_table(KbArticle), core_table(Problem), core_table(SearchDoc)


@pytest.fixture
def knowledge(site: Site, admin: Actor) -> Site:
    """The demo's 200 articles and 20 problems, with many ties in use count and date, and
    some drafts, reviewed, retired and self-service articles."""
    load_demo(site, admin, tickets=600, seed=7)
    rng = random.Random(16)
    base = site.clock.now()
    with site.engine.begin() as conn:
        for (aid,) in conn.execute(select(_A.c.id)).all():
            status = rng.choice(
                [ArticleStatus.PUBLISHED.value] * 6 + [s.value for s in ArticleStatus]
            )
            conn.execute(
                update(_A)
                .where(_A.c.id == aid)
                .values(
                    use_count=rng.randrange(4),
                    updated_at=base - timedelta(days=rng.randrange(3)),
                    status=status,
                    visibility=rng.choice([v.value for v in Visibility]),
                )
            )
        for (pid,) in conn.execute(select(_P.c.id)).all():
            conn.execute(
                update(_P)
                .where(_P.c.id == pid)
                .values(
                    updated_at=base - timedelta(days=rng.randrange(2)),
                    status=rng.choice([ProblemStatus.KNOWN_ERROR, ProblemStatus.RESOLVED]).value,
                )
            )  # fmt: skip
    return site


def _expected(
    session: Session, text: str, limit: int, drafts: bool, self_service: bool
) -> list[tuple[str, str, bool]]:
    words = search_terms.terms(text)
    if not words:
        return []
    states = {ArticleStatus.PUBLISHED.value}
    if drafts:
        states |= {ArticleStatus.DRAFT.value, ArticleStatus.REVIEWED.value}
    found = []
    rows = session.execute(
        select(_A, _D.c.title.label("doc_title"), _D.c.text.label("doc_text")).join(
            _D, (_D.c.kind == "article") & (_D.c.ref_id == _A.c.id)
        )
    ).all()
    for row in rows:
        if row.status not in states or (
            self_service and row.visibility != Visibility.SELF_SERVICE.value
        ):
            continue
        if all(w in row.doc_text for w in words):
            in_title = all(w in row.doc_title for w in words)
            key = (not in_title, 1, -row.use_count, -row.updated_at.timestamp(), -row.id)
            found.append((key, ("article", row.number, in_title)))
    if not self_service:
        rows = session.execute(
            select(_P, _D.c.title.label("doc_title"), _D.c.text.label("doc_text")).join(
                _D, (_D.c.kind == "problem") & (_D.c.ref_id == _P.c.id)
            )
        ).all()
        for row in rows:
            if row.status == ProblemStatus.KNOWN_ERROR.value and all(
                w in row.doc_text for w in words
            ):
                in_title = all(w in row.doc_title for w in words)
                key = (not in_title, 0, 0, -row.updated_at.timestamp(), -row.id)
                found.append((key, ("known_error", row.number, in_title)))
    return [hit for _key, hit in sorted(found)[:limit]]


@pytest.mark.parametrize(
    ("walk_share", "walk_rows"),
    [(None, None), (0.0, 3), (2.0, None)],
    ids=["as-shipped", "always-walk-a-short-way", "never-walk"],
)
def test_every_page_is_the_rankings_page(
    knowledge: Site,
    monkeypatch: pytest.MonkeyPatch,
    walk_share: float | None,
    walk_rows: int | None,
) -> None:
    if walk_share is not None:
        monkeypatch.setattr(search, "WALK_SHARE", walk_share)
    if walk_rows is not None:
        monkeypatch.setattr(search, "WALK_ROWS", walk_rows)
    wrong = []
    compared = 0
    with Session(knowledge.engine) as session:
        for text in TERMS:
            for drafts, self_service in FILTERS:
                for limit in LIMITS:
                    want = _expected(session, text, limit, drafts, self_service)
                    got = [
                        (h.kind, h.number, h.in_title)
                        for h in search_in(
                            session,
                            text,
                            limit=limit,
                            include_drafts=drafts,
                            self_service=self_service,
                        )
                    ]
                    compared += len(want)
                    if got != want:
                        wrong.append((text, limit, drafts, self_service, got, want))
    assert wrong == []
    assert compared > 2_000  # the terms find plenty, not only empty pages


def _counts(session: Session) -> tuple[dict[tuple[str, str], int], Counter[tuple[str, str]]]:
    stored = {
        (k, g): n
        for k, g, n in session.execute(
            select(
                core_table(SearchGramCount).c.kind,
                core_table(SearchGramCount).c.gram,
                core_table(SearchGramCount).c.docs,
            )
        )
        if n
    }
    gram = core_table(SearchGram)
    counted: Counter[tuple[str, str]] = Counter()
    for kind, g, n in session.execute(
        select(_D.c.kind, gram.c.gram, func.count())
        .join(_D, _D.c.id == gram.c.doc_id)
        .group_by(_D.c.kind, gram.c.gram)
    ):
        counted[(kind, g)] = n
    for kind, n in session.execute(select(_D.c.kind, func.count()).group_by(_D.c.kind)):
        counted[(kind, "")] = n
    return stored, counted


def test_the_posting_counts_follow_every_indexed_document(knowledge: Site) -> None:
    with Session(knowledge.engine) as session:
        stored, counted = _counts(session)
        assert stored == dict(counted)
        assert stored[("article", "")] == 200 and stored[("article", "打印")] > 10
        number = session.execute(select(_A.c.id, _A.c.title).limit(1)).one()
        # Re-indexed with another text, then a new document of a new kind: grams lost and won.
        search.index(
            session, "article", number.id, "量子打印", "全新 的 正文", knowledge.clock.now()
        )
        search.index(
            session, "article", number.id, "量子打印", "全新 的 正文", knowledge.clock.now()
        )
        search.index(session, "note", 1, "量子", "量子计算", knowledge.clock.now())
        session.execute(update(_A).where(_A.c.id == number.id).values(status="published"))
        session.commit()
        stored, counted = _counts(session)
        assert stored == dict(counted)
        assert stored[("article", "量子")] == 1 and stored[("note", "")] == 1
    with Session(knowledge.engine) as session:
        found = search_in(session, "量子打印", limit=5)
        assert [(h.title, h.in_title) for h in found] == [(number.title, True)]
        assert search_in(session, "量子计算", limit=5) == []  # another kind's words
