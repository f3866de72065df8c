"""nightly backlog snapshots, and the response clock's business minutes stored on the ticket

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05

``backlog_snapshot`` holds the backlog at each local midnight, once (``uq_backlog_snapshot_end``),
and ``backlog_count`` its split by group and tier: the KPI report reads an old period's backlog
from there instead of from about half the tickets. ``ticket.response_elapsed_min`` keeps the
response clock's business minutes from the first response on, so response times are a SQL
aggregate; ``ix_ticket_opened_kpi`` covers it in place of ``first_response_at`` (which no read
of the opening range needs any more).

The past is filled in by the upgrade itself, right after this revision is applied
(``workflow.kpi.snapshots.backfill``, run by ``itsm db upgrade`` and the console's own
upgrade): response minutes need each ticket's business calendar and the snapshots the site's
time zone, which only the workflow knows. The nightly job takes any day still missing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPENED_KPI = "ix_ticket_opened_kpi"
#: As ``storage/tables/tickets.py`` declares it now, and as 0015 made it.
OPENED_COLUMNS = [
    "opened_at", "status", "type", "group_id", "tier", "category_id", "left_first_line",
    "priority", "response_elapsed_min", "resolution_elapsed_min", "id",
]
OPENED_COLUMNS_0015 = [
    "opened_at", "status", "type", "group_id", "tier", "category_id", "left_first_line",
    "priority", "first_response_at", "resolution_elapsed_min", "id",
]


def upgrade() -> None:
    # A nullable column without a default: no table copy on SQLite, no rewrite on PostgreSQL.
    op.add_column("ticket", sa.Column("response_elapsed_min", sa.Integer(), nullable=True))
    op.drop_index(OPENED_KPI, table_name="ticket")
    op.create_index(OPENED_KPI, "ticket", OPENED_COLUMNS)
    op.create_table(
        "backlog_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("end_at", sa.DateTime(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("backlog", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backlog_snapshot")),
        sa.UniqueConstraint("end_at", name="uq_backlog_snapshot_end"),
    )
    op.create_table(
        "backlog_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("backlog", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["backlog_snapshot.id"],
            name=op.f("fk_backlog_count_snapshot_id_backlog_snapshot"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["assignment_group.id"],
            name=op.f("fk_backlog_count_group_id_assignment_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backlog_count")),
    )
    op.create_index(
        "ix_backlog_count_snapshot", "backlog_count", ["snapshot_id", "group_id", "tier"]
    )


def downgrade() -> None:
    op.drop_index("ix_backlog_count_snapshot", table_name="backlog_count")
    op.drop_table("backlog_count")
    op.drop_table("backlog_snapshot")
    op.drop_index(OPENED_KPI, table_name="ticket")
    op.create_index(OPENED_KPI, "ticket", OPENED_COLUMNS_0015)
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("response_elapsed_min")
