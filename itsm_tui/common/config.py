"""Site settings, read from the environment (``ITSM_*``); no Textual or Typer here.

A plain dataclass, checked by hand: the console's first frame needs the site's zone before
any database code is loaded, and pydantic (with the model it would build) cost that path
~100 ms for six scalar values. Conversions and refusals are the ones pydantic made:
``"587"`` becomes 587, ``"twenty-five"`` is refused naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from itsm_tui.common import locations
from itsm_tui.common.errors import Invalid

ENV_PREFIX = "ITSM_"


@dataclass(frozen=True, init=False)
class Settings:
    """What an installation may change without touching code: each field from the variable
    ``ITSM_<FIELD>`` (any case), unless given."""

    #: SQLAlchemy URL of the database. Unset: an embedded SQLite file in the user's XDG data
    #: folder. For a shared deployment: postgresql+psycopg://user@host/dbname.
    database_url: str | None = None
    #: The site's time zone: every time is stored in UTC and shown in this zone.
    timezone: str = "Asia/Shanghai"
    #: SMTP server for SLA alert e-mail (unset: no e-mail, the in-app inbox only).
    smtp_host: str | None = None
    #: SMTP port (plain SMTP; 25 or 587).
    smtp_port: int = 25
    #: The From address of SLA alert e-mail.
    smtp_sender: str = "itsm@localhost"
    #: URL that receives every SLA alert as a JSON POST (unset: no webhook).
    webhook_url: str | None = None

    def __init__(self, /, environ: Mapping[str, str] | None = None, **given: Any) -> None:
        unknown = sorted(set(given) - set(_NAMES))
        if unknown:
            raise TypeError(f"Settings has no field {', '.join(unknown)}")
        values = {**_from_environment(environ), **given}
        for f in fields(self):
            raw = values.get(f.name, f.default)
            object.__setattr__(self, f.name, _checked(f.name, raw, int if f.type == "int" else str))
        _check_zone(self.timezone)

    @property
    def url(self) -> str:
        """The effective database URL (the SQLite default filled in)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{locations.default_database_path()}"

    @cached_property
    def zone(self) -> ZoneInfo:
        """The site's zone as a ``ZoneInfo`` (the name was checked when the settings were read)."""
        return ZoneInfo(self.timezone)


_NAMES = tuple(f.name for f in fields(Settings))


def _checked(name: str, value: Any, kind: type) -> Any:
    """``value`` as the field's type; a refusal naming the variable when it is not one."""
    if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
        return value
    if kind is int and isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    variable = f"{ENV_PREFIX}{name.upper()}"
    wanted = "a whole number" if kind is int else "text"
    raise Invalid(f"{variable} ({name}) must be {wanted}, not {value!r}.", field=name)


def _check_zone(name: str) -> None:
    """Refuse a zone name the tz database does not have, when the settings are read rather
    than at the first time shown. ``ZoneInfo`` caches the zone, so :attr:`Settings.zone`
    pays nothing again."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(
            f"ITSM_TIMEZONE (timezone) {name!r} is not a known time zone; use an IANA name "
            "such as Asia/Shanghai or Europe/Paris.",
            field="timezone",
        ) from None


def _from_environment(environ: Mapping[str, str] | None) -> dict[str, str]:
    """The ``ITSM_*`` variables that name a setting, keyed by field (names in any case)."""
    found = {k.upper(): v for k, v in (os.environ if environ is None else environ).items()}
    return {
        name: found[f"{ENV_PREFIX}{name.upper()}"]
        for name in _NAMES
        if f"{ENV_PREFIX}{name.upper()}" in found
    }
