"""The SQLite engine is set up for several processes sharing one file."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from itsm_tui.storage import migrate
from itsm_tui.storage.engine import make_engine, retry_locked, write_session


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_concurrent_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    """Read-then-write transactions from several threads all commit (BEGIN IMMEDIATE)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO number_series (prefix, last_value) VALUES ('T', 0)"))
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(20):
                with write_session(engine) as s:
                    value = s.execute(text("SELECT last_value FROM number_series")).scalar_one()
                    s.execute(text("UPDATE number_series SET last_value = :v"), {"v": value + 1})
                    s.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT last_value FROM number_series")).scalar() == 80


def test_retry_locked_retries_only_lock_errors() -> None:
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("BEGIN", {}, Exception("database is locked"))
        return "done"

    assert retry_locked(flaky) == "done" and len(calls) == 3

    def broken() -> None:
        raise OperationalError("SELECT", {}, Exception("no such table: x"))

    try:
        retry_locked(broken)
    except OperationalError as exc:
        assert "no such table" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("a real error must not be swallowed")
