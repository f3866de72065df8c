"""Site settings, read from the environment (``ITSM_*``); no Textual or Typer here."""

from __future__ import annotations

from functools import cached_property
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from itsm_tui import locations


class Settings(BaseSettings):
    """What an installation may change without touching code."""

    model_config = SettingsConfigDict(env_prefix="ITSM_", extra="ignore")

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
