"""Freeze windows (封网期): the National Day holiday, the two sessions (两会), year-end closing.
A normal or standard change may not be scheduled into one; an emergency change may, with a
reason."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from itsm_tui.storage.tables import ChangeFreeze


def overlapping(session: Session, start: datetime, end: datetime) -> ChangeFreeze | None:
    """The first freeze that overlaps ``[start, end)``, if any (read by its end, indexed)."""
    return session.exec(
        select(ChangeFreeze)
        .where(col(ChangeFreeze.ends_at) > start, col(ChangeFreeze.starts_at) < end)
        .order_by(col(ChangeFreeze.starts_at))
        .limit(1)
    ).first()
