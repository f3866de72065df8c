"""The first screen: my queues' sizes (one key each to open them), my alert inbox, and for a
supervisor every group's backlog and the tickets past their limits, with who holds them —
reassign (a: a person picker, three keys in all), escalate (e) or flag (f) right from that
list, which pages on as it scrolls and shows the supervisor's own groups unless ``g`` widens
it to every group.

At 80 columns the overdue list cannot show every column: it drops whole columns by priority
(the group first, then the priority) instead of cutting every one, so the number, how late,
the holder and the title stay readable (:func:`overdue_columns`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _
from itsm_tui.common.ticket_rows import TicketRow
from itsm_tui.common.timefmt import business_left, local
from itsm_tui.console.failures import background
from itsm_tui.console.keymap import bind, key_text, keys_of
from itsm_tui.console.loading import load_database_code
from itsm_tui.console.messages import OpenQueue, OpenTicket, TicketChanged
from itsm_tui.console.queue_titles import queue_title
from itsm_tui.console.sizes import ALERTS_SHOWN, PAGE
from itsm_tui.console.ticket_actions import TicketActions, TicketRef
from itsm_tui.widgets.alert_inbox import AlertInbox
from itsm_tui.widgets.cells import fit, one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.widgets.ticket_table import TicketTable
from itsm_tui.workflow.dashboard_view import COUNTED, OVERDUE_SHOWN
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.sla.time_left import Progress
from itsm_tui.workflow.tickets.pages import Queue, TicketPage

if TYPE_CHECKING:
    from concurrent.futures import Future

    from itsm_tui.console.app import ItsmApp
    from itsm_tui.workflow.dashboard_view import Dashboard
    from itsm_tui.workflow.groups import GroupView
    from itsm_tui.workflow.inspections.overdue import OverdueRounds

#: key → queue, in the order the cards show them (the keys are the key map's).
CARDS = {keys_of(f"queue-{queue.value}"): queue for queue in COUNTED}
REFRESH_SECONDS = 60.0
#: What the dashboard's read is called when it fails (a failed ticket action is not a read).
READING = N_("read the dashboard")
#: The overdue list's columns: title, width (0: the rest, at least ``TITLE_MIN``), and the
#: order in which they are dropped when the panel is too narrow (0: never).
#: (The titles are the catalogue's ids, translated where shown: every width fits them in
#: both languages, measured in cells.)
OVERDUE_COLUMNS = (
    (N_("Number"), 9, 0),
    (N_("P"), 2, 2),
    (N_("Late bus."), 9, 0),
    (N_("Group"), 10, 1),
    (N_("Holder"), 8, 0),
    (N_("Title"), 0, 0),
)
TITLE_MIN = 10
#: The backlog's columns and the order they are dropped in below ``WIDE`` terminal columns
#: (the overdue list beside it needs the room more than "unassigned" and the tier do).
BACKLOG_COLUMNS = (
    (N_("Group"), 0),
    (N_("T"), 2),
    (N_("Open"), 0),
    (N_("Unass."), 1),
    (N_("Risk"), 0),
    (N_("Late"), 0),
)
WIDE = 100
#: The most overdue rows a refresh reads again (the workflow's page limit).
MAX_OVERDUE = 500
#: Rows from the end of the overdue list at which its next page is read.
PAGE_AHEAD = 5


def overdue_columns(width: int) -> list[tuple[str, int]]:
    """The overdue list's columns for a panel ``width`` cells wide: every column while the
    title keeps ``TITLE_MIN`` cells, else the droppable ones go in their order. Each column is
    one cell wider than its text: the gap before the next (the table has no cell padding, so
    no cell is cut short to pad it)."""
    shown = list(OVERDUE_COLUMNS)

    def rest() -> int:
        return width - sum(w + 1 for _t, w, _d in shown if w) - 1  # the title's gap too

    for _d, drop in sorted((d, t) for t, _w, d in OVERDUE_COLUMNS if d):
        if rest() >= TITLE_MIN:
            break
        shown = [c for c in shown if c[0] != drop]
    return [(t, w or max(TITLE_MIN, rest())) for t, w, _d in shown]


def backlog_columns(screen_width: int) -> list[str]:
    """The backlog's columns: all of them on a wide terminal, the droppable ones gone on a
    narrow one."""
    return [t for t, drop in BACKLOG_COLUMNS if not drop or screen_width >= WIDE]


class OverdueTable(DataTable[Text]):
    """The overdue list: says when its width changed (the backlog beside it is as wide as its
    rows, so the panel's width is known only after they are laid out), so its columns can
    be chosen again."""

    class Resized(Message):
        pass

    def on_resize(self, event: Resize) -> None:
        self.post_message(self.Resized())


class DashboardScreen(TicketActions):
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            bind(f"queue-{queue.value}", f"queue('{queue.value}')", queue_title(queue), show=False)
            for queue in CARDS.values()
        ),
        bind("refresh", "refresh"),
        bind("assign", "reassign", _("Reassign")),
        bind("escalate", "op('escalate')"),
        bind("flag", "op('flag')"),
        bind("all-groups", "overdue_scope"),
        bind("reports", "app.reports"),
    ]
    #: My tickets have the focus first; the alert inbox before them takes it with Tab.
    AUTO_FOCUS = "#dash-mine"
    #: The ticket actions come after the global keys here: the overdue panel's border lists
    #: them, and at 80 columns the footer keeps New call, Go to ticket and Quit in sight.
    FOOTER_RANKS: ClassVar[dict[str, int]] = {
        "assign": 35,
        "escalate": 36,
        "flag": 37,
        "all-groups": 38,
    }

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
        #: The overdue list as loaded so far (its first page comes with the figures).
        self.overdue: list[TicketRow] = []
        self.overdue_sla: dict[int, Progress] = {}
        self.overdue_next: int | None = None
        self.overdue_loading = False
        #: Show every group's overdue tickets, not only my groups' (``g``).
        self.all_groups = False
        self._overdue_layout: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="dash-cards"):
            for key, queue in CARDS.items():
                card = Static(f"{queue_title(queue)}\n…", id=f"card-{queue.value}", markup=False)
                card.border_title = key
                yield card
        with Vertical(id="dash-main"):
            yield AlertInbox(self.site, self.actor, id="dash-alerts")
            yield TicketTable(self._mine, id="dash-mine")
            yield Static("", id="dash-rounds", markup=False)
            with Horizontal(id="dash-supervisor"):
                yield DataTable(id="dash-backlog", cursor_type="row", zebra_stripes=True)
                yield OverdueTable(id="dash-overdue", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = self._who()
        self.query_one("#dash-supervisor").display = False
        backlog = self.query_one("#dash-backlog", DataTable)
        backlog.border_title = _("Backlog by group")
        self.query_one("#dash-overdue", DataTable).cell_padding = 0
        self._title_overdue()
        self.query_one("#dash-mine", TicketTable).border_title = _("My open tickets")
        self.query_one("#dash-rounds").display = False
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
        retry=N_("retrying every {seconds:g} s, Ctrl+R now"),
        values={"seconds": REFRESH_SECONDS},
        group="dashboard",
    )
    def load(self, alerts: int) -> None:
        first, self._first = self._first, None
        board = first.result() if first is not None else None
        if board is None:  # loads the database code: not before the first read's figures
            load_database_code()
            from itsm_tui.workflow.dashboard import dashboard

            board = dashboard(
                self.site,
                self.actor,
                mine=PAGE,
                alerts=alerts,
                all_groups=self.all_groups,
                # As many overdue rows as were scrolled through: a refresh keeps the place.
                overdue=min(MAX_OVERDUE, max(OVERDUE_SHOWN, len(self.overdue))),
            )
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, board)

    def show_failure(self, message: str, what: str) -> None:
        # Figures already shown stay, marked as old in the header; none yet: no "…" left
        # waiting on a read that failed.
        if what != READING:
            return
        self.sub_title = _("{who} · not up to date").format(who=self._who())
        if self.board is None:
            for queue in CARDS.values():
                self.query_one(f"#card-{queue.value}", Static).update(f"{queue_title(queue)}\n—")

    def _who(self) -> str:
        return f"{self.actor.display_name} ({self.actor.login})"

    def show(self, board: Dashboard) -> None:
        first = self.board is None
        self.board = board
        self.sub_title = self._who()
        for queue in CARDS.values():
            card = self.query_one(f"#card-{queue.value}", Static)
            count = board.counts.get(queue)
            title = queue_title(queue)
            card.update(f"{title}\n{count:>6,}" if count is not None else title + "\n")
            card.set_class(bool(count) and queue is Queue.AT_RISK, "-warn")
            card.set_class(bool(count) and queue is Queue.BREACHED, "-alarm")
        self.query_one("#dash-supervisor").display = board.supervisor
        self.query_one("#dash-mine").display = not board.supervisor
        if board.supervisor:
            self._show_supervisor(board)
            self._load_rounds(self.all_groups)
            if first:  # ↑↓ walk the overdue list, and a/e/f act on its highlighted row
                self.query_one("#dash-overdue", DataTable).focus()
        elif board.mine is not None:
            self.query_one("#dash-mine", TicketTable).show_first(board.mine)
        inbox = self.query_one("#dash-alerts", AlertInbox)
        if not inbox.loaded:
            inbox.show(board.alerts, fresh=True)
        self.refresh_bindings()
        if first:  # once the figures are on screen, not while they are being drawn
            self.call_after_refresh(cast("ItsmApp", self.app).warm_up)

    def _show_supervisor(self, board: Dashboard) -> None:
        self._fill_backlog(board)
        self.overdue = list(board.overdue)
        self.overdue_sla = dict(board.overdue_sla)
        self.overdue_next = board.overdue_next
        self.overdue_loading = False
        self._title_overdue()
        self._fill_overdue(keep_cursor=True)

    # --- the overdue inspection rounds ---------------------------------------------------

    @background(N_("read the overdue rounds"), retry=N_("r reloads"), group="dash-rounds")
    def _load_rounds(self, all_groups: bool) -> None:
        """Read after the figures (the first frame needs no inspection code), on each refresh."""
        load_database_code()
        from itsm_tui.workflow.inspections.overdue import overdue_rounds

        found = overdue_rounds(self.site, self.actor, all_groups=all_groups)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_rounds, found)

    def _show_rounds(self, found: OverdueRounds) -> None:
        """The panel shows only while some round is overdue: one line a round, the most
        overdue first; ``w`` (the rounds list) is where they are walked."""
        panel = self.query_one("#dash-rounds", Static)
        panel.display = bool(found.rows)
        if not found.rows:
            return
        zone = self.site.settings.zone
        lines = Text()
        for n, r in enumerate(found.rows):
            if n:
                lines.append("\n")
            lines.append(f"{r.number} ", style="bold")
            lines.append(fit(r.template, 14) + " ")
            lines.append(fit(r.group, 10) + " ", style="dim")
            lines.append(
                _("due {at}").format(at=local(r.due_at, zone, "%m-%d %H:%M")) + " ",
                style="bold red",
            )
            lines.append(_("{done}/{all} answered").format(done=r.answered, all=r.item_count))
        panel.update(lines)
        panel.border_title = _("Inspection rounds overdue ({count})").format(count=found.total)
        panel.border_subtitle = _("{key} rounds").format(key=key_text(self.app, "inspections"))

    def _fill_backlog(self, board: Dashboard) -> None:
        backlog = self.query_one("#dash-backlog", DataTable)
        columns = backlog_columns(self.size.width)
        titles = [_(c) for c in columns]
        if [str(c.label) for c in backlog.columns.values()] != titles:
            backlog.clear(columns=True)
            backlog.add_columns(*titles)
        else:
            backlog.clear()
        for row in board.backlog:
            cells = {
                "Group": Text(one_line(row.group)),
                "T": row.tier,
                "Open": row.open,
                "Unass.": row.unassigned,
                "Risk": Text(str(row.at_risk), style="yellow" if row.at_risk else ""),
                "Late": Text(str(row.breached), style="bold red" if row.breached else ""),
            }
            backlog.add_row(*(cells[c] for c in columns))

    # --- the overdue list ---------------------------------------------------------------

    def _title_overdue(self) -> None:
        overdue = self.query_one("#dash-overdue", DataTable)
        board = self.board
        every = board.overdue_all if board is not None else self.all_groups
        scope = _("all groups") if every else _("my groups")
        more = "+" if self.overdue_next is not None else ""
        overdue.border_title = _("Past their limit · {scope} ({count}{more})").format(
            scope=scope, count=len(self.overdue), more=more
        )
        # Short enough for the 80-column panel: the footer there has no room for these keys.
        # The keys as bound now (a site may have remapped them).
        keys = {i: key_text(self.app, i) for i in ("assign", "escalate", "flag", "all-groups")}
        overdue.border_subtitle = _(
            "{assign} reassign · {escalate} escalate · {flag} flag · {scope_key} {scope}"
        ).format(
            assign=keys["assign"],
            escalate=keys["escalate"],
            flag=keys["flag"],
            scope_key=keys["all-groups"],
            scope=_("mine") if self.all_groups else _("all"),
        )

    def _fill_overdue(self, *, keep_cursor: bool) -> None:
        """Lay the overdue rows out for the panel's width (whole columns dropped by priority)."""
        overdue = self.query_one("#dash-overdue", DataTable)
        layout = overdue_columns(overdue.scrollable_content_region.width or overdue.size.width)
        cursor = overdue.cursor_row if keep_cursor else 0
        if layout != self._overdue_layout:
            overdue.clear(columns=True)
            for title, width in layout:
                overdue.add_column(_(title), width=width + 1, key=title)
            self._overdue_layout = layout
        else:
            overdue.clear()
        for t in self.overdue:
            overdue.add_row(*self._overdue_cells(t), key=t.number)
        if self.overdue:
            overdue.move_cursor(row=min(cursor, len(self.overdue) - 1))

    def _overdue_cells(self, t: TicketRow) -> list[Text]:
        clock = self.overdue_sla.get(t.id)
        minutes = clock.minutes_left if clock is not None else None
        # Business time past the limit, as the SLA counts it ("-3h 10m"): wall-clock
        # lateness over a weekend would read days where the SLA counts none.
        late = "—" if minutes is None else business_left(minutes)
        values = {
            "Number": (t.number, ""),
            "P": (f"P{t.priority}", "bold red" if t.priority == 1 else ""),
            "Late bus.": (late, "bold red"),
            "Group": (t.group, ""),
            "Holder": (t.assignee or "—", ""),
            "Title": (t.title, ""),
        }
        return [
            Text(fit(values[title][0], width), style=values[title][1])
            for title, width in self._overdue_layout
        ]

    def on_resize(self) -> None:
        if self.board is not None and self.board.supervisor:
            self._fill_backlog(self.board)  # its columns follow the width

    def on_overdue_table_resized(self, event: OverdueTable.Resized) -> None:
        if self.board is not None and self.board.supervisor:
            self._relayout_overdue()

    def _relayout_overdue(self) -> None:
        overdue = self.query_one("#dash-overdue", DataTable)
        width = overdue.scrollable_content_region.width or overdue.size.width
        if overdue_columns(width) != self._overdue_layout:
            self._fill_overdue(keep_cursor=True)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "dash-overdue":
            return
        near_end = event.cursor_row >= len(self.overdue) - PAGE_AHEAD
        if near_end and self.overdue_next is not None and not self.overdue_loading:
            self.overdue_loading = True
            self._more_overdue(self.overdue_next, self.all_groups)

    @background(N_("read more overdue tickets"), retry=N_("scroll again"), group="dash-overdue")
    def _more_overdue(self, after: int, all_groups: bool) -> None:
        load_database_code()
        from itsm_tui.workflow.dashboard import overdue_page

        page = overdue_page(self.site, self.actor, after=after, all_groups=all_groups)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._more_arrived, after, all_groups, page)

    def _more_arrived(self, after: int, all_groups: bool, page: TicketPage) -> None:
        if after != self.overdue_next or all_groups != self.all_groups:
            return  # the list was read again meanwhile: this page belongs to the old one
        self.overdue_loading = False
        self.overdue += page.rows
        self.overdue_sla.update(page.sla)
        self.overdue_next = page.next_after
        overdue = self.query_one("#dash-overdue", DataTable)
        for t in page.rows:
            overdue.add_row(*self._overdue_cells(t), key=t.number)
        self._title_overdue()

    def action_overdue_scope(self) -> None:
        """``g``: every group's overdue tickets, or back to my groups'."""
        self.all_groups = not self.all_groups
        self.overdue_next = None
        self.overdue_loading = False
        self.query_one("#dash-overdue", DataTable).move_cursor(row=0)
        self.action_refresh()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "dash-overdue" and event.row_key.value:
            self.app.post_message(OpenTicket(str(event.row_key.value)))

    def on_ticket_table_opened(self, event: TicketTable.Opened) -> None:
        """Enter (or a double click) on "My open tickets" opens the ticket, as the footer says."""
        self.app.post_message(OpenTicket(event.number))

    # --- acting on the highlighted overdue ticket ---------------------------------------

    def _current_row(self) -> TicketRow | None:
        """The highlighted ticket of the list on show: the overdue list for a supervisor,
        my open tickets otherwise."""
        if self.board is None:
            return None
        if self.board.supervisor:
            if not self.overdue:
                return None
            table = self.query_one("#dash-overdue", DataTable)
            return self.overdue[min(max(0, table.cursor_row), len(self.overdue) - 1)]
        return self.query_one("#dash-mine", TicketTable).current

    def ticket_ref(self) -> TicketRef | None:
        row = self._current_row()
        if row is None:
            return None
        # The one rule the operations refuse by: a supervisor's overdue list, or my own tickets.
        # (Imported here: the dashboard's first frame needs no database code.)
        from itsm_tui.workflow.tickets.offered import offered_on_row

        viewer = self.board.viewer if self.board is not None else None
        offered = tuple(offered_on_row(viewer or self.actor, row))
        return TicketRef(row.number, row.version, row.tier, row.group, offered)

    def action_reassign(self) -> None:
        """``a``: the person picker (names, groups, open-ticket counts), Enter assigns."""
        ref = self.ticket_ref()
        row = self._current_row()
        if ref is None or row is None:
            return
        from itsm_tui.dialogs.person_picker import PersonPicker

        def picked(values: dict[str, str] | None) -> None:
            if values is not None:
                self._perform("assign", ref, values)

        self.app.push_screen(
            PersonPicker(
                self.site, self.actor, ref.number, ref.tier, ref.group, row.assignee_login
            ),
            picked,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "op":
            return self.op_offered(str(parameters[0]))
        if action == "reassign":
            return self.op_offered("assign")
        if action == "overdue_scope":
            return self.board is not None and self.board.supervisor
        return True

    def after_change(self, number: str) -> None:
        self.action_refresh()
