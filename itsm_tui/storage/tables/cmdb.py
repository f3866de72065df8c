"""Configuration items. Minimal for now: the CMDB issue adds classes, attributes and relations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from itsm_tui.storage.types import UTCDateTime


class ConfigurationItem(SQLModel, table=True):
    __tablename__ = "configuration_item"
    __table_args__ = (
        # class + name is the natural key imports upsert by.
        UniqueConstraint("ci_class", "name", name="uq_ci_class_name"),
        Index("ix_ci_name", "name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    ci_class: str = Field(max_length=40)
    status: str = Field(default="in_use", max_length=20)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)


class TicketCI(SQLModel, table=True):
    """A configuration item affected by a ticket."""

    __tablename__ = "ticket_ci"
    # The reverse index answers "open tickets on this CI" (intake, impact analysis).
    __table_args__ = (Index("ix_ticket_ci_ci", "ci_id", "ticket_id"),)

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True, ondelete="CASCADE")
    ci_id: int = Field(foreign_key="configuration_item.id", primary_key=True)
