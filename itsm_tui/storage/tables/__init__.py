"""Every table, imported in one place so ``SQLModel.metadata`` is complete for Alembic.

The table modules do without ``from __future__ import annotations``: their field annotations are
read at class creation by both pydantic and SQLAlchemy, and as strings each side would evaluate
them again (~3 ms of every command's start; ``benchmarks/cli_start.py``).
"""

from itsm_tui.storage.tables.catalog import Category, Location
from itsm_tui.storage.tables.cmdb import CIDocument, CIRelation, ConfigurationItem, TicketCI
from itsm_tui.storage.tables.journal import JournalEntry
from itsm_tui.storage.tables.people import AssignmentGroup, Caller, GroupMember, Staff, StaffRole
from itsm_tui.storage.tables.settings import SiteSetting
from itsm_tui.storage.tables.sla import NotificationOutbox, SlaAlert, SlaEvent
from itsm_tui.storage.tables.tickets import Contact, NumberSeries, Ticket, TicketNote

__all__ = [
    "AssignmentGroup",
    "CIDocument",
    "CIRelation",
    "Caller",
    "Category",
    "ConfigurationItem",
    "Contact",
    "GroupMember",
    "JournalEntry",
    "Location",
    "NotificationOutbox",
    "NumberSeries",
    "SiteSetting",
    "SlaAlert",
    "SlaEvent",
    "Staff",
    "StaffRole",
    "Ticket",
    "TicketCI",
    "TicketNote",
]
