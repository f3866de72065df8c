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
    if not detail:
        received = read.session.execute(select(func.count()).where(window.opened())).scalar_one()
        return {"received": int(received)}
    out: dict[str, Any] = {}
    # Type, category and group in one read of the period's range (a few hundred combinations,
    # not a row per ticket), each labelled and summed here: one pass over the index, not three.
    sub = core_table(Category).alias("c")
    top = core_table(Category).alias("p")
    categories = dict(
        rows(
            read,
            select(sub.c.id, func.coalesce(top.c.name, sub.c.name)).outerjoin(
                top, top.c.id == sub.c.parent_id
            ),
        )
    )
    groups = dict(rows(read, select(_G.id, _G.name)))
    by_type: Counter[Any] = Counter()
    by_category: Counter[Any] = Counter()
    by_group: Counter[Any] = Counter()
    for kind, category_id, group_id, n in rows(
        read,
        select(T.type, T.category_id, T.group_id, func.count())
        .where(window.opened())
        .group_by(T.type, T.category_id, T.group_id),
    ):
        by_type[kind] += n
        by_category[categories.get(category_id)] += n
        by_group[groups.get(group_id)] += n
    out["received"] = sum(by_type.values())
    out["by_type"] = _ranked(by_type)
    out["by_category"] = _ranked(by_category)
    out["by_group"] = _ranked(by_group)
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
    return _ranked(Counter(dict(rows(read, statement.group_by(key)))))


def _ranked(counted: Counter[Any]) -> list[list[Any]]:
    """``[[label, count], …]``, largest first, then by label (none: an empty label)."""
    found = [(k, int(n)) for k, n in counted.items() if n]
    found.sort(key=lambda r: (-r[1], str(r[0] or "")))
    return [[k if k is not None else "", n] for k, n in found]
