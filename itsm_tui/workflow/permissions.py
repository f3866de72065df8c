"""Who may do what: the one table of role permissions, and the one check that reads it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from itsm_tui.common.domain import Role
from itsm_tui.common.errors import Forbidden
from itsm_tui.common.i18n import N_, Phrase, Phrases


class Action(StrEnum):
    """Every guarded operation. Workflow functions name one; the table below decides."""

    VIEW_TICKETS = N_("view tickets")
    LOG_CONTACT = N_("log contacts")
    MANAGE_CALLERS = N_("register and edit callers")
    CREATE_TICKET = N_("create tickets")
    WORK_TICKET = N_("work tickets (claim, note, pending, resolve)")
    ASSIGN_TICKET = N_("assign and reassign tickets")
    ESCALATE_TICKET = N_("escalate and return tickets")
    CLOSE_TICKET = N_("close, cancel and reopen tickets")
    OVERRIDE_PRIORITY = N_("override a ticket's priority")
    SUPERVISE = N_("supervise queues and intervene")
    VIEW_STAFF = N_("view staff")
    MANAGE_STAFF = N_("manage staff and roles")
    MANAGE_REFERENCE = N_("manage groups, categories and locations")
    MANAGE_CMDB = N_("manage configuration items")
    VIEW_CMDB = N_("view configuration items")
    INSPECT = N_("perform inspections")
    MANAGE_SLA = N_("edit SLA policies and business calendars")
    MANAGE_SETTINGS = N_("change the site's settings (priority matrix, reopen and auto-close days)")
    ADMINISTER = N_("administer the database")
    ACT_AS_OTHER = N_("act as another staff member")
    VIEW_PROBLEMS = N_("view problems and known errors")
    MANAGE_PROBLEMS = N_("open, investigate and resolve problems")
    VIEW_KNOWLEDGE = N_("read and search the knowledge base")
    WRITE_KNOWLEDGE = N_("write knowledge articles and link them to tickets")
    REVIEW_KNOWLEDGE = N_("review, publish and retire knowledge articles")
    VIEW_INSPECTIONS = N_("view inspection checklists, rounds and readings")
    MANAGE_INSPECTIONS = N_("edit inspection checklists and schedules")
    ANSWER_SURVEY = N_("key in satisfaction survey answers and make survey links")
    LOG_COMPLAINT = N_("log complaints")
    REVIEW_COMPLAINT = N_("review complaints (judge them valid or invalid, close them)")
    VIEW_SCORES = N_("view scorecards (staff their own, supervisors their groups')")
    MANAGE_SCORES = N_("import scoring schemes and close scorecard periods")
    CHOOSE_LANGUAGE = N_("choose the language one reads")
    VIEW_CHANGES = N_("view changes")
    REQUEST_CHANGE = N_("request, edit and cancel changes")
    ASSESS_CHANGE = N_("assess and schedule changes")
    APPROVE_CHANGE = N_("approve or reject changes as a CAB member")
    IMPLEMENT_CHANGE = N_("start and finish implementing changes")
    REVIEW_CHANGE = N_("review and close changes")
    OVERRIDE_CHANGE = N_("schedule a change into a conflict")
    MANAGE_FREEZES = N_("manage freeze windows")
    VIEW_REPORTS = N_("render and read KPI reports")


_EVERYONE = frozenset(Role)
_DESK = frozenset({Role.AGENT, Role.ENGINEER, Role.SPECIALIST, Role.SUPERVISOR, Role.ADMIN})

#: The permission table. A role not listed for an action may not perform it.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_TICKETS: _EVERYONE,
    Action.LOG_CONTACT: frozenset({Role.AGENT, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN}),
    Action.MANAGE_CALLERS: frozenset({Role.AGENT, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN}),
    # Inspectors open incidents for what they find on their rounds, but do not work them.
    Action.CREATE_TICKET: _EVERYONE,
    Action.WORK_TICKET: _DESK,
    Action.ASSIGN_TICKET: frozenset({Role.AGENT, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN}),
    Action.ESCALATE_TICKET: _DESK,
    Action.CLOSE_TICKET: _DESK,
    Action.OVERRIDE_PRIORITY: frozenset({Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN}),
    Action.SUPERVISE: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.VIEW_STAFF: _EVERYONE,
    Action.MANAGE_STAFF: frozenset({Role.ADMIN}),
    Action.MANAGE_REFERENCE: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.MANAGE_CMDB: frozenset({Role.ENGINEER, Role.SPECIALIST, Role.ADMIN}),
    Action.VIEW_CMDB: _EVERYONE,
    Action.MANAGE_SLA: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.MANAGE_SETTINGS: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.INSPECT: frozenset({Role.INSPECTOR, Role.AGENT, Role.ENGINEER, Role.ADMIN}),
    Action.ADMINISTER: frozenset({Role.ADMIN}),
    Action.ACT_AS_OTHER: frozenset({Role.ADMIN}),
    Action.VIEW_PROBLEMS: _EVERYONE,
    # Problem management is tier 2's (and the developers' and supervisors'): the hotline
    # reads known errors, it does not study causes.
    Action.MANAGE_PROBLEMS: frozenset(
        {Role.ENGINEER, Role.SPECIALIST, Role.SUPERVISOR, Role.ADMIN}
    ),
    Action.VIEW_KNOWLEDGE: _EVERYONE,
    Action.WRITE_KNOWLEDGE: _DESK,
    Action.REVIEW_KNOWLEDGE: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # Inspections: inspectors (and the desk) run rounds and answer items (INSPECT, above);
    # supervisors and admins keep the checklists and schedules.
    Action.VIEW_INSPECTIONS: _EVERYONE,
    Action.MANAGE_INSPECTIONS: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.ANSWER_SURVEY: frozenset({Role.AGENT, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN}),
    # Hotline staff log a complaint for a caller; supervisors log and judge them.
    Action.LOG_COMPLAINT: frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN}),
    Action.REVIEW_COMPLAINT: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.VIEW_SCORES: _EVERYONE,
    Action.MANAGE_SCORES: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # Their own; another member's needs MANAGE_STAFF too (workflow.staff.set_language).
    Action.CHOOSE_LANGUAGE: _EVERYONE,
    # Change management: tier 2 runs the change process; the CAB is whoever its groups hold.
    Action.VIEW_CHANGES: _EVERYONE,
    Action.REQUEST_CHANGE: _DESK,
    Action.ASSESS_CHANGE: frozenset({Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN}),
    Action.APPROVE_CHANGE: _DESK,
    Action.IMPLEMENT_CHANGE: frozenset(
        {Role.ENGINEER, Role.SPECIALIST, Role.SUPERVISOR, Role.ADMIN}
    ),
    Action.REVIEW_CHANGE: frozenset({Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN}),
    Action.OVERRIDE_CHANGE: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.MANAGE_FREEZES: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.VIEW_REPORTS: frozenset({Role.SUPERVISOR, Role.ADMIN}),
}


def allowed(roles: Iterable[Role], action: Action) -> bool:
    """Whether any of ``roles`` grants ``action``."""
    return not PERMISSIONS[action].isdisjoint(roles)


def require(login: str, roles: Iterable[Role], action: Action) -> None:
    """Refuse with a message naming the action and the roles that may perform it."""
    roles = frozenset(roles)
    if allowed(roles, action):
        return
    may = Phrases(sorted(PERMISSIONS[action]))
    held = Phrases(sorted(roles)) or Phrase(N_("no role"))
    raise Forbidden(
        "{login} ({held}) may not {action}; that needs one of: {may}.",
        login=login,
        held=held,
        action=Phrase(action),
        may=may,
    )
