"""Searching the knowledge base and the known errors with one query (``search``'s index), and
what the call form suggests from what the caller says (``suggest_for_call``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select
from sqlmodel import Session

from itsm_tui.common.domain import ArticleStatus, ProblemStatus, Visibility
from itsm_tui.common.ngrams import fold, grams
from itsm_tui.storage import search_counts
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import KbArticleCI, ProblemCI, SearchDoc, SearchGram
from itsm_tui.workflow import search_terms
from itsm_tui.workflow.cmdb.items import find_ci
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.knowledge import search
from itsm_tui.workflow.knowledge.articles import ARTICLE
from itsm_tui.workflow.knowledge.articles import SEARCH_KIND as ARTICLE_KIND
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.problems.records import PROBLEM
from itsm_tui.workflow.problems.records import SEARCH_KIND as PROBLEM_KIND

#: What a hit is: a knowledge article, or a problem whose cause and workaround are known.
KNOWN_ERROR = "known_error"
ARTICLE_HIT = "article"
#: Hits returned by a search or a suggestion, at most.
LIMIT_MAX = 100
#: Lines of an article's body shown under its title in a list.
SUMMARY_CHARS = 120
#: Each kind's order after match quality, every column descending (the id last: the newest
#: of otherwise equal rows first, so a page is the same on every run and database).
ARTICLE_RANK = (ARTICLE.c.use_count, ARTICLE.c.updated_at, ARTICLE.c.id)
PROBLEM_RANK = (PROBLEM.c.updated_at, PROBLEM.c.id)


@dataclass(frozen=True)
class Hit:
    """One search result: an article or a known error, with what ranks it."""

    kind: str  # article | known_error
    number: str
    title: str
    summary: str  # the known error's workaround, or the article's first lines
    status: str
    use_count: int
    updated_at: datetime
    in_title: bool


def _summary(text: str) -> str:
    lines = [ln.strip("# ").strip() for ln in text.splitlines() if ln.strip()]
    return " ".join(lines)[:SUMMARY_CHARS]


def _article_filter(include_drafts: bool, self_service: bool) -> Any:
    states = [ArticleStatus.PUBLISHED.value]
    if include_drafts:
        states += [ArticleStatus.DRAFT.value, ArticleStatus.REVIEWED.value]
    condition: Any = ARTICLE.c.status.in_(states)
    if self_service:
        condition = condition & (ARTICLE.c.visibility == Visibility.SELF_SERVICE.value)
    return condition


def _article_hit(row: Any, in_title: bool) -> Hit:
    return Hit(
        ARTICLE_HIT,
        row.number,
        row.title,
        _summary(row.body),
        row.status,
        row.use_count,
        row.updated_at,
        in_title,
    )


def _problem_hit(row: Any, in_title: bool) -> Hit:
    return Hit(
        KNOWN_ERROR,
        row.number,
        row.title,
        _summary(row.workaround),
        row.status,
        0,
        row.updated_at,
        in_title,
    )


def _rank(hits: list[Hit], limit: int) -> list[Hit]:
    """Match quality (every term in the title), then known errors before articles (a known
    error names the fault), use count, and the most recently updated (then the newest row:
    the sort keeps each kind's order, which ends on its id)."""
    hits.sort(
        key=lambda h: (
            not h.in_title,
            h.kind != KNOWN_ERROR,
            -h.use_count,
            -h.updated_at.timestamp(),
        )
    )
    return hits[:limit]


def search_in(
    session: Session,
    text: str,
    *,
    limit: int = 20,
    include_drafts: bool = False,
    self_service: bool = False,
) -> list[Hit]:
    """:func:`search_knowledge` inside a read already open."""
    limit = max(1, min(limit, LIMIT_MAX))
    words = search_terms.terms(text)
    if not words:
        return []
    articles = search.matching(
        session,
        ARTICLE_KIND,
        words,
        ARTICLE,
        _article_filter(include_drafts, self_service),
        ARTICLE_RANK,
        limit,
    )
    hits = [_article_hit(row, in_title) for row, in_title in articles]
    if not self_service:
        problems = search.matching(
            session,
            PROBLEM_KIND,
            words,
            PROBLEM,
            PROBLEM.c.status == ProblemStatus.KNOWN_ERROR.value,
            PROBLEM_RANK,
            limit,
        )
        hits += [_problem_hit(row, in_title) for row, in_title in problems]
    return _rank(hits, limit)


@query(Action.VIEW_KNOWLEDGE)
def search_knowledge(
    read: Read,
    text: str,
    *,
    limit: int = 20,
    include_drafts: bool = False,
    self_service: bool = False,
) -> list[Hit]:
    """Articles (published, unless ``include_drafts``) and known errors holding every term of
    ``text``, best first. Text of only spaces or punctuation finds nothing; text over
    ``search_terms.QUERY_MAX`` characters is refused."""
    return search_in(
        read.session,
        text,
        limit=limit,
        include_drafts=include_drafts,
        self_service=self_service,
    )


_DOC = core_table(SearchDoc)
_GRAM = core_table(SearchGram)
#: A suggestion shares at least this share of the summary's bigrams (and at least two).
SHARE = 0.5


def _similar(session: Session, kind: str, text: str, base: Any, condition: Any) -> list[Any]:
    """Rows of ``base`` whose documents share the most bigrams with ``text``: what a caller
    says rarely matches an article word for word ("打印机无法打印了" vs "打印机卡纸").

    Bigrams no document of the kind holds are not read (their count is zero). When the kind's
    documents times the bigrams are fewer than the postings of those bigrams (a few known
    errors among many articles), each of its documents looks its bigrams up instead (one key
    each) of every posting being counted."""
    wanted = sorted(grams(fold(text)))[:64]
    if not wanted:
        return []
    need = max(min(2, len(wanted)), int(len(wanted) * SHARE))
    counts = search_counts.read(session, wanted)
    held = [g for g in wanted if counts.get((kind, g), 0) > 0]
    if len(held) < need:
        return []
    postings = sum(docs for (_kind, gram), docs in counts.items() if gram in held)
    if counts.get((kind, search_counts.ALL), 0) * len(held) < postings:
        shared_count = (
            select(func.count())
            .where(_GRAM.c.doc_id == _DOC.c.id, _GRAM.c.gram.in_(held))
            .scalar_subquery()
        )
        shared = (
            select(_DOC.c.id.label("doc_id"), shared_count.label("shared"))
            .where(_DOC.c.kind == kind)
            .subquery()
        )
        stmt = (
            select(base)
            .select_from(
                shared.join(_DOC, _DOC.c.id == shared.c.doc_id).join(
                    base, base.c.id == _DOC.c.ref_id
                )
            )
            .where(shared.c.shared >= literal(need), condition)
            .order_by(shared.c.shared.desc(), base.c.updated_at.desc(), base.c.id.desc())
            .limit(10)
        )
        return list(session.execute(stmt).all())
    shared = (
        select(_GRAM.c.doc_id, func.count().label("shared"))
        .where(_GRAM.c.gram.in_(held))
        .group_by(_GRAM.c.doc_id)
        .having(func.count() >= literal(need))
        .subquery()
    )
    stmt = (
        select(base)
        .select_from(
            shared.join(_DOC, _DOC.c.id == shared.c.doc_id).join(base, base.c.id == _DOC.c.ref_id)
        )
        .where(_DOC.c.kind == kind, condition)
        .order_by(shared.c.shared.desc(), base.c.updated_at.desc(), base.c.id.desc())
        .limit(10)
    )
    return list(session.execute(stmt).all())


@dataclass(frozen=True)
class Suggestions:
    """What the call form shows beside the caller's open tickets."""

    known_errors: list[Hit]
    articles: list[Hit]


def _on_cis(session: Session, ci_ids: Sequence[int]) -> tuple[list[Any], list[Any]]:
    if not ci_ids:
        return [], []
    kb_ci = core_table(KbArticleCI)
    pr_ci = core_table(ProblemCI)
    articles = session.execute(
        select(ARTICLE)
        .join(kb_ci, kb_ci.c.article_id == ARTICLE.c.id)
        .where(kb_ci.c.ci_id.in_(ci_ids), _article_filter(False, False))
        .order_by(ARTICLE.c.use_count.desc())
        .limit(10)
    ).all()
    problems = session.execute(
        select(PROBLEM)
        .join(pr_ci, pr_ci.c.problem_id == PROBLEM.c.id)
        .where(pr_ci.c.ci_id.in_(ci_ids), PROBLEM.c.status == ProblemStatus.KNOWN_ERROR.value)
        .order_by(PROBLEM.c.updated_at.desc())
        .limit(10)
    ).all()
    return list(articles), list(problems)


def suggest_in(
    session: Session, summary: str, cis: Sequence[str] = (), *, limit: int = 5
) -> Suggestions:
    """:func:`suggest_for_call` inside a read already open. Each source is read only while
    the list it fills is short: exact matches, then the CIs', then similar texts (the
    costliest, a count over every bigram of the summary)."""
    words = search_terms.terms(summary)
    exact = search_in(session, summary, limit=limit * 2) if words else []
    known: dict[str, Hit] = {}
    articles: dict[str, Hit] = {}
    for hit in exact:
        (known if hit.kind == KNOWN_ERROR else articles).setdefault(hit.number, hit)
    ci_ids = [i for i in (find_ci(session, ref).id for ref in cis) if i is not None]
    if len(known) < limit or len(articles) < limit:
        on_articles, on_problems = _on_cis(session, ci_ids)
        for row in on_problems:
            known.setdefault(row.number, _problem_hit(row, False))
        for row in on_articles:
            articles.setdefault(row.number, _article_hit(row, False))
    folded = " ".join(words)
    if words and len(known) < limit:
        condition = PROBLEM.c.status == ProblemStatus.KNOWN_ERROR.value
        for row in _similar(session, PROBLEM_KIND, folded, PROBLEM, condition):
            known.setdefault(row.number, _problem_hit(row, False))
    if words and len(articles) < limit:
        condition = _article_filter(False, False)
        for row in _similar(session, ARTICLE_KIND, folded, ARTICLE, condition):
            articles.setdefault(row.number, _article_hit(row, False))
    return Suggestions(list(known.values())[:limit], list(articles.values())[:limit])


@query(Action.VIEW_KNOWLEDGE)
def suggest_for_call(
    read: Read, summary: str, cis: Sequence[str] = (), *, limit: int = 5
) -> Suggestions:
    """Known errors and published articles for a call being taken, from its summary and the
    CIs it names: exact matches first, then those about the same CIs, then similar texts."""
    return suggest_in(read.session, summary, cis, limit=max(1, min(limit, LIMIT_MAX)))
