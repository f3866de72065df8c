"""Work in progress that is not a record yet: the call form an operator has half filled in."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field

from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.types import UTCDateTime


class CallDraft(Table, table=True):
    """One draft of the New-call form per operator (the key is the operator), so a call the
    agent was typing survives leaving the form and a console restart. The fields are the form's
    own, as JSON: the form changes more often than a draft is worth a migration, and nothing
    searches them (the workflow checks them when the draft is read back)."""

    __tablename__ = "call_draft"

    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")
    fields: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    saved_at: datetime = Field(sa_type=UTCDateTime)
