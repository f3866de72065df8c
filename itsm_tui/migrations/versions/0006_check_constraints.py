"""check constraints: the database refuses states, levels and tiers the workflow would refuse

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from itsm_tui.common.errors import Invalid
from itsm_tui.storage.tables.checks import CHECKS, full_name

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The conditions are read from ``storage.tables.checks``, where the table classes read them
# too, rather than copied here: a vocabulary change needs a migration of its own (see there).


def _refuse_rows_that_fail(table: str, name: str, condition: str) -> None:
    """Name the rows a constraint would refuse, rather than let the database's error say only
        that one row somewhere fails it. A refusal (``Invalid``: the front doors say it in a line)
    rolls the whole upgrade back, as it is one transaction."""
    key = "staff_id" if table == "staff_role" else "id"  # staff_role has no id of its own
    query = f"SELECT {key} FROM {table} WHERE NOT ({condition}) ORDER BY {key} LIMIT 6"
    bad = op.get_bind().execute(sa.text(query)).scalars().all()
    if bad:
        ids = ", ".join(str(i) for i in bad[:5]) + (" …" if len(bad) > 5 else "")
        raise Invalid(
            f"Cannot add {full_name(table, name)}: {table} rows ({key} {ids}) break "
            f"'{condition}'. Correct them and run the upgrade again; nothing was changed."
        )


#: The tables this revision constrained. Tables made later carry their CHECK constraints from
#: their own migration (``create_table`` with the conditions of ``storage.tables.checks``).
TABLES = ("ticket", "staff", "staff_role", "assignment_group", "ticket_note", "contact")


def _checks() -> list[tuple[str, dict[str, str]]]:
    return [(table, CHECKS[table]) for table in TABLES]


def upgrade() -> None:
    for table, checks in _checks():
        for name, condition in checks.items():
            _refuse_rows_that_fail(table, name, condition)
        # On SQLite, batch mode re-creates the table with the constraints (it cannot add one
        # to an existing table); PostgreSQL adds them in place, checking the rows already there.
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks.items():
                batch_op.create_check_constraint(op.f(full_name(table, name)), condition)


def downgrade() -> None:
    for table, checks in reversed(_checks()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(checks):
                batch_op.drop_constraint(op.f(full_name(table, name)), type_="check")
