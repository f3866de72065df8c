"""Installation-level operations: first-time set-up, schema upgrades, database status."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sqlalchemy import func, inspect
from sqlmodel import Session, SQLModel, select

from itsm_tui.common.errors import Forbidden, SchemaMismatch
from itsm_tui.storage import migrate
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.engine import sqlite_path
from itsm_tui.storage.tables import (
    Caller,
    ConfigurationItem,
    Contact,
    JournalEntry,
    Staff,
    Ticket,
)
from itsm_tui.workflow import permissions
from itsm_tui.workflow.context import load_actor, system_transaction
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import StaffView, bootstrap_admin, os_login

_COUNTED: dict[str, type[SQLModel]] = {
    "staff": Staff,
    "callers": Caller,
    "tickets": Ticket,
    "contacts": Contact,
    "configuration_items": ConfigurationItem,
    "journal_entries": JournalEntry,
}


@dataclass(frozen=True)
class DatabaseStatus:
    url: str
    revision: str | None
    head: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def up_to_date(self) -> bool:
        return self.revision == self.head

    @property
    def initialised(self) -> bool:
        return self.revision is not None


def database_status(site: Site, actor: Actor | None = None) -> DatabaseStatus:
    """Where the schema stands and how much the database holds.

    For staff only (``actor``: any active member; None: the caller already is one, as
    ``init`` and ``db upgrade`` are): the URL names the server and the counts describe the
    site. Counts use the primary-key index; on 1M tickets that is tens of milliseconds.
    """
    if actor is not None:
        with Session(site.engine) as session:
            load_actor(session, actor)
    revision = migrate.current_revision(site.engine)
    counts: dict[str, int] = {}
    if revision is not None:
        existing = set(inspect(site.engine).get_table_names())
        with Session(site.engine) as session:
            for label, model in _COUNTED.items():
                if core_table(model).name in existing:
                    counts[label] = session.exec(select(func.count()).select_from(model)).one()
    url = site.engine.url.render_as_string(hide_password=True)
    return DatabaseStatus(url, revision, migrate.HEAD, counts)


def schema_status(site: Site) -> DatabaseStatus:
    """Where the schema stands, without the counts: what opening the console checks.

    One indexed read of the version table and no Alembic import; :func:`database_status`
    counted every table too (seconds on a cold million-ticket file, for figures the console
    never showed).
    """
    url = site.engine.url.render_as_string(hide_password=True)
    return DatabaseStatus(url, migrate.current_revision(site.engine), migrate.HEAD)


def initialise(
    site: Site, admin_login: str, admin_name: str | None = None, actor: Actor | None = None
) -> StaffView:
    """Create the schema of a database that has none, and make sure it has an admin.

    An existing older schema belongs to a site whose staff decide: it is upgraded only as
    ``itsm db upgrade`` does it, by ``actor`` (who must be an admin) and journaled; without
    an actor it is refused and nothing changes. Creating a new schema needs no check: nobody
    is on staff yet, and the first admin is made in the next step.
    """
    revision = migrate.current_revision(site.engine)
    if revision is None:
        migrate.upgrade(site.engine)
    elif revision != migrate.HEAD:
        if actor is None:
            raise SchemaMismatch(
                "the database is at revision {revision}, older than this itsm ({head}): an admin "
                "runs `itsm db upgrade`.",
                revision=revision,
                head=migrate.HEAD,
            )
        upgrade_database(site, actor)
    return bootstrap_admin(site, admin_login, admin_name)


def ensure_schema(site: Site) -> None:
    """Create or upgrade the embedded database of the account running itsm, journaled.

    Why no admin check: the default SQLite file is this account's own, so its owner already
    holds every right over it. Anything else — a PostgreSQL site, or a file another account
    owns, even when this one may write it — is refused and goes through
    :func:`upgrade_database`, as a shared site must.
    """
    path = sqlite_path(site.engine)
    if path is None or not path.is_file() or path.stat().st_uid != os.geteuid():
        raise Forbidden(
            "this database is not your own SQLite file: an admin upgrades it with "
            "`itsm db upgrade`."
        )
    before = migrate.current_revision(site.engine)
    migrate.upgrade(site.engine)
    after = migrate.current_revision(site.engine)
    fill_in_after_upgrade(site, before)
    if before is not None and before != after:
        with system_transaction(site) as tx:
            tx.journal("site", 0, "schema_upgrade", {"revision": (before, after), "by": os_login()})


def authorise_scheduler(site: Site, actor: Actor) -> None:
    """The scheduler acts as the system on every ticket (SLA breaches, escalations,
    auto-close, alert delivery): only an admin may start it, as only an admin may upgrade
    the database it runs on. A service account that runs it needs the admin role."""
    with Session(site.engine) as session:
        current = load_actor(session, actor)
    permissions.require(current.login, current.roles, Action.ADMINISTER)


#: The revision whose past the workflow fills in after the schema change (response minutes
#: and backlog snapshots need business calendars and the site's zone: see its migration).
KPI_BACKFILL_REVISION = "0018"
#: The revision whose daily rollups of the past the workflow takes (days are the site's).
KPI_ROLLUP_REVISION = "0020"


def fill_in_after_upgrade(site: Site, before: str | None) -> None:
    """Fill in what a revision just applied leaves to the workflow: an upgrade from before
    0018 measures the response minutes of every answered ticket and takes the backlog
    snapshots of the past; one from before 0020 rolls up every final day of the past (a new,
    empty database has nothing to fill in)."""
    if before is not None and before < KPI_BACKFILL_REVISION:
        from itsm_tui.workflow.kpi.snapshots import backfill

        backfill(site)
    if before is not None and before < KPI_ROLLUP_REVISION:
        from itsm_tui.workflow.kpi import rollups

        rollups.backfill(site)


def upgrade_database(site: Site, actor: Actor) -> tuple[str | None, str | None]:
    """Upgrade the schema (admins only) and journal who did it; returns the revisions before
    and after, as read from the database."""
    with Session(site.engine) as session:
        current = load_actor(session, actor)
    permissions.require(current.login, current.roles, Action.ADMINISTER)
    before = migrate.current_revision(site.engine)
    migrate.upgrade(site.engine)
    after = migrate.current_revision(site.engine)
    fill_in_after_upgrade(site, before)
    with system_transaction(site, current) as tx:
        tx.journal("site", 0, "schema_upgrade", {"revision": (before, after)})
    return before, after
