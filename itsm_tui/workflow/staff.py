"""Staff members, their roles, and who the operator at the keyboard is.

A member's name, e-mail and phone are held to the text rules of ``workflow.text_input``: they
are shown in one-line lists and written into mail headers, where a line break would split an
alert or smuggle in a header of its own. Their lengths are read from the ``staff`` table, so the
workflow refuses in a sentence what the column could not hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

import sqlalchemy
from sqlalchemy import func, inspect
from sqlmodel import Session, col, select

from itsm_tui.common.domain import OPEN_STATUSES, TIERS, Role
from itsm_tui.common.errors import Conflict, Invalid, NotFound, UnknownOperator
from itsm_tui.common.textsafe import visible
from itsm_tui.storage.tables import AssignmentGroup, GroupMember, Staff, StaffRole, Ticket
from itsm_tui.workflow.context import Read, Tx, load_actor, mutation, query, system_transaction
from itsm_tui.workflow.operator import os_login
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.suggest import closest
from itsm_tui.workflow.text_input import one_line, storable


def _length(column: str) -> int:
    """The declared length of one of the ``staff`` table's text columns."""
    length = getattr(inspect(Staff).columns[column].type, "length", None)
    assert isinstance(length, int), column
    return length


LOGIN_MAX = _length("login")
NAME_MAX = _length("display_name")
EMAIL_MAX = _length("email")
PHONE_MAX = _length("phone")


@dataclass(frozen=True)
class StaffView:
    """A staff member as the front doors show it."""

    id: int
    login: str
    display_name: str
    tier: int
    roles: tuple[str, ...]
    active: bool
    email: str | None
    phone: str | None
    version: int
    language: str | None = None


def resolve_actor(site: Site, as_login: str | None = None) -> Actor:
    """The staff member at the keyboard; with ``as_login``, whom an admin acts for."""
    login = os_login()
    with Session(site.engine) as session:
        # The columns an actor needs, not the whole record: ``db current`` and ``init`` run
        # this on a schema older than the newest columns, to say what it needs.
        staff = session.execute(_actor_columns().where(Staff.login == login)).first()
        if staff is None or not staff.active:
            raise UnknownOperator(
                "The OS account '{login}' is not an active staff member. An admin can add it "
                "with: itsm staff add {login} --name 'Full Name' --role agent",
                login=login,
            )
        me = load_actor(session, _as_actor(staff))
        if as_login is None or as_login == login:
            return me
        from itsm_tui.workflow import permissions

        permissions.require(me.login, me.roles, Action.ACT_AS_OTHER)
        other = session.execute(_actor_columns().where(Staff.login == as_login)).first()
        if other is None:
            _get_staff(session, as_login)  # refuses, with the closest logins
        assert other is not None
        return load_actor(session, _as_actor(other))


def _actor_columns() -> Any:
    # SQLAlchemy's select: SQLModel's types at most four columns (fastapi/sqlmodel#271).
    return sqlalchemy.select(
        col(Staff.id), col(Staff.login), col(Staff.display_name), col(Staff.tier), col(Staff.active)
    )


def _as_actor(staff: Any) -> Actor:
    assert staff.id is not None
    return Actor(staff.id, staff.login, staff.display_name, staff.tier, frozenset())


def _get_staff(session: Session, login: str) -> Staff:
    staff = session.exec(select(Staff).where(Staff.login == login)).first()
    if staff is None:
        logins = session.exec(select(Staff.login)).all()
        raise NotFound(
            "No staff member with login '{login}'.",
            field="login",
            suggestions=closest(login, logins),
            login=login,
        )
    return staff


def _roles_of(session: Session, staff_id: int) -> tuple[str, ...]:
    rows = session.exec(select(StaffRole.role).where(StaffRole.staff_id == staff_id)).all()
    return tuple(sorted(rows))


def _view(session: Session, staff: Staff) -> StaffView:
    assert staff.id is not None
    return StaffView(
        staff.id,
        staff.login,
        staff.display_name,
        staff.tier,
        _roles_of(session, staff.id),
        staff.active,
        staff.email,
        staff.phone,
        staff.version,
        staff.language,
    )


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    """Turn role names into roles, refusing an unknown name with the valid ones listed."""
    roles = set()
    for value in values:
        try:
            roles.add(Role(value.strip().lower()))
        except ValueError:
            valid = ", ".join(r.value for r in Role)
            raise Invalid(
                "Unknown role '{value}'; roles are: {valid}.",
                field="role",
                value=value,
                valid=valid,
            ) from None
    if not roles:
        raise Invalid("A staff member needs at least one role.", field="role")
    return frozenset(roles)


