"""change management: requests for change, their CIs and links, CAB approvals, freeze windows;
the alert inbox holds alerts about a change as well as a ticket

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_freeze",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_freeze")),
        sa.UniqueConstraint("name", "starts_at", name="uq_change_freeze"),
    )
    with op.batch_alter_table("change_freeze", schema=None) as batch_op:
        batch_op.create_index("ix_change_freeze_ends", ["ends_at"], unique=False)

    op.create_table(
        "change_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("template", sa.String(length=60), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("implementation_plan", sa.Text(), nullable=False),
        sa.Column("backout_plan", sa.Text(), nullable=False),
        sa.Column("test_plan", sa.Text(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=True),
        sa.Column("window_end", sa.DateTime(), nullable=True),
        sa.Column("implementer_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("risk_score", sa.Integer(), nullable=True),
        sa.Column("risk_level", sa.String(length=20), nullable=True),
        sa.Column("risk_factors", sa.JSON(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("actual_start", sa.DateTime(), nullable=True),
        sa.Column("actual_end", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("review_success", sa.Boolean(), nullable=True),
        sa.Column("lessons", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('success', 'failed', 'backed_out')", name=op.f("ck_change_request_outcome")
        ),
        sa.CheckConstraint(
            "risk_level IN ('low', 'medium', 'high', 'very_high')",
            name=op.f("ck_change_request_risk_level"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'assessed', 'awaiting_approval', 'scheduled', "
            "'implementing', 'implemented', 'in_review', 'closed', 'rejected', 'cancelled', "
            "'failed')",
            name=op.f("ck_change_request_status"),
        ),
        sa.CheckConstraint(
            "type IN ('standard', 'normal', 'emergency')", name=op.f("ck_change_request_type")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["assignment_group.id"],
            name=op.f("fk_change_request_group_id_assignment_group"),
        ),
        sa.ForeignKeyConstraint(
            ["implementer_id"], ["staff.id"], name=op.f("fk_change_request_implementer_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["staff.id"], name=op.f("fk_change_request_requested_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["staff.id"], name=op.f("fk_change_request_reviewed_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_request")),
        sa.UniqueConstraint("number", name=op.f("uq_change_request_number")),
    )
    with op.batch_alter_table("change_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_change_implementer", ["implementer_id", "status", "id"], unique=False
        )
        batch_op.create_index("ix_change_status", ["status", "id"], unique=False)
        batch_op.create_index("ix_change_status_window", ["status", "window_start"], unique=False)

    op.create_table(
        "change_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('approved', 'rejected')", name=op.f("ck_change_approval_decision")
        ),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["change_request.id"],
            name=op.f("fk_change_approval_change_id_change_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["assignment_group.id"],
            name=op.f("fk_change_approval_group_id_assignment_group"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_change_approval_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_approval")),
        sa.UniqueConstraint("change_id", "staff_id", name="uq_change_approval"),
    )
    with op.batch_alter_table("change_approval", schema=None) as batch_op:
        batch_op.create_index("ix_change_approval_staff", ["staff_id", "change_id"], unique=False)

    op.create_table(
        "change_ci",
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("ci_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["change_request.id"],
            name=op.f("fk_change_ci_change_id_change_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ci_id"], ["configuration_item.id"], name=op.f("fk_change_ci_ci_id_configuration_item")
        ),
        sa.PrimaryKeyConstraint("change_id", "ci_id", name=op.f("pk_change_ci")),
    )
    with op.batch_alter_table("change_ci", schema=None) as batch_op:
        batch_op.create_index("ix_change_ci_ci", ["ci_id", "change_id"], unique=False)

    op.create_table(
        "change_link",
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["change_request.id"],
            name=op.f("fk_change_link_change_id_change_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "change_id", "entity", "entity_id", "relation", name=op.f("pk_change_link")
        ),
    )
    with op.batch_alter_table("change_link", schema=None) as batch_op:
        batch_op.create_index("ix_change_link_entity", ["entity", "entity_id"], unique=False)

    with op.batch_alter_table("sla_alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_id", sa.Integer(), nullable=True))
        batch_op.alter_column("ticket_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_unique_constraint("uq_sla_alert_change", ["change_id", "kind", "staff_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_sla_alert_change_id_change_request"),
            "change_request",
            ["change_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    # An alert about a change has no ticket: it goes with the changes.
    op.execute("DELETE FROM sla_alert WHERE change_id IS NOT NULL")
    with op.batch_alter_table("sla_alert", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_sla_alert_change_id_change_request"), type_="foreignkey"
        )
        batch_op.drop_constraint("uq_sla_alert_change", type_="unique")
        batch_op.alter_column("ticket_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("change_id")

    with op.batch_alter_table("change_link", schema=None) as batch_op:
        batch_op.drop_index("ix_change_link_entity")

    op.drop_table("change_link")
    with op.batch_alter_table("change_ci", schema=None) as batch_op:
        batch_op.drop_index("ix_change_ci_ci")

    op.drop_table("change_ci")
    with op.batch_alter_table("change_approval", schema=None) as batch_op:
        batch_op.drop_index("ix_change_approval_staff")

    op.drop_table("change_approval")
    with op.batch_alter_table("change_request", schema=None) as batch_op:
        batch_op.drop_index("ix_change_status_window")
        batch_op.drop_index("ix_change_status")
        batch_op.drop_index("ix_change_implementer")

    op.drop_table("change_request")
    with op.batch_alter_table("change_freeze", schema=None) as batch_op:
        batch_op.drop_index("ix_change_freeze_ends")

    op.drop_table("change_freeze")
