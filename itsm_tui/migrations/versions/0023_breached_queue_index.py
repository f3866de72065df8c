"""the breached queue's index: open tickets by status, priority and deadline

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06

The supervisor's breached queue (open tickets past their resolution deadline) read its time
window through ``ix_ticket_status_due`` and looked each ticket up for its priority: a page
filtered to one priority, or sorted by priority, read every breached ticket of the status
(up to 210 ms at a million tickets once most open tickets were past due).
``ix_ticket_open_priority_due`` (status, priority, resolution_due_at, id), partial over the
open statuses (a few per cent of the tickets), holds the window as one range per status and
priority, already in deadline order, with every sort key of a page.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_ticket_open_priority_due"
#: As ``storage.tables.tickets.OPEN_ONLY`` when this revision was written.
OPEN_ONLY = "status IN ('new', 'assigned', 'in_progress', 'pending')"


def upgrade() -> None:
    op.create_index(
        NAME,
        "ticket",
        ["status", "priority", "resolution_due_at", "id"],
        sqlite_where=sa.text(OPEN_ONLY),
        postgresql_where=sa.text(OPEN_ONLY),
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="ticket")
