"""Assignment groups (the teams behind the queues), their tier, supervisor and members."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from itsm_tui.common.domain import TIERS
from itsm_tui.common.errors import Conflict, Invalid
from itsm_tui.storage.tables import AssignmentGroup, GroupMember, Staff
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.lookup import find_group, find_staff
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.text_input import one_line, storable


@dataclass(frozen=True)
class GroupView:
    id: int
    code: str
    name: str
    tier: int
    supervisor: str | None
    members: tuple[str, ...]


def _view(session: Session, group: AssignmentGroup) -> GroupView:
    assert group.id is not None
    members = session.exec(
        select(Staff.login)
        .join(GroupMember, col(GroupMember.staff_id) == Staff.id)
        .where(GroupMember.group_id == group.id)
        .order_by(col(Staff.login))
    ).all()
    supervisor = session.get(Staff, group.supervisor_id) if group.supervisor_id else None
    return GroupView(
        group.id,
        group.code,
        group.name,
        group.tier,
        supervisor.login if supervisor else None,
        tuple(members),
    )


@mutation(Action.MANAGE_REFERENCE)
def add_group(
    tx: Tx, code: str, name: str, *, tier: int, supervisor: str | None = None
) -> GroupView:
    """Create an assignment group at a tier (1 hotline/on-site, 2 operations, 3 dev/vendor)."""
    storable("code", code)
    if not code.strip() or len(code) > 40 or any(c.isspace() for c in code):
        raise Invalid("code must be 1–40 characters without spaces.", field="code")
    # The name heads a queue and fills one cell of every list of groups.
    if not one_line("name", name).strip() or len(name) > 100:
        raise Invalid("name must be 1–100 characters.", field="name")
    if tier not in TIERS:
        raise Invalid(
            "tier must be {lowest} to {highest}, not {tier}.",
            field="tier",
            lowest=TIERS[0],
            highest=TIERS[-1],
            tier=tier,
        )
    session = tx.session
    if session.exec(select(AssignmentGroup.id).where(AssignmentGroup.code == code)).first():
        raise Conflict("A group with code '{code}' already exists.", field="code", code=code)
    boss = find_staff(session, supervisor) if supervisor else None
    group = AssignmentGroup(
        code=code, name=name, tier=tier, supervisor_id=boss.id if boss else None
    )
    session.add(group)
    session.flush()
    assert group.id is not None
    tx.journal(
        "group",
        group.id,
        "create",
        {"code": code, "name": name, "tier": tier, "supervisor": supervisor},
    )
    return _view(session, group)


@mutation(Action.MANAGE_REFERENCE)
def add_member(tx: Tx, group: str, login: str) -> GroupView:
    """Put a staff member in a group (they then see and work its queue)."""
    return _view(tx.session, join_group(tx, group, login))


def join_group(tx: Tx, group: str, login: str) -> AssignmentGroup:
    """The body of :func:`add_member`, for operations that seat a member as one of their
    steps (loading the demo seats the admin who loads it at the hotline)."""
    session = tx.session
    row = find_group(session, group)
    person = find_staff(session, login)
    assert row.id is not None and person.id is not None
    if session.get(GroupMember, (row.id, person.id)) is not None:
        raise Conflict("{login} is already a member of {code}.", login=login, code=row.code)
    session.add(GroupMember(group_id=row.id, staff_id=person.id))
    session.flush()
    tx.journal("group", row.id, "add_member", {"member": login})
    return row


@mutation(Action.MANAGE_REFERENCE)
def remove_member(tx: Tx, group: str, login: str) -> GroupView:
    session = tx.session
    row = find_group(session, group)
    person = find_staff(session, login)
    member = session.get(GroupMember, (row.id, person.id))
    if member is None:
        raise Invalid(
            "{login} is not a member of {code}.", field="member", login=login, code=row.code
        )
    session.delete(member)
    session.flush()
    assert row.id is not None
    tx.journal("group", row.id, "remove_member", {"member": login})
    return _view(session, row)


@query(Action.VIEW_STAFF)
def list_groups(read: Read) -> list[GroupView]:
    """Every active group, by tier then code (a few dozen rows)."""
    groups = read.session.exec(
        select(AssignmentGroup)
        .where(AssignmentGroup.active)
        .order_by(col(AssignmentGroup.tier), col(AssignmentGroup.code))
    ).all()
    return [_view(read.session, g) for g in groups]
