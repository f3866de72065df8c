"""The knowledge base: articles, their versions, tags, CIs, the tickets they solved, and the
character-bigram index that searches them (and known errors) in Chinese.

Why bigrams and not the databases' own text search: SQLite's FTS5 ``trigram`` finds nothing
for one- and two-character terms (打印, 网络 are most of what the hotline types) and drops them
silently inside an AND; PostgreSQL's ``pg_trgm`` indexes no Chinese under the C locale. A table
of (two characters, document) works the same on both: a term of two or more characters is
found through the bigrams it contains (an index range each), then checked literally on the
document's text; a one-character term is checked literally on the candidates.
"""

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field

from itsm_tui.common.domain import TITLE_MAX
from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.tables.checks import checks_for
from itsm_tui.storage.types import UTCDateTime

TAG_MAX = 40
SEARCH_KIND_MAX = 20
GRAM_MAX = 2


class KbArticle(Table, table=True):
    __tablename__ = "kb_article"
    __table_args__ = (
        # The article list by status, newest first.
        Index("ix_kb_article_status", "status", "id"),
        # The search's rank (use count, then the most recently updated): a common term's page
        # is read in this order until it is full, not ranked from every article holding it.
        Index("ix_kb_article_rank", "use_count", "updated_at", "id"),
        *checks_for("kb_article"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(default="", sa_type=Text)  # Markdown, the current revision's
    category_id: int | None = Field(default=None, foreign_key="category.id")
    visibility: str = Field(max_length=20)
    status: str = Field(max_length=20)
    revision: int = Field(default=1)  # the current content revision (kb_revision)
    use_count: int = Field(default=0)
    author_id: int | None = Field(default=None, foreign_key="staff.id")
    reviewed_by_id: int | None = Field(default=None, foreign_key="staff.id")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A draft made from a ticket's resolution names the ticket.
    source_ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)  # optimistic lock, as tickets


class KbRevision(Table, table=True):
    """One saved version of an article's title and body (an edit adds one)."""

    __tablename__ = "kb_revision"

    article_id: int = Field(foreign_key="kb_article.id", primary_key=True, ondelete="CASCADE")
    revision: int = Field(primary_key=True)
    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(default="", sa_type=Text)
    author_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class KbTag(Table, table=True):
    __tablename__ = "kb_tag"
    __table_args__ = (Index("ix_kb_tag_tag", "tag", "article_id"),)  # articles by tag

    article_id: int = Field(foreign_key="kb_article.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(max_length=TAG_MAX, primary_key=True)


class KbArticleCI(Table, table=True):
    """A CI or business service an article is about."""

    __tablename__ = "kb_article_ci"
    __table_args__ = (Index("ix_kb_article_ci_ci", "ci_id", "article_id"),)  # intake by CI

    article_id: int = Field(foreign_key="kb_article.id", primary_key=True, ondelete="CASCADE")
    ci_id: int = Field(foreign_key="configuration_item.id", primary_key=True)


class KbTicket(Table, table=True):
    """A ticket solved with an article ("solved with"): each link is one use of it."""

    __tablename__ = "kb_ticket"
    __table_args__ = (Index("ix_kb_ticket_article", "article_id", "ticket_id"),)

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True, ondelete="CASCADE")
    article_id: int = Field(foreign_key="kb_article.id", primary_key=True, ondelete="CASCADE")
    linked_by_id: int | None = Field(default=None, foreign_key="staff.id")
    linked_at: datetime = Field(sa_type=UTCDateTime)


class SearchDoc(Table, table=True):
    """One searchable thing (an article, a problem) as the search reads it: its text folded
    (Latin lower case) for the literal check, and what ranks it."""

    __tablename__ = "search_doc"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", name="uq_search_doc_ref"),
        # The title hits of a kind: every title checked in this (small) index, not in the rows.
        Index("ix_search_doc_title", "kind", "title", "ref_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=SEARCH_KIND_MAX)  # article | problem
    ref_id: int
    title: str = Field(max_length=TITLE_MAX)  # folded
    text: str = Field(default="", sa_type=Text)  # folded title, tags and body
    updated_at: datetime = Field(sa_type=UTCDateTime)


class SearchGram(Table, table=True):
    """Two consecutive characters of a document's folded text (each pair once per document).

    The key (gram, doc) is the posting list of a bigram, read as an index range."""

    __tablename__ = "search_gram"
    __table_args__ = (Index("ix_search_gram_doc", "doc_id"),)  # re-indexing a document

    gram: str = Field(max_length=GRAM_MAX, primary_key=True)
    doc_id: int = Field(foreign_key="search_doc.id", primary_key=True, ondelete="CASCADE")


class SearchGramCount(Table, table=True):
    """How many documents of a kind hold a bigram (the length of its posting list in that
    kind), and under the empty gram how many documents the kind has: kept in the transaction
    that (re)indexes a document, so a search picks its rarest bigram, or sees that a bigram is
    nowhere, without counting postings."""

    __tablename__ = "search_gram_count"

    kind: str = Field(max_length=SEARCH_KIND_MAX, primary_key=True)
    gram: str = Field(max_length=GRAM_MAX, primary_key=True)
    docs: int = Field(default=0)
