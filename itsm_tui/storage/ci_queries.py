"""Finding configuration items as the agent types: a prefix range on ``ix_ci_name``, then a
bounded substring pass."""

from __future__ import annotations

from sqlmodel import Session, col, select

from itsm_tui.storage.caller_queries import starts_with
from itsm_tui.storage.tables import ConfigurationItem


def search(session: Session, text: str, limit: int) -> list[ConfigurationItem]:
    text = text.strip()
    if not text:
        return []
    found: dict[int, ConfigurationItem] = {}
    for where in (
        starts_with(col(ConfigurationItem.name), text),
        col(ConfigurationItem.name).contains(text),
    ):
        rows = session.exec(
            select(ConfigurationItem)
            .where(where, ConfigurationItem.status != "retired")
            .order_by(col(ConfigurationItem.name))
            .limit(limit)
        ).all()
        for row in rows:
            found.setdefault(row.id or 0, row)
        if len(found) >= limit:
            break
    return list(found.values())[:limit]
