"""The vocabulary every layer shares: roles, ticket types and states, channels.

Plain string enums, stored as their values, so the database stays readable from ``psql`` and a
new member needs no schema migration.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a staff member may do is decided by roles (see ``workflow.permissions``)."""

    AGENT = "agent"  # tier 1: hotline, on-site engineer
    ENGINEER = "engineer"  # tier 2: operations administrator
    SPECIALIST = "specialist"  # tier 3: developer or vendor
    INSPECTOR = "inspector"  # machine-room inspection rounds
    SUPERVISOR = "supervisor"  # watches queues and SLA risk, intervenes
    ADMIN = "admin"  # manages staff, groups and configuration


class TicketType(StrEnum):
    INCIDENT = "incident"
    REQUEST = "request"


#: Each ticket type has its own number series: INC000123, REQ000045.
NUMBER_PREFIX: dict[TicketType, str] = {TicketType.INCIDENT: "INC", TicketType.REQUEST: "REQ"}


class TicketStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


#: States in which a ticket still needs work (queues show these).
OPEN_STATUSES: tuple[TicketStatus, ...] = (
    TicketStatus.NEW,
    TicketStatus.ASSIGNED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.PENDING,
)


class Channel(StrEnum):
    """How a contact reached the service desk."""

    PHONE = "phone"
    WALK_IN = "walk_in"
    EMAIL = "email"
    WEB = "web"
    MONITORING = "monitoring"


class NoteKind(StrEnum):
    WORK_NOTE = "work_note"  # internal
    PUBLIC_REPLY = "public_reply"  # seen by the caller


class CIStatus(StrEnum):
    IN_USE = "in_use"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"
