"""What the call-intake form needs besides the caller directory: the CI lookup, the category
list, the groups a call may go to and the priority matrix, so the form shows the computed
priority as the agent types; the category a CI suggests; and saving the call."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from itsm_tui.common.errors import Invalid, NotFound
from itsm_tui.storage import ci_queries
from itsm_tui.storage.tables import AssignmentGroup, Category, ConfigurationItem
from itsm_tui.workflow import drafts
from itsm_tui.workflow.catalog import CategoryView, active_categories
from itsm_tui.workflow.cmdb.items import CIView, ci_view
from itsm_tui.workflow.contacts import ContactView, record_contact
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site_settings import matrix_priority, read_setting
from itsm_tui.workflow.tickets.create import TicketDraft, first_group

#: At most this many groups are offered (a site has tens; the list must stay a list).
GROUPS_MAX = 200


@dataclass(frozen=True)
class GroupChoice:
    code: str
    name: str
    tier: int


@dataclass(frozen=True)
class IntakeChoices:
    """Read once when the form opens."""

    categories: list[CategoryView]
    priority_matrix: list[list[int]]
    groups: list[GroupChoice]
    #: Where a call goes when the agent names no group (``tickets.create.first_group``);
    #: None: the agent must choose one.
    default_group: str | None

    def priority(self, impact: int, urgency: int) -> int:
        """The priority a new ticket will get (the same lookup ``create_ticket`` applies)."""
        return matrix_priority(self.priority_matrix, impact, urgency)


@query(Action.VIEW_TICKETS)
def intake_choices(read: Read) -> IntakeChoices:
    categories = active_categories(read.session)
    groups = read.session.exec(
        select(AssignmentGroup)
        .where(AssignmentGroup.active)
        .order_by(col(AssignmentGroup.tier), col(AssignmentGroup.code))
        .limit(GROUPS_MAX)
    ).all()
    first = first_group(read.session, read.actor.id)
    return IntakeChoices(
        categories,
        read_setting(read.session, "priority_matrix"),
        [GroupChoice(g.code, g.name, g.tier) for g in groups],
        first.code if first else None,
    )


@query(Action.VIEW_CMDB)
def search_cis(read: Read, text: str, *, limit: int = 10) -> list[CIView]:
    """The console's CI lookup (``cmdb.lookup_cis``) without retired CIs: a new ticket should
    not name one."""
    if not 1 <= limit <= 100:
        raise Invalid("limit must be 1 to 100.", field="limit")
    rows = ci_queries.lookup(read.session, text, limit, include_retired=False)
    return [ci_view(read.session, c) for c in rows]


def ci_category(session: Session, ci: ConfigurationItem) -> CategoryView | None:
    """The category a call about ``ci`` most likely belongs in: the active category named as
    the CI is — a subcategory first (business system OA办公系统 → 业务系统/OA办公系统), then a
    top-level one. None when no category, or several subcategories, carry the name: a guess
    the agent would have to undo is worse than none."""
    rows = session.exec(
        select(Category).where(Category.active, Category.name == ci.name).limit(3)
    ).all()
    subs = [r for r in rows if r.parent_id is not None]
    tops = [r for r in rows if r.parent_id is None]
    pick = subs[0] if len(subs) == 1 else (tops[0] if not subs and len(tops) == 1 else None)
    if pick is None:
        return None
    parent = session.get(Category, pick.parent_id) if pick.parent_id else None
    return CategoryView(pick.id or 0, pick.code, pick.name, parent.name if parent else None)


@query(Action.VIEW_CMDB)
def category_for_ci(read: Read, ci_id: int) -> CategoryView | None:
    """:func:`ci_category` for the CI ``#ci_id`` (the form fills the category in with it; the
    agent may still change it)."""
    ci = read.session.get(ConfigurationItem, ci_id)
    if ci is None:
        raise NotFound("No configuration item #{ci_id}.", field="ci", ci_id=ci_id)
    return ci_category(read.session, ci)


@mutation(Action.LOG_CONTACT)
def log_call(
    tx: Tx,
    *,
    channel: str,
    caller: str | None,
    summary: str,
    ticket: str | None = None,
    new_ticket: TicketDraft | None = None,
    assign_to_me: bool = False,
) -> ContactView:
    """The call form's save: log the contact (``contacts.log_contact``), opening
    ``new_ticket`` — taken by the agent with ``assign_to_me`` — or attached to ``ticket``, and
    drop the agent's draft of the form in the same transaction, so a logged call is never
    offered again as a draft."""
    if assign_to_me:
        if new_ticket is None:
            raise Invalid("Assign to me applies to a new ticket only.", field="assign_to_me")
        new_ticket = replace(new_ticket, assignee=tx.actor.login)
    view = record_contact(
        tx, channel=channel, caller=caller, summary=summary, ticket=ticket, new_ticket=new_ticket
    )
    drafts.clear(tx)
    return view
