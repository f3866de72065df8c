"""The caller directory: hotline staff find callers fast and register new ones on the spot."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from itsm_tui.common.domain import OPEN_STATUSES
from itsm_tui.common.errors import Conflict, Invalid, NotFound
from itsm_tui.common.ids import MAX_ID
from itsm_tui.storage import caller_queries
from itsm_tui.storage.tables import Caller, Location
from itsm_tui.workflow import text_input
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.lookup import find_caller
from itsm_tui.workflow.permissions import Action

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+()\- ]{3,40}$")
#: The most callers one search returns at once (the CLI's ``--limit`` allows as many).
SEARCH_MAX = 200


@dataclass(frozen=True)
class CallerTicket:
    number: str
    status: str
    priority: int
    title: str
    opened_at: datetime


@dataclass(frozen=True)
class CallerView:
    id: int
    name: str
    department: str | None
    phone: str | None
    email: str | None
    employee_no: str | None
    location: str | None
    vip: bool
    recent_tickets: list[CallerTicket] = field(default_factory=list)

    @property
    def open_tickets(self) -> list[CallerTicket]:
        return [t for t in self.recent_tickets if t.status in OPEN_STATUSES]


def _view(session: Session, caller: Caller, *, with_tickets: bool = False) -> CallerView:
    assert caller.id is not None
    location = session.get(Location, caller.location_id) if caller.location_id else None
    tickets = (
        [
            CallerTicket(t.number, t.status, t.priority, t.title, t.opened_at)
            for t in caller_queries.recent_tickets(session, caller.id, 10)
        ]
        if with_tickets
        else []
    )
    return CallerView(
        caller.id,
        caller.name,
        caller.department,
        caller.phone,
        caller.email,
        caller.employee_no,
        location.name if location else None,
        caller.vip,
        tickets,
    )


def _check(
    name: str, phone: str | None, email: str | None, department: str | None, **more: str | None
) -> None:
    """A caller's fields are each one line of text (``workflow.text_input``), and more."""
    fields = {"name": name, "phone": phone, "email": email, "department": department, **more}
    for label, value in fields.items():
        if value is not None:
            text_input.one_line(label, value)
    if not name.strip() or len(name) > 100:
        raise Invalid("name must be 1–100 characters.", field="name")
    if phone is not None and not _PHONE.match(phone):
        raise Invalid("phone '{phone}' is not a phone number.", field="phone", phone=phone)
    if email is not None and not _EMAIL.match(email):
        raise Invalid("email '{email}' is not an e-mail address.", field="email", email=email)
    if department is not None and len(department) > 100:
        raise Invalid("department must be at most 100 characters.", field="department")


@mutation(Action.MANAGE_CALLERS)
def add_caller(
    tx: Tx,
    name: str,
    *,
    department: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    employee_no: str | None = None,
    location: str | None = None,
) -> CallerView:
    """Register a caller who is not in the directory yet (hotline staff do this mid-call).

    A caller with the same name and phone already on file is refused as a duplicate.
    """
    _check(name, phone, email, department, employee_no=employee_no, location=location)
    session = tx.session
    if (
        employee_no
        and session.exec(select(Caller.id).where(Caller.employee_no == employee_no)).first()
    ):
        raise Conflict(
            "Employee number {employee_no} is already registered.",
            field="employee_no",
            employee_no=employee_no,
        )
    if phone:
        same = session.exec(
            select(Caller).where(Caller.name == name.strip(), Caller.phone == phone)
        ).first()
        if same is not None:
            raise Conflict(
                "{name} ({phone}) is already registered as #{id}.",
                name=same.name,
                phone=phone,
                id=same.id,
            )
    location_id = None
    if location:
        row = session.exec(
            select(Location).where((Location.code == location) | (Location.name == location))
        ).first()
        if row is None:
            raise NotFound("No location '{location}'.", field="location", location=location)
        location_id = row.id
    caller = Caller(
        name=name.strip(),
        department=department,
        phone=phone,
        email=email,
        employee_no=employee_no,
        location_id=location_id,
        created_at=tx.now,
    )
    session.add(caller)
    session.flush()
    assert caller.id is not None
    tx.journal(
        "caller",
        caller.id,
        "create",
        {"name": caller.name, "department": department, "phone": phone},
    )
    return _view(session, caller)


@dataclass(frozen=True)
class CallerPage:
    """A page of a caller search; pass ``next_after`` back as ``after`` for the next one (None:
    no more). Hotline staff type a few characters and the directory holds thousands, so a
    search says when it stopped short rather than looking complete."""

    items: list[CallerView]
    next_after: int | None


def _search(read: Read, text: str, limit: int, after: int | None) -> CallerPage:
    text_input.storable("text", text)
    if not 1 <= limit <= SEARCH_MAX:
        raise Invalid("limit must be 1 to {search_max}.", field="limit", search_max=SEARCH_MAX)
    if after is not None and (not 0 <= after <= MAX_ID or read.session.get(Caller, after) is None):
        raise NotFound("No caller #{after} to continue after.", field="after", after=after)
    found = caller_queries.search(read.session, text, limit + 1, after)
    more = len(found) > limit
    items = [_view(read.session, c) for c in found[:limit]]
    return CallerPage(items, items[-1].id if more else None)


@query(Action.VIEW_TICKETS)
def search_callers(read: Read, text: str, *, limit: int = 20) -> list[CallerView]:
    """Callers matching what the agent typed: name, phone, department or employee number."""
    return _search(read, text, limit, None).items


@query(Action.VIEW_TICKETS)
def find_callers(read: Read, text: str, *, limit: int = 20, after: int | None = None) -> CallerPage:
    """One page of :func:`search_callers`' matches, after the caller ``after``: prefix matches
    first, then substring matches, each by name."""
    return _search(read, text, limit, after)


@query(Action.VIEW_TICKETS)
def show_caller(read: Read, ref: str) -> CallerView:
    """One caller with their recent tickets (a repeat call should be attached, not duplicated)."""
    return _view(read.session, find_caller(read.session, ref), with_tickets=True)
