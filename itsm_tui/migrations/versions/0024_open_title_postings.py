"""a title gram's postings know whether their ticket is open: ix_ticket_gram_open

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06

About one ticket in a hundred is open, so a search term's postings are ~99 % closed tickets:
a search in a queue of open work read a ticket row per posting (PostgreSQL, 200,000 tickets:
the breached queue searched for "空调" 30 ms) or walked the queue's index testing each title
(SQLite, a million: the open queue by deadline searched for "VPN" 14–20 ms of CPU).
``ticket_gram.is_open`` is kept in the transaction that opens or closes the ticket, and
``ix_ticket_gram_open`` (gram, ticket), partial on it, holds a term's open postings only: tens
or hundreds, from which such a page is cut.

The column is added with a default (false, no table rewrite on either database) and the open
tickets' rows set by one UPDATE through the key's ticket prefix.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_ticket_gram_open"
#: As ``storage.tables.tickets.OPEN_ONLY`` and ``OPEN_GRAM`` when this revision was written.
OPEN_ONLY = "status IN ('new', 'assigned', 'in_progress', 'pending')"
OPEN_GRAM = "is_open"


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column(
        "ticket_gram",
        sa.Column("is_open", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    bind.execute(
        sa.text(
            "UPDATE ticket_gram SET is_open = :yes"
            f" WHERE ticket_id IN (SELECT id FROM ticket WHERE {OPEN_ONLY})"
        ),
        {"yes": True},
    )
    op.create_index(
        NAME,
        "ticket_gram",
        ["gram", "ticket_id"],
        sqlite_where=sa.text(OPEN_GRAM),
        postgresql_where=sa.text(OPEN_GRAM),
    )
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("ANALYZE ticket_gram")


def downgrade() -> None:
    op.drop_index(NAME, table_name="ticket_gram")
    # SQLite drops a column itself since 3.35 (a batch copy would lose WITHOUT ROWID).
    op.get_bind().exec_driver_sql("ALTER TABLE ticket_gram DROP COLUMN is_open")
