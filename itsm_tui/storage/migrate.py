"""Run Alembic from code: ``itsm init``, ``itsm db upgrade`` and the tests use this.

Alembic is imported by the functions that run it, not by this module: the console's start-up
check (:func:`current_revision` against :data:`HEAD`) reads one row and needs none of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from itsm_tui.common.errors import SchemaMismatch

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

#: The newest revision in ``migrations/versions``, so that checking a database at start-up
#: need not import Alembic and read every script (~0.1 s). A test proves it is Alembic's head:
#: a new migration must bump it.
HEAD = "0025"
VERSION_TABLE = "alembic_version"
#: Every revision this version of the code knows, oldest first (the history is linear and
#: numbered, so a revision above :data:`HEAD` was written by a newer itsm).
KNOWN = tuple(f"{n:04d}" for n in range(1, int(HEAD) + 1))


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest revision this version of the code knows, as Alembic reads the scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """One transaction for the whole migration.

    On SQLite, foreign keys are switched off around it: batch mode re-creates tables, and a DROP
    TABLE with foreign keys on would cascade-delete child rows. ``foreign_key_check`` afterwards
    proves the migration left every reference intact.
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        # Straight to the driver: through SQLAlchemy the PRAGMA would open a transaction, and
        # SQLite ignores foreign_keys changes inside one.
        raw = conn.connection.dbapi_connection
        assert raw is not None
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated), read from the one row of
    Alembic's version table without importing Alembic (the history is linear: one row)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def check_revision(revision: str | None, where: str, *, older: bool = False) -> None:
    """Refuse a database this code must not work on: none yet, newer, or (unless ``older``:
    ``db current``, ``db upgrade`` and ``init``) older — where a command would read columns
    that are not there, or write rows the old schema's rules never meant."""
    if revision is None:
        raise SchemaMismatch("no database here ({where}): run `itsm init`.", where=where)
    if revision == HEAD:
        return
    if revision not in KNOWN:
        raise SchemaMismatch(
            "this database is newer than this itsm (revision {revision}; this itsm knows up "
            "to {head}): upgrade itsm.",
            revision=revision,
            head=HEAD,
        )
    if not older:
        raise SchemaMismatch(
            "this database's schema is at revision {revision}, older than this itsm's {head}: "
            "run `itsm db upgrade` (an admin), then try again; nothing was changed.",
            revision=revision,
            head=HEAD,
        )


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest)."""
    from alembic import command

    cfg = alembic_config()
    with _migration_connection(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    with _migration_connection(engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
