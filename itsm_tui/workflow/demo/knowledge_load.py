"""Loading the demo's knowledge base and problems (``demo.knowledge``) in the demo's
transaction: articles with their revisions, tags, CIs and use counts, and problems linked to
the demo's own recurring incidents on each business system.

Two hundred articles and twenty problems. The articles are written in a few batches and
indexed by ``knowledge.search.index_many`` (the same rows ``knowledge.search.index`` writes on
a live site, so a demo site searches exactly like one); the problems one by one. Like the
demo's CIs and categories they are part of the load the ``demo_load`` journal entry records,
not journaled one by one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from itsm_tui.common.domain import (
    ARTICLE_PREFIX,
    PROBLEM_PREFIX,
    ArticleStatus,
    ProblemStatus,
    TicketType,
)
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    KbArticle,
    KbArticleCI,
    KbRevision,
    KbTag,
    Problem,
    ProblemCI,
    ProblemTicket,
    Ticket,
    TicketCI,
)
from itsm_tui.workflow.context import Tx
from itsm_tui.workflow.demo.catalog import Catalog
from itsm_tui.workflow.demo.knowledge_generated import DEMO_ARTICLES, DEMO_PROBLEMS
from itsm_tui.workflow.demo.people import People
from itsm_tui.workflow.knowledge import search
from itsm_tui.workflow.knowledge.articles import SEARCH_KIND as ARTICLE_KIND
from itsm_tui.workflow.numbering import next_in_series, reserve_numbers
from itsm_tui.workflow.problems.records import SEARCH_KIND as PROBLEM_KIND

#: Incidents linked to each demo problem, at most (its cluster's most recent).
INCIDENTS_PER_PROBLEM = 8
#: Every this-many articles is still a draft (the review queue is not empty on a demo site).
DRAFT_EVERY = 9


@dataclass(frozen=True)
class KnowledgeCounts:
    articles: int
    problems: int
    linked_incidents: int


def load_knowledge(tx: Tx, catalog: Catalog, people: People, seed: int) -> KnowledgeCounts:
    rng = random.Random(f"itsm-demo:{seed}:knowledge")
    session = tx.session
    author_pool: list[int | None] = [*people.team.get("appops", []), *people.team.get("server", [])]
    author_pool = author_pool or [None]
    reviewer = next(iter(people.team.get("sup2", [])), None)
    # Two hundred articles are written as a few batches (``executemany``), not a few
    # statements each: building ~2,000 single statements cost the first start ~3 s.
    numbers = reserve_numbers(session, ARTICLE_PREFIX, len(DEMO_ARTICLES))
    articles: list[dict[str, Any]] = []
    later: list[tuple[str, int, datetime, int | None]] = []  # body before, revisions, …
    for i, (title, category, _tags, _system, visibility, body) in enumerate(DEMO_ARTICLES):
        author = rng.choice(author_pool)
        draft = i % DRAFT_EVERY == DRAFT_EVERY - 1
        written = tx.now - timedelta(days=rng.randrange(30, 300))
        revisions = 2 if i % 4 == 0 else 1
        articles.append(
            {
                "number": numbers[i],
                "title": title,
                "body": body,
                "category_id": catalog.category.get(category),
                "visibility": visibility,
                "status": (ArticleStatus.DRAFT if draft else ArticleStatus.PUBLISHED).value,
                "revision": revisions,
                "use_count": 0 if draft else rng.randrange(0, 60),
                "author_id": author,
                "reviewed_by_id": None if draft else reviewer,
                "reviewed_at": None if draft else written + timedelta(days=1),
                "published_at": None if draft else written + timedelta(days=1),
                "created_at": written,
                "updated_at": written + timedelta(days=revisions),
                "version": 1 if draft else 3,
            }
        )
        later.append((body.rsplit("\n\n", 1)[0], revisions, written, author))
    table = core_table(KbArticle)
    session.execute(insert(table), articles)
    ids = dict(
        session.execute(select(table.c.number, table.c.id).where(table.c.number.in_(numbers))).all()
    )
    revisions_rows: list[dict[str, Any]] = []
    tags_rows: list[dict[str, Any]] = []
    ci_rows: list[dict[str, Any]] = []
    docs: list[tuple[int, str, str]] = []
    for row, (before, revisions, written, author), article in zip(
        articles, later, DEMO_ARTICLES, strict=True
    ):
        article_id = ids[row["number"]]
        title, _category, tags, system, _visibility, body = article
        for revision, text in enumerate([before, body][-revisions:], start=1):
            revisions_rows.append(
                {
                    "article_id": article_id,
                    "revision": revision,
                    "title": title,
                    "body": text,
                    "author_id": author,
                    "created_at": written + timedelta(days=revision - 1),
                }
            )
        tags_rows += [{"article_id": article_id, "tag": tag} for tag in tags]
        if system is not None and system in catalog.system_ci:
            ci_rows.append({"article_id": article_id, "ci_id": catalog.system_ci[system]})
        docs.append((article_id, title, " ".join(tags) + "\n" + body))
    session.execute(insert(core_table(KbRevision)), revisions_rows)
    session.execute(insert(core_table(KbTag)), tags_rows)
    if ci_rows:
        session.execute(insert(core_table(KbArticleCI)), ci_rows)
    search.index_many(session, ARTICLE_KIND, docs, tx.now)
    linked = 0
    for title, category, system, cause, root, workaround, fix, status in DEMO_PROBLEMS:
        linked += _problem(
            tx, catalog, people, title, category, system, cause, root, workaround, fix, status
        )
    return KnowledgeCounts(len(DEMO_ARTICLES), len(DEMO_PROBLEMS), linked)


def _problem(
    tx: Tx,
    catalog: Catalog,
    people: People,
    title: str,
    category: str,
    system: str,
    cause: str,
    root: str,
    workaround: str,
    fix: str,
    status: str,
) -> int:
    """One demo problem, linked to the latest incidents on its system in its category."""
    session = tx.session
    ci_id = catalog.system_ci.get(system)
    category_id = catalog.category.get(category)
    ticket, ticket_ci = core_table(Ticket), core_table(TicketCI)
    linked = core_table(ProblemTicket)
    ids: list[int] = []
    if ci_id is not None and category_id is not None:
        ids = list(
            session.execute(
                select(ticket.c.id)
                .join(ticket_ci, ticket_ci.c.ticket_id == ticket.c.id)
                .where(
                    ticket_ci.c.ci_id == ci_id,
                    ticket.c.category_id == category_id,
                    ticket.c.type == TicketType.INCIDENT.value,
                    # Two problems on one system take different incidents (one problem each).
                    ticket.c.id.not_in(select(linked.c.ticket_id)),
                )
                .order_by(ticket.c.id.desc())
                .limit(INCIDENTS_PER_PROBLEM)
            ).scalars()
        )
    owner = next(iter(people.team.get("appops", [])), None)
    opened = tx.now - timedelta(days=20)
    known = status in (ProblemStatus.KNOWN_ERROR, ProblemStatus.RESOLVED)
    problem_id = session.execute(
        insert(core_table(Problem))
        .values(
            number=next_in_series(session, PROBLEM_PREFIX),
            title=title,
            description="",
            category_id=category_id,
            priority=3,
            status=status,
            owner_id=owner,
            group_id=people.group.get("appops"),
            cause_code=cause,
            root_cause=root,
            workaround=workaround,
            fix=fix,
            opened_by_id=owner,
            opened_at=opened,
            known_error_at=opened + timedelta(days=5) if known else None,
            resolved_at=opened + timedelta(days=12) if status == ProblemStatus.RESOLVED else None,
            updated_at=opened + timedelta(days=12),
            version=2,
        )
        .returning(core_table(Problem).c.id)
    ).scalar_one()
    if ci_id is not None:
        session.execute(insert(core_table(ProblemCI)).values(problem_id=problem_id, ci_id=ci_id))
    for ticket_id in ids:
        session.execute(
            insert(core_table(ProblemTicket)).values(
                ticket_id=ticket_id, problem_id=problem_id, linked_at=opened
            )
        )
    search.index(
        session, PROBLEM_KIND, problem_id, title, "\n".join((root, workaround, fix)), tx.now
    )
    return len(ids)
