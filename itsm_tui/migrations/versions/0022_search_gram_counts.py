"""the knowledge search's posting counts, title index and rank index

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06

``search_gram_count`` holds, per kind of document (article, problem) and bigram, how many
documents hold it, and under the empty gram how many documents the kind has. The search reads
a term's counts (one key each) to pick its rarest bigram, or to see that no document holds it,
instead of counting posting lists; ``knowledge.search.index`` keeps them in the transaction
that writes the postings. The upgrade fills them from the postings already there.

``ix_search_doc_title`` (kind, folded title, document) lets the search check every title of a
kind in the index alone; ``ix_kb_article_rank`` (use count, updated, id) is the search's
order, read until a common term's page is full.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_gram_count",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("docs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "gram", name=op.f("pk_search_gram_count")),
    )
    bind = op.get_bind()
    bind.exec_driver_sql(
        "INSERT INTO search_gram_count (kind, gram, docs)"
        " SELECT d.kind, g.gram, count(*) FROM search_gram AS g"
        " JOIN search_doc AS d ON d.id = g.doc_id GROUP BY d.kind, g.gram"
    )
    bind.exec_driver_sql(
        "INSERT INTO search_gram_count (kind, gram, docs)"
        " SELECT kind, '', count(*) FROM search_doc GROUP BY kind"
    )
    op.create_index("ix_search_doc_title", "search_doc", ["kind", "title", "ref_id"], unique=False)
    op.create_index(
        "ix_kb_article_rank", "kb_article", ["use_count", "updated_at", "id"], unique=False
    )
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("ANALYZE search_gram_count")
        bind.exec_driver_sql("ANALYZE search_doc")


def downgrade() -> None:
    op.drop_index("ix_kb_article_rank", table_name="kb_article")
    op.drop_index("ix_search_doc_title", table_name="search_doc")
    op.drop_table("search_gram_count")
