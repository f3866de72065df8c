"""Installation-level operations: first-time set-up, schema upgrades, database status."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, inspect
from sqlmodel import Session, SQLModel, select

from itsm_tui.storage import migrate
from itsm_tui.storage.core_tables import core_table
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
from itsm_tui.workflow.staff import StaffView, bootstrap_admin

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


def initialise(site: Site, admin_login: str, admin_name: str | None = None) -> StaffView:
    """Bring an empty (or older) database to the newest schema and make sure it has an admin."""
    ensure_schema(site)
    return bootstrap_admin(site, admin_login, admin_name)


def ensure_schema(site: Site) -> None:
    """Upgrade to the newest schema; a no-op when already there (for the embedded database,
    which belongs to one user, so no admin check is needed)."""
    migrate.upgrade(site.engine)


def authorise_scheduler(site: Site, actor: Actor) -> None:
    """The scheduler acts as the system on every ticket (SLA breaches, escalations,
    auto-close, alert delivery): only an admin may start it, as only an admin may upgrade
    the database it runs on. A service account that runs it needs the admin role."""
    with Session(site.engine) as session:
        current = load_actor(session, actor)
    permissions.require(current.login, current.roles, Action.ADMINISTER)


def upgrade_database(site: Site, actor: Actor) -> tuple[str | None, str | None]:
    """Upgrade the schema (admins only) and journal who did it; returns the revisions before
    and after, as read from the database."""
    with Session(site.engine) as session:
        current = load_actor(session, actor)
    permissions.require(current.login, current.roles, Action.ADMINISTER)
    before = migrate.current_revision(site.engine)
    migrate.upgrade(site.engine)
    after = migrate.current_revision(site.engine)
    with system_transaction(site, current) as tx:
        tx.journal("site", 0, "schema_upgrade", {"revision": (before, after)})
    return before, after
