"""service quality: satisfaction surveys, complaints, scoring schemes, frozen scorecards

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

The CHECK conditions are written out here as they stand today (not read from
``storage.tables.checks``), so a later vocabulary change needs a migration of its own.
Two ticket indexes serve the scorecards' per-person ranges (first-line resolution by who took
the call; reopen rate and SLA compliance by who resolved).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "score_scheme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["staff.id"], name=op.f("fk_score_scheme_imported_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_scheme")),
        sa.UniqueConstraint("role", "version", name="uq_score_scheme_role_version"),
    )
    op.create_table(
        "frozen_scorecard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=True),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["staff.id"], name=op.f("fk_frozen_scorecard_closed_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["score_scheme.id"],
            name=op.f("fk_frozen_scorecard_scheme_id_score_scheme"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_frozen_scorecard_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frozen_scorecard")),
        sa.UniqueConstraint("period", "staff_id", name="uq_frozen_scorecard_period_staff"),
    )
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.Column("logged_at", sa.DateTime(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('phone', 'walk_in', 'email', 'web', 'monitoring')",
            name=op.f("ck_complaint_channel"),
        ),
        sa.CheckConstraint(
            "status IN ('received', 'under_review', 'valid', 'invalid', 'closed')",
            name=op.f("ck_complaint_status"),
        ),
        sa.CheckConstraint("verdict IN ('valid', 'invalid')", name=op.f("ck_complaint_verdict")),
        sa.CheckConstraint(
            "ticket_id IS NOT NULL OR staff_id IS NOT NULL", name=op.f("ck_complaint_against")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["assignment_group.id"],
            name=op.f("fk_complaint_group_id_assignment_group"),
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"], ["staff.id"], name=op.f("fk_complaint_logged_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["staff.id"], name=op.f("fk_complaint_reviewer_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_complaint_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_complaint_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
    )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaint_staff_received", ["staff_id", "received_at", "verdict"], unique=False
        )
        batch_op.create_index("ix_complaint_status", ["status", "id"], unique=False)
        batch_op.create_index("ix_complaint_ticket", ["ticket_id"], unique=False)

    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("caller_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_via", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("overall", sa.Integer(), nullable=True),
        sa.Column("timeliness", sa.Integer(), nullable=True),
        sa.Column("attitude", sa.Integer(), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("low_score", sa.Boolean(), nullable=False),
        sa.Column("callback_by_id", sa.Integer(), nullable=True),
        sa.Column("callback_at", sa.DateTime(), nullable=True),
        sa.Column("link_nonce", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'answered', 'expired')", name=op.f("ck_survey_status")
        ),
        sa.CheckConstraint("attitude BETWEEN 1 AND 5", name=op.f("ck_survey_attitude")),
        sa.CheckConstraint("overall BETWEEN 1 AND 5", name=op.f("ck_survey_overall")),
        sa.CheckConstraint("timeliness BETWEEN 1 AND 5", name=op.f("ck_survey_timeliness")),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["staff.id"], name=op.f("fk_survey_answered_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["callback_by_id"], ["staff.id"], name=op.f("fk_survey_callback_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["caller_id"], ["caller.id"], name=op.f("fk_survey_caller_id_caller")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["assignment_group.id"], name=op.f("fk_survey_group_id_assignment_group")
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_survey_staff_id_staff")),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_survey_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey")),
        sa.UniqueConstraint("ticket_id", "round", name="uq_survey_ticket_round"),
    )
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.create_index(
            "ix_survey_caller_answered", ["caller_id", "answered_at"], unique=False
        )
        batch_op.create_index(
            "ix_survey_staff_created", ["staff_id", "created_at", "status", "overall"], unique=False
        )
        batch_op.create_index(
            "ix_survey_status_expires", ["status", "expires_at", "id"], unique=False
        )

    # Plain CREATE INDEX, not batch mode: SQLite need not copy the ticket table for an index.
    op.create_index(
        "ix_ticket_opener_resolved",
        "ticket",
        ["opened_by_id", "resolved_at", "resolved_first_line"],
    )
    op.create_index(
        "ix_ticket_assignee_resolved", "ticket", ["assignee_id", "resolved_at", "reopen_count"]
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_assignee_resolved", table_name="ticket")
    op.drop_index("ix_ticket_opener_resolved", table_name="ticket")
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_status_expires")
        batch_op.drop_index("ix_survey_staff_created")
        batch_op.drop_index("ix_survey_caller_answered")

    op.drop_table("survey")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_ticket")
        batch_op.drop_index("ix_complaint_status")
        batch_op.drop_index("ix_complaint_staff_received")

    op.drop_table("complaint")
    op.drop_table("frozen_scorecard")
    op.drop_table("score_scheme")
