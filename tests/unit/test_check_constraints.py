"""The database refuses what the workflow would refuse, even from a write that goes around it
(a bulk load, a hand-made fix in ``psql``, a bug): on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from itsm_tui.common.domain import PRIORITY_LEVELS, TIERS, PendingReason, TicketStatus
from itsm_tui.storage.tables import Ticket
from itsm_tui.storage.tables.checks import (
    ALL_CHECKS,
    CHECKS,
    NEW_TABLE_CHECKS,
    every_check,
    full_name,
)
from itsm_tui.workflow.tickets import TicketDraft, create_ticket
from tests.conftest import T0, Desk


def _ticket_id(desk: Desk) -> int:
    view = create_ticket(desk.site, desk.agent1, TicketDraft(title="打印机卡纸"))
    return view.id


def _refused(engine: Engine, sql: str, **params: Any) -> str:
    """Run ``sql`` in a transaction of its own; the constraint error the database gave."""
    with pytest.raises(IntegrityError) as refused, engine.begin() as conn:
        conn.execute(text(sql), params)
    return str(refused.value.orig)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("status", "bogus"),
        ("type", "complaint"),
        ("impact", 7),
        ("urgency", 0),
        ("priority", 99),
        ("tier", 4),
        ("pending_reason", "lunch"),
    ],
)
def test_a_ticket_update_around_the_workflow_is_refused(
    desk: Desk, column: str, value: object
) -> None:
    ticket_id = _ticket_id(desk)
    engine = desk.site.engine
    error = _refused(
        engine, f"UPDATE ticket SET {column} = :v WHERE id = :id", v=value, id=ticket_id
    )
    assert f"ck_ticket_{column}" in error  # the message names what was refused
    with engine.connect() as conn:
        row = conn.execute(text("SELECT status, priority, tier FROM ticket")).one()
    assert tuple(row) == ("new", 5, 1)  # nothing was written


def test_the_orm_cannot_store_a_ticket_the_workflow_would_refuse(desk: Desk) -> None:
    with pytest.raises(IntegrityError), Session(desk.site.engine) as session:
        session.add(
            Ticket(
                number="INC999999",
                type="incident",
                title="绕过工作流",
                status="bogus",
                impact=7,
                priority=99,
                opened_at=T0,
                updated_at=T0,
            )
        )
        session.commit()
    with desk.site.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM ticket")).scalar() == 0


def test_every_value_the_workflow_knows_is_accepted(desk: Desk) -> None:
    """The constraints are no stricter than the vocabulary: each status, pending reason,
    priority and tier the workflow uses can be stored."""
    ticket_id = _ticket_id(desk)
    with desk.site.engine.begin() as conn:
        for status in TicketStatus:
            conn.execute(
                text("UPDATE ticket SET status = :s WHERE id = :i"), {"s": status, "i": ticket_id}
            )
        for reason in [*PendingReason, None]:
            conn.execute(
                text("UPDATE ticket SET pending_reason = :r WHERE id = :i"),
                {"r": reason, "i": ticket_id},
            )
        for priority in PRIORITY_LEVELS:
            conn.execute(
                text("UPDATE ticket SET priority = :p WHERE id = :i"),
                {"p": priority, "i": ticket_id},
            )
        for tier in TIERS:
            conn.execute(
                text("UPDATE ticket SET tier = :t WHERE id = :i"), {"t": tier, "i": ticket_id}
            )


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        ("UPDATE staff SET tier = 4 WHERE login = 'agent1'", "ck_staff_tier"),
        ("UPDATE assignment_group SET tier = 0 WHERE code = 'hotline'", "ck_assignment_group_tier"),
        ("UPDATE staff_role SET role = 'superuser'", "ck_staff_role_role"),
        ("UPDATE contact SET channel = 'pigeon'", "ck_contact_channel"),
    ],
)
def test_staff_groups_roles_and_contacts_are_checked_too(
    desk: Desk, sql: str, constraint: str
) -> None:
    from itsm_tui.workflow.contacts import log_contact

    log_contact(desk.site, desk.agent1, caller="E001", channel="phone", summary="询问进度")
    assert constraint in _refused(desk.site.engine, sql)


def test_a_note_of_an_unknown_kind_is_refused(desk: Desk) -> None:
    ticket_id = _ticket_id(desk)
    sql = (
        "INSERT INTO ticket_note (ticket_id, kind, body, created_at) "
        "VALUES (:t, 'gossip', '内部闲聊', :at)"
    )
    assert "ck_ticket_note_kind" in _refused(
        desk.site.engine, sql, t=ticket_id, at=T0.replace(tzinfo=None)
    )


def test_a_migrated_database_holds_exactly_the_models_checks(engine: Engine) -> None:
    """Alembic's comparison of models and migrations ignores CHECK constraints, so this one
    compares them: the same names on both databases, and on SQLite (which keeps the text as
    written; PostgreSQL rewrites it) the same conditions."""
    inspector = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        held = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
        expected = {
            full_name(table.name, name): sql for name, sql in every_check(table.name).items()
        }
        assert set(held) == set(expected), table.name
        if engine.dialect.name == "sqlite":
            assert held == expected, table.name


#: The conditions as the migrations wrote them (0006). Alembic's autogenerate does not compare
#: CHECK constraints, so a vocabulary change (a new status, role or channel) fails here until a
#: hand-written migration re-creates the constraint concerned; then update this to match.
WRITTEN_BY_MIGRATIONS = {
    "ticket": {
        "status": "status IN ('new', 'assigned', 'in_progress', 'pending', 'resolved', "
        "'closed', 'cancelled')",
        "type": "type IN ('incident', 'request')",
        "impact": "impact BETWEEN 1 AND 3",
        "urgency": "urgency BETWEEN 1 AND 3",
        "priority": "priority BETWEEN 1 AND 5",
        "tier": "tier BETWEEN 1 AND 3",
        "pending_reason": "pending_reason IN ('customer', 'vendor', 'change')",
    },
    "staff": {"tier": "tier BETWEEN 1 AND 3"},
    "staff_role": {
        "role": "role IN ('agent', 'engineer', 'specialist', 'inspector', 'supervisor', 'admin')"
    },
    "assignment_group": {"tier": "tier BETWEEN 1 AND 3"},
    "ticket_note": {"kind": "kind IN ('work_note', 'public_reply')"},
    "contact": {"channel": "channel IN ('phone', 'walk_in', 'email', 'web', 'monitoring')"},
    # 0011, with the inspection tables.
    "inspection_item": {
        "kind": "kind IN ('pass_fail', 'reading', 'choice', 'text')",
        "severity": "severity BETWEEN 1 AND 3",
    },
    "inspection_round": {"status": "status IN ('open', 'completed')"},
    "inspection_answer": {"outcome": "outcome IN ('pass', 'warn', 'fail', 'skipped')"},
}


#: The conditions of the tables created after 0006, as their own migrations wrote them. A new
#: migration that creates a table with constraints adds them here.
NEW_TABLES_WRITTEN_BY_MIGRATIONS = {
    # 0010: problems and the knowledge base.
    "problem": {
        "status": "status IN ('new', 'investigating', 'known_error', 'resolved', 'closed')",
        "priority": "priority BETWEEN 1 AND 5",
    },
    "kb_article": {
        "status": "status IN ('draft', 'reviewed', 'published', 'retired')",
        "visibility": "visibility IN ('internal', 'self_service')",
    },
    "problem_candidate": {"status": "status IN ('open', 'dismissed', 'accepted')"},
    # 0012: service quality.
    "survey": {
        "status": "status IN ('open', 'answered', 'expired')",
        "overall": "overall BETWEEN 1 AND 5",
        "timeliness": "timeliness BETWEEN 1 AND 5",
        "attitude": "attitude BETWEEN 1 AND 5",
    },
    "complaint": {
        "status": "status IN ('received', 'under_review', 'valid', 'invalid', 'closed')",
        "verdict": "verdict IN ('valid', 'invalid')",
        "channel": "channel IN ('phone', 'walk_in', 'email', 'web', 'monitoring')",
        "against": "ticket_id IS NOT NULL OR staff_id IS NOT NULL",
    },
    # 0014: change management.
    "change_request": {
        "type": "type IN ('standard', 'normal', 'emergency')",
        "status": "status IN ('draft', 'submitted', 'assessed', 'awaiting_approval', "
        "'scheduled', 'implementing', 'implemented', 'in_review', 'closed', 'rejected', "
        "'cancelled', 'failed')",
        "outcome": "outcome IN ('success', 'failed', 'backed_out')",
        "risk_level": "risk_level IN ('low', 'medium', 'high', 'very_high')",
    },
    "change_approval": {"decision": "decision IN ('approved', 'rejected')"},
}


def test_a_vocabulary_change_comes_with_its_migration() -> None:
    assert CHECKS == WRITTEN_BY_MIGRATIONS
    assert NEW_TABLE_CHECKS == NEW_TABLES_WRITTEN_BY_MIGRATIONS
    assert ALL_CHECKS == {**WRITTEN_BY_MIGRATIONS, **NEW_TABLES_WRITTEN_BY_MIGRATIONS}


def test_a_problem_or_article_update_around_the_workflow_is_refused(desk: Desk) -> None:
    engine = desk.site.engine
    at = T0.replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO problem (number, title, description, priority, status, root_cause, "
                "workaround, fix, opened_at, updated_at, version) VALUES ('PRB000001', '打印', '',"
                " 3, 'new', '', '', '', :at, :at, 1)"
            ),
            {"at": at},
        )
    assert "ck_problem_status" in _refused(engine, "UPDATE problem SET status = 'fixed'")
    assert "ck_problem_priority" in _refused(engine, "UPDATE problem SET priority = 0")
