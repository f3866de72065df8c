"""A page of complaints in one statement: the complaint with the names a list shows (the person
complained about, the ticket's number, the group's code, who logged and who reviewed it).

The lists used to read each complaint and then each of its five references separately — up to
six statements a row, 1,200 for a page of 200. One keyset-paged ``SELECT`` with outer joins on
primary keys reads the page whatever its length: the filtering index picks the ids
(``ix_complaint_status`` for a status, ``ix_complaint_staff_id`` for a person, the primary key
otherwise) and the joins look up only those rows. A page over several statuses (the review
queue: everything not yet closed) reads each status's index range and sorts what it finds by
id: the complaints still open, never the closed history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import AssignmentGroup, Complaint, Staff, Ticket

_COMPLAINT = core_table(Complaint)
_STAFF = core_table(Staff)
_SUBJECT = _STAFF.alias("subject")
_LOGGER = _STAFF.alias("logger")
_REVIEWER = _STAFF.alias("reviewer")
_TICKET = core_table(Ticket)
_GROUP = core_table(AssignmentGroup)

#: The page's one statement, before its filter, order and limit.
_PAGE = (
    select(
        _COMPLAINT,
        _SUBJECT.c.login.label("staff_login"),
        _SUBJECT.c.display_name.label("staff_name"),
        _TICKET.c.number.label("ticket_number"),
        _GROUP.c.code.label("group_code"),
        _LOGGER.c.login.label("logger_login"),
        _REVIEWER.c.login.label("reviewer_login"),
    )
    .select_from(_COMPLAINT)
    .outerjoin(_SUBJECT, _SUBJECT.c.id == _COMPLAINT.c.staff_id)
    .outerjoin(_TICKET, _TICKET.c.id == _COMPLAINT.c.ticket_id)
    .outerjoin(_GROUP, _GROUP.c.id == _COMPLAINT.c.group_id)
    .outerjoin(_LOGGER, _LOGGER.c.id == _COMPLAINT.c.logged_by_id)
    .outerjoin(_REVIEWER, _REVIEWER.c.id == _COMPLAINT.c.reviewer_id)
)


def complaint_page(
    session: Session,
    *,
    statuses: Sequence[str] | None = None,
    staff_id: int | None = None,
    after: int | None = None,
    oldest_first: bool = False,
    limit: int = 50,
) -> list[Row[Any]]:
    """Up to ``limit`` complaints after id ``after`` (newest first, or oldest first), each
    with the names the lists show; ask for one row more than a page to learn whether another
    follows."""
    stmt = _PAGE
    if statuses is not None:
        stmt = stmt.where(_COMPLAINT.c.status.in_(list(statuses)))
    if staff_id is not None:
        stmt = stmt.where(_COMPLAINT.c.staff_id == staff_id)
    if after is not None:
        stmt = stmt.where(_COMPLAINT.c.id > after if oldest_first else _COMPLAINT.c.id < after)
    order = _COMPLAINT.c.id.asc() if oldest_first else _COMPLAINT.c.id.desc()
    return list(session.execute(stmt.order_by(order).limit(limit)))
