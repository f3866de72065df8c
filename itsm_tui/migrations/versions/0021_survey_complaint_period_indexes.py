"""the KPI report's satisfaction section reads a period's surveys and complaints by index

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06

Section 7 counts the surveys of a period's resolutions (``survey.created_at``) and the
complaints received in it (``complaint.received_at``) for the whole site or one group; the only
indexes on those instants led with the staff member, so the site's figures read every survey
and every complaint ever taken, three times a report (the period, the one before, last year).
``ix_survey_created_kpi`` (created_at, group_id, status, overall) and
``ix_complaint_received_kpi`` (received_at, group_id, verdict) cover what the section counts,
so a month is one index range.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_survey_created_kpi", "survey", ["created_at", "group_id", "status", "overall"]
    )
    op.create_index(
        "ix_complaint_received_kpi", "complaint", ["received_at", "group_id", "verdict"]
    )


def downgrade() -> None:
    op.drop_index("ix_complaint_received_kpi", table_name="complaint")
    op.drop_index("ix_survey_created_kpi", table_name="survey")
