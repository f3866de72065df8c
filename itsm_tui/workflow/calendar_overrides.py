"""Where a business calendar's days off come from: the official list, and site overrides.

``china_official_days`` gives China's public holidays and make-up working days (调休), year by
year, as the ``holidays`` package has them (through the table shipped beside ``official_days``).

Why this exists: China's official holiday schedule for next year is published late (usually in
November), and a site may close on extra days or keep a make-up day the state list does not
have. Rather than waiting for a new ``holidays`` release, an operator drops a small TOML file
next to the configuration::

    # Dates are TOML keys written YYYY-MM-DD; values are the names shown in the "SLA explain" view.
    # Top-level keys must come before the first [table].
    not_holidays = [2026-10-07]        # official holidays this site works anyway

    [holidays]                         # extra days off (also on weekdays)
    2027-02-05 = "Spring Festival"
    2027-02-11 = "Spring Festival (site closure)"

    [workdays]                         # make-up working days (调休), usually a Saturday or Sunday
    2027-02-20 = "Make-up day for Spring Festival"

Every section is optional. Dates may be TOML dates or ``"YYYY-MM-DD"`` strings. A date may not be
both a holiday and a workday, nor both a holiday and a not-holiday: the file would contradict
itself, so it is refused rather than silently resolved.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from itsm_tui.common.errors import Invalid
from itsm_tui.workflow.official_days import china_official_days

__all__ = ["CalendarOverrides", "china_official_days", "load_overrides"]

_KNOWN_KEYS = ("holidays", "workdays", "not_holidays")
#: The field a refusal names: the overrides come from a file (``itsm sla calendar import``).
_FIELD = "file"


@dataclass(frozen=True)
class CalendarOverrides:
    """Holidays and make-up working days a site adds to (or removes from) the official list.

    ``holidays`` and ``workdays`` map a date to the name shown to users; ``not_holidays`` lists
    official holidays that this site works anyway (they then follow the normal weekly hours).
    """

    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: Mapping[date, str] = field(default_factory=dict)
    not_holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Freeze the mappings so a shared overrides object cannot change under a live calendar.
        object.__setattr__(self, "holidays", MappingProxyType(dict(self.holidays)))
        object.__setattr__(self, "workdays", MappingProxyType(dict(self.workdays)))
        object.__setattr__(self, "not_holidays", frozenset(self.not_holidays))
        _check_consistent(self.holidays, self.workdays, self.not_holidays, "overrides")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "overrides") -> CalendarOverrides:
        """Validate a plain dict (as parsed from TOML or given in code); ``source`` names it in
        error messages so an operator knows which file and key to fix."""
        if not isinstance(data, Mapping):
            raise Invalid(
                "{source}: expected a table of overrides, got {value}.",
                field=_FIELD,
                source=source,
                value=repr(data),
            )
        unknown = sorted(str(key) for key in data if key not in _KNOWN_KEYS)
        if unknown:
            raise Invalid(
                "{source}: unknown key '{key}' (allowed: {allowed}).",
                field=_FIELD,
                source=source,
                key=unknown[0],
                allowed=", ".join(_KNOWN_KEYS),
            )
        holidays = _named_dates(data.get("holidays", {}), "holidays", source)
        workdays = _named_dates(data.get("workdays", {}), "workdays", source)
        raw_not = data.get("not_holidays", [])
        if isinstance(raw_not, str | bytes) or not isinstance(raw_not, Iterable):
            raise Invalid(
                "{source}: key 'not_holidays': expected a list of dates, got {value}.",
                field=_FIELD,
                source=source,
                value=repr(raw_not),
            )
        not_holidays = frozenset(_to_date(v, "not_holidays", source) for v in raw_not)
        _check_consistent(holidays, workdays, not_holidays, source)
        return cls(holidays, workdays, not_holidays)


def load_overrides(path: str | Path) -> CalendarOverrides:
    """Read overrides from a TOML file (format in the module docstring).

    Raises ``Invalid`` naming the file, the key and the bad value on any malformed content;
    a missing or unreadable file raises the usual ``OSError``.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(
            "{source}: not valid TOML: {error}.", field=_FIELD, source=str(path), error=str(exc)
        ) from exc
    return CalendarOverrides.from_mapping(data, source=str(path))


def _named_dates(raw: object, key: str, source: str) -> dict[date, str]:
    if not isinstance(raw, Mapping):
        raise Invalid(
            "{source}: key '{key}': expected a table of date = \"name\", got {value}.",
            field=_FIELD,
            source=source,
            key=key,
            value=repr(raw),
        )
    result: dict[date, str] = {}
    for raw_day, name in raw.items():
        day = _to_date(raw_day, f"{key}.{raw_day}", source)
        if not isinstance(name, str) or not name.strip():
            raise Invalid(
                "{source}: key '{key}': expected a non-empty name, got {value}.",
                field=_FIELD,
                source=source,
                key=f"{key}.{raw_day}",
                value=repr(name),
            )
        result[day] = name.strip()
    return result


def _to_date(value: object, key: str, source: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Invalid(
        "{source}: key '{key}': {value} is not a date (expected YYYY-MM-DD).",
        field=_FIELD,
        source=source,
        key=key,
        value=repr(value),
    )


def _check_consistent(
    holidays: Mapping[date, str],
    workdays: Mapping[date, str],
    not_holidays: frozenset[date],
    source: str,
) -> None:
    for other, label in ((workdays.keys(), "workdays"), (not_holidays, "not_holidays")):
        clash = sorted(set(holidays) & set(other))
        if clash:
            raise Invalid(
                "{source}: {day} is listed in both 'holidays' and '{other}'.",
                field=_FIELD,
                source=source,
                day=clash[0].isoformat(),
                other=label,
            )
