"""Who may do what: the one table of role permissions, and the one check that reads it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from itsm_tui.common.domain import Role
from itsm_tui.common.errors import Forbidden


class Action(StrEnum):
    """Every guarded operation. Workflow functions name one; the table below decides."""

    VIEW_TICKETS = "view tickets"
    LOG_CONTACT = "log contacts"
    MANAGE_CALLERS = "register and edit callers"
    CREATE_TICKET = "create tickets"
    WORK_TICKET = "work tickets (claim, note, pending, resolve)"
    ASSIGN_TICKET = "assign and reassign tickets"
    ESCALATE_TICKET = "escalate and return tickets"
    CLOSE_TICKET = "close, cancel and reopen tickets"
    OVERRIDE_PRIORITY = "override a ticket's priority"
    SUPERVISE = "supervise queues and intervene"
    VIEW_STAFF = "view staff"
    MANAGE_STAFF = "manage staff and roles"
    MANAGE_REFERENCE = "manage groups, categories and locations"
    MANAGE_CMDB = "manage configuration items"
    VIEW_CMDB = "view configuration items"
    INSPECT = "perform inspections"
    MANAGE_SLA = "edit SLA policies and business calendars"
    MANAGE_SETTINGS = "change the site's settings (priority matrix, reopen and auto-close days)"
    ADMINISTER = "administer the database"
    ACT_AS_OTHER = "act as another staff member"
    VIEW_REPORTS = "render and read KPI reports"


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
    may = ", ".join(sorted(PERMISSIONS[action]))
    held = ", ".join(sorted(roles)) or "no role"
    raise Forbidden(f"{login} ({held}) may not {action}; that needs one of: {may}.")
