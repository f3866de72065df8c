"""Every table, imported in one place so ``SQLModel.metadata`` is complete for Alembic."""

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
