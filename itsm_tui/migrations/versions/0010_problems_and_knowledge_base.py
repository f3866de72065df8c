"""problems and the knowledge base: problems, their incidents and CIs, recurring-incident
candidates, articles with revisions, tags, CIs and tickets, and the bigram search index

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

The CHECK constraints of the new tables are written out as ``storage.tables.checks``'s
``NEW_TABLE_CHECKS`` builds them (``tests/unit/test_check_constraints.py`` compares them).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_doc",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_doc")),
        sa.UniqueConstraint("kind", "ref_id", name="uq_search_doc_ref"),
    )
    op.create_table(
        "search_gram",
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["doc_id"],
            ["search_doc.id"],
            name=op.f("fk_search_gram_doc_id_search_doc"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("gram", "doc_id", name=op.f("pk_search_gram")),
    )
    with op.batch_alter_table("search_gram", schema=None) as batch_op:
        batch_op.create_index("ix_search_gram_doc", ["doc_id"], unique=False)

    op.create_table(
        "problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("cause_code", sa.String(length=40), nullable=True),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("workaround", sa.Text(), nullable=False),
        sa.Column("fix", sa.Text(), nullable=False),
        sa.Column("fix_change", sa.String(length=40), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("known_error_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'investigating', 'known_error', 'resolved', 'closed')",
            name=op.f("ck_problem_status"),
        ),
        sa.CheckConstraint("priority BETWEEN 1 AND 5", name=op.f("ck_problem_priority")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_problem_category_id_category")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["assignment_group.id"], name=op.f("fk_problem_group_id_assignment_group")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["staff.id"], name=op.f("fk_problem_opened_by_id_staff")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["staff.id"], name=op.f("fk_problem_owner_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem")),
        sa.UniqueConstraint("number", name=op.f("uq_problem_number")),
    )
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.create_index("ix_problem_group_status", ["group_id", "status", "id"], unique=False)
        batch_op.create_index("ix_problem_status", ["status", "id"], unique=False)

    op.create_table(
        "kb_article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("source_ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'reviewed', 'published', 'retired')",
            name=op.f("ck_kb_article_status"),
        ),
        sa.CheckConstraint(
            "visibility IN ('internal', 'self_service')", name=op.f("ck_kb_article_visibility")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff.id"], name=op.f("fk_kb_article_author_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_kb_article_category_id_category")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["staff.id"], name=op.f("fk_kb_article_reviewed_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["source_ticket_id"], ["ticket.id"], name=op.f("fk_kb_article_source_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_article")),
        sa.UniqueConstraint("number", name=op.f("uq_kb_article_number")),
    )
    with op.batch_alter_table("kb_article", schema=None) as batch_op:
        batch_op.create_index("ix_kb_article_status", ["status", "id"], unique=False)

    op.create_table(
        "problem_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("ci_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("incidents", sa.Integer(), nullable=False),
        sa.Column("last_ticket_id", sa.Integer(), nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(), nullable=True),
        sa.Column("problem_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'dismissed', 'accepted')", name=op.f("ck_problem_candidate_status")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_problem_candidate_category_id_category")
        ),
        sa.ForeignKeyConstraint(
            ["ci_id"],
            ["configuration_item.id"],
            name=op.f("fk_problem_candidate_ci_id_configuration_item"),
        ),
        sa.ForeignKeyConstraint(
            ["dismissed_by_id"],
            ["staff.id"],
            name=op.f("fk_problem_candidate_dismissed_by_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["last_ticket_id"],
            ["ticket.id"],
            name=op.f("fk_problem_candidate_last_ticket_id_ticket"),
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problem.id"], name=op.f("fk_problem_candidate_problem_id_problem")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_candidate")),
        sa.UniqueConstraint("key", name="uq_problem_candidate_key"),
    )
    with op.batch_alter_table("problem_candidate", schema=None) as batch_op:
        batch_op.create_index("ix_problem_candidate_status", ["status", "id"], unique=False)

    op.create_table(
        "problem_ci",
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("ci_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ci_id"],
            ["configuration_item.id"],
            name=op.f("fk_problem_ci_ci_id_configuration_item"),
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problem.id"],
            name=op.f("fk_problem_ci_problem_id_problem"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("problem_id", "ci_id", name=op.f("pk_problem_ci")),
    )
    with op.batch_alter_table("problem_ci", schema=None) as batch_op:
        batch_op.create_index("ix_problem_ci_ci", ["ci_id", "problem_id"], unique=False)

    op.create_table(
        "problem_ticket",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problem.id"],
            name=op.f("fk_problem_ticket_problem_id_problem"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_problem_ticket_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_problem_ticket")),
    )
    with op.batch_alter_table("problem_ticket", schema=None) as batch_op:
        batch_op.create_index(
            "ix_problem_ticket_problem", ["problem_id", "ticket_id"], unique=False
        )

    op.create_table(
        "kb_article_ci",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("ci_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_article.id"],
            name=op.f("fk_kb_article_ci_article_id_kb_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ci_id"],
            ["configuration_item.id"],
            name=op.f("fk_kb_article_ci_ci_id_configuration_item"),
        ),
        sa.PrimaryKeyConstraint("article_id", "ci_id", name=op.f("pk_kb_article_ci")),
    )
    with op.batch_alter_table("kb_article_ci", schema=None) as batch_op:
        batch_op.create_index("ix_kb_article_ci_ci", ["ci_id", "article_id"], unique=False)

    op.create_table(
        "kb_revision",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_article.id"],
            name=op.f("fk_kb_revision_article_id_kb_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff.id"], name=op.f("fk_kb_revision_author_id_staff")
        ),
        sa.PrimaryKeyConstraint("article_id", "revision", name=op.f("pk_kb_revision")),
    )
    op.create_table(
        "kb_tag",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_article.id"],
            name=op.f("fk_kb_tag_article_id_kb_article"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "tag", name=op.f("pk_kb_tag")),
    )
    with op.batch_alter_table("kb_tag", schema=None) as batch_op:
        batch_op.create_index("ix_kb_tag_tag", ["tag", "article_id"], unique=False)

    op.create_table(
        "kb_ticket",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_article.id"],
            name=op.f("fk_kb_ticket_article_id_kb_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"], ["staff.id"], name=op.f("fk_kb_ticket_linked_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_kb_ticket_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "article_id", name=op.f("pk_kb_ticket")),
    )
    with op.batch_alter_table("kb_ticket", schema=None) as batch_op:
        batch_op.create_index("ix_kb_ticket_article", ["article_id", "ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kb_ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_kb_ticket_article")

    op.drop_table("kb_ticket")
    with op.batch_alter_table("kb_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_kb_tag_tag")

    op.drop_table("kb_tag")
    op.drop_table("kb_revision")
    with op.batch_alter_table("kb_article_ci", schema=None) as batch_op:
        batch_op.drop_index("ix_kb_article_ci_ci")

    op.drop_table("kb_article_ci")
    with op.batch_alter_table("problem_ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_ticket_problem")

    op.drop_table("problem_ticket")
    with op.batch_alter_table("problem_ci", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_ci_ci")

    op.drop_table("problem_ci")
    with op.batch_alter_table("problem_candidate", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_candidate_status")

    op.drop_table("problem_candidate")
    with op.batch_alter_table("kb_article", schema=None) as batch_op:
        batch_op.drop_index("ix_kb_article_status")

    op.drop_table("kb_article")
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_status")
        batch_op.drop_index("ix_problem_group_status")

    op.drop_table("problem")
    with op.batch_alter_table("search_gram", schema=None) as batch_op:
        batch_op.drop_index("ix_search_gram_doc")

    op.drop_table("search_gram")
    op.drop_table("search_doc")
