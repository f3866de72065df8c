"""a title gram's postings in the priority order: each ticket_gram row holds its ticket's priority

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06

A queue searched for a common term and sorted by priority walked the queue's priority index
and checked each title: printer faults are P4, so "all by priority, 打印机" passed every P1–P3
ticket before its first printer (~95 ms at a million tickets). With the ticket's priority on
each ``ticket_gram`` row, ``ix_ticket_gram_by_priority`` (gram, priority, ticket newest first)
replaces ``ix_ticket_gram_gram`` (gram, ticket): the same posting lists (a count of a gram
reads the same range), now in the priority queue's order, so such a page reads postings until
it is full.

SQLite adds no NOT NULL column without a default, so the table is rebuilt (one INSERT …
SELECT in key order, the index built after it); PostgreSQL adds the column, fills it with one
UPDATE … FROM and then forbids NULLs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BY_PRIORITY = "ix_ticket_gram_by_priority"
BY_GRAM = "ix_ticket_gram_gram"


def upgrade() -> None:
    bind = op.get_bind()
    op.drop_index(BY_GRAM, table_name="ticket_gram")
    if bind.dialect.name == "sqlite":
        _rebuild_sqlite(bind)
    else:
        op.add_column("ticket_gram", sa.Column("priority", sa.Integer(), nullable=True))
        bind.exec_driver_sql(
            "UPDATE ticket_gram AS g SET priority = t.priority FROM ticket AS t"
            " WHERE t.id = g.ticket_id"
        )
        op.alter_column("ticket_gram", "priority", nullable=False)
    op.create_index(
        BY_PRIORITY,
        "ticket_gram",
        ["gram", "priority", sa.text("ticket_id DESC")],
        unique=False,
    )
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("ANALYZE ticket_gram")


def _rebuild_sqlite(bind: sa.Connection) -> None:
    bind.exec_driver_sql(
        "CREATE TABLE ticket_gram_0019 ("
        " ticket_id INTEGER NOT NULL,"
        " gram VARCHAR(2) NOT NULL,"
        " priority INTEGER NOT NULL,"
        " CONSTRAINT pk_ticket_gram PRIMARY KEY (ticket_id, gram),"
        " CONSTRAINT fk_ticket_gram_ticket_id_ticket FOREIGN KEY(ticket_id)"
        " REFERENCES ticket (id) ON DELETE CASCADE"
        ") WITHOUT ROWID"
    )
    bind.exec_driver_sql(
        "INSERT INTO ticket_gram_0019 (ticket_id, gram, priority)"
        " SELECT g.ticket_id, g.gram, t.priority"
        " FROM ticket_gram AS g JOIN ticket AS t ON t.id = g.ticket_id"
        " ORDER BY g.ticket_id, g.gram"
    )
    bind.exec_driver_sql("DROP TABLE ticket_gram")
    bind.exec_driver_sql("ALTER TABLE ticket_gram_0019 RENAME TO ticket_gram")


def downgrade() -> None:
    op.drop_index(BY_PRIORITY, table_name="ticket_gram")
    # SQLite drops a column itself since 3.35 (a batch copy would lose WITHOUT ROWID).
    op.get_bind().exec_driver_sql("ALTER TABLE ticket_gram DROP COLUMN priority")
    op.create_index(BY_GRAM, "ticket_gram", ["gram", "ticket_id"], unique=False)
