"""A throw-away database for a benchmark: SQLite in a temporary folder, or a new schema in the
PostgreSQL database a ``--db`` URL names, removed afterwards whatever happens."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text


@contextmanager
def scratch_database(url: str | None, prefix: str) -> Iterator[str]:
    """The URL of a fresh, empty database (SQLite when ``url`` is None), dropped on exit."""
    if url is None:
        folder = Path(tempfile.mkdtemp(prefix=f"itsm-{prefix}-"))
        try:
            yield f"sqlite:///{folder / 'bench.db'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # the file and its WAL
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
