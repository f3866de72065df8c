"""Section 1, volume: tickets received by type, category and group, contacts by channel, and
the busiest hours and weekdays (in the site's zone)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import and_, func, select

from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.kpi_queries import hour_start, utc_hour
from itsm_tui.storage.tables import AssignmentGroup, Category, Contact
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import TICKET, T, Window, rows

KEY = "volume"
TITLE = N_("Volume")

_C = core_table(Contact).c
_G = core_table(AssignmentGroup).c


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """``received``: tickets opened in the period (cancelled ones too: they were received);
    with ``detail`` the breakdowns as ``[[label, count], …]``, largest first."""
    received = read.session.execute(select(func.count()).where(window.opened())).scalar_one()
    out: dict[str, Any] = {"received": int(received)}
    if not detail:
        return out
    out["by_type"] = _counted(read, select(T.type, func.count()).where(window.opened()), T.type)
    sub = core_table(Category).alias("c")
    top = core_table(Category).alias("p")
    label = func.coalesce(top.c.name, sub.c.name)
    out["by_category"] = _counted(
        read,
        select(label, func.count())
        .select_from(TICKET.outerjoin(sub, sub.c.id == T.category_id))
        .outerjoin(top, top.c.id == sub.c.parent_id)
        .where(window.opened()),
        label,
    )
    out["by_group"] = _counted(
        read,
        select(_G.name, func.count())
        .select_from(TICKET.outerjoin(core_table(AssignmentGroup), _G.id == T.group_id))
        .where(window.opened()),
        _G.name,
    )
    contact_where = [_C.occurred_at >= window.start, _C.occurred_at < window.end]
    contacts = select(_C.channel, func.count()).where(*contact_where)
    if window.scope():
        contacts = contacts.join(TICKET, T.id == _C.ticket_id).where(and_(*window.scope()))
    out["by_channel"] = _counted(read, contacts, _C.channel)
    # Counted per UTC hour in the database (≤ 24 groups a day), then each hour placed in the
    # site's zone: exact for a zone whose offset is whole hours (China's, and most).
    zone = read.site.settings.zone
    hour = utc_hour(T.opened_at, read.session.get_bind().dialect.name)
    hours: Counter[int] = Counter()
    weekdays: Counter[int] = Counter()
    for bucket, n in rows(read, select(hour, func.count()).where(window.opened()).group_by(hour)):
        local = hour_start(bucket).astimezone(zone)
        hours[local.hour] += n
        weekdays[local.weekday()] += n
    out["by_hour"] = [hours.get(h, 0) for h in range(24)]
    out["by_weekday"] = [weekdays.get(d, 0) for d in range(7)]
    return out


def _counted(read: Read, statement: Any, key: Any) -> list[list[Any]]:
    found = rows(read, statement.group_by(key))
    found.sort(key=lambda r: (-r[1], str(r[0] or "")))
    return [[r[0] if r[0] is not None else "", int(r[1])] for r in found]
