"""Alembic environment: the migrations are the schema's source of truth for deployed databases.

``storage.migrate`` runs this with an open connection (``config.attributes["connection"]``) so
the whole upgrade is one transaction; the ``alembic`` command line (``alembic.ini`` at the repo
root) runs it against ``ITSM_DATABASE_URL`` for autogenerating revisions.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlmodel import SQLModel

import itsm_tui.storage.tables  # noqa: F401  (fills SQLModel.metadata)
from itsm_tui.common.config import Settings
from itsm_tui.storage.engine import make_engine
from itsm_tui.storage.types import UTCDateTime

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our UTC type as a plain DateTime: the stored column is exactly that."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


#: Tables other software owns in our database: APScheduler's job store (``itsm scheduler``)
#: creates and migrates ``apscheduler_jobs`` itself, so autogenerate must not drop it.
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def _configure(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        render_item=render_item,
        include_name=include_name,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        context.run_migrations()
        return
    engine = make_engine(Settings().url)
    with engine.begin() as conn:
        _configure(conn)
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
