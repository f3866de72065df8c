"""The append-only audit journal: every change to anything, who made it, old → new."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field

from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.types import UTCDateTime


class JournalEntry(Table, table=True):
    """One audited action. Rows are only ever inserted; nothing updates or deletes them."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        # A ticket's (or any entity's) history, in order: `itsm ticket history`, the timeline.
        Index("ix_journal_entity", "entity", "entity_id", "id"),
        # "What changed since N" for live views reads the primary key; reports scan by time.
        Index("ix_journal_at", "at"),
        Index("ix_journal_actor_at", "actor_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=40)  # "ticket", "staff", "caller", …
    entity_id: int
    action: str = Field(max_length=40)  # "create", "claim", "escalate", …
    actor_id: int | None = Field(default=None, foreign_key="staff.id")  # None: the system
    at: datetime = Field(sa_type=UTCDateTime)
    # {"field": [old, new], …} plus free keys such as "reason".
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
