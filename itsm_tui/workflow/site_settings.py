"""Run-time site settings (priority matrix, reopen window, …): defaults, validation, journal."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from itsm_tui.common.domain import IMPACT_LEVELS, PRIORITY_LEVELS, URGENCY_LEVELS
from itsm_tui.common.errors import Invalid
from itsm_tui.storage.tables import SiteSetting
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.permissions import Action

#: The default impact × urgency → priority lookup (ITIL's common 3×3, P1 … P5).
DEFAULT_PRIORITY_MATRIX: list[list[int]] = [
    [1, 2, 3],  # impact 1 (enterprise-wide) × urgency 1, 2, 3
    [2, 3, 4],  # impact 2 (department)
    [3, 4, 5],  # impact 3 (one person)
]

DEFAULTS: dict[str, Any] = {
    "priority_matrix": DEFAULT_PRIORITY_MATRIX,
    # A resolved ticket may be reopened this many days after resolution; later, a follow-up
    # ticket linked to it is opened instead (the original's figures stay as they were).
    "reopen_window_days": 7,
    # The scheduler closes tickets resolved this many days ago (0: never, a person closes them).
    "auto_close_days": 3,
    # When the scheduler renders and mails the KPI reports, in the site's zone: the monthly one
    # on a day of the month ("1 08:00"), the weekly one on a weekday ("mon 08:00"); "" is off.
    "report_monthly_at": "1 08:00",
    "report_weekly_at": "mon 08:00",
}


def _validate(key: str, value: Any) -> Any:
    if key not in DEFAULTS:
        raise Invalid(f"Unknown setting '{key}'; settings are: {', '.join(DEFAULTS)}.", field=key)
    if key == "priority_matrix":
        ok = (
            isinstance(value, list)
            and len(value) == len(IMPACT_LEVELS)
            and all(isinstance(row, list) and len(row) == len(URGENCY_LEVELS) for row in value)
            and all(isinstance(p, int) and p in PRIORITY_LEVELS for row in value for p in row)
        )
        if not ok:
            raise Invalid(
                f"priority_matrix must be {len(IMPACT_LEVELS)} rows of {len(URGENCY_LEVELS)} "
                f"priorities from {PRIORITY_LEVELS[0]} to {PRIORITY_LEVELS[-1]}.",
                field=key,
            )
    if key == "auto_close_days" and not (isinstance(value, int) and 0 <= value <= 365):
        raise Invalid("auto_close_days must be a whole number from 0 to 365.", field=key)
    if key == "reopen_window_days" and not (isinstance(value, int) and 0 <= value <= 365):
        raise Invalid("reopen_window_days must be a whole number from 0 to 365.", field=key)
    if key in ("report_monthly_at", "report_weekly_at"):
        from itsm_tui.workflow.kpi.schedules import parse_schedule

        parse_schedule(key, value)  # refuses naming the setting
    return value


_ALL_SETTINGS = select(SiteSetting.key, SiteSetting.value)  # built once: every transaction reads it


def stored_setting(session: Session, key: str) -> Any | None:
    """A setting as stored (None: never set). The settings table holds a handful of rows, so
    the first read in a transaction takes them all in one query and later reads cost nothing
    (every workflow transaction has a session of its own; writers call :func:`forget`)."""
    cache = session.info.get("site_settings")
    if cache is None:
        rows = session.execute(_ALL_SETTINGS).all()
        cache = session.info["site_settings"] = {k: v for k, v in rows}
    return cache.get(key)


def forget(session: Session) -> None:
    """Drop the transaction's cached settings (after writing one)."""
    session.info.pop("site_settings", None)


def read_setting(session: Session, key: str) -> Any:
    """The stored value, or the default."""
    value = stored_setting(session, key)
    return DEFAULTS[key] if value is None else value


@query(Action.VIEW_TICKETS)
def get_settings(read: Read) -> dict[str, Any]:
    return {key: read_setting(read.session, key) for key in DEFAULTS}


@mutation(Action.MANAGE_SETTINGS)
def set_setting(tx: Tx, key: str, value: Any) -> Any:
    """Change one setting (supervisors and admins), journaled old → new."""
    value = _validate(key, value)
    row = tx.session.get(SiteSetting, key)
    old = DEFAULTS[key] if row is None else row.value
    if row is None:
        row = SiteSetting(key=key, value=value, updated_at=tx.now)
    else:
        row.value, row.updated_at, row.version = value, tx.now, row.version + 1
    tx.session.add(row)
    forget(tx.session)
    tx.journal("setting", 0, "set", {"key": key, "value": (old, value)})
    return value


def matrix_priority(matrix: list[list[int]], impact: int, urgency: int) -> int:
    """The one impact × urgency lookup: the workflow and the intake form's live preview both
    call it, so the preview can never disagree with the ticket that gets created."""
    rated = (("impact", impact, IMPACT_LEVELS), ("urgency", urgency, URGENCY_LEVELS))
    for name, value, levels in rated:
        if value not in levels:
            raise Invalid(f"{name} must be {levels[0]} to {levels[-1]}, not {value}.", field=name)
    return int(matrix[impact - 1][urgency - 1])


def priority_for(session: Session, impact: int, urgency: int) -> int:
    """The priority the site's matrix gives an impact and urgency (each 1 … 3)."""
    return matrix_priority(read_setting(session, "priority_matrix"), impact, urgency)
