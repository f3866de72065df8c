"""Ticket numbers (INC000123, REQ000045): unique per series under concurrent creation."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from itsm_tui.common.domain import NUMBER_PREFIX, TicketType

DIGITS = 6


def next_number(session: Session, ticket_type: TicketType) -> str:
    """Take the next number of the type's series inside the creating transaction.

    The counter row is bumped with one ``UPDATE … RETURNING``: PostgreSQL locks the row until
    commit and SQLite's writer holds the database, so two creators never read the same value;
    a creation that rolls back takes its number back with it.
    """
    return next_in_series(session, NUMBER_PREFIX[ticket_type])


def next_in_series(session: Session, prefix: str) -> str:
    """The next number of the series ``prefix`` (INC, REQ, CHG …), by the rule above."""
    session.execute(
        text(
            "INSERT INTO number_series (prefix, last_value) VALUES (:p, 0) "
            "ON CONFLICT (prefix) DO NOTHING"
        ),
        {"p": prefix},
    )
    value = session.execute(
        text(
            "UPDATE number_series SET last_value = last_value + 1 WHERE prefix = :p "
            "RETURNING last_value"
        ),
        {"p": prefix},
    ).scalar_one()
    return format_number(prefix, value)


def format_number(prefix: str, value: int) -> str:
    return f"{prefix}{value:0{DIGITS}d}"
