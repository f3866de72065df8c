"""Every table, imported in one place so ``SQLModel.metadata`` is complete for Alembic.

The table modules do without ``from __future__ import annotations``: their field annotations are
read at class creation by both pydantic and SQLAlchemy, and as strings each side would evaluate
them again (~3 ms of every command's start; ``benchmarks/cli_start.py``).

Once the classes exist, everything alive in the process — SQLAlchemy, pydantic, SQLModel and
these classes with their mappers, ~70,000 container objects — lives as long as the process. Left
in the cyclic collector, they are walked again by each of its passes over the older generations:
~0.1 s of CPU in an ``itsm ticket show`` that cost 0.55 s in all. So they are frozen out of it
here (``gc.freeze``; the collector still runs, for what is made later), as the console does once
it has drawn its first frame. Nothing is kept that could have been freed: a full collection at
this point finds no garbage.
"""

import gc

from itsm_tui.storage.tables.catalog import Category, Location
from itsm_tui.storage.tables.changes import (
    ChangeApproval,
    ChangeCI,
    ChangeFreeze,
    ChangeLink,
    ChangeRequest,
)
from itsm_tui.storage.tables.cmdb import CIDocument, CIRelation, ConfigurationItem, TicketCI
from itsm_tui.storage.tables.drafts import CallDraft
from itsm_tui.storage.tables.inspections import (
    InspectionAnswer,
    InspectionIncident,
    InspectionItem,
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
)
from itsm_tui.storage.tables.journal import JournalEntry
from itsm_tui.storage.tables.knowledge import (
    KbArticle,
    KbArticleCI,
    KbRevision,
    KbTag,
    KbTicket,
    SearchDoc,
    SearchGram,
    SearchGramCount,
)
from itsm_tui.storage.tables.people import AssignmentGroup, Caller, GroupMember, Staff, StaffRole
from itsm_tui.storage.tables.problems import Problem, ProblemCandidate, ProblemCI, ProblemTicket
from itsm_tui.storage.tables.quality import Complaint, FrozenScorecard, ScoreScheme, Survey
from itsm_tui.storage.tables.reports import (
    BacklogCount,
    BacklogSnapshot,
    KpiDay,
    KpiDayCount,
    StoredReport,
)
from itsm_tui.storage.tables.settings import SiteSetting
from itsm_tui.storage.tables.sla import NotificationOutbox, SlaAlert, SlaEvent
from itsm_tui.storage.tables.tickets import Contact, NumberSeries, Ticket, TicketGram, TicketNote

gc.freeze()

__all__ = [
    "AssignmentGroup",
    "BacklogCount",
    "BacklogSnapshot",
    "CIDocument",
    "CIRelation",
    "CallDraft",
    "Caller",
    "Category",
    "ChangeApproval",
    "ChangeCI",
    "ChangeFreeze",
    "ChangeLink",
    "ChangeRequest",
    "Complaint",
    "ConfigurationItem",
    "Contact",
    "FrozenScorecard",
    "GroupMember",
    "InspectionAnswer",
    "InspectionIncident",
    "InspectionItem",
    "InspectionRound",
    "InspectionSchedule",
    "InspectionTemplate",
    "JournalEntry",
    "KbArticle",
    "KbArticleCI",
    "KbRevision",
    "KbTag",
    "KbTicket",
    "KpiDay",
    "KpiDayCount",
    "Location",
    "NotificationOutbox",
    "NumberSeries",
    "Problem",
    "ProblemCI",
    "ProblemCandidate",
    "ProblemTicket",
    "ScoreScheme",
    "SearchDoc",
    "SearchGram",
    "SearchGramCount",
    "SiteSetting",
    "SlaAlert",
    "SlaEvent",
    "Staff",
    "StaffRole",
    "StoredReport",
    "Survey",
    "Ticket",
    "TicketCI",
    "TicketGram",
    "TicketNote",
]
