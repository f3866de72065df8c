"""Who works the desk (staff, groups) and who calls it (callers)."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from itsm_tui.common.domain import TIERS
from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.tables.checks import checks_for
from itsm_tui.storage.types import UTCDateTime


class Staff(Table, table=True):
    """A member of the IT department, identified by the OS account they log in with."""

    __tablename__ = "staff"
    __table_args__ = checks_for("staff")

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64, unique=True)  # the OS account name
    display_name: str = Field(max_length=100)
    tier: int = Field(default=TIERS[0], ge=TIERS[0], le=TIERS[-1])
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)
    #: The language this person reads ("en", "zh_CN"); None: as the machine says (README,
    #: "Language").
    language: str | None = Field(default=None, max_length=10)


class StaffRole(Table, table=True):
    """One role held by one staff member (a member may hold several)."""

    __tablename__ = "staff_role"
    __table_args__ = checks_for("staff_role")

    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")
    role: str = Field(max_length=20, primary_key=True)


class AssignmentGroup(Table, table=True):
    """A team that owns a queue, at one support tier (hotline, desktop, DBA, vendor …)."""

    __tablename__ = "assignment_group"
    __table_args__ = checks_for("assignment_group")

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=100)
    tier: int = Field(default=TIERS[0], ge=TIERS[0], le=TIERS[-1])
    supervisor_id: int | None = Field(default=None, foreign_key="staff.id")
    active: bool = Field(default=True)
    version: int = Field(default=1)


class GroupMember(Table, table=True):
    __tablename__ = "group_member"
    # The reverse index answers "which groups is this agent in" (the "my group" queue).
    __table_args__ = (Index("ix_group_member_staff", "staff_id"),)

    group_id: int = Field(foreign_key="assignment_group.id", primary_key=True, ondelete="CASCADE")
    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")


class Caller(Table, table=True):
    """An end user who contacts the service desk."""

    __tablename__ = "caller"
    __table_args__ = (
        # Intake looks callers up by name, phone and department as the agent types.
        Index("ix_caller_name", "name"),
        Index("ix_caller_phone", "phone"),
        Index("ix_caller_department", "department"),
        UniqueConstraint("employee_no", name="uq_caller_employee_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    employee_no: str | None = Field(default=None, max_length=40)
    name: str = Field(max_length=100)
    department: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    location_id: int | None = Field(default=None, foreign_key="location.id")
    vip: bool = Field(default=False)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)
