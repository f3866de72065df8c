"""Loading the demo's knowledge base and problems (``demo.knowledge``) in the demo's
transaction: articles with their revisions, tags, CIs and use counts, and problems linked to
the demo's own recurring incidents on each business system.

A few dozen rows: Core inserts one by one cost nothing here, and the search index is written
by ``knowledge.search.index``, as a live site writes it. Like the demo's CIs and categories
they are part of the load the ``demo_load`` journal entry records, not journaled one by one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

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
from itsm_tui.workflow.demo.knowledge import ARTICLES, PROBLEMS
from itsm_tui.workflow.demo.people import People
from itsm_tui.workflow.knowledge import search
from itsm_tui.workflow.knowledge.articles import SEARCH_KIND as ARTICLE_KIND
from itsm_tui.workflow.numbering import next_in_series
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
    for i, (title, category, tags, system, visibility, body) in enumerate(ARTICLES):
        author = rng.choice(author_pool)
        draft = i % DRAFT_EVERY == DRAFT_EVERY - 1
        written = tx.now - timedelta(days=rng.randrange(30, 300))
        revisions = 2 if i % 4 == 0 else 1
        number = next_in_series(session, ARTICLE_PREFIX)
        article_id = session.execute(
            insert(core_table(KbArticle))
            .values(
                number=number,
                title=title,
                body=body,
                category_id=catalog.category.get(category),
                visibility=visibility,
                status=(ArticleStatus.DRAFT if draft else ArticleStatus.PUBLISHED).value,
                revision=revisions,
                use_count=0 if draft else rng.randrange(0, 60),
                author_id=author,
                reviewed_by_id=None if draft else reviewer,
                reviewed_at=None if draft else written + timedelta(days=1),
                published_at=None if draft else written + timedelta(days=1),
                created_at=written,
                updated_at=written + timedelta(days=revisions),
                version=1 if draft else 3,
            )
            .returning(core_table(KbArticle).c.id)
        ).scalar_one()
        first_body = body.rsplit("\n\n", 1)[0] if revisions == 2 else body
        for revision, text in enumerate([first_body, body][-revisions:], start=1):
            session.execute(
                insert(core_table(KbRevision)).values(
                    article_id=article_id,
                    revision=revision,
                    title=title,
                    body=text,
                    author_id=author,
                    created_at=written + timedelta(days=revision - 1),
                )
            )
        for tag in tags:
            session.execute(insert(core_table(KbTag)).values(article_id=article_id, tag=tag))
        if system is not None and system in catalog.system_ci:
            session.execute(
                insert(core_table(KbArticleCI)).values(
                    article_id=article_id, ci_id=catalog.system_ci[system]
                )
            )
        search.index(session, ARTICLE_KIND, article_id, title, " ".join(tags) + "\n" + body, tx.now)
    linked = 0
    for title, category, system, cause, root, workaround, fix, status in PROBLEMS:
        linked += _problem(
            tx, catalog, people, title, category, system, cause, root, workaround, fix, status
        )
    return KnowledgeCounts(len(ARTICLES), len(PROBLEMS), linked)


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
