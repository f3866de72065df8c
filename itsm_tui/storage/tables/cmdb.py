"""The CMDB: configuration items, the typed relationships between them, documents attached to
them, and the tickets that name them.

Class-specific attributes live in one JSON column validated by ``workflow.cmdb.classes``: a new
attribute then needs no migration, and the common fields that searches and imports key on
(class, name, asset tag, IP, status) stay real, indexed columns.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, text
from sqlmodel import Field

from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.types import UTCDateTime

#: The lengths of the CMDB's text columns, said here once: the workflow's checks import them, so
#: what it accepts is what the columns hold (PostgreSQL refuses a longer value; SQLite would
#: store it).
CI_NAME_MAX = 200
CI_CLASS_MAX = 40
CI_STATUS_MAX = 20
CI_ASSET_TAG_MAX = 60
CI_SERIAL_MAX = 80
CI_IP_MAX = 45  # an IPv6 address with an IPv4 tail, written out in full
RELATION_TYPE_MAX = 20
DOCUMENT_KIND_MAX = 20
DOCUMENT_TITLE_MAX = 200
DOCUMENT_VERSION_MAX = 40
DOCUMENT_URI_MAX = 500
DOCUMENT_NOTE_MAX = 2000

#: A CI's own fields in table order: bulk loads and imports name their columns by this list.
CI_FIELDS = (
    "name",
    "ci_class",
    "status",
    "criticality",
    "owner_group_id",
    "location_id",
    "asset_tag",
    "serial",
    "ip",
    "attributes",
)


class ConfigurationItem(Table, table=True):
    __tablename__ = "configuration_item"
    __table_args__ = (
        # class + name is the natural key imports upsert by (the asset tag, where given, first).
        UniqueConstraint("ci_class", "name", name="uq_ci_class_name"),
        Index("ix_ci_name", "name"),
        Index("ix_ci_asset_tag", "asset_tag", unique=True),
        Index("ix_ci_ip", "ip"),
        Index("ix_ci_class_status", "ci_class", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=CI_NAME_MAX)
    ci_class: str = Field(max_length=CI_CLASS_MAX)
    status: str = Field(default="in_use", max_length=CI_STATUS_MAX)
    # 1 critical · 2 high · 3 medium · 4 low (see workflow.cmdb.classes.CRITICALITY).
    criticality: int = Field(default=3, sa_column_kwargs={"server_default": text("3")})
    owner_group_id: int | None = Field(default=None, foreign_key="assignment_group.id")
    location_id: int | None = Field(default=None, foreign_key="location.id")
    asset_tag: str | None = Field(default=None, max_length=CI_ASSET_TAG_MAX)
    serial: str | None = Field(default=None, max_length=CI_SERIAL_MAX)
    ip: str | None = Field(default=None, max_length=CI_IP_MAX)
    attributes: dict[str, Any] = Field(
        default_factory=dict, sa_type=JSON, sa_column_kwargs={"server_default": text("'{}'")}
    )
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)


class CIRelation(Table, table=True):
    """A typed, directed relationship: ``source`` runs on / depends on / … ``target``."""

    __tablename__ = "ci_relation"
    __table_args__ = (
        UniqueConstraint("source_id", "target_id", "type", name="uq_ci_relation"),
        # Impact analysis walks both ways; each index covers its walk (no table look-up).
        Index("ix_ci_relation_source", "source_id", "type", "target_id"),
        Index("ix_ci_relation_target", "target_id", "type", "source_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="configuration_item.id")
    target_id: int = Field(foreign_key="configuration_item.id")
    type: str = Field(max_length=RELATION_TYPE_MAX)
    created_at: datetime = Field(sa_type=UTCDateTime)


class CIDocument(Table, table=True):
    """A manual, code repository, contract … attached to a CI (代码文档管理).

    Each version is its own row, so the history of a document is kept; the newest is the one
    with the latest ``created_at``.
    """

    __tablename__ = "ci_document"
    __table_args__ = (
        UniqueConstraint("ci_id", "kind", "title", "version", name="uq_ci_document_version"),
        Index("ix_ci_document_ci", "ci_id", "kind", "title"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ci_id: int = Field(foreign_key="configuration_item.id")
    kind: str = Field(max_length=DOCUMENT_KIND_MAX)
    title: str = Field(max_length=DOCUMENT_TITLE_MAX)
    version: str = Field(max_length=DOCUMENT_VERSION_MAX)
    uri: str = Field(default="", max_length=DOCUMENT_URI_MAX)
    note: str = Field(default="", max_length=DOCUMENT_NOTE_MAX)
    created_at: datetime = Field(sa_type=UTCDateTime)


class TicketCI(Table, table=True):
    """A configuration item affected by a ticket."""

    __tablename__ = "ticket_ci"
    # The reverse index answers "open tickets on this CI" (intake, impact analysis).
    __table_args__ = (Index("ix_ticket_ci_ci", "ci_id", "ticket_id"),)

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True, ondelete="CASCADE")
    ci_id: int = Field(foreign_key="configuration_item.id", primary_key=True)
