"""Knowledge articles: written by staff, reviewed and published by a supervisor, retired when
they no longer hold; every edit of the text is a new revision, kept and diffable.

Draft → reviewed → published → retired. Editing the text of a reviewed article sends it back
to draft (what was reviewed is no longer what it says); a published article's edits stay
published and are journaled with their revision, so a typo does not pull it from the hotline.
Linking an article to a ticket ("solved with") counts one use.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from itsm_tui.common.domain import ARTICLE_PREFIX, ArticleStatus, Visibility, status_label
from itsm_tui.common.errors import Conflict, Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    Category,
    ConfigurationItem,
    KbArticle,
    KbArticleCI,
    KbRevision,
    KbTag,
    KbTicket,
    Staff,
)
from itsm_tui.storage.tables.knowledge import TAG_MAX
from itsm_tui.workflow import text_input
from itsm_tui.workflow.cmdb.items import find_ci
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.knowledge import search
from itsm_tui.workflow.lookup import find_category, find_ticket
from itsm_tui.workflow.numbering import next_in_series, series_number
from itsm_tui.workflow.permissions import Action, allowed
from itsm_tui.workflow.tickets.create import check_text
from itsm_tui.workflow.versioned import apply_versioned, check_version

A = ArticleStatus
ARTICLE = core_table(KbArticle)
SEARCH_KIND = "article"
#: The longest article body, in characters (a long how-to with its log excerpts).
BODY_MAX = 100_000
TAGS_MAX = 20
PAGE_MAX = 500

#: operation → the states it may start from.
OPERATIONS: dict[str, frozenset[ArticleStatus]] = {
    "edit": frozenset({A.DRAFT, A.REVIEWED, A.PUBLISHED}),
    "review": frozenset({A.DRAFT}),
    "publish": frozenset({A.REVIEWED}),
    "retire": frozenset({A.DRAFT, A.REVIEWED, A.PUBLISHED}),
    "link": frozenset({A.PUBLISHED}),
}


def _check_state(article: KbArticle, operation: str) -> None:
    if ArticleStatus(article.status) in OPERATIONS[operation]:
        return
    options = [op for op, states in OPERATIONS.items() if ArticleStatus(article.status) in states]
    raise Invalid(
        N_("Cannot {operation} {number}: it is {status}. From there you can: {options}."),
        field="status",
        operation=operation,
        number=article.number,
        status=status_label(article.status),
        options=", ".join(options) or "nothing",
    )


def find_article(session: Session, ref: str, *, for_update: bool = False) -> KbArticle:
    """An article by number (``KB000012``, ``kb12``, ``12``)."""
    text_input.storable("article", ref)
    stmt = select(KbArticle).where(KbArticle.number == series_number(ref, ARTICLE_PREFIX))
    if for_update:
        stmt = stmt.with_for_update()
    article = session.exec(stmt).first()
    if article is None:
        raise NotFound(N_("No article {number}."), field="article", number=ref)
    return article


def _load(tx: Tx, ref: str, operation: str, expected_version: int | None) -> KbArticle:
    article = find_article(tx.session, ref, for_update=True)
    check_version(tx, "kb_article", article, expected_version)
    _check_state(article, operation)
    return article


def _body(body: str) -> str:
    text_input.storable("body", body)
    if len(body) > BODY_MAX:
        raise Invalid(
            N_("body is {length} characters; the limit is {limit}."),
            field="body",
            length=len(body),
            limit=BODY_MAX,
        )
    return body


def _visibility(value: str) -> str:
    if value not in {v.value for v in Visibility}:
        raise Invalid(
            N_("visibility must be one of: {options}."),
            field="visibility",
            options=", ".join(v.value for v in Visibility),
        )
    return value


def _tags(tags: Sequence[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        tag = text_input.one_line("tags", tag).strip()
        if not tag:
            continue
        if len(tag) > TAG_MAX:
            raise Invalid(
                N_("The tag {tag} is longer than {limit} characters."),
                field="tags",
                tag=tag,
                limit=TAG_MAX,
            )
        if tag not in out:
            out.append(tag)
    if len(out) > TAGS_MAX:
        raise Invalid(N_("At most {limit} tags."), field="tags", limit=TAGS_MAX)
    return out


def _set_tags(tx: Tx, article_id: int, tags: list[str]) -> None:
    tx.session.execute(
        delete(core_table(KbTag)).where(core_table(KbTag).c.article_id == article_id)
    )
    for tag in tags:
        tx.session.add(KbTag(article_id=article_id, tag=tag))


def _set_cis(tx: Tx, article_id: int, refs: Sequence[str]) -> list[str]:
    cis = {ci.id: ci for ci in (find_ci(tx.session, ref) for ref in refs)}
    table = core_table(KbArticleCI)
    tx.session.execute(delete(table).where(table.c.article_id == article_id))
    for ci_id in sorted(i for i in cis if i is not None):
        tx.session.add(KbArticleCI(article_id=article_id, ci_id=ci_id))
    return sorted(c.name for c in cis.values())


def _reindex(tx: Tx, article: KbArticle) -> None:
    assert article.id is not None
    tags = tx.session.exec(select(KbTag.tag).where(KbTag.article_id == article.id)).all()
    search.index(
        tx.session,
        SEARCH_KIND,
        article.id,
        article.title,
        " ".join(tags) + "\n" + article.body,
        tx.now,
    )


@mutation(Action.WRITE_KNOWLEDGE)
def add_article(
    tx: Tx,
    *,
    title: str,
    body: str,
    category: str | None = None,
    visibility: str = Visibility.INTERNAL.value,
    tags: Sequence[str] = (),
    cis: Sequence[str] = (),
    source_ticket: str | None = None,
) -> ArticleView:
    """Write a new article, as a draft (a supervisor reviews it before it is published)."""
    check_text("title", title, required=True)
    _body(body)
    ticket = find_ticket(tx.session, source_ticket) if source_ticket else None
    article = KbArticle(
        number=next_in_series(tx.session, ARTICLE_PREFIX),
        title=title,
        body=body,
        category_id=find_category(tx.session, category).id if category else None,
        visibility=_visibility(visibility),
        status=A.DRAFT.value,
        revision=1,
        author_id=None if tx.actor.is_system else tx.actor.id,
        source_ticket_id=ticket.id if ticket else None,
        created_at=tx.now,
        updated_at=tx.now,
    )
    tx.session.add(article)
    tx.session.flush()
    assert article.id is not None
    tx.session.add(
        KbRevision(
            article_id=article.id,
            revision=1,
            title=title,
            body=body,
            author_id=article.author_id,
            created_at=tx.now,
        )
    )
    _set_tags(tx, article.id, _tags(tags))
    _set_cis(tx, article.id, cis)
    tx.session.flush()
    tx.journal(
        "kb_article",
        article.id,
        "create",
        {"title": title, "source_ticket": ticket.number if ticket else None},
    )
    _reindex(tx, article)
    return article_view(tx.session, article, tx.actor.roles)


@mutation(Action.WRITE_KNOWLEDGE)
def article_from_ticket(tx: Tx, ticket_ref: str) -> ArticleView:
    """A draft written from a resolved ticket: its title, and its resolution as the body."""
    ticket = find_ticket(tx.session, ticket_ref)
    if not (ticket.resolution_text or "").strip():
        raise Invalid(
            N_("{number} has no resolution to write an article from."),
            field="ticket",
            number=ticket.number,
        )
    body = f"{ticket.description}\n\n{ticket.resolution_text}".strip()
    category = tx.session.get(Category, ticket.category_id) if ticket.category_id else None
    return add_article.__wrapped__(  # type: ignore[attr-defined]  # the body @mutation keeps (functools.wraps)
        tx,
        title=text_input.folded(ticket.title),
        body=text_input.text_only(body)[:BODY_MAX],
        category=category.code if category else None,
        source_ticket=ticket.number,
    )


@mutation(Action.WRITE_KNOWLEDGE)
def edit_article(
    tx: Tx,
    number: str,
    *,
    title: str | None = None,
    body: str | None = None,
    category: str | None = None,
    visibility: str | None = None,
    tags: Sequence[str] | None = None,
    cis: Sequence[str] | None = None,
    expected_version: int | None = None,
) -> ArticleView:
    """Change an article. A new title or body is a new revision; a reviewed article whose text
    changes goes back to draft."""
    article = _load(tx, number, "edit", expected_version)
    assert article.id is not None
    changes: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    if title is not None and title != article.title:
        changes["title"] = check_text("title", title, required=True)
    if body is not None and body != article.body:
        changes["body"] = _body(body)
    if changes:
        revision = article.revision + 1
        tx.session.add(
            KbRevision(
                article_id=article.id,
                revision=revision,
                title=changes.get("title", article.title),
                body=changes.get("body", article.body),
                author_id=None if tx.actor.is_system else tx.actor.id,
                created_at=tx.now,
            )
        )
        changes["revision"] = revision
        if article.status == A.REVIEWED:
            changes["status"] = A.DRAFT.value
        # The journal keeps the revision, not the whole text: the revision table holds it.
        extra["revision"] = revision
    if category is not None:
        changes["category_id"] = find_category(tx.session, category).id
    if visibility is not None:
        changes["visibility"] = _visibility(visibility)
    if tags is not None:
        _set_tags(tx, article.id, _tags(tags))
        extra["tags"] = list(tags)
    if cis is not None:
        extra["cis"] = _set_cis(tx, article.id, cis)
    if not changes and not extra:
        raise Invalid(N_("Nothing to change."), field="article")
    apply_versioned(
        tx, ARTICLE, "kb_article", article, "edit", changes, extra, unjournaled=frozenset({"body"})
    )
    tx.session.flush()
    _reindex(tx, article)
    return article_view(tx.session, article, tx.actor.roles)


@mutation(Action.REVIEW_KNOWLEDGE)
def review_article(tx: Tx, number: str, *, expected_version: int | None = None) -> ArticleView:
    """A supervisor has read the draft and vouches for it."""
    article = _load(tx, number, "review", expected_version)
    apply_versioned(
        tx,
        ARTICLE,
        "kb_article",
        article,
        "review",
        {"status": A.REVIEWED.value, "reviewed_by_id": tx.actor.id, "reviewed_at": tx.now},
    )
    return article_view(tx.session, article, tx.actor.roles)


@mutation(Action.REVIEW_KNOWLEDGE)
def publish_article(tx: Tx, number: str, *, expected_version: int | None = None) -> ArticleView:
    """Make a reviewed article what the hotline finds and is offered."""
    article = _load(tx, number, "publish", expected_version)
    apply_versioned(
        tx,
        ARTICLE,
        "kb_article",
        article,
        "publish",
        {"status": A.PUBLISHED.value, "published_at": tx.now},
    )
    return article_view(tx.session, article, tx.actor.roles)


@mutation(Action.REVIEW_KNOWLEDGE)
def retire_article(
    tx: Tx, number: str, *, reason: str = "", expected_version: int | None = None
) -> ArticleView:
    """Take an article out of use (kept, with its history, for the record)."""
    article = _load(tx, number, "retire", expected_version)
    apply_versioned(
        tx,
        ARTICLE,
        "kb_article",
        article,
        "retire",
        {"status": A.RETIRED.value, "retired_at": tx.now},
        {"reason": check_text("reason", reason)} if reason else None,
    )
    return article_view(tx.session, article, tx.actor.roles)


@mutation(Action.WRITE_KNOWLEDGE)
def link_article(tx: Tx, ticket_ref: str, article_ref: str) -> ArticleView:
    """Say a ticket was solved with an article: one more use of it."""
    ticket = find_ticket(tx.session, ticket_ref, for_update=True)
    article = _load(tx, article_ref, "link", None)
    assert ticket.id is not None and article.id is not None
    if tx.session.get(KbTicket, (ticket.id, article.id)) is not None:
        raise Conflict(
            N_("{ticket} is already linked to {article}."),
            field="article",
            ticket=ticket.number,
            article=article.number,
        )
    tx.session.add(
        KbTicket(
            ticket_id=ticket.id,
            article_id=article.id,
            linked_by_id=None if tx.actor.is_system else tx.actor.id,
            linked_at=tx.now,
        )
    )
    # A use is a counter bumped in place, not a new version of the article: counting must not
    # make a person's edit of the article conflict.
    tx.session.execute(
        update(ARTICLE).where(ARTICLE.c.id == article.id).values(use_count=ARTICLE.c.use_count + 1)
    )
    tx.session.refresh(article)
    tx.journal("ticket", ticket.id, "link_article", {"article": article.number})
    return article_view(tx.session, article, tx.actor.roles)


# ---------------------------------------------------------------------- reads


@dataclass(frozen=True)
class ArticleView:
    id: int
    number: str
    title: str
    body: str
    category: str | None
    visibility: str
    status: str
    revision: int
    use_count: int
    author: str | None
    reviewed_by: str | None
    tags: list[str]
    cis: list[str]
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    version: int
    allowed: list[str]


def article_view(session: Session, article: KbArticle, roles: frozenset[Any]) -> ArticleView:
    assert article.id is not None
    category = session.get(Category, article.category_id) if article.category_id else None
    author = session.get(Staff, article.author_id) if article.author_id else None
    reviewer = session.get(Staff, article.reviewed_by_id) if article.reviewed_by_id else None
    tags = session.exec(
        select(KbTag.tag).where(KbTag.article_id == article.id).order_by(col(KbTag.tag))
    ).all()
    cis = session.exec(
        select(ConfigurationItem.name)
        .join(KbArticleCI, col(KbArticleCI.ci_id) == ConfigurationItem.id)
        .where(KbArticleCI.article_id == article.id)
        .order_by(ConfigurationItem.name)
    ).all()
    state = ArticleStatus(article.status)
    offered = [
        op
        for op, states in OPERATIONS.items()
        if state in states
        and allowed(
            roles,
            Action.REVIEW_KNOWLEDGE
            if op in ("review", "publish", "retire")
            else Action.WRITE_KNOWLEDGE,
        )
    ]
    return ArticleView(
        id=article.id,
        number=article.number,
        title=article.title,
        body=article.body,
        category=category.name if category else None,
        visibility=article.visibility,
        status=article.status,
        revision=article.revision,
        use_count=article.use_count,
        author=author.login if author else None,
        reviewed_by=reviewer.login if reviewer else None,
        tags=list(tags),
        cis=list(cis),
        created_at=article.created_at,
        updated_at=article.updated_at,
        published_at=article.published_at,
        version=article.version,
        allowed=offered,
    )


@query(Action.VIEW_KNOWLEDGE)
def show_article(read: Read, number: str) -> ArticleView:
    return article_view(read.session, find_article(read.session, number), read.actor.roles)


@dataclass(frozen=True)
class RevisionRow:
    revision: int
    title: str
    author: str | None
    created_at: datetime


@query(Action.VIEW_KNOWLEDGE)
def article_history(read: Read, number: str) -> list[RevisionRow]:
    """The article's revisions, oldest first."""
    article = find_article(read.session, number)
    rows = read.session.exec(
        select(KbRevision, Staff.login)
        .join(Staff, col(Staff.id) == KbRevision.author_id, isouter=True)
        .where(KbRevision.article_id == article.id)
        .order_by(col(KbRevision.revision))
    ).all()
    return [RevisionRow(r.revision, r.title, login, r.created_at) for r, login in rows]


