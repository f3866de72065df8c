"""Change management: requests for change (RFC), the CIs they touch, what they link to, the
CAB's decisions and the site's freeze windows (封网期)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field

from itsm_tui.common.domain import TITLE_MAX
from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.tables.checks import checks_for
from itsm_tui.storage.types import UTCDateTime

CHANGE_COMMENT_MAX = 2000
FREEZE_NAME_MAX = 100


class ChangeRequest(Table, table=True):
    """One request for change. ``version`` is bumped and checked by every update, as a
    ticket's is (``workflow.changes.core``), so two people never overwrite each other."""

    __tablename__ = "change_request"
    __table_args__ = (
        Index("ix_change_status", "status", "id"),  # `itsm change list --status`, the console
        # The conflict check and the forward schedule: changes holding a window, by its start.
        Index("ix_change_status_window", "status", "window_start"),
        Index("ix_change_implementer", "implementer_id", "status", "id"),  # "my changes"
        *checks_for("change_request"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    type: str = Field(max_length=20)
    status: str = Field(max_length=20)
    template: str | None = Field(default=None, max_length=60)  # a standard change's template
    title: str = Field(max_length=TITLE_MAX)
    reason: str = Field(default="", sa_type=Text)
    description: str = Field(default="", sa_type=Text)
    implementation_plan: str = Field(default="", sa_type=Text)
    backout_plan: str = Field(default="", sa_type=Text)
    test_plan: str = Field(default="", sa_type=Text)
    window_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    window_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    implementer_id: int | None = Field(default=None, foreign_key="staff.id")
    group_id: int | None = Field(default=None, foreign_key="assignment_group.id")
    requested_by_id: int | None = Field(default=None, foreign_key="staff.id")
    # The risk as last computed, with every factor's contribution (workflow.changes.risk).
    risk_score: int | None = Field(default=None)
    risk_level: str | None = Field(default=None, max_length=20)
    risk_factors: list[Any] | None = Field(default=None, sa_type=JSON)
    assessed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A supervisor's reason for scheduling into a conflict, or an emergency's into a freeze.
    override_reason: str | None = Field(default=None, sa_type=Text)
    actual_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    actual_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = Field(default=None, max_length=20)
    # The post-implementation review.
    review_success: bool | None = Field(default=None)
    lessons: str | None = Field(default=None, sa_type=Text)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1)


class ChangeCI(Table, table=True):
    """A configuration item a change touches."""

    __tablename__ = "change_ci"
    # "Changes on this CI": the conflict check and the risk's past failures.
    __table_args__ = (Index("ix_change_ci_ci", "ci_id", "change_id"),)

    change_id: int = Field(foreign_key="change_request.id", primary_key=True, ondelete="CASCADE")
    ci_id: int = Field(foreign_key="configuration_item.id", primary_key=True)


class ChangeLink(Table, table=True):
    """A change's link to another record: an incident it caused or that asked for it, a
    problem it fixes. Generic (``entity``, ``entity_id``) so records that come later link the
    same way."""

    __tablename__ = "change_link"
    __table_args__ = (Index("ix_change_link_entity", "entity", "entity_id"),)

    change_id: int = Field(foreign_key="change_request.id", primary_key=True, ondelete="CASCADE")
    entity: str = Field(max_length=40, primary_key=True)  # "ticket", "problem", …
    entity_id: int = Field(primary_key=True)
    relation: str = Field(max_length=20, primary_key=True)  # "related", "caused", "fixes"
    created_at: datetime = Field(sa_type=UTCDateTime)


class ChangeApproval(Table, table=True):
    """One CAB member's decision on one change. Unique per person and change: a second
    approval by the same person cannot be stored, whatever two processes do at once."""

    __tablename__ = "change_approval"
    __table_args__ = (
        UniqueConstraint("change_id", "staff_id", name="uq_change_approval"),
        Index("ix_change_approval_staff", "staff_id", "change_id"),
        *checks_for("change_approval"),
    )

    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(foreign_key="change_request.id", ondelete="CASCADE")
    staff_id: int = Field(foreign_key="staff.id")
    group_id: int | None = Field(default=None, foreign_key="assignment_group.id")
    decision: str = Field(max_length=20)
    comment: str = Field(default="", max_length=CHANGE_COMMENT_MAX)
    at: datetime = Field(sa_type=UTCDateTime)


class ChangeFreeze(Table, table=True):
    """A freeze window (封网期): no normal change may be scheduled into it."""

    __tablename__ = "change_freeze"
    __table_args__ = (
        UniqueConstraint("name", "starts_at", name="uq_change_freeze"),
        Index("ix_change_freeze_ends", "ends_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=FREEZE_NAME_MAX)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    reason: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
