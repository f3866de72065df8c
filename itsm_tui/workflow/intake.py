"""What the call-intake form needs besides the caller directory: the CI lookup, the category
list and the priority matrix, so the form shows the computed priority as the agent types."""

from __future__ import annotations

from dataclasses import dataclass

from itsm_tui.common.errors import Invalid
from itsm_tui.storage import ci_queries
from itsm_tui.workflow.catalog import CategoryView, active_categories
from itsm_tui.workflow.cmdb.items import CIView, ci_view
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site_settings import matrix_priority, read_setting


@dataclass(frozen=True)
class IntakeChoices:
    """Read once when the form opens."""

    categories: list[CategoryView]
    priority_matrix: list[list[int]]

    def priority(self, impact: int, urgency: int) -> int:
        """The priority a new ticket will get (the same lookup ``create_ticket`` applies)."""
        return matrix_priority(self.priority_matrix, impact, urgency)


@query(Action.VIEW_TICKETS)
def intake_choices(read: Read) -> IntakeChoices:
    categories = active_categories(read.session)
    return IntakeChoices(categories, read_setting(read.session, "priority_matrix"))


@query(Action.VIEW_CMDB)
def search_cis(read: Read, text: str, *, limit: int = 10) -> list[CIView]:
    """The console's CI lookup (``cmdb.lookup_cis``) without retired CIs: a new ticket should
    not name one."""
    if not 1 <= limit <= 100:
        raise Invalid("limit must be 1 to 100.", field="limit")
    rows = ci_queries.lookup(read.session, text, limit, include_retired=False)
    return [ci_view(read.session, c) for c in rows]
