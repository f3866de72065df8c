"""queue due indexes: every queue sorted by deadline is an index range in its own order

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

The "due" order (soonest resolution deadline first, then oldest) reads ``(…, status,
resolution_due_at, id)`` ranges as the other orders read theirs; ``ix_ticket_status_due``
gains ``id`` so equal deadlines come in id order without a sort on PostgreSQL.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNASSIGNED = "assignee_id IS NULL"
FLAGGED = "flagged_at IS NOT NULL"

#: name → (columns, partial condition or None), as ``storage/tables/tickets.py`` declares them.
INDEXES: dict[str, tuple[list[str], str | None]] = {
    "ix_ticket_assignee_by_due": (["assignee_id", "status", "resolution_due_at", "id"], None),
    "ix_ticket_group_by_due": (["group_id", "status", "resolution_due_at", "id"], None),
    "ix_ticket_by_due": (["resolution_due_at", "id"], None),
    "ix_ticket_unassigned_by_due": (
        ["group_id", "status", "resolution_due_at", "id", "assignee_id"],
        UNASSIGNED,
    ),
    "ix_ticket_flagged_by_due": (["status", "resolution_due_at", "id"], FLAGGED),
}


def upgrade() -> None:
    # Plain CREATE INDEX, not batch mode: SQLite need not copy the ticket table for an index.
    op.drop_index("ix_ticket_status_due", table_name="ticket")
    op.create_index("ix_ticket_status_due", "ticket", ["status", "resolution_due_at", "id"])
    for name, (columns, where) in INDEXES.items():
        partial: dict[str, Any] = {}
        if where is not None:
            partial = {"sqlite_where": sa.text(where), "postgresql_where": sa.text(where)}
        op.create_index(name, "ticket", columns, **partial)


def downgrade() -> None:
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="ticket")
    op.drop_index("ix_ticket_status_due", table_name="ticket")
    op.create_index("ix_ticket_status_due", "ticket", ["status", "resolution_due_at"])
