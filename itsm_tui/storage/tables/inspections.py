"""Machine-room inspections: checklist templates (versioned), schedules, rounds, answers, and
the incidents a round opened.

Exactly-once is held here, not in Python: a schedule's round for one slot is unique
(``uq_inspection_round_slot``), so two schedulers, or one restarted after a missed night, cannot
create it twice; an item is answered once per round (``uq_inspection_answer``) and changed in
place (the journal keeps what it was); an overdue round alerts each person once
(``uq_sla_alert_round`` on the alert inbox).

A template version is immutable once written: editing a checklist writes the next version, and
a round keeps the version it started with (``template_id``), so its history stays comparable.
An item's identity across versions is its template code and key (``inspection_item.key``).
"""

from datetime import datetime

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field

from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.tables.checks import checks_for
from itsm_tui.storage.types import UTCDateTime

#: Column lengths, said once: the workflow's checks import them.
TEMPLATE_CODE_MAX = 60
TEMPLATE_NAME_MAX = 200
ITEM_KEY_MAX = 60
SECTION_MAX = 100
ITEM_LABEL_MAX = 200
INSTRUCTION_MAX = 500
UNIT_MAX = 20
CRON_MAX = 100
ANSWER_TEXT_MAX = 2000
ROUND_NUMBER_MAX = 20


class InspectionTemplate(Table, table=True):
    """One version of a checklist; ``(code, version)`` is its key."""

    __tablename__ = "inspection_template"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_inspection_template_version"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=TEMPLATE_CODE_MAX)
    version: int = Field(default=1)
    name: str = Field(max_length=TEMPLATE_NAME_MAX)
    description: str = Field(default="", max_length=INSTRUCTION_MAX)
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class InspectionItem(Table, table=True):
    """One line of a checklist version, in its section, in order.

    A reading passes inside ``[normal_min, normal_max]``, warns outside it but inside
    ``[warn_min, warn_max]`` (the band, when given), and fails beyond. A choice fails when it is
    one of ``failing``.
    """

    __tablename__ = "inspection_item"
    __table_args__ = (
        UniqueConstraint("template_id", "key", name="uq_inspection_item_key"),
        Index("ix_inspection_item_template", "template_id", "position"),
        Index("ix_inspection_item_ci", "ci_id"),
        Index("ix_inspection_item_key", "key"),
        *checks_for("inspection_item"),
    )

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="inspection_template.id", ondelete="CASCADE")
    position: int
    key: str = Field(max_length=ITEM_KEY_MAX)
    section: str = Field(max_length=SECTION_MAX)
    label: str = Field(max_length=ITEM_LABEL_MAX)
    kind: str = Field(max_length=20)
    ci_id: int | None = Field(default=None, foreign_key="configuration_item.id")
    instruction: str = Field(default="", max_length=INSTRUCTION_MAX)
    unit: str | None = Field(default=None, max_length=UNIT_MAX)
    normal_min: float | None = None
    normal_max: float | None = None
    warn_min: float | None = None
    warn_max: float | None = None
    choices: list[str] = Field(default_factory=list, sa_type=JSON)
    failing: list[str] = Field(default_factory=list, sa_type=JSON)
    severity: int = Field(default=2)


class InspectionSchedule(Table, table=True):
    """Which template runs when (a cron expression in the site's zone), for which group,
    optionally on the working days of a business calendar only.

    ``planned_until`` is how far slots have been created: the next run starts there, and the
    unique slot constraint makes a race between two schedulers harmless.
    """

    __tablename__ = "inspection_schedule"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=TEMPLATE_CODE_MAX, unique=True)
    template_code: str = Field(max_length=TEMPLATE_CODE_MAX)
    group_id: int = Field(foreign_key="assignment_group.id")
    cron: str = Field(max_length=CRON_MAX)
    calendar: str | None = Field(default=None, max_length=40)
    due_minutes: int = Field(default=120)
    grace_minutes: int = Field(default=30)
    active: bool = Field(default=True)
    planned_until: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)


