"""Opening a site's database for a command: is it there, reachable, and at a schema this code
knows? Checked before anything reads or writes, so a broken or mismatched database is one
sentence saying what to do, and nothing is created or half-written.

Apart from ``admin``: this runs on every command and at the console's start-up, and needs
none of the table classes that ``admin``'s status and upgrade import.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from itsm_tui.common.errors import SchemaMismatch
from itsm_tui.storage import migrate
from itsm_tui.storage.engine import check_sqlite_file, connection_problem, sqlite_path
from itsm_tui.workflow.site import Site


def open_database(site: Site, *, create: bool = False, older: bool = False) -> str | None:
    """Check, before any command reads or writes, that the site's database is one this code
    may work on; the revision it is at (None: none yet, for ``create``).

    Refuses, changing nothing: a SQLite path that is a folder, not a database, or (without
    ``create``: only ``itsm init`` creates) not there yet; a server that cannot be reached; a
    schema that is newer, or older unless ``older`` (``db`` commands and ``init``). One read
    of the version table: the console's start-up and every command pay it.
    """
    if not check_sqlite_file(site.engine, create=create) and not create:
        raise SchemaMismatch("no database here ({where}): run `itsm init`.", where=_where(site))
    try:  # the first connection: for ``create``, SQLite makes the file here
        revision = migrate.current_revision(site.engine)
    except DBAPIError as exc:
        raise connection_problem(site.engine, exc) from None
    if revision is None and create:
        return None
    migrate.check_revision(revision, _where(site), older=older or create)
    return revision


def _where(site: Site) -> str:
    path = sqlite_path(site.engine)
    return str(path) if path is not None else site.engine.url.render_as_string(hide_password=True)


def up_to_date(revision: str | None) -> bool:
    """True when ``revision`` is the newest this code knows (nothing to upgrade)."""
    return revision == migrate.HEAD
