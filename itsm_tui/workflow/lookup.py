"""Finding what a person named (caller, group, category, CI, staff, ticket) or saying what
they may have meant. Every miss is a ``NotFound`` naming the field, with the closest matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, or_
from sqlmodel import Session, col, select

from itsm_tui.common.domain import NUMBER_PREFIX
from itsm_tui.common.errors import Invalid, NotFound
from itsm_tui.common.ids import is_id_ref, ref_id
from itsm_tui.storage.tables import (
    AssignmentGroup,
    Caller,
    Category,
    ConfigurationItem,
    Staff,
    Ticket,
)
from itsm_tui.storage.text_match import contains, starts_with
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.numbering import format_number
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.suggest import closest
from itsm_tui.workflow.text_input import storable

CANDIDATES = 200  # rows read to rank suggestions: bounded, whatever the table's size


def _suggest(session: Session, column: Any, wanted: str) -> list[str]:
    head = wanted[:1]
    rows = session.exec(
        select(column)
        .where(or_(starts_with(column, head), contains(col(column), wanted[:2])))
        .limit(CANDIDATES)
    ).all()
    return closest(wanted, [str(r) for r in rows])


def find_caller(session: Session, ref: str) -> Caller:
    """A caller by id (``#12``), employee number, phone or exact name (if unambiguous)."""
    ref = storable("caller", ref).strip()
    if is_id_ref(ref):
        number = ref_id(ref)  # None: beyond any id, so no such caller
        caller = session.get(Caller, number) if number is not None else None
        if caller is not None:
            return caller
    else:
        matches = session.exec(
            select(Caller)
            .where(
                or_(
                    col(Caller.employee_no) == ref,
                    col(Caller.phone) == ref,
                    col(Caller.name) == ref,
                ),
                Caller.active,
            )
            .limit(6)
        ).all()
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            options = ", ".join(f"#{c.id} {c.name} ({c.department or '-'})" for c in matches[:5])
            raise Invalid(
                "'{ref}' matches several callers: {options}.",
                field="caller",
                ref=ref,
                options=options,
            )
    raise NotFound(
        "No caller '{ref}'; register them with `itsm caller add`.",
        field="caller",
        suggestions=_suggest(session, Caller.name, ref.lstrip("#")),
        ref=ref,
    )


def find_group(session: Session, ref: str) -> AssignmentGroup:
    """An assignment group by code or name."""
    storable("group", ref)
    group = session.exec(
        select(AssignmentGroup).where(
            or_(col(AssignmentGroup.code) == ref, col(AssignmentGroup.name) == ref),
            AssignmentGroup.active,
        )
    ).first()
    if group is None:
        names = session.exec(select(AssignmentGroup.code).where(AssignmentGroup.active)).all()
        raise NotFound(
            "No assignment group '{ref}'.", field="group", suggestions=closest(ref, names), ref=ref
        )
    return group


def find_category(session: Session, ref: str) -> Category:
    """A category by code, by name, or as ``parent/child`` names."""
    storable("category", ref)
    stmt = select(Category).where(Category.active)
    if "/" in ref:
        parent_name, _, name = ref.partition("/")
        parent = session.exec(stmt.where(Category.name == parent_name.strip())).first()
        found = (
            session.exec(
                stmt.where(Category.name == name.strip(), Category.parent_id == parent.id)
            ).first()
            if parent
            else None
        )
    else:
        found = session.exec(
            stmt.where(or_(col(Category.code) == ref, col(Category.name) == ref))
        ).first()
    if found is None:
        names = session.exec(select(Category.name).where(Category.active)).all()
        raise NotFound(
            "No category '{ref}'.",
            field="category",
            suggestions=closest(ref.split("/")[-1], names),
            ref=ref,
        )
    return found


def find_cis(session: Session, refs: Sequence[str]) -> list[ConfigurationItem]:
    """Configuration items by name (or ``class:name`` where a name is used by several classes)."""
    found = []
    for ref in refs:
        ci_class, _, name = storable("ci", ref).rpartition(":")
        stmt = select(ConfigurationItem).where(ConfigurationItem.name == name.strip())
        if ci_class:
            stmt = stmt.where(ConfigurationItem.ci_class == ci_class.strip())
        matches = session.exec(stmt.limit(5)).all()
        if not matches:
            raise NotFound(
                "No configuration item '{ref}'.",
                field="ci",
                suggestions=_suggest(session, ConfigurationItem.name, name.strip()),
                ref=ref,
            )
        if len(matches) > 1:
            options = ", ".join(f"{m.ci_class}:{m.name}" for m in matches)
            raise Invalid(
                "'{ref}' names several CIs; say which: {options}.",
                field="ci",
                ref=ref,
                options=options,
            )
        found.append(matches[0])
    return found


def find_staff(session: Session, login: str) -> Staff:
    storable("assignee", login)
    staff = session.exec(select(Staff).where(Staff.login == login, Staff.active)).first()
    if staff is None:
        logins = session.exec(select(Staff.login).where(Staff.active)).all()
        raise NotFound(
            "No active staff member '{login}'.",
            field="assignee",
            suggestions=closest(login, logins),
            login=login,
        )
    return staff


def number_candidates(ref: str) -> list[str]:
    """The ticket numbers ``ref`` may mean: operators type numbers in a hurry, so ``inc123``,
    ``INC000123``, ``Inc-0000123`` all mean INC000123, and a bare ``123`` means the number 123
    of any series (INC000123 or REQ000123)."""
    ref = "".join(ref.split()).upper()
    head = ref.rstrip("0123456789")
    digits = ref[len(head) :]
    if not digits:
        return [ref]
    value = int(digits)
    head = head.rstrip("-#_")
    if head:
        return [format_number(head, value)]
    return [format_number(prefix, value) for prefix in NUMBER_PREFIX.values()]


def normalise_number(ref: str) -> str:
    """The number ``ref`` most likely means (a bare number: the incident's), with the series'
    zero-padding; :func:`find_ticket` tries every series for a bare number."""
    return number_candidates(ref)[0]


#: Built once (every ticket operation and the ticket screen start here): building a select
#: costs more than running it on an index.
_BY_NUMBER = select(Ticket).where(Ticket.number == bindparam("number"))
_BY_NUMBER_FOR_UPDATE = _BY_NUMBER.with_for_update()


def find_ticket(session: Session, ref: str, *, for_update: bool = False) -> Ticket:
    """A ticket by number (any case, any zero-padding, or a bare number if one series has it);
    ``for_update`` locks the row (PostgreSQL) until the transaction ends."""
    wanted = number_candidates(storable("ticket", ref))
    if len(wanted) == 1:  # the usual case: the statement built once
        stmt = _BY_NUMBER_FOR_UPDATE if for_update else _BY_NUMBER
        ticket = session.exec(stmt, params={"number": wanted[0]}).first()
        if ticket is None:
            raise NotFound("No ticket {number}.", field="ticket", number=wanted[0])
        return ticket
    many = select(Ticket).where(col(Ticket.number).in_(wanted))
    if for_update:
        many = many.with_for_update()
    found = session.exec(many.limit(len(wanted) + 1)).all()
    if len(found) > 1:
        options = " or ".join(sorted(t.number for t in found))
        raise Invalid(
            "'{ref}' may be {options}: type the prefix too.",
            field="ticket",
            ref=ref.strip(),
            options=options,
        )
    if not found:
        raise NotFound(
            "No ticket {ref} ({names}).", field="ticket", ref=ref.strip(), names=" or ".join(wanted)
        )
    return found[0]


@query(Action.VIEW_TICKETS)
def ticket_number(read: Read, ref: str) -> str:
    """The number of the ticket ``ref`` names ("Go to ticket"), or a ``NotFound`` saying there
    is none: the console asks before it opens a screen for it."""
    return find_ticket(read.session, ref).number
