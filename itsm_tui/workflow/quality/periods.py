"""Scorecard periods — a month (``2026-11``), a quarter (``2026-Q4``) or a year (``2026``) —
as instants: each starts at midnight in the site's time zone, so a ticket resolved at 23:30 on
30 November in Beijing belongs to November, although it is 15:30 UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_

_FORMS = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive


def _midnight(year: int, month: int, zone: ZoneInfo) -> datetime:
    if month == 13:
        year, month = year + 1, 1
    return datetime(year, month, 1, tzinfo=zone).astimezone(UTC)


def parse_period(text: str, zone: ZoneInfo) -> Period:
    """``2026``, ``2026-Q4`` or ``2026-11`` in the site's zone; anything else refused."""
    found = _FORMS.match(text.strip())
    year = int(found["year"]) if found else 0
    if found is None or not 1971 <= year <= 2999:
        raise Invalid(
            N_(
                "period must be a year (2026), a quarter (2026-Q4) or a month (2026-11), "
                "not {text}."
            ),
            field="period",
            text=text,
        )
    if found["month"]:
        month = int(found["month"])
        if not 1 <= month <= 12:
            raise Invalid(N_("period {text} has no such month."), field="period", text=text)
        return Period(
            f"{year}-{month:02d}", _midnight(year, month, zone), _midnight(year, month + 1, zone)
        )
    if found["quarter"]:
        first = (int(found["quarter"]) - 1) * 3 + 1
        label = f"{year}-Q{found['quarter']}"
        return Period(label, _midnight(year, first, zone), _midnight(year, first + 3, zone))
    return Period(str(year), _midnight(year, 1, zone), _midnight(year + 1, 1, zone))
