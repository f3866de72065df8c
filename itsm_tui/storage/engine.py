"""Engines and transactions for SQLite (embedded, default) and PostgreSQL (shared).

SQLite is tuned so several consoles, the CLI and the scheduler can share one file: WAL (readers
never block the writer), foreign keys on, a busy timeout, and write transactions that take the
write lock up front (``BEGIN IMMEDIATE``) so two writers queue instead of deadlocking on a lock
upgrade. PostgreSQL goes through psycopg 3 with a small pre-pinged pool.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from itsm_tui.common.errors import Invalid

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 10_000
LOCK_RETRIES = 5


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for ``url`` with the settings its backend needs."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    try:
        return create_engine(url, **kwargs)
    except ModuleNotFoundError as exc:
        # The driver is an extra (`itsm-tui[postgresql]`): a SQLite-only install has none, and a
        # traceback from inside SQLAlchemy's dialect loader would not say what to install.
        raise Invalid(
            f"The driver for {url.split(':', 1)[0]} URLs is not installed (no module "
            f"{exc.name}); for PostgreSQL: pip install 'itsm-tui[postgresql]'.",
            field="database_url",
        ) from None


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster commits
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads: never takes a write lock, rolled back on exit."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for one business transaction; the caller commits, anything else rolls back."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
    with Session(bind, expire_on_commit=False) as session:
        yield session


def is_lock_error(exc: BaseException) -> bool:
    """True for SQLite's "database is locked"/"busy" (worth retrying), false for real errors."""
    text = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)


def retry_locked(fn: Callable[[], T], retries: int = LOCK_RETRIES) -> T:
    """Run ``fn`` again (with back-off) when SQLite reports the database locked past its timeout."""
    for attempt in range(retries):
        try:
            return fn()
        except OperationalError as exc:
            if not is_lock_error(exc) or attempt == retries - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")