class InspectionRound(Table, table=True):
    """One walk through one template version: scheduled for a slot, or started ad hoc."""

    __tablename__ = "inspection_round"
    __table_args__ = (
        UniqueConstraint("schedule_id", "slot_at", name="uq_inspection_round_slot"),
        # Overdue rounds: open ones whose grace has passed, in time order.
        Index("ix_inspection_round_status_overdue", "status", "overdue_at"),
        Index("ix_inspection_round_group", "group_id", "id"),
        *checks_for("inspection_round"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=ROUND_NUMBER_MAX, unique=True)
    template_id: int = Field(foreign_key="inspection_template.id")
    schedule_id: int | None = Field(default=None, foreign_key="inspection_schedule.id")
    slot_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    group_id: int = Field(foreign_key="assignment_group.id")
    status: str = Field(default="open", max_length=20)
    reason: str = Field(default="", max_length=INSTRUCTION_MAX)  # why an ad hoc round
    created_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    overdue_at: datetime = Field(sa_type=UTCDateTime)  # due plus grace: then it alerts
    late: bool = Field(default=False)  # created after its slot had passed (a missed run)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_by_id: int | None = Field(default=None, foreign_key="staff.id")
    alerted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1)


class InspectionAnswer(Table, table=True):
    """One item's answer in one round (a reading, a choice, text, or skipped with a reason)."""

    __tablename__ = "inspection_answer"
    __table_args__ = (
        UniqueConstraint("round_id", "item_id", name="uq_inspection_answer"),
        # An item's readings over time, across the template's versions (history, sparklines,
        # the last reading), and a CI's: one index range each.
        Index("ix_inspection_answer_item", "template_code", "item_key", "answered_at"),
        Index("ix_inspection_answer_ci", "ci_id", "answered_at"),
        *checks_for("inspection_answer"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="inspection_round.id", ondelete="CASCADE")
    item_id: int = Field(foreign_key="inspection_item.id")
    # The item's identity across versions and its CI, copied from the item when answered.
    template_code: str = Field(max_length=TEMPLATE_CODE_MAX)
    item_key: str = Field(max_length=ITEM_KEY_MAX)
    ci_id: int | None = Field(default=None, foreign_key="configuration_item.id")
    outcome: str = Field(max_length=20)
    value: float | None = None
    text: str = Field(default="", max_length=ANSWER_TEXT_MAX)  # a choice or free text
    note: str = Field(default="", max_length=ANSWER_TEXT_MAX)
    answered_by_id: int | None = Field(default=None, foreign_key="staff.id")
    answered_at: datetime = Field(sa_type=UTCDateTime)


class InspectionIncident(Table, table=True):
    """An incident a round opened (or noted a repeat failure on), keyed for deduplication by
    the CI and the item's template code and key: while that incident is open, a new failure of
    the same item on the same CI adds a note to it instead of opening another."""

    __tablename__ = "inspection_incident"
    __table_args__ = (
        UniqueConstraint(
            "round_id", "item_id", "ticket_id", "event", name="uq_inspection_incident"
        ),
        Index("ix_inspection_incident_key", "ci_id", "template_code", "item_key", "ticket_id"),
        Index("ix_inspection_incident_ticket", "ticket_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="inspection_round.id", ondelete="CASCADE")
    item_id: int = Field(foreign_key="inspection_item.id")
    ticket_id: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    ci_id: int | None = Field(default=None, foreign_key="configuration_item.id")
    template_code: str = Field(max_length=TEMPLATE_CODE_MAX)
    item_key: str = Field(max_length=ITEM_KEY_MAX)
    # opened | repeat (a note on the incident already open) | recovered (a later pass)
    event: str = Field(default="opened", max_length=20)
    created_at: datetime = Field(sa_type=UTCDateTime)


__all__ = [
    "InspectionAnswer",
    "InspectionIncident",
    "InspectionItem",
    "InspectionRound",
    "InspectionSchedule",
    "InspectionTemplate",
]
