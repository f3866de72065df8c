"""The migrations are the schema: they must match the models and run both ways with data."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

from itsm_tui.storage import migrate
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import add_staff, bootstrap_admin, list_staff
from tests.conftest import Desk


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, SQLModel.metadata)


def test_models_and_migrations_agree(engine: Engine) -> None:
    assert _diff(engine) == []
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_upgrade_downgrade_upgrade_keeps_working_with_data(site: Site, admin: Actor) -> None:
    add_staff(site, admin, "zhang.wei", "张伟", roles=["agent"])
    migrate.downgrade(site.engine, "base")
    assert "staff" not in inspect(site.engine).get_table_names()
    migrate.upgrade(site.engine)
    assert migrate.current_revision(site.engine) == migrate.head_revision()
    assert _diff(site.engine) == []
    # The re-created schema is usable: the first admin can be bootstrapped again.
    again = bootstrap_admin(site, "admin")
    add_staff(site, Actor(again.id, "admin", "", 3, frozenset()), "li.na", "李娜")
    assert [s.login for s in list_staff(site, Actor(again.id, "admin", "", 3, frozenset()))] == [
        "admin",
        "li.na",
    ]


def test_upgrade_is_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM staff")).scalar() == 0
    engine.dispose()


def test_one_step_down_and_up_keeps_the_tickets(desk: Desk) -> None:
    """Downgrading the newest revision (SQLite batch mode re-creates tables) loses no rows."""
    from itsm_tui.workflow.tickets import TicketDraft, create_ticket

    number = create_ticket(desk.site, desk.agent1, TicketDraft(title="迁移前的工单")).number
    migrate.downgrade(desk.site.engine, "-1")
    migrate.upgrade(desk.site.engine)
    with desk.site.engine.connect() as conn:
        rows = conn.execute(text("SELECT number, title FROM ticket")).all()
    assert [tuple(r) for r in rows] == [(number, "迁移前的工单")]
    assert _diff(desk.site.engine) == []


def test_the_start_up_check_reads_what_alembic_reads(db_url: str) -> None:
    """The console's check (no Alembic import) agrees with Alembic: the code's newest revision,
    and the database's — never migrated, one step behind, up to date."""
    from itsm_tui.workflow.admin import schema_status

    assert migrate.head_revision() == migrate.HEAD  # a new migration must bump HEAD
    engine = make_engine(db_url)
    site = Site(engine)
    assert migrate.current_revision(engine) is None
    assert not schema_status(site).initialised
    migrate.upgrade(engine)
    with engine.connect() as conn:
        alembic_reads = MigrationContext.configure(conn).get_current_revision()
    assert migrate.current_revision(engine) == alembic_reads == migrate.HEAD
    assert schema_status(site).up_to_date
    migrate.downgrade(engine, "-1")
    behind = schema_status(site)
    assert behind.initialised and not behind.up_to_date
    assert behind.revision == migrate.current_revision(engine)
    engine.dispose()


def test_an_upgrade_over_rows_the_checks_refuse_names_them_and_changes_nothing(
    db_url: str,
) -> None:
    """A database written around the workflow before the CHECK constraints (revision 0006)
    existed: the upgrade names the offending rows instead of failing somewhere inside."""
    from itsm_tui.common.errors import Invalid

    engine = make_engine(db_url)
    migrate.upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff (login, display_name, tier, active, created_at, version) "
                "VALUES ('wang.wu', '王五', 7, TRUE, '2026-01-05 08:00', 1)"
            )
        )
    with pytest.raises(Invalid, match=r"ck_staff_tier: staff rows \(id 1\) break"):
        migrate.upgrade(engine)
    assert migrate.current_revision(engine) == "0005"
    with engine.begin() as conn:
        conn.execute(text("UPDATE staff SET tier = 3"))
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.HEAD
    assert _diff(engine) == []
    engine.dispose()
