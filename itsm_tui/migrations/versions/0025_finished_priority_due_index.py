"""the finished tickets by status, priority and deadline

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06

"All" filtered to a finished status (resolved, closed, cancelled) and one priority, sorted by
deadline, walked the status's deadline range and kept the tickets of that priority: the
first matches can be far along it (94 cancelled P1 tickets meant reading every cancelled
ticket, 9-11 ms of CPU at a million tickets, more the more tickets there are).
``ix_ticket_done_priority_due`` (status, priority, resolution_due_at, id), partial over the
finished statuses, holds such a page as one range, as ``ix_ticket_open_priority_due`` (0023)
does for an open status. Partial, so that SQLite reads it only for a query that repeats its
condition (PostgreSQL also for one naming a finished status): a full (priority, deadline)
index was SQLite's choice for the breached queue at one priority, whose range held every
closed ticket of that priority (1.5 s at a million).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DONE_PRIORITY_DUE = "ix_ticket_done_priority_due"
#: As ``storage.tables.tickets.DONE_ONLY`` when this revision was written.
DONE_ONLY = "status IN ('resolved', 'closed', 'cancelled')"


def upgrade() -> None:
    op.create_index(
        DONE_PRIORITY_DUE,
        "ticket",
        ["status", "priority", "resolution_due_at", "id"],
        sqlite_where=sa.text(DONE_ONLY),
        postgresql_where=sa.text(DONE_ONLY),
    )


def downgrade() -> None:
    op.drop_index(DONE_PRIORITY_DUE, table_name="ticket")
