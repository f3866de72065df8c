"""A queue of tickets over the virtual table: sort, filter by status and priority, search,
Enter opens the ticket. Fine at a million rows (the table pages by key).

``z`` marks tickets (the mark survives paging: it is kept by ticket number), and ``Q`` opens
a problem from the marked ones (or the highlighted one when none is marked), after asking."""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from itsm_tui.common.domain import TicketStatus
from itsm_tui.common.i18n import N_, _, ngettext, status_text
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.console.loading import load_database_code
from itsm_tui.console.messages import OpenTicket, TicketChanged
from itsm_tui.console.queue_titles import queue_title
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.widgets.ticket_table import TicketTable
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.tickets import Queue, TicketPage, list_tickets
from itsm_tui.workflow.tickets.pages import SORTS

#: What ``f`` cycles through: every status, then all of them again (None).
STATUSES: tuple[TicketStatus | None, ...] = (None, *TicketStatus)
PRIORITIES = (None, 1, 2, 3, 4, 5)


def _next(options: tuple[Any, ...], current: Any) -> Any:
    return options[(options.index(current) + 1) % len(options)]


class QueueScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "back"),
        bind("search", "search"),
        bind("sort", "sort"),
        bind("status-filter", "status"),
        bind("priority-filter", "priority"),
        bind("refresh", "refresh"),
        bind("mark", "mark"),
        bind("problem-from-marked", "problem_from_marked"),
    ]

    def __init__(self, site: Site, actor: Actor, queue: Queue | str) -> None:
        super().__init__()
        self.site, self.actor = site, actor
        self.queue = Queue(queue)
        self.sort = "newest"
        self.status: TicketStatus | None = None
        self.priority: int | None = None
        self.text = ""
        self.loaded = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="queue-bar", markup=False)
        yield Input(
            placeholder=_("Search number or title, Enter to apply, Esc to leave"),
            id="queue-search-input",
        )
        # Who holds each ticket matters in every queue but my own (Breached: whom to chase).
        holder = self.queue != Queue.MINE
        yield TicketTable(self._fetch(), holder=holder, id="queue-table")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = queue_title(self.queue)
        self.query_one("#queue-search-input", Input).display = False
        self._show_bar(_("loading …"))
        table = self.query_one(TicketTable)
        table.focus()
        table.reload()

    def _fetch(self) -> Any:
        return partial(
            self._page,
            queue=self.queue,
            sort=self.sort,
            status=self.status,
            priority=self.priority,
            text=self.text or None,
        )

    def _page(self, **kwargs: Any) -> TicketPage:
        # Runs in the table's worker thread.
        return list_tickets(self.site, self.actor, **kwargs)

    def _show_bar(self, extra: str) -> None:
        parts = [queue_title(self.queue), _("sort: {sort}").format(sort=_(self.sort))]
        if self.status:
            parts.append(_("status: {status}").format(status=status_text(self.status)))
        if self.priority:
            parts.append(f"P{self.priority}")
        if self.text:
            parts.append(_("search: {text}").format(text=self.text))
        marked = len(self.query_one(TicketTable).marked)
        if marked:
            parts.append(ngettext("{n} marked", "{n} marked", marked).format(n=marked))
        self.query_one("#queue-bar", Static).update(" · ".join([*parts, extra]))

    def on_ticket_table_loaded(self, event: TicketTable.Loaded) -> None:
        more = "" if event.at_end else _(", more below")
        above = "" if event.at_start else _("more above, ")
        loaded = ngettext("{n} loaded", "{n} loaded", event.rows).format(n=event.rows)
        self.loaded = f"{above}{loaded}{more}"
        self._show_bar(self.loaded)

    def on_ticket_table_failed(self, event: TicketTable.Failed) -> None:
        self._show_bar(event.text)

    def on_ticket_table_opened(self, event: TicketTable.Opened) -> None:
        self.app.post_message(OpenTicket(event.number))

    def on_ticket_changed(self, event: TicketChanged) -> None:
        self.action_refresh()

    def _reload(self) -> None:
        self._show_bar(_("loading …"))
        self.query_one(TicketTable).reload(self._fetch())

    def action_refresh(self) -> None:
        self._reload()

    def action_sort(self) -> None:
        self.sort = _next(SORTS, self.sort)
        self._reload()

    def action_status(self) -> None:
        self.status = _next(STATUSES, self.status)
        self._reload()

    def action_priority(self) -> None:
        self.priority = _next(PRIORITIES, self.priority)
        self._reload()

    def action_search(self) -> None:
        box = self.query_one("#queue-search-input", Input)
        box.display = True
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.text = event.value.strip()
        self.query_one(TicketTable).focus()
        event.input.display = bool(self.text)
        self._reload()

    def action_mark(self) -> None:
        self.query_one(TicketTable).toggle_mark()
        self._show_bar(self.loaded)

    def action_problem_from_marked(self) -> None:
        """Open a problem from the marked tickets (the highlighted one if none is marked),
        after saying which: the workflow refuses what the person may not do, in its words."""
        table = self.query_one(TicketTable)
        numbers = list(table.marked) or ([table.current.number] if table.current else [])
        if not numbers:
            return
        from itsm_tui.dialogs.form import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.open_problem(numbers)

        shown = ", ".join(numbers[:8]) + (" …" if len(numbers) > 8 else "")
        question = ngettext(
            "Open a problem from {n} ticket?", "Open a problem from {n} tickets?", len(numbers)
        ).format(n=len(numbers))
        self.app.push_screen(ConfirmDialog(shown, question), answered)

    @background(N_("open the problem"), retry=N_("Q retries"), group="problem-open")
    def open_problem(self, numbers: list[str]) -> None:
        load_database_code()
        from itsm_tui.workflow.problems.operations import create_problem

        view = create_problem(self.site, self.actor, tickets=numbers)
        self.app.call_from_thread(self._problem_opened, view.number, len(numbers))

    def _problem_opened(self, number: str, count: int) -> None:
        self.query_one(TicketTable).clear_marks()
        self._show_bar(self.loaded)
        message = ngettext(
            "Opened {number} from {n} ticket (B: problems)",
            "Opened {number} from {n} tickets (B: problems)",
            count,
        ).format(number=number, n=count)
        self.notify(message, timeout=6, markup=False)

    def show_failure(self, message: str, what: str) -> None:
        self._show_bar(message)

    def action_back(self) -> None:
        box = self.query_one("#queue-search-input", Input)
        if box.has_focus:
            box.value = ""
            box.display = bool(self.text)
            self.query_one(TicketTable).focus()
            return
        self.app.pop_screen()
