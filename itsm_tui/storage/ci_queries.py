"""Finding configuration items as the operator types: index ranges first, then bounded
substring passes."""

from __future__ import annotations

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from itsm_tui.storage.tables import ConfigurationItem
from itsm_tui.storage.text_match import contains_any_case, starts_with


def lookup(
    session: Session, text: str, limit: int, *, include_retired: bool = True
) -> list[ConfigurationItem]:
    """The console's CI lookup, best matches first: an exact asset tag or IP, then names, IPs
    and asset tags starting with ``text`` (index ranges), then names containing it, then —
    for text of several words, as people type Chinese names ("OA 系统") — names containing
    every word. Retired CIs are included unless ``include_retired`` is off (the CMDB keeps them
    to be looked at; a new ticket should not name one)."""
    text = text.strip()
    if not text:
        return []
    name, ip, tag = (
        col(ConfigurationItem.name),
        col(ConfigurationItem.ip),
        col(ConfigurationItem.asset_tag),
    )
    words = text.split()
    passes = [
        or_(tag == text, ip == text),
        or_(starts_with(name, text), starts_with(ip, text), starts_with(tag, text)),
        contains_any_case(name, text),
    ]
    if len(words) > 1:
        passes.append(and_(*(contains_any_case(name, w) for w in words)))
    found: dict[int, ConfigurationItem] = {}
    for where in passes:
        stmt = select(ConfigurationItem).where(where)
        if not include_retired:
            stmt = stmt.where(col(ConfigurationItem.status) != "retired")
        rows = session.exec(stmt.order_by(name).limit(limit)).all()
        for row in rows:
            found.setdefault(row.id or 0, row)
        if len(found) >= limit:
            break
    return list(found.values())[:limit]