@query(Action.VIEW_KNOWLEDGE)
def article_diff(
    read: Read, number: str, *, old: int | None = None, new: int | None = None
) -> list[str]:
    """A unified diff of two revisions' text (default: the previous and the current one)."""
    article = find_article(read.session, number)
    new = new if new is not None else article.revision
    old = old if old is not None else max(new - 1, 1)

    def text_of(revision: int) -> list[str]:
        row = read.session.get(KbRevision, (article.id, revision))
        if row is None:
            raise NotFound(
                N_("{number} has no revision {revision}."),
                field="revision",
                number=article.number,
                revision=revision,
            )
        return [f"# {row.title}", "", *row.body.splitlines()]

    return list(
        difflib.unified_diff(
            text_of(old),
            text_of(new),
            fromfile=f"{article.number} r{old}",
            tofile=f"{article.number} r{new}",
            lineterm="",
        )
    )


@dataclass(frozen=True)
class ArticleRow:
    id: int
    number: str
    title: str
    status: str
    visibility: str
    use_count: int
    updated_at: datetime


@query(Action.VIEW_KNOWLEDGE)
def list_articles(
    read: Read, *, status: str | None = None, after_id: int | None = None, limit: int = 50
) -> list[ArticleRow]:
    """A page of articles, newest first (keyset on id)."""
    if not 1 <= limit <= PAGE_MAX:
        raise Invalid(N_("limit must be 1 to {limit}."), field="limit", limit=PAGE_MAX)
    stmt = select(KbArticle)
    if status is not None:
        if status not in {s.value for s in ArticleStatus}:
            raise Invalid(
                N_("status must be one of: {states}."),
                field="status",
                states=", ".join(s.value for s in ArticleStatus),
            )
        stmt = stmt.where(KbArticle.status == status)
    if after_id is not None:
        stmt = stmt.where(col(KbArticle.id) < after_id)
    rows = read.session.exec(stmt.order_by(col(KbArticle.id).desc()).limit(limit)).all()
    return [
        ArticleRow(a.id or 0, a.number, a.title, a.status, a.visibility, a.use_count, a.updated_at)
        for a in rows
    ]
