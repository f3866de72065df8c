"""daily rollups of the tickets resolved, for the KPI report's figures

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06

``kpi_day`` names each local day rolled up, once (``uq_kpi_day_end``), and ``kpi_day_count``
holds that day's resolved tickets per group, tier and priority: how many, at first line,
reassignments, reopened, and measured against and within their resolution and response
deadlines. The report sums a month of days instead of reading a month of tickets for each
figure. A day is rolled only once it is final (its end lies beyond the reopen window).

The past is rolled up by the upgrade itself, right after this revision is applied
(``workflow.kpi.rollups.backfill``, run by ``itsm db upgrade`` and the console's own upgrade):
the days are the site's local days, and only the workflow knows its time zone. The nightly job
rolls each day as it becomes final.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = (
    "resolved",
    "first_line",
    "reassignments",
    "reopened",
    "sla_measured",
    "sla_met",
    "response_measured",
    "response_met",
)


def upgrade() -> None:
    op.create_table(
        "kpi_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("end_at", sa.DateTime(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_day")),
        sa.UniqueConstraint("end_at", name="uq_kpi_day_end"),
    )
    op.create_index("ix_kpi_day_start", "kpi_day", ["start_at", "end_at", "id"])
    op.create_table(
        "kpi_day_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(
            ["day_id"],
            ["kpi_day.id"],
            name=op.f("fk_kpi_day_count_day_id_kpi_day"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["assignment_group.id"],
            name=op.f("fk_kpi_day_count_group_id_assignment_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_day_count")),
    )
    op.create_index(
        "ix_kpi_day_count_day", "kpi_day_count", ["day_id", "group_id", "tier", "priority"]
    )


def downgrade() -> None:
    op.drop_index("ix_kpi_day_count_day", table_name="kpi_day_count")
    op.drop_table("kpi_day_count")
    op.drop_index("ix_kpi_day_start", table_name="kpi_day")
    op.drop_table("kpi_day")
