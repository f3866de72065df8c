"""Site-wide settings that supervisors change at run time (priority matrix, reopen window …)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field

from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.types import UTCDateTime


class SiteSetting(Table, table=True):
    """One named setting as JSON; the workflow layer owns the defaults and the validation."""

    __tablename__ = "site_setting"

    key: str = Field(max_length=60, primary_key=True)
    value: Any = Field(sa_type=JSON)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)
