"""the ticket-title bigram index, so a queue search for a rare term reads its postings

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05

``ticket_gram`` holds every pair of consecutive characters of each ticket's folded title
(``common.ngrams``), keyed (ticket, gram), with ``ix_ticket_gram_gram`` (gram, ticket) as the
posting lists. The existing tickets are indexed by one INSERT … SELECT per database, in ticket
order (so the key's B-tree is appended to), and the posting index is built after the fill (one
sort, not a million scattered inserts):

- SQLite folds each title with the same Python function the live code uses, registered on
  the migration's connection for the statement;
- PostgreSQL folds with ``lower(normalize(title, NFKC))``, which agrees with Python's
  ``casefold`` for everything but a few letters (ß), whose tickets are then found by the
  literal check of the common-term path only.

A run of whitespace splits a title into words and no gram spans it, as ``grams`` does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from itsm_tui.common.ngrams import fold

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The longest title (``common.domain.TITLE_MAX``, as the ticket table declares it).
TITLE_LENGTH = 200


def upgrade() -> None:
    op.create_table(
        "ticket_gram",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_gram_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "gram", name=op.f("pk_ticket_gram")),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _fill_sqlite(bind)
    else:
        _fill_postgresql(bind)
    op.create_index("ix_ticket_gram_gram", "ticket_gram", ["gram", "ticket_id"], unique=False)


def _fill_sqlite(bind: sa.Connection) -> None:
    raw = bind.connection.driver_connection
    assert raw is not None
    raw.create_function("itsm_fold", 1, fold, deterministic=True)
    bind.exec_driver_sql("CREATE TEMP TABLE gram_at (i INTEGER PRIMARY KEY)")
    bind.exec_driver_sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " INSERT INTO gram_at (i) SELECT i FROM n",
        (TITLE_LENGTH,),
    )
    # Each title folded once (MATERIALIZED), then cut at every position: CROSS JOIN keeps
    # the tickets the outer loop, so rows arrive in key order.
    bind.exec_driver_sql(
        "WITH t AS MATERIALIZED (SELECT id, itsm_fold(title) AS f FROM ticket)"
        " INSERT OR IGNORE INTO ticket_gram (ticket_id, gram)"
        " SELECT id, g FROM ("
        "  SELECT t.id AS id, substr(t.f, p.i, 2) AS g"
        "  FROM t CROSS JOIN gram_at AS p WHERE p.i < length(t.f)"
        " ) WHERE instr(g, ' ') = 0 AND instr(g, char(9)) = 0"
        " AND instr(g, char(10)) = 0 AND instr(g, char(13)) = 0"
    )
    bind.exec_driver_sql("DROP TABLE gram_at")


def _fill_postgresql(bind: sa.Connection) -> None:
    bind.exec_driver_sql(
        "INSERT INTO ticket_gram (ticket_id, gram)"
        " SELECT DISTINCT t.id, substr(t.f, p.i, 2)"
        " FROM (SELECT id, lower(normalize(title, NFKC)) AS f FROM ticket) AS t"
        " CROSS JOIN LATERAL generate_series(1, length(t.f) - 1) AS p(i)"
        " WHERE substr(t.f, p.i, 2) !~ '\\s'"
    )
    bind.exec_driver_sql("ANALYZE ticket_gram")


def downgrade() -> None:
    op.drop_index("ix_ticket_gram_gram", table_name="ticket_gram")
    op.drop_table("ticket_gram")
