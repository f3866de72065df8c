"""complaints by the person complained about, newest first, from an index

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

``itsm complaint list --staff LOGIN`` pages a person's complaints by id. The scorecards' index
``ix_complaint_staff_received`` orders them by the time received, so the page sorted every
complaint about the person first; ``ix_complaint_staff_id`` (staff_id, id) gives the page in
its keyset order.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_complaint_staff_id", "complaint", ["staff_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_complaint_staff_id", table_name="complaint")
