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
    """The next number of any series (tickets INC/REQ, problems PRB, articles KB, changes CHG),
    as :func:`next_number` takes it."""
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


def series_number(ref: str, prefix: str) -> str:
    """The number of series ``prefix`` that ``ref`` means: ``prb12``, ``PRB-000012`` and a bare
    ``12`` all mean PRB000012 (as operators type ticket numbers, ``lookup.number_candidates``);
    anything else is returned as typed (upper case), to be found or not."""
    ref = "".join(ref.split()).upper()
    head = ref.rstrip("0123456789")
    digits = ref[len(head) :]
    if digits and head.rstrip("-#_") in ("", prefix):
        return format_number(prefix, int(digits))
    return ref


def reserve_numbers(session: Session, prefix: str, count: int) -> list[str]:
    """``count`` consecutive numbers of the ``prefix`` series in one ``UPDATE … RETURNING``
    (a batch of inspection rounds takes its numbers at once). Numbers of rows another writer
    created first (an insert that conflicted) are not reused: the series may have gaps."""
    if count <= 0:
        return []
    session.execute(
        text(
            "INSERT INTO number_series (prefix, last_value) VALUES (:p, 0) "
            "ON CONFLICT (prefix) DO NOTHING"
        ),
        {"p": prefix},
    )
    last = session.execute(
        text(
            "UPDATE number_series SET last_value = last_value + :n WHERE prefix = :p "
            "RETURNING last_value"
        ),
        {"p": prefix, "n": count},
    ).scalar_one()
    return [format_number(prefix, value) for value in range(last - count + 1, last + 1)]