def _check_login(login: str) -> None:
    storable("login", login)
    if not login or len(login) > LOGIN_MAX or any(c.isspace() for c in login):
        raise Invalid(
            "login must be 1–{login_max} characters without spaces.",
            field="login",
            login_max=LOGIN_MAX,
        )


def _check_name(display_name: str) -> str:
    name = one_line("name", display_name).strip()
    if not name or len(display_name) > NAME_MAX:
        raise Invalid("name must be 1–{name_max} characters.", field="name", name_max=NAME_MAX)
    return name


def _check_tier(tier: int) -> None:
    if tier not in TIERS:
        raise Invalid(
            "tier must be {lowest} to {highest}, not {tier}.",
            field="tier",
            lowest=TIERS[0],
            highest=TIERS[-1],
            tier=tier,
        )


def _check_email(email: str | None) -> str | None:
    """One plain address (``name@example.org``), or None when blank: an alert is mailed to it,
    so a display name, a second address, a space or a header after a line break has no place
    in it. ``parseaddr`` must give back exactly what was typed."""
    if email is None or not one_line("email", email).strip():
        return None
    address = email.strip()
    if len(address) > EMAIL_MAX:
        raise Invalid(
            "email is longer than {email_max} characters.", field="email", email_max=EMAIL_MAX
        )
    real_name, parsed = parseaddr(address)
    local, at, domain = parsed.rpartition("@")
    spaced = any(c.isspace() for c in address)
    if real_name or parsed != address or spaced or not (local and at and domain):
        raise Invalid(
            "email '{address}' is not one e-mail address (such as name@example.org).",
            field="email",
            address=visible(address),
        )
    return address


def _check_phone(phone: str | None) -> str | None:
    if phone is None or not one_line("phone", phone).strip():
        return None
    number = phone.strip()
    if len(number) > PHONE_MAX:
        raise Invalid(
            "phone is longer than {phone_max} characters.", field="phone", phone_max=PHONE_MAX
        )
    return number


def _insert_staff(
    tx: Tx,
    login: str,
    display_name: str,
    tier: int,
    roles: frozenset[Role],
    email: str | None,
    phone: str | None,
) -> Staff:
    _check_login(login)
    name = _check_name(display_name)
    _check_tier(tier)
    email, phone = _check_email(email), _check_phone(phone)
    session = tx.session
    if session.exec(select(Staff.id).where(Staff.login == login)).first() is not None:
        raise Conflict(
            "A staff member with login '{login}' already exists.", field="login", login=login
        )
    staff = Staff(
        login=login,
        display_name=name,
        tier=tier,
        email=email,
        phone=phone,
        created_at=tx.now,
    )
    session.add(staff)
    session.flush()
    assert staff.id is not None
    session.add_all(StaffRole(staff_id=staff.id, role=r.value) for r in sorted(roles))
    tx.journal(
        "staff",
        staff.id,
        "create",
        {"login": login, "name": staff.display_name, "tier": tier, "roles": sorted(roles)},
    )
    return staff


@mutation(Action.MANAGE_STAFF)
def add_staff(
    tx: Tx,
    login: str,
    display_name: str,
    *,
    tier: int = 1,
    roles: Iterable[str] = ("agent",),
    email: str | None = None,
    phone: str | None = None,
) -> StaffView:
    """Register a staff member under their OS login."""
    staff = _insert_staff(tx, login, display_name, tier, parse_roles(roles), email, phone)
    return _view(tx.session, staff)


@mutation(Action.MANAGE_STAFF)
def set_roles(tx: Tx, login: str, roles: Iterable[str], *, tier: int | None = None) -> StaffView:
    """Replace a member's roles (and optionally tier); an admin cannot drop their own admin."""
    wanted = parse_roles(roles)
    session = tx.session
    staff = _get_staff(session, login)
    assert staff.id is not None
    if staff.id == tx.actor.id and Role.ADMIN not in wanted:
        raise Invalid("You cannot remove your own admin role; ask another admin.", field="role")
    old_roles = _roles_of(session, staff.id)
    old_tier = staff.tier
    for row in session.exec(select(StaffRole).where(StaffRole.staff_id == staff.id)).all():
        session.delete(row)
    session.flush()
    session.add_all(StaffRole(staff_id=staff.id, role=r.value) for r in sorted(wanted))
    if tier is not None:
        _check_tier(tier)
        staff.tier = tier
    staff.version += 1
    session.add(staff)
    tx.journal(
        "staff",
        staff.id,
        "set_roles",
        {"roles": (list(old_roles), sorted(wanted)), "tier": (old_tier, staff.tier)},
    )
    session.flush()
    return _view(session, staff)


