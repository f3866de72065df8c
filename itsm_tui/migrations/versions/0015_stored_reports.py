"""stored KPI reports, one row per scheduled period; the outbox mails reports as well as alerts

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

The ticket's two time indexes become covering ones for the KPI report's period ranges
(``ix_ticket_opened_kpi``, ``ix_ticket_resolved_kpi``: same leading column, so every query
that read the old ones reads these), and the contacts' time index carries the channel. ``stored_report`` keeps each rendered report; ``uq_stored_report_period`` makes a scheduled
period render and mail once. ``notification_outbox`` gains ``report_id`` (its own uniqueness,
``uq_outbox_report``) and its ``alert_id`` becomes optional: a row names an alert or a report.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: name → columns, as ``storage/tables/tickets.py`` declares them.
KPI_INDEXES: dict[str, list[str]] = {
    "ix_ticket_opened_kpi": [
        "opened_at", "status", "type", "group_id", "tier", "category_id", "left_first_line",
        "priority", "first_response_at", "resolution_elapsed_min", "id",
    ],
    "ix_ticket_resolved_kpi": [
        "resolved_at", "status", "priority", "group_id", "tier", "resolved_first_line",
        "reassignment_count", "reopen_count", "resolution_elapsed_min", "resolution_due_at",
        "response_due_at", "first_response_at",
    ],
}
#: The indexes they replace, and their column.
OLD_INDEXES = {"ix_ticket_opened_at": "opened_at", "ix_ticket_resolved_at": "resolved_at"}


def upgrade() -> None:
    # Plain CREATE INDEX, not batch mode: SQLite need not copy the ticket table for an index.
    for name, columns in KPI_INDEXES.items():
        op.create_index(name, "ticket", columns)
    for name in OLD_INDEXES:
        op.drop_index(name, table_name="ticket")
    op.create_index("ix_contact_at_channel", "contact", ["occurred_at", "channel"])
    op.drop_index("ix_contact_at", table_name="contact")
    op.create_table(
        "stored_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule", sa.String(length=20), nullable=True),
        sa.Column("period_key", sa.String(length=40), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rendered_at", sa.DateTime(), nullable=True),
        sa.Column("mailed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff.id"], name=op.f("fk_stored_report_created_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_report")),
        sa.UniqueConstraint("schedule", "period_key", name="uq_stored_report_period"),
    )
    op.create_index("ix_stored_report_created", "stored_report", ["created_at", "id"])
    with op.batch_alter_table("notification_outbox") as batch:
        batch.add_column(sa.Column("report_id", sa.Integer(), nullable=True))
        batch.alter_column("alert_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            op.f("fk_notification_outbox_report_id_stored_report"),
            "stored_report",
            ["report_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_unique_constraint("uq_outbox_report", ["report_id", "channel", "address"])


def downgrade() -> None:
    op.execute("DELETE FROM notification_outbox WHERE alert_id IS NULL")
    with op.batch_alter_table("notification_outbox") as batch:
        batch.drop_constraint("uq_outbox_report", type_="unique")
        batch.drop_constraint(
            op.f("fk_notification_outbox_report_id_stored_report"), type_="foreignkey"
        )
        batch.drop_column("report_id")
        batch.alter_column("alert_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_stored_report_created", table_name="stored_report")
    op.drop_table("stored_report")
    op.create_index("ix_contact_at", "contact", ["occurred_at"])
    op.drop_index("ix_contact_at_channel", table_name="contact")
    for name, column in OLD_INDEXES.items():
        op.create_index(name, "ticket", [column])
    for name in KPI_INDEXES:
        op.drop_index(name, table_name="ticket")
