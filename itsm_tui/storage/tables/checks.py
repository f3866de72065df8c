"""The CHECK constraints that keep the database from holding what the workflow would refuse.

The workflow validates every change, but a bulk load, a hand-written ``psql`` fix or a bug that
writes around it must not leave a ticket in a state no screen, rule or report knows
(``status='bogus'``, ``priority=99``). The allowed values come from ``common.domain``, the one
place the workflow reads them too; the table classes and migration 0006 both build their
constraints with :func:`checks_for`, so models and migrations cannot drift apart.

Changing a vocabulary (a new status, a fourth tier) therefore needs a new migration that drops
and re-creates the constraint concerned, written by hand: Alembic's autogenerate does not
compare CHECK constraints, and 0006 reads the current sets, so without it a new database would
get the new set while one migrated earlier kept the old. ``tests/unit/test_check_constraints``
fails until that migration is written (it keeps the conditions as the migrations wrote them),
and proves a migrated database holds exactly the models' constraints.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import CheckConstraint

from itsm_tui.common.changes import (
    ChangeOutcome,
    ChangeStatus,
    ChangeType,
    Decision,
    RiskLevel,
)
from itsm_tui.common.domain import (
    IMPACT_LEVELS,
    PRIORITY_LEVELS,
    SEVERITY_LEVELS,
    SURVEY_SCORES,
    TIERS,
    URGENCY_LEVELS,
    ArticleStatus,
    CandidateStatus,
    Channel,
    ComplaintStatus,
    ItemKind,
    NoteKind,
    Outcome,
    PendingReason,
    ProblemStatus,
    Role,
    RoundStatus,
    SurveyStatus,
    TicketStatus,
    TicketType,
    Verdict,
    Visibility,
)


def one_of(column: str, values: Iterable[StrEnum]) -> str:
    """``column IN ('a', 'b')``: NULL passes (SQL lets a CHECK through unless it is false), so
    a nullable column needs no ``IS NULL OR``."""
    listed = ", ".join("'" + v.value.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({listed})"


def within(column: str, levels: range) -> str:
    """``column BETWEEN first AND last`` of a range of levels."""
    return f"{column} BETWEEN {levels[0]} AND {levels[-1]}"


#: table → constraint name (without the ``ck_<table>_`` prefix the naming convention adds)
#: → the SQL condition.
CHECKS: dict[str, dict[str, str]] = {
    "ticket": {
        "status": one_of("status", TicketStatus),
        "type": one_of("type", TicketType),
        "impact": within("impact", IMPACT_LEVELS),
        "urgency": within("urgency", URGENCY_LEVELS),
        "priority": within("priority", PRIORITY_LEVELS),
        "tier": within("tier", TIERS),
        "pending_reason": one_of("pending_reason", PendingReason),
    },
    "staff": {"tier": within("tier", TIERS)},
    "staff_role": {"role": one_of("role", Role)},
    "assignment_group": {"tier": within("tier", TIERS)},
    "ticket_note": {"kind": one_of("kind", NoteKind)},
    "contact": {"channel": one_of("channel", Channel)},
    "inspection_item": {
        "kind": one_of("kind", ItemKind),
        "severity": within("severity", SEVERITY_LEVELS),
    },
    "inspection_round": {"status": one_of("status", RoundStatus)},
    "inspection_answer": {"outcome": one_of("outcome", Outcome)},
}

#: The constraints of every table created after migration 0006, which reads :data:`CHECKS` to
#: add constraints to the tables that existed then. Each of these is created with its constraints
#: by its own migration, which writes them out; a later migration that creates a table adds its
#: constraints here, and nowhere else (``tests/unit/test_check_constraints.py`` keeps them as the
#: migrations wrote them).
NEW_TABLE_CHECKS: dict[str, dict[str, str]] = {
    # 0010: problems and the knowledge base.
    "problem": {
        "status": one_of("status", ProblemStatus),
        "priority": within("priority", PRIORITY_LEVELS),
    },
    "kb_article": {
        "status": one_of("status", ArticleStatus),
        "visibility": one_of("visibility", Visibility),
    },
    "problem_candidate": {"status": one_of("status", CandidateStatus)},
    # 0012: service quality.
    "survey": {
        "status": one_of("status", SurveyStatus),
        "overall": within("overall", SURVEY_SCORES),
        "timeliness": within("timeliness", SURVEY_SCORES),
        "attitude": within("attitude", SURVEY_SCORES),
    },
    "complaint": {
        "status": one_of("status", ComplaintStatus),
        "verdict": one_of("verdict", Verdict),
        "channel": one_of("channel", Channel),
        "against": "ticket_id IS NOT NULL OR staff_id IS NOT NULL",
    },
    # 0014: change management.
    "change_request": {
        "type": one_of("type", ChangeType),
        "status": one_of("status", ChangeStatus),
        "outcome": one_of("outcome", ChangeOutcome),
        "risk_level": one_of("risk_level", RiskLevel),
    },
    "change_approval": {"decision": one_of("decision", Decision)},
}

#: Every table's constraints, as the table classes declare them.
ALL_CHECKS: dict[str, dict[str, str]] = {
    **CHECKS,
    **NEW_TABLE_CHECKS,
}


def every_check(table: str) -> dict[str, str]:
    """The table's constraints, whichever migration made them."""
    return ALL_CHECKS.get(table, {})


def full_name(table: str, name: str) -> str:
    """The constraint's name in the database (``ck_ticket_status``), as the naming convention
    in ``tables.base`` spells it."""
    return f"ck_{table}_{name}"


def checks_for(table: str) -> tuple[CheckConstraint, ...]:
    """The table's CHECK constraints, for its ``__table_args__``."""
    return tuple(CheckConstraint(sql, name=name) for name, sql in every_check(table).items())
