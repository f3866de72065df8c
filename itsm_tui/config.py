"""Site settings, read from the environment (``ITSM_*``); no Textual or Typer here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from itsm_tui import locations

ENV_PREFIX = "ITSM_"


class Settings(BaseModel):
    """What an installation may change without touching code: each field from the variable
    ``ITSM_<FIELD>`` (any case), unless given.

    Read by hand rather than with pydantic-settings: its import (~25 ms) sat on every console
    start, and six plain variables need none of its sources (files, secrets, nesting).
    Values are checked and converted by pydantic as before ("587" → 587)."""

    model_config = ConfigDict(extra="ignore")

    def __init__(self, /, environ: Mapping[str, str] | None = None, **given: Any) -> None:
        super().__init__(**{**_from_environment(environ), **given})

    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database. Unset: an embedded SQLite file in the user's XDG "
            "data folder. For a shared deployment: postgresql+psycopg://user@host/dbname."
        ),
    )
    timezone: str = Field(
        default="Asia/Shanghai",
        description="The site's time zone: every time is stored in UTC and shown in this zone.",
    )

    smtp_host: str | None = Field(
        default=None,
        description="SMTP server for SLA alert e-mail (unset: no e-mail, the in-app inbox only).",
    )
    smtp_port: int = Field(default=25, description="SMTP port (plain SMTP; 25 or 587).")
    smtp_sender: str = Field(
        default="itsm@localhost", description="The From address of SLA alert e-mail."
    )
    webhook_url: str | None = Field(
        default=None,
        description="URL that receives every SLA alert as a JSON POST (unset: no webhook).",
    )

    @property
    def url(self) -> str:
        """The effective database URL (the SQLite default filled in)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{locations.default_database_path()}"

    @cached_property
    def zone(self) -> ZoneInfo:
        """The site's zone as a ``ZoneInfo`` (an unknown name fails loudly at first use)."""
        return ZoneInfo(self.timezone)


def _from_environment(environ: Mapping[str, str] | None) -> dict[str, str]:
    """The ``ITSM_*`` variables that name a setting, keyed by field (names in any case)."""
    found = {k.upper(): v for k, v in (os.environ if environ is None else environ).items()}
    return {
        name: found[f"{ENV_PREFIX}{name.upper()}"]
        for name in Settings.model_fields
        if f"{ENV_PREFIX}{name.upper()}" in found
    }
