"""Inspections as the front doors show them: plain values, no database code (the console
imports these before the database code is loaded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from itsm_tui.workflow.inspections.judging import Limits


@dataclass(frozen=True)
class TemplateRow:
    code: str
    version: int
    name: str
    item_count: int
    created_at: datetime


@dataclass(frozen=True)
class AnswerView:
    outcome: str
    value: float | None
    text: str
    note: str
    by: str | None
    at: datetime


@dataclass(frozen=True)
class ItemView:
    id: int
    key: str
    section: str
    label: str
    limits: Limits
    ci: str | None
    instruction: str
    severity: int
    answer: AnswerView | None = None
    #: The item's last readings before this round, oldest first (the sparkline).
    readings: tuple[float, ...] = ()

    @property
    def kind(self) -> str:
        return self.limits.kind.value


@dataclass(frozen=True)
class RoundView:
    number: str
    template: str
    template_name: str
    template_version: int
    group: str
    status: str
    created_at: datetime
    due_at: datetime
    overdue_at: datetime
    late: bool
    slot_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    checks: tuple[ItemView, ...] = ()
    incidents: tuple[str, ...] = ()

    def first_unanswered(self) -> int:
        """Where the runner resumes: the first item without an answer (0 when all are)."""
        return next((i for i, item in enumerate(self.checks) if item.answer is None), 0)

    def sections(self) -> list[SectionCount]:
        """The round's sections in checklist order, each with its items answered so far: what
        two engineers splitting the round choose between."""
        found: dict[str, list[int]] = {}
        for item in self.checks:
            counts = found.setdefault(item.section, [0, 0])
            counts[0] += item.answer is not None
            counts[1] += 1
        return [SectionCount(name, done, size) for name, (done, size) in found.items()]

    def unanswered(self) -> list[ItemView]:
        """The items that need a reason before the round can be completed."""
        return [item for item in self.checks if item.answer is None]


@dataclass(frozen=True)
class SectionCount:
    name: str
    answered: int
    items: int


@dataclass(frozen=True)
class RoundRow:
    number: str
    template: str
    version: int
    group: str
    status: str
    slot_at: datetime | None
    due_at: datetime
    late: bool
    completed_at: datetime | None
    answered: int
    item_count: int


@dataclass(frozen=True)
class AnswerResult:
    """What saving an answer did: the verdict, and the incident it opened or noted."""

    round: str
    item: str
    outcome: str
    value: float | None
    incident: str | None = None
    incident_event: str | None = None  # opened | repeat | recovered


@dataclass(frozen=True)
class Summary:
    round: str
    answered: int
    passed: int
    warnings: int
    failed: int
    skipped: dict[str, str] = field(default_factory=dict)
    completed_at: datetime | None = None
    completed_by: str | None = None
    on_time: bool = True
    incidents: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScheduleRow:
    code: str
    template: str
    group: str
    cron: str
    calendar: str | None
    due_minutes: int
    grace_minutes: int
    active: bool
    planned_until: datetime
    version: int


@dataclass(frozen=True)
class Reading:
    at: datetime
    round: str
    template: str
    item: str
    ci: str | None
    outcome: str
    value: float | None
    text: str


@dataclass(frozen=True)
class History:
    subject: str
    readings: tuple[Reading, ...]
    failures_by_month: dict[str, int]
