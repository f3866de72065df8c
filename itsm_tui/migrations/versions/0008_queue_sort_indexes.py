"""queue sort indexes: every queue × sort × filter page is an index range in its own order

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

The priority-sorted pages read ``(…, priority, id DESC)`` ranges (before, "all, status
closed, by priority" sorted ~970,000 rows in a temporary B-tree at 1M tickets); unassigned
and flagged queues get partial indexes of their few rows. ``(priority, status, id)`` served no
page order and ``(flagged_at)`` is replaced by the partial flagged indexes.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNASSIGNED = "assignee_id IS NULL"
FLAGGED = "flagged_at IS NOT NULL"

#: name → (columns, partial condition or None), as ``storage/tables/tickets.py`` declares them.
INDEXES: dict[str, tuple[list[str], str | None]] = {
    "ix_ticket_assignee_by_priority": (["assignee_id", "status", "priority", "id DESC"], None),
    "ix_ticket_group_by_priority": (["group_id", "status", "priority", "id DESC"], None),
    "ix_ticket_status_by_priority": (["status", "priority", "id DESC"], None),
    "ix_ticket_by_priority": (["priority", "id DESC"], None),
    "ix_ticket_unassigned": (["group_id", "status", "id", "assignee_id"], UNASSIGNED),
    "ix_ticket_unassigned_by_priority": (
        ["group_id", "status", "priority", "id DESC", "assignee_id"],
        UNASSIGNED,
    ),
    "ix_ticket_flagged": (["status", "id"], FLAGGED),
    "ix_ticket_flagged_by_priority": (["status", "priority", "id DESC"], FLAGGED),
}


def upgrade() -> None:
    # Plain CREATE INDEX, not batch mode: SQLite need not copy the ticket table for an index.
    op.drop_index("ix_ticket_priority_status", table_name="ticket")
    op.drop_index("ix_ticket_flagged_at", table_name="ticket")
    for name, (columns, where) in INDEXES.items():
        partial: dict[str, Any] = {}
        if where is not None:
            partial = {"sqlite_where": sa.text(where), "postgresql_where": sa.text(where)}
        op.create_index(name, "ticket", [sa.text(c) if " " in c else c for c in columns], **partial)


def downgrade() -> None:
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="ticket")
    op.create_index("ix_ticket_flagged_at", "ticket", ["flagged_at"])
    op.create_index("ix_ticket_priority_status", "ticket", ["priority", "status", "id"])
