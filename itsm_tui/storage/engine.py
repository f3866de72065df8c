"""Engines and transactions for SQLite (embedded, default) and PostgreSQL (shared).

SQLite is tuned so several consoles, the CLI and the scheduler can share one file: WAL (readers
never block the writer), foreign keys on, a busy timeout, and write transactions that take the
write lock up front (``BEGIN IMMEDIATE``) so two writers queue instead of deadlocking on a lock
upgrade. PostgreSQL goes through psycopg 3 with a small pre-pinged pool.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlmodel import Session

from itsm_tui.common.errors import DatabaseUnavailable, Invalid
from itsm_tui.common.i18n import N_, Phrase

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 10_000
LOCK_RETRIES = 5
#: Seconds to wait for a PostgreSQL server before saying it does not answer.
PG_CONNECT_TIMEOUT_S = 5
#: The drivers itsm is built and tested with; any other URL is refused before it is used.
SUPPORTED_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_FIX_URL = Phrase(N_("check --db or ITSM_DATABASE_URL"))


def parse_url(url: str) -> URL:
    """``url`` parsed; a refusal naming what is wrong when it is not a URL itsm can use.

    Why up front: an asyncpg or MySQL URL would load a driver we never test (or fail deep in
    SQLAlchemy's dialect loader), and a typo would end in a traceback."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise Invalid(
            "the database URL cannot be read; give sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB ({fix_url}).",
            field="database_url",
            fix_url=_FIX_URL,
        ) from None
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise Invalid(
            "itsm works with SQLite (sqlite:///PATH) and PostgreSQL through psycopg 3 "
            "(postgresql+psycopg://…), not {drivername}; {fix_url}.",
            field="database_url",
            drivername=parsed.drivername,
            fix_url=_FIX_URL,
        )
    return parsed


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for ``url`` with the settings its backend needs (connects later)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed, **kwargs)
    parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    if "connect_timeout" not in parsed.query:
        kwargs.setdefault("connect_args", {"connect_timeout": PG_CONNECT_TIMEOUT_S})
    try:
        return create_engine(parsed, **kwargs)
    except ModuleNotFoundError as exc:
        # The driver is an extra (`itsm-tui[postgresql]`): a SQLite-only install has none, and a
        # traceback from inside SQLAlchemy's dialect loader would not say what to install.
        raise Invalid(
            "The driver for {scheme} URLs is not installed (no module {name}); for "
            "PostgreSQL: pip install 'itsm-tui[postgresql]'.",
            field="database_url",
            scheme=url.split(":", 1)[0],
            name=exc.name,
        ) from None


