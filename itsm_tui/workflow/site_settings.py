"""Run-time site settings (priority matrix, reopen window, …): defaults, validation, journal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from itsm_tui.common.domain import IMPACT_LEVELS, PRIORITY_LEVELS, URGENCY_LEVELS
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.storage.tables import SiteSetting
from itsm_tui.workflow.changes import settings as change_settings
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
    # Problem management: the root-cause codes a problem is classified by, and when incidents
    # recur enough to suggest a problem (this many on one CI, or in one category on one
    # business service, within this many days).
    "problem_cause_codes": [
        "hardware",
        "software_defect",
        "configuration",
        "capacity",
        "network",
        "vendor",
        "user_error",
        "process",
        "unknown",
    ],
    "recurring_incidents": 3,
    "recurring_window_days": 14,
    # Satisfaction surveys (workflow/quality/surveys.py): how long a survey stays open; callers
    # who answered one in the last N days are not asked again; the share (percent) of resolved
    # tickets surveyed per channel of their first contact (a channel not listed: every one).
    "survey_window_days": 7,
    "survey_quiet_days": 30,
    "survey_sample_percent": {},
    # The questions a survey asks (overall always; the others may be left out).
    "survey_questions": ["overall", "timeliness", "attitude", "solved", "comment"],
    # How the site words them, per question and language (workflow/quality/survey_wording.py;
    # a question not worded here says the built-in wording).
    "survey_wording": {},
    # The language of what the site writes for people away from a screen: SLA alert texts and
    # their e-mails, what a rule writes into a ticket (a follow-up, an inspection incident and
    # its notes) ("zh_CN", "en"; None: the language of the process that writes them).
    "language": None,
    # Change management's settings: the CAB, the risk, templates (workflow/changes/settings.py).
    **change_settings.DEFAULTS,
    # When the scheduler renders and mails the KPI reports, in the site's zone: the monthly one
    # on a day of the month ("1 08:00"), the weekly one on a weekday ("mon 08:00"); "" is off.
    "report_monthly_at": "1 08:00",
    "report_weekly_at": "mon 08:00",
}


def _validate(key: str, value: Any) -> Any:
    if key not in DEFAULTS:
        raise Invalid(
            "Unknown setting '{key}'; settings are: {names}.",
            field=key,
            key=key,
            names=", ".join(DEFAULTS),
        )
    if key == "priority_matrix":
        ok = (
            isinstance(value, list)
            and len(value) == len(IMPACT_LEVELS)
            and all(isinstance(row, list) and len(row) == len(URGENCY_LEVELS) for row in value)
            and all(isinstance(p, int) and p in PRIORITY_LEVELS for row in value for p in row)
        )
        if not ok:
            raise Invalid(
                "priority_matrix must be {count} rows of {count2} priorities from {lowest} to "
                "{highest}.",
                field=key,
                count=len(IMPACT_LEVELS),
                count2=len(URGENCY_LEVELS),
                lowest=PRIORITY_LEVELS[0],
                highest=PRIORITY_LEVELS[-1],
            )
    if key == "auto_close_days" and not (isinstance(value, int) and 0 <= value <= 365):
        raise Invalid("auto_close_days must be a whole number from 0 to 365.", field=key)
    if key == "reopen_window_days" and not (isinstance(value, int) and 0 <= value <= 365):
        raise Invalid("reopen_window_days must be a whole number from 0 to 365.", field=key)
    if key == "problem_cause_codes" and not (
        isinstance(value, list)
        and value
        and all(isinstance(c, str) and 0 < len(c) <= 40 and c.strip() == c for c in value)
        and len(set(value)) == len(value)
    ):
        raise Invalid(
            N_("problem_cause_codes must be a list of distinct codes of 1 to 40 characters."),
            field=key,
        )
    if key == "recurring_incidents" and not (isinstance(value, int) and 2 <= value <= 100):
        raise Invalid(N_("recurring_incidents must be a whole number from 2 to 100."), field=key)
    if key == "recurring_window_days" and not (isinstance(value, int) and 1 <= value <= 365):
        raise Invalid(N_("recurring_window_days must be a whole number from 1 to 365."), field=key)
    if key in ("survey_window_days", "survey_quiet_days"):
        low = 1 if key == "survey_window_days" else 0
        if not (isinstance(value, int) and not isinstance(value, bool) and low <= value <= 365):
            raise Invalid(
                N_("{key} must be a whole number from {low} to 365."), field=key, key=key, low=low
            )
    if key == "survey_sample_percent":
        _check_sample(value)
    if key == "survey_questions":
        known = DEFAULTS["survey_questions"]
        if not (
            isinstance(value, list)
            and "overall" in value
            and all(isinstance(q, str) and q in known for q in value)
        ):
            raise Invalid(
                N_("survey_questions must list overall and any of: {known}."),
                field=key,
                known=", ".join(known),
            )
    if key == "survey_wording":
        from itsm_tui.workflow.quality import survey_wording

        return survey_wording.validate(value)
    if key == "language" and value is not None:
        from itsm_tui.common.i18n import LANGUAGES, normalise

        found = normalise(value) if isinstance(value, str) else None
        if found not in LANGUAGES:
            raise Invalid(
                "language must be one of: {names} (or null: the scheduler's own).",
                field=key,
                names=", ".join(LANGUAGES),
            )
        return found
    if key in change_settings.DEFAULTS:
        return change_settings.validate(key, value)
    if key in ("report_monthly_at", "report_weekly_at"):
        from itsm_tui.workflow.kpi.schedules import parse_schedule

        parse_schedule(key, value)  # refuses naming the setting
    return value


def _check_sample(value: Any) -> None:
    """``{"phone": 100, "web": 20}``: a known channel to a whole percent."""
    from itsm_tui.common.domain import Channel

    if not isinstance(value, dict):
        raise Invalid(
            N_("survey_sample_percent must map channels to percents, e.g. phone 100, web 20."),
            field="survey_sample_percent",
        )
    channels = {c.value for c in Channel}
    for channel, percent in value.items():
        if channel not in channels:
            raise Invalid(
                N_("Unknown channel {channel} in survey_sample_percent; channels are: {known}."),
                field="survey_sample_percent",
                channel=channel,
                known=", ".join(sorted(channels)),
            )
        if not (isinstance(percent, int) and not isinstance(percent, bool) and 0 <= percent <= 100):
            raise Invalid(
                N_("survey_sample_percent for {channel} must be a whole percent from 0 to 100."),
                field="survey_sample_percent",
                channel=channel,
            )


_ALL_SETTINGS = select(SiteSetting.key, SiteSetting.value)  # built once: every transaction reads it


def stored_setting(session: Session, key: str) -> Any | None:
    """A setting as stored (None: never set). The settings table holds a handful of rows, so
    the first read in a transaction takes them all in one query and later reads cost nothing
    (every workflow transaction has a session of its own; writers call :func:`forget`)."""
    cache = session.info.get("site_settings")
    if cache is None:
        # Core, not the ORM's execute: plain (key, value) rows, without its per-statement
        # work (a third of a queue page's settings read); a setting written in this
        # transaction is flushed by :func:`forget`, which every writer calls.
        rows = session.connection().execute(_ALL_SETTINGS).all()
        cache = session.info["site_settings"] = {k: v for k, v in rows}
    return cache.get(key)


def site_language(session: Session) -> Callable[[str], str]:
    """``_`` in the site's language (the ``language`` setting; unset: the language in force),
    for the alert texts and e-mails the site writes."""
    from itsm_tui.common.i18n import translator

    return translator(read_setting(session, "language"))


def forget(session: Session) -> None:
    """Drop the transaction's cached settings (after writing one), and send the written row
    to the database, where the next read (:func:`stored_setting`) looks."""
    session.flush()
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
    changes: dict[str, Any] = {"key": key, "value": (old, value)}
    if key == "reopen_window_days" and value > old:
        # A wider window reopens days the KPI rollups took as final. Imported here: the
        # rollups read their settings through this module.
        from itsm_tui.workflow.kpi.rollups import drop_unfinal

        tx.session.flush()
        dropped = drop_unfinal(tx.session, tx.now)
        if dropped:
            changes["kpi_days_dropped"] = dropped
    tx.journal("setting", 0, "set", changes)
    return value


def matrix_priority(matrix: list[list[int]], impact: int, urgency: int) -> int:
    """The one impact × urgency lookup: the workflow and the intake form's live preview both
    call it, so the preview can never disagree with the ticket that gets created."""
    rated = (("impact", impact, IMPACT_LEVELS), ("urgency", urgency, URGENCY_LEVELS))
    for name, value, levels in rated:
        if value not in levels:
            raise Invalid(
                "{name} must be {lowest} to {highest}, not {value}.",
                field=name,
                name=name,
                lowest=levels[0],
                highest=levels[-1],
                value=value,
            )
    return int(matrix[impact - 1][urgency - 1])


def priority_for(session: Session, impact: int, urgency: int) -> int:
    """The priority the site's matrix gives an impact and urgency (each 1 … 3)."""
    return matrix_priority(read_setting(session, "priority_matrix"), impact, urgency)