@mutation(Action.CHOOSE_LANGUAGE)
def set_language(tx: Tx, login: str, language: str | None) -> StaffView:
    """Keep the language ``login`` reads ("en", "zh_CN"; None: as their machine says). Anyone
    sets their own; another member's is an admin's (``manage staff``). Journaled."""
    from itsm_tui.common.i18n import LANGUAGES, normalise
    from itsm_tui.workflow import permissions

    wanted = None
    if language is not None:
        wanted = normalise(language)
        if wanted not in LANGUAGES:
            raise Invalid(
                "Unknown language '{value}'; languages are: {names}.",
                field="language",
                value=visible(language),
                names=", ".join(LANGUAGES),
            )
    session = tx.session
    staff = _get_staff(session, login)
    assert staff.id is not None
    if staff.id != tx.actor.id and not tx.actor.is_system:
        permissions.require(tx.actor.login, tx.actor.roles, Action.MANAGE_STAFF)
    old = staff.language
    staff.language = wanted
    staff.version += 1
    session.add(staff)
    tx.journal("staff", staff.id, "set_language", {"language": (old, wanted)})
    session.flush()
    return _view(session, staff)


def operator_language(site: Site) -> str | None:
    """The language the operator at the keyboard keeps in their staff record (None: none, or
    no such operator): one indexed read, for the front doors to apply once they know who it
    is (``common.i18n.prefer``)."""
    from sqlalchemy.exc import DBAPIError

    with Session(site.engine) as session:
        try:
            return session.exec(select(Staff.language).where(Staff.login == os_login())).first()
        except DBAPIError:
            # A schema older than the column (0013), opened to be upgraded (``db current``,
            # ``db upgrade``, ``init``): the language is the machine's, the command goes on
            # to say what the schema needs.
            return None


@query(Action.VIEW_STAFF)
def list_staff(read: Read, *, include_inactive: bool = False) -> list[StaffView]:
    """Everyone on the staff (a few hundred rows at most), by login."""
    stmt = select(Staff).order_by(Staff.login)
    if not include_inactive:
        stmt = stmt.where(Staff.active)
    return [_view(read.session, s) for s in read.session.exec(stmt).all()]


@query(Action.VIEW_STAFF)
def whoami(read: Read) -> StaffView:
    assert read.actor.id is not None
    staff = read.session.get(Staff, read.actor.id)
    assert staff is not None
    return _view(read.session, staff)


def bootstrap_admin(site: Site, login: str, display_name: str | None = None) -> StaffView:
    """Create the first admin of an empty installation (no actor exists yet to do it).

    Refused once any staff member exists: from then on only an admin adds staff.
    """
    with system_transaction(site) as tx:
        count = tx.session.exec(select(func.count()).select_from(Staff)).one()
        if count:
            existing = tx.session.exec(select(Staff).where(Staff.login == login)).first()
            if existing is not None and Role.ADMIN in _roles_of(tx.session, existing.id or 0):
                return _view(tx.session, existing)
            raise Invalid(
                "Staff already exist: only an admin can add staff now (itsm staff add).",
                field="admin",
            )
        staff = _insert_staff(
            tx,
            login,
            display_name or login,
            3,
            frozenset({Role.ADMIN, Role.SUPERVISOR}),
            None,
            None,
        )
        return _view(tx.session, staff)


@dataclass(frozen=True)
class Assignable:
    """One person a ticket can be handed to, as the person picker lists them: by name, with
    their group and how many open tickets they hold now (so the load can be spread)."""

    group: str  # the group's code
    group_name: str
    tier: int
    login: str
    display_name: str
    open_tickets: int


@query(Action.VIEW_STAFF)
def assignable_people(read: Read, *, tier: int | None = None) -> list[Assignable]:
    """Every active member of every active group (of ``tier``, if given), each with their
    open-ticket count, least loaded first within a group.

    One statement, whatever the number of people: the count is a correlated index range on
    ``ix_ticket_assignee_status`` per member (no ticket is read, and no query per person).
    """
    is_open = col(Ticket.status).in_([s.value for s in OPEN_STATUSES])
    held = (
        select(func.count())
        .where(col(Ticket.assignee_id) == Staff.id, is_open)
        .correlate(Staff)
        .scalar_subquery()
    )
    stmt = (
        sqlalchemy.select(
            col(AssignmentGroup.code),
            col(AssignmentGroup.name),
            col(AssignmentGroup.tier),
            col(Staff.login),
            col(Staff.display_name),
            held.label("held"),
        )
        .join(GroupMember, col(GroupMember.group_id) == AssignmentGroup.id)
        .join(Staff, col(Staff.id) == GroupMember.staff_id)
        .where(col(AssignmentGroup.active), col(Staff.active))
    )
    if tier is not None:
        stmt = stmt.where(col(AssignmentGroup.tier) == tier)
    rows = read.session.execute(
        stmt.order_by(col(AssignmentGroup.code), "held", col(Staff.display_name))
    ).all()
    return [Assignable(*row) for row in rows]
