"""Problems: the cause behind recurring incidents, the incidents and CIs they concern, and the
candidates the recurring-incident job suggests.

A problem is versioned like a ticket (``version``: every update checks and bumps it). An
incident belongs to at most one problem (``problem_ticket``'s key is the ticket), which is what
"not yet linked" means to the recurring-incident job.
"""

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field

from itsm_tui.common.domain import PRIORITY_LEVELS, TITLE_MAX
from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.tables.checks import checks_for
from itsm_tui.storage.types import UTCDateTime

CAUSE_CODE_MAX = 40
CHANGE_REF_MAX = 40
CANDIDATE_KEY_MAX = 80


class Problem(Table, table=True):
    __tablename__ = "problem"
    __table_args__ = (
        # The problem list: by status, newest first; a group's problems.
        Index("ix_problem_status", "status", "id"),
        Index("ix_problem_group_status", "group_id", "status", "id"),
        *checks_for("problem"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", sa_type=Text)
    category_id: int | None = Field(default=None, foreign_key="category.id")
    priority: int = Field(default=PRIORITY_LEVELS[2])
    status: str = Field(max_length=20)
    owner_id: int | None = Field(default=None, foreign_key="staff.id")
    group_id: int | None = Field(default=None, foreign_key="assignment_group.id")
    cause_code: str | None = Field(default=None, max_length=CAUSE_CODE_MAX)
    root_cause: str = Field(default="", sa_type=Text)
    workaround: str = Field(default="", sa_type=Text)
    fix: str = Field(default="", sa_type=Text)
    # The change that carries the permanent fix, once change management exists (its number).
    fix_change: str | None = Field(default=None, max_length=CHANGE_REF_MAX)
    opened_by_id: int | None = Field(default=None, foreign_key="staff.id")
    opened_at: datetime = Field(sa_type=UTCDateTime)
    known_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)


class ProblemTicket(Table, table=True):
    """An incident linked to a problem (at most one problem per incident)."""

    __tablename__ = "problem_ticket"
    # A problem's incidents, in ticket order.
    __table_args__ = (Index("ix_problem_ticket_problem", "problem_id", "ticket_id"),)

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True, ondelete="CASCADE")
    problem_id: int = Field(foreign_key="problem.id", ondelete="CASCADE")
    linked_at: datetime = Field(sa_type=UTCDateTime)


class ProblemCI(Table, table=True):
    """A CI or business service the problem affects."""

    __tablename__ = "problem_ci"
    # "Known errors on this CI" (intake suggestions).
    __table_args__ = (Index("ix_problem_ci_ci", "ci_id", "problem_id"),)

    problem_id: int = Field(foreign_key="problem.id", primary_key=True, ondelete="CASCADE")
    ci_id: int = Field(foreign_key="configuration_item.id", primary_key=True)


class ProblemCandidate(Table, table=True):
    """A cluster of recent unlinked incidents the job suggests making a problem of.

    ``key`` names the cluster (``ci:12``, ``service:3/category:7``) and is unique, so the job
    updates the one row instead of suggesting the same cluster twice, and a dismissal stays on
    it: the job suggests it again only when enough incidents arrive after ``dismissed_at``.
    """

    __tablename__ = "problem_candidate"
    __table_args__ = (
        UniqueConstraint("key", name="uq_problem_candidate_key"),
        Index("ix_problem_candidate_status", "status", "id"),
        *checks_for("problem_candidate"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=CANDIDATE_KEY_MAX)
    ci_id: int | None = Field(default=None, foreign_key="configuration_item.id")
    category_id: int | None = Field(default=None, foreign_key="category.id")
    status: str = Field(max_length=20)
    incidents: int = Field(default=0)
    # The newest incident of the cluster: the alert is raised on it.
    last_ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    # Bumped each time the cluster is suggested (again): the alert's kind carries it, so each
    # suggestion reaches a supervisor exactly once.
    round: int = Field(default=1)
    first_seen_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
    dismissed_by_id: int | None = Field(default=None, foreign_key="staff.id")
    dismissed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    problem_id: int | None = Field(default=None, foreign_key="problem.id")
