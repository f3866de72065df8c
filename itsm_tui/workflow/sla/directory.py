"""Who an SLA threshold can alert: groups, their members, the managers and the active staff,
read whole once per scan (small tables) so that resolving a ticket's ladder targets reads
nothing. Apart from the scan because the SLA service's explanations resolve the same targets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy
from sqlmodel import Session, col, select

from itsm_tui.common.domain import TOP_TIER, Role
from itsm_tui.storage.tables import AssignmentGroup, GroupMember, Staff, StaffRole, Ticket
from itsm_tui.workflow.business_calendar import BusinessCalendar
from itsm_tui.workflow.sla import config as cfg


@dataclass(frozen=True)
class Person:
    """An active staff member as an alert needs them."""

    id: int
    login: str
    email: str | None


@dataclass(frozen=True)
class Group:
    id: int
    code: str
    tier: int
    supervisor_id: int | None
    active: bool


@dataclass(frozen=True)
class Directory:
    """Groups, their members, the managers and the active staff: small tables, read whole in
    four queries so that resolving a ticket's ladder targets reads nothing."""

    groups: Mapping[int, Group]
    people: Mapping[int, Person]  # active staff only: nobody else is alerted
    members: Mapping[int, tuple[int, ...]]  # group id → staff ids, ascending
    managers: tuple[int, ...]  # ascending

    @classmethod
    def read(cls, session: Session, config: cfg.SlaConfig) -> Directory:
        groups = {
            g.id: Group(g.id, g.code, g.tier, g.supervisor_id, g.active)
            for g in session.execute(
                # SQLAlchemy's select: SQLModel's is typed for at most four columns.
                sqlalchemy.select(
                    col(AssignmentGroup.id),
                    col(AssignmentGroup.code),
                    col(AssignmentGroup.tier),
                    col(AssignmentGroup.supervisor_id),
                    col(AssignmentGroup.active),
                )
            ).all()
        }
        people = {
            p.id: Person(p.id, p.login, p.email)
            for p in session.execute(
                select(Staff.id, Staff.login, Staff.email).where(Staff.active)
            ).all()
        }
        members: dict[int, list[int]] = {}
        for gid, sid in session.execute(
            select(GroupMember.group_id, GroupMember.staff_id).order_by(
                col(GroupMember.group_id), col(GroupMember.staff_id)
            )
        ).all():
            members.setdefault(gid, []).append(sid)
        if config.managers:
            stmt = select(Staff.id).where(col(Staff.login).in_(config.managers))
        else:
            stmt = (
                select(Staff.id)
                .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
                .where(StaffRole.role == Role.SUPERVISOR.value, Staff.active)
            )
        managers = tuple(session.execute(stmt.order_by(col(Staff.id))).scalars().all())
        return cls(groups, people, {g: tuple(m) for g, m in members.items()}, managers)

    def escalation_group(self, policy: cfg.Policy, tier: int) -> Group | None:
        """The group a ticket at ``tier`` goes up to: the policy's choice, else the first
        active group of the next tier (lowest id: the one the site created first)."""
        if tier >= TOP_TIER:
            return None
        code = policy.escalation_groups.get(tier + 1)
        for gid in sorted(self.groups):
            g = self.groups[gid]
            if g.active and g.tier == tier + 1 and (not code or g.code == code):
                return g
        return None

    def targets(
        self, ticket: Ticket, names: tuple[str, ...], escalation_group: Group | None
    ) -> list[tuple[Person, str]]:
        """The staff each ladder target names, each person once (with the first target naming
        them), active members only."""
        group = self.groups.get(ticket.group_id) if ticket.group_id else None
        supervisor = group.supervisor_id if group else None
        found: dict[int, tuple[Person, str]] = {}

        def add(ids: Sequence[int | None], target: str) -> None:
            for staff_id in ids:
                if staff_id is None or staff_id in found:
                    continue
                person = self.people.get(staff_id)
                if person is not None:
                    found[staff_id] = (person, target)

        for name in names:
            if name == "assignee":
                add([ticket.assignee_id or supervisor], name)
            elif name == "group_supervisor":
                add([supervisor], name)
            elif name == "manager":
                add(self.managers, name)
            elif name == "next_tier" and escalation_group is not None:
                add(self.members.get(escalation_group.id, ()), name)
        return list(found.values())


@dataclass(frozen=True)
class Reference:
    """What every chunk of a scan needs and no chunk changes, read once per scan: the SLA
    configuration, the calendars and the :class:`Directory`. (A policy or staff change made
    during a scan applies from the next one, a minute later.)"""

    config: cfg.SlaConfig
    calendars: Mapping[str, BusinessCalendar]
    directory: Directory

    @classmethod
    def read(cls, session: Session) -> Reference:
        config = cfg.read_config(session)
        calendars = {name: cfg.calendar(session, name) for name in cfg.CALENDARS}
        return cls(config, calendars, Directory.read(session, config))
