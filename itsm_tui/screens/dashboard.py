"""The first screen: my queues' sizes (one key each to open them), my alert inbox, and for a
supervisor every group's backlog and the tickets past their limits, with who holds them —
reassign (a) or escalate (e) right from that list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.timefmt import business_left
from itsm_tui.console.failures import background
from itsm_tui.console.keymap import bind, keys_of
from itsm_tui.console.loading import load_database_code
from itsm_tui.console.messages import OpenQueue, OpenTicket, TicketChanged
from itsm_tui.console.queue_titles import QUEUE_TITLES
from itsm_tui.console.sizes import ALERTS_SHOWN, PAGE
from itsm_tui.console.ticket_actions import TicketActions, TicketRef
from itsm_tui.widgets.alert_inbox import AlertInbox
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.widgets.ticket_table import TicketTable
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.tickets.pages import Queue, TicketPage
from itsm_tui.workflow.tickets.states import allowed_operations

if TYPE_CHECKING:
    from concurrent.futures import Future

    from itsm_tui.console.app import ItsmApp
    from itsm_tui.workflow.dashboard_view import Dashboard
    from itsm_tui.workflow.groups import GroupView

#: key → queue, in the order the cards show them (the keys are the key map's).
CARDS = {
    keys_of(f"queue-{queue.value}"): queue
    for queue in (
        Queue.MINE,
        Queue.GROUP,
        Queue.UNASSIGNED,
        Queue.AT_RISK,
        Queue.BREACHED,
        Queue.OPEN,
    )
}
REFRESH_SECONDS = 60.0
#: What the dashboard's read is called when it fails (a failed ticket action is not a read).
READING = "read the dashboard"


class DashboardScreen(TicketActions):
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            bind(f"queue-{queue.value}", f"queue('{queue.value}')", QUEUE_TITLES[queue], show=False)
            for queue in CARDS.values()
        ),
        bind("refresh", "refresh"),
        bind("assign", "op('assign')", "Reassign"),
        bind("escalate", "op('escalate')"),
    ]

    def __init__(
        self, site: Site, actor: Actor, *, first: Future[Dashboard | None] | None = None
    ) -> None:
        """``first``: the first read, if the console started it before Textual loaded (its
        result None: it failed, and the screen reads again)."""
        super().__init__()
        self.site, self.actor = site, actor
        self._first = first
        self.board: Dashboard | None = None
        self.groups: list[GroupView] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="dash-cards"):
            for key, queue in CARDS.items():
                card = Static(f"{QUEUE_TITLES[queue]}\n…", id=f"card-{queue.value}", markup=False)
                card.border_title = key
                yield card
        with Vertical(id="dash-main"):
            yield AlertInbox(self.site, self.actor, id="dash-alerts")
            yield TicketTable(self._mine, id="dash-mine")
            with Horizontal(id="dash-supervisor"):
                yield DataTable(id="dash-backlog", cursor_type="row", zebra_stripes=True)
                yield DataTable(id="dash-overdue", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = self._who()
        self.query_one("#dash-supervisor").display = False
        backlog = self.query_one("#dash-backlog", DataTable)
        backlog.add_columns("Group", "T", "Open", "Unass.", "Risk", "Late")
        backlog.border_title = "Backlog by group"
        overdue = self.query_one("#dash-overdue", DataTable)
        overdue.add_columns("Number", "P", "Late bus.", "Group", "Holder", "Title")
        overdue.border_title = "Past their limit — a: reassign · e: escalate"
        self.query_one("#dash-mine", TicketTable).border_title = "My open tickets"
        self.set_interval(REFRESH_SECONDS, self.action_refresh)
        first = self._first
        board = first.result() if first is not None and first.done() else None
        if board is not None:
            # Read before Textual loaded and already here: into the very first frame. Taking
            # a finished future's value does not wait on anything.
            self._first = None
            self.show(board)
        else:
            self.action_refresh()

    def _mine(self, **kwargs: Any) -> TicketPage:
        load_database_code()
        from itsm_tui.workflow.tickets.queries import list_tickets

        return list_tickets(self.site, self.actor, Queue.MINE, **kwargs)

    def action_refresh(self) -> None:
        # The inbox's first alerts come with the figures; then it polls for newer ones itself.
        self.load(alerts=0 if self.query_one("#dash-alerts", AlertInbox).loaded else ALERTS_SHOWN)

    def action_queue(self, queue: str) -> None:
        self.app.post_message(OpenQueue(queue))

    def on_ticket_changed(self, event: TicketChanged) -> None:
        self.action_refresh()

    @background(
        READING,
        retry=f"retrying every {REFRESH_SECONDS:g} s, Ctrl+R now",
        group="dashboard",
    )
    def load(self, alerts: int) -> None:
        first, self._first = self._first, None
        board = first.result() if first is not None else None
        if board is None:  # loads the database code: not before the first read's figures
            load_database_code()
            from itsm_tui.workflow.dashboard import dashboard

            board = dashboard(self.site, self.actor, mine=PAGE, alerts=alerts)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, board)

    def show_failure(self, message: str, what: str) -> None:
        # Figures already shown stay, marked as old in the header; none yet: no "…" left
        # waiting on a read that failed.
        if what != READING:
            return
        self.sub_title = f"{self._who()} · not up to date"
        if self.board is None:
            for queue in CARDS.values():
                self.query_one(f"#card-{queue.value}", Static).update(f"{QUEUE_TITLES[queue]}\n—")

    def _who(self) -> str:
        return f"{self.actor.display_name} ({self.actor.login})"

    def show(self, board: Dashboard) -> None:
        first = self.board is None
        self.board = board
        self.sub_title = self._who()
        for queue in CARDS.values():
            card = self.query_one(f"#card-{queue.value}", Static)
            count = board.counts.get(queue)
            card.update(
                f"{QUEUE_TITLES[queue]}\n{count:>6,}"
                if count is not None
                else QUEUE_TITLES[queue] + "\n"
            )
            card.set_class(bool(count) and queue is Queue.AT_RISK, "-warn")
            card.set_class(bool(count) and queue is Queue.BREACHED, "-alarm")
        self.query_one("#dash-supervisor").display = board.supervisor
        self.query_one("#dash-mine").display = not board.supervisor
        if board.supervisor:
            self._show_supervisor(board)
        elif board.mine is not None:
            self.query_one("#dash-mine", TicketTable).show_first(board.mine)
        inbox = self.query_one("#dash-alerts", AlertInbox)
        if not inbox.loaded:
            inbox.show(board.alerts, fresh=True)
        self.refresh_bindings()
        if first:  # once the figures are on screen, not while they are being drawn
            self.call_after_refresh(cast("ItsmApp", self.app).warm_up)

    def _show_supervisor(self, board: Dashboard) -> None:
        backlog = self.query_one("#dash-backlog", DataTable)
        backlog.clear()
        for row in board.backlog:
            backlog.add_row(
                Text(one_line(row.group)),
                row.tier,
                row.open,
                row.unassigned,
                Text(str(row.at_risk), style="yellow" if row.at_risk else ""),
                Text(str(row.breached), style="bold red" if row.breached else ""),
            )
        overdue = self.query_one("#dash-overdue", DataTable)
        overdue.clear()
        for t in board.overdue:
            clock = board.overdue_sla.get(t.id)
            minutes = clock.minutes_left if clock is not None else None
            # Business time past the limit, as the SLA counts it ("-3h 10m"): wall-clock
            # lateness over a weekend would read days where the SLA counts none.
            late = "—" if minutes is None else business_left(minutes)
            overdue.add_row(
                t.number,
                f"P{t.priority}",
                Text(late, style="bold red"),
                Text(one_line(t.group)),
                Text(one_line(t.assignee or "—")),
                Text(one_line(t.title)[:40]),
                key=t.number,
            )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "dash-overdue" and event.row_key.value:
            self.app.post_message(OpenTicket(str(event.row_key.value)))

    # --- acting on the highlighted overdue ticket ---------------------------------------

    def ticket_ref(self) -> TicketRef | None:
        if self.board is None or not self.board.supervisor or not self.board.overdue:
            return None
        table = self.query_one("#dash-overdue", DataTable)
        row = self.board.overdue[min(table.cursor_row, len(self.board.overdue) - 1)]
        return TicketRef(
            row.number, row.version, row.tier, row.group, tuple(allowed_operations(row.status))
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "op":
            return self.op_offered(str(parameters[0]))
        return True

    def after_change(self, number: str) -> None:
        self.action_refresh()
