"""staff language: the language each operator reads, kept in their staff record

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

A nullable column: None is "as the operator's machine says" (``ITSM_LANG``, the settings file,
the locale), so every existing member keeps reading what they read before. The order the
sources are read in: README, "Language".
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column without a default: SQLite adds it in place, no table copy.
    op.add_column(
        "staff", sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("language")