def sqlite_path(engine: Engine) -> Path | None:
    """The SQLite file behind ``engine`` (None: PostgreSQL, or an in-memory database)."""
    name = engine.url.database
    if not is_sqlite(engine) or not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def _access(path: Path) -> str:
    """How SQLite may open ``path``: ``rw``, or ``ro`` when this account may only read it.

    Read-only is ``mode=ro``, never ``immutable``: an immutable reader ignores the WAL file
    and takes no locks, so it would silently miss what another account (one that may write
    the folder) committed but has not yet checkpointed. A ``mode=ro`` reader of a WAL
    database needs the shared-memory index (``-shm``) beside it; in a folder this account
    cannot write, SQLite cannot create it, so without one reading is refused in one line.
    """
    if not path.is_file() or (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return "rw"
    if os.access(path.parent, os.W_OK):
        return "ro"
    index = path.with_name(path.name + "-shm")
    if index.is_file() and os.access(index, os.R_OK):
        return "ro"
    raise DatabaseUnavailable(
        "cannot read {path}: its folder {parent} is read-only for this account, and "
        "SQLite's WAL needs the folder writable to read the database; make the folder "
        "writable for this account, or copy the database to a folder you can write.",
        path=path,
        parent=path.parent,
    )


def _sqlite_engine(url: str, parsed: URL, **kwargs: Any) -> Engine:
    path = Path(parsed.database) if parsed.database and parsed.database != ":memory:" else None
    mode = _access(path) if path is not None else "rw"
    if path is not None and mode != "rw":
        target = f"file:{quote(str(path.resolve()))}?mode=ro"

        def read_only() -> sqlite3.Connection:
            timeout = SQLITE_BUSY_TIMEOUT_MS / 1000
            return sqlite3.connect(target, uri=True, timeout=timeout, check_same_thread=False)

        kwargs.setdefault("creator", read_only)
    else:
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if mode == "rw":  # switching to WAL writes the file header
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


def _write_bind(engine: Engine) -> Engine:
    """``engine`` with SQLite's ``BEGIN IMMEDIATE``, made once per engine and kept on it:
    ``execution_options`` builds a new option engine on every call, a cost every operation
    paid before it ran a statement."""
    if not is_sqlite(engine):
        return engine
    bind: Engine | None = engine.__dict__.get("_itsm_write_bind")
    if bind is None:
        bind = engine.execution_options(sqlite_begin="IMMEDIATE")
        engine.__dict__["_itsm_write_bind"] = bind
    return bind


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for one business transaction; the caller commits, anything else rolls back."""
    bind = _write_bind(engine)
    try:
        with Session(bind, expire_on_commit=False) as session:
            yield session
    except OperationalError as exc:
        if "readonly" not in str(exc.orig).lower():
            raise
        raise read_only_refusal(engine) from None


def read_only_refusal(engine: Engine) -> DatabaseUnavailable:
    """A change refused because the database file (or its folder) may only be read."""
    where = sqlite_path(engine) or engine.url.database
    return DatabaseUnavailable(
        "the database {where} is read-only for this account: reading works, changes need "
        "write access to the file and its folder; nothing was changed.",
        where=where,
    )


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


def check_sqlite_file(engine: Engine, *, create: bool) -> bool:
    """Refuse a SQLite path that cannot be (or, without ``create``, is not yet) a database,
    before SQLite opens it: connecting creates a missing file, and would leave an empty one
    behind for a command that only meant to read. True when the database exists."""
    path = sqlite_path(engine)
    if path is None:
        return True
    if path.is_dir():
        raise DatabaseUnavailable(
            "{path} is a folder, not a database file; {fix_url}.", path=path, fix_url=_FIX_URL
        )
    if path.exists():
        try:
            with path.open("rb") as file:
                head = file.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise DatabaseUnavailable(
                "cannot read {path} ({strerror}); {fix_url}.",
                path=path,
                strerror=exc.strerror,
                fix_url=_FIX_URL,
            ) from None
        if head == _SQLITE_MAGIC:
            return True
        if head:
            raise DatabaseUnavailable(
                "{path} is not a database (not a SQLite file); {fix_url}, or move that file away "
                "to start afresh.",
                path=path,
                fix_url=_FIX_URL,
            )
    if not create:
        return False
    folder = path.parent
    if not folder.is_dir():
        raise DatabaseUnavailable(
            "cannot create {path}: the folder {folder} does not exist; create it first.",
            path=path,
            folder=folder,
        )
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise DatabaseUnavailable(
            "cannot create {path}: no permission to write in {folder}; {fix_url}.",
            path=path,
            folder=folder,
            fix_url=_FIX_URL,
        )
    return False


def connection_problem(engine: Engine, exc: DBAPIError) -> DatabaseUnavailable:
    """The first connection's failure in one sentence: a server that refuses, does not answer
    or does not know the database or role (never the URL's password)."""
    return _connection_problem(engine.url, exc)


def _connection_problem(url: URL, exc: DBAPIError) -> DatabaseUnavailable:
    text = str(exc.orig).lower()
    server = f"{url.host or 'localhost'}:{url.port or 5432}"
    if is_sqlite_url(url):
        return DatabaseUnavailable(
            "cannot open the database {database} ({reason}); {fix_url}.",
            database=url.database,
            reason=text.splitlines()[0],
            fix_url=_FIX_URL,
        )
    if "could not translate host name" in text or "name or service not known" in text:
        return DatabaseUnavailable(
            "unknown host {host!r}: check the host in --db or ITSM_DATABASE_URL.", host=url.host
        )
    if "connection refused" in text:
        return DatabaseUnavailable(
            "the PostgreSQL server at {server} refused the connection: is it running there?",
            server=server,
        )
    if "timeout" in text or "timed out" in text:
        return DatabaseUnavailable(
            "no answer from the PostgreSQL server at {server} within {seconds} s.",
            server=server,
            seconds=PG_CONNECT_TIMEOUT_S,
        )
    if f'database "{url.database}" does not exist' in text:
        return DatabaseUnavailable(
            "the database {database!r} does not exist on {server}: create it or {fix_url}.",
            database=url.database,
            server=server,
            fix_url=_FIX_URL,
        )
    if f'role "{url.username}" does not exist' in text:
        return DatabaseUnavailable(
            "the role {role!r} does not exist on {server}: create it or {fix_url}.",
            role=url.username,
            server=server,
            fix_url=_FIX_URL,
        )
    if "authentication failed" in text or "no password supplied" in text:
        return DatabaseUnavailable(
            "the PostgreSQL server at {server} refused the login of {role!r}.",
            server=server,
            role=url.username,
        )
    first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__
    return DatabaseUnavailable(
        "cannot connect to the PostgreSQL server at {server} ({reason}); {fix_url}.",
        server=server,
        reason=first,
        fix_url=_FIX_URL,
    )


def is_sqlite_url(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"
