"""One configuration item: its fields and class attributes, its relationships as a tree ("depends
on" downstream, "used by" upstream, each node expanded on demand), and the tickets on it —
open ones first, then the latest closed (Enter opens one). ``i``: what its failure would hit.

The tree's two sides are the impact walks' (``cmdb.impact.needs_other``): what is under "Used
by" is what the impact screen says is hit, and each arrow shows the relationship as recorded
(``runs_on ▸ X``: this CI runs on X; ``depends_on ◂ Y``: Y depends on this CI)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _, status_text
from itsm_tui.common.textsafe import visible
from itsm_tui.common.timefmt import local
from itsm_tui.console.change_form import RaisesChanges, ci_field
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.console.messages import OpenTicket, TicketChanged
from itsm_tui.screens.impact import ImpactScreen
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.cmdb import CIDetail, show_ci
from itsm_tui.workflow.cmdb.impact import needs_other
from itsm_tui.workflow.cmdb.items import RelationView, ci_relations
from itsm_tui.workflow.cmdb.wording import attribute_label, version_label
from itsm_tui.workflow.site import Actor, Site

DOWN, UP = "depends on", "used by"  # the tree's two sides (ids, not shown)
#: Field labels are padded to the longest up to this many cells; a longer one gets a line of
#: its own, so a label never runs into its value ("service_hours7x24").
LABEL_CELLS = 16


def _side(rel: RelationView) -> str:
    return DOWN if needs_other(rel.type, rel.direction == "out") else UP


@dataclass
class Node:
    """What a tree node stands for: a CI reached in one direction, its children read or not."""

    ci_id: int
    direction: str
    ancestors: frozenset[int]
    loaded: bool = False


class CIDetailScreen(ReportsFailures, RaisesChanges, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("impact", "impact"),
        bind("open", "open"),
        bind("refresh", "reload"),
        # Out of the footer (whose screenshots other work records); key, help and palette.
        bind("change-new", "new_change", show=False),
        bind("inspection-history", "inspection_history", show=False),
    ]

    def __init__(self, site: Site, actor: Actor, ref: str) -> None:
        super().__init__()
        self.site, self.actor, self.ref = site, actor, ref
        self.detail: CIDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading {ref} …").format(ref=self.ref), id="ci-head", markup=False)
        with Horizontal(id="ci-body"):
            with VerticalScroll(id="ci-fields-box"):
                yield Static("", id="ci-fields", markup=False)
            yield Tree(Text(_("relationships")), id="ci-tree")
        yield Static(_("Tickets on this CI"), id="ci-tickets-title", markup=False)
        yield DataTable(id="ci-tickets", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#ci-tickets", DataTable)
        columns = (
            (_("Number"), 9),
            (_("Type"), 8),
            (_("P"), 1),
            (_("Status"), 11),
            (_("Opened"), 11),
        )
        # The title takes what the screen has left (26 cells at 80 columns).
        fixed = sum(width + 2 for _label, width in columns) + 2 + 2  # cell padding, scrollbar
        for label, width in (*columns, (_("Title"), max(26, self.app.size.width - fixed - 2))):
            table.add_column(label, width=width)
        self.query_one(Tree).focus()
        self.load()

    def change_ci(self) -> str:
        """A change raised from here is about this CI."""
        return ci_field([self.ref])

    def action_reload(self) -> None:
        self.load()

    def on_ticket_changed(self, event: TicketChanged) -> None:
        self.load()

    @background(N_("load the CI"), retry=N_("r reloads"), group="ci-load")
    def load(self) -> None:
        detail = show_ci(self.site, self.actor, self.ref)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, detail)

    def show_failure(self, message: str, what: str) -> None:
        if self.detail is None:  # not "Loading …" for ever; a CI shown stays shown
            self.query_one("#ci-head", Static).update(message)

    def show(self, detail: CIDetail) -> None:
        self.detail = detail
        ci = detail.ci
        self.ref = f"#{ci.id}"
        self.sub_title = one_line(ci.name)
        head = Text()
        head.append(f"{detail.class_label} ", style="bold")
        head.append(visible(ci.name), style="bold")
        head.append(f"\n{ci.ci_class} · {status_text(ci.status)} · ")
        head.append(detail.criticality_label, style="bold red" if ci.criticality == 1 else "")
        self.query_one("#ci-head", Static).update(head)
        self.query_one("#ci-fields", Static).update(self._fields(detail))
        self._tree(detail)
        self._tickets(detail)

    def _fields(self, detail: CIDetail) -> Text:
        ci = detail.ci
        zone = self.site.settings.zone
        rows = [
            (_("Group"), ci.owner_group or "—"),
            (_("Location"), ci.location or "—"),
            (_("Asset tag"), ci.asset_tag or "—"),
            (_("Serial"), ci.serial or "—"),
            (_("IP"), ci.ip or "—"),
            (_("Updated"), local(ci.updated_at, zone) if ci.updated_at else "—"),
            (_("Version"), str(ci.version)),
            *((attribute_label(name), str(value)) for name, value in sorted(ci.attributes.items())),
        ]
        width = min(LABEL_CELLS, max(cell_len(label) for label, _value in rows)) + 1
        text = Text()
        for label, value in rows:
            if cell_len(label) < width:
                text.append(label + " " * (width - cell_len(label)), style="dim")
            else:
                text.append(label + "\n" + " " * width, style="dim")
            text.append(one_line(value) + "\n")
        if detail.documents:
            text.append("\n" + _("Documents") + "\n", style="bold")
            for doc in detail.documents:
                line = f"{doc.kind}: {doc.title} {version_label(doc.version)}"
                text.append(one_line(line) + "\n")
        return text

    def _tree(self, detail: CIDetail) -> None:
        tree: Tree[Node] = self.query_one("#ci-tree", Tree)
        tree.clear()
        ci = detail.ci
        tree.root.set_label(Text(one_line(f"{ci.ci_class}:{ci.name}")))
        tree.root.data = Node(ci.id, "", frozenset({ci.id}), loaded=True)
        for direction, title in ((DOWN, _("Depends on")), (UP, _("Used by"))):
            relations = [r for r in detail.relations if _side(r) == direction]
            branch = tree.root.add(Text(f"{title} ({len(relations)})", style="bold"), expand=True)
            branch.data = Node(ci.id, direction, frozenset({ci.id}), loaded=True)
            self._children(branch, detail.relations)
        tree.root.expand()

    def _children(self, node: TreeNode[Node], relations: list[RelationView]) -> None:
        """Add the ``relations`` in ``node``'s direction under ``node``."""
        assert node.data is not None
        direction, ancestors = node.data.direction, node.data.ancestors
        for rel in relations:
            if _side(rel) != direction:
                continue
            arrow = "▸" if rel.direction == "out" else "◂"  # as recorded: this ▸ other
            label = Text(f"{rel.type} {arrow} ", style="dim")
            label.append(one_line(rel.other))
            looped = rel.other_id in ancestors
            if looped:
                label.append(_(" (loop)"), style="dim")
            child = node.add(label, allow_expand=not looped)
            child.data = Node(rel.other_id, direction, ancestors | {rel.other_id}, loaded=looped)
        if not node.children:
            node.add_leaf(Text(_("(none)"), style="dim"))

    @on(Tree.NodeExpanded, "#ci-tree")
    def _expanded(self, event: Tree.NodeExpanded[Node]) -> None:
        data = event.node.data
        if data is not None and not data.loaded:
            self.expand_node(event.node)

    @background(
        N_("read the relationships"), retry=N_("collapse and expand it to retry"), group="ci-tree"
    )
    def expand_node(self, node: TreeNode[Node]) -> None:
        assert node.data is not None
        relations = ci_relations(self.site, self.actor, f"#{node.data.ci_id}")
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._fill, node, relations)

    def _fill(self, node: TreeNode[Node], relations: list[RelationView]) -> None:
        if node.data is None or node.data.loaded:
            return
        node.data.loaded = True
        self._children(node, relations)

    def _tickets(self, detail: CIDetail) -> None:
        table = self.query_one("#ci-tickets", DataTable)
        table.clear()
        zone = self.site.settings.zone
        for t in detail.tickets:
            table.add_row(
                Text(t.number),
                Text(status_text(t.type)),
                Text(str(t.priority)),
                Text(status_text(t.status)),
                Text(local(t.opened_at, zone, "%m-%d %H:%M")),
                Text(one_line(t.title)),
            )
        count = sum(t.is_open for t in detail.tickets)
        more = "+" if count == len(detail.tickets) and detail.ticket_count > count else ""
        shown = len(detail.tickets)
        title = (
            _("Tickets on this CI: {open}{more} open, {all:,} in all").format(
                open=count, more=more, all=detail.ticket_count
            )
            if detail.ticket_count
            else _("Tickets on this CI: none")
        )
        if detail.ticket_count > shown:
            title += _(" · {shown} listed, open first").format(shown=shown)
        self.query_one("#ci-tickets-title", Static).update(title)
        table.display = bool(detail.tickets)

    @on(DataTable.RowSelected, "#ci-tickets")
    def _ticket_selected(self, event: DataTable.RowSelected) -> None:
        self._open_ticket(event.cursor_row)

    def _open_ticket(self, row: int) -> None:
        if self.detail and 0 <= row < len(self.detail.tickets):
            self.app.post_message(OpenTicket(self.detail.tickets[row].number))

    def action_open(self) -> None:
        """The highlighted ticket, or the highlighted CI in the tree, on its own screen."""
        table = self.query_one("#ci-tickets", DataTable)
        if table.has_focus:
            self._open_ticket(table.cursor_row)
            return
        node = self.query_one("#ci-tree", Tree).cursor_node
        if node is not None and node.data is not None and node.data.ci_id != self._own_id():
            self.app.push_screen(CIDetailScreen(self.site, self.actor, f"#{node.data.ci_id}"))

    def _own_id(self) -> int | None:
        return self.detail.ci.id if self.detail else None

    def action_inspection_history(self) -> None:
        """``Ctrl+Y``: this CI's inspection readings (every checklist item that checks it)."""
        if self.detail is not None:
            from itsm_tui.screens.inspection_history import InspectionHistoryScreen

            ci = self.detail.ci  # by class and name: a name may be used by several classes
            ref = f"{ci.ci_class}:{ci.name}"
            self.app.push_screen(InspectionHistoryScreen(self.site, self.actor, ref))

    def action_impact(self) -> None:
        if self.detail is not None:
            ci = self.detail.ci
            self.app.push_screen(ImpactScreen(self.site, self.actor, [f"#{ci.id}"], ci.name))
