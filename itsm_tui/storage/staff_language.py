"""The language an operator keeps in their staff record, read with the database driver alone.

Why not through the engine: the console must know the operator's language before it imports
any of its screens (Textual reads ``BINDINGS`` and ``TITLE`` when a module is imported), and a
bare ``itsm`` loads SQLAlchemy, SQLModel and the tables (~0.3 s) in a forked child while it
loads Textual. Waiting for all of that would delay the first frame by that much; this read
needs only ``sqlite3`` (or psycopg) and one indexed row (``staff.login`` is unique), so it is
over long before Textual is loaded. Everything else goes through the engine as usual.

Never raises: no database yet, a schema older than ``staff.language`` (0013), a server that
does not answer — then there is no stored preference, and the start goes on to say what is
wrong in its usual way.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

#: The query: one row by a unique index.
_QUERY = "SELECT language FROM staff WHERE login = {mark} AND active"
#: Seconds to wait for a locked SQLite file or a PostgreSQL server: this read only chooses a
#: language; the start's own read waits the full time and reports the failure.
_WAIT_S = 2


def stored_language(url: str, login: str) -> str | None:
    """``login``'s ``staff.language`` in the database at ``url`` (a SQLAlchemy URL, as the
    settings give it); None when it has none, or the read fails for any reason."""
    scheme = url.split(":", 1)[0].lower()
    try:
        if scheme in ("sqlite", "sqlite+pysqlite"):
            return _from_sqlite(url, login)
        if scheme in ("postgresql", "postgresql+psycopg"):
            return _from_postgresql(url, login)
    except Exception:  # any failure: no preference (the start's own read reports it)
        return None
    return None


def _from_sqlite(url: str, login: str) -> str | None:
    path = unquote(urlsplit(url).path)
    # ``sqlite:///relative`` has path ``/relative``, ``sqlite:////abs`` has ``//abs``.
    path = path[1:] if path.startswith("/") else path
    if not path or path == ":memory:" or not Path(path).is_file():
        return None
    # Read-only: this read must never create or change the file.
    uri = f"file:{quote(path)}?mode=ro"
    with sqlite3.connect(uri, uri=True, timeout=_WAIT_S) as conn:
        row = conn.execute(_QUERY.format(mark="?"), (login,)).fetchone()
    conn.close()
    return row[0] if row and isinstance(row[0], str) else None


def _from_postgresql(url: str, login: str) -> str | None:
    import psycopg  # the PostgreSQL extra; absent, the start's own read says what to install

    # libpq reads the same URL once SQLAlchemy's "+driver" is taken out of its scheme.
    conninfo = "postgresql" + url[url.index(":") :]
    extra = {} if "connect_timeout" in url else {"connect_timeout": _WAIT_S}
    with psycopg.connect(conninfo, autocommit=True, **extra) as conn:  # type: ignore[arg-type]
        row = conn.execute(_QUERY.format(mark="%s"), (login,)).fetchone()
    return row[0] if row and isinstance(row[0], str) else None
