"""A virtual ticket table: draws only the visible rows and holds only a window of pages.

Textual's DataTable measures every cell it is given (50,000 rows: ~6 s to first paint), so a
queue over a million tickets is drawn on the Line API instead: ``render_line`` formats the
one row asked for, and the table keeps at most ``WINDOW_PAGES`` pages of rows, fetching the
next or previous page by key (``after`` / ``before`` a row's id) as the cursor nears an edge
and dropping pages from the other end. "Jump to the end" reads the last page directly.

The widget runs its ``fetch`` callable (a workflow query the screen supplies) in a thread
worker and never touches the database itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from itsm_tui.common.domain import OPEN_STATUSES, ClockState
from itsm_tui.common.i18n import N_, _, status_text
from itsm_tui.common.ticket_rows import TicketRow
from itsm_tui.common.timefmt import business_left
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.console.sizes import PAGE
from itsm_tui.widgets.cells import fit
from itsm_tui.workflow.sla.time_left import Progress
from itsm_tui.workflow.tickets import TicketPage
from itsm_tui.workflow.tickets.risk import Risk, risk_of

_OPEN = frozenset(s.value for s in OPEN_STATUSES)
WINDOW_PAGES = 5
#: Drawn after a marked ticket's number.
MARK = "✓"

#: fetch(after=…, before=…, limit=…) → a page; the screen binds queue, sort, filters.
Fetch = Callable[..., TicketPage]


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # 0: takes the remaining width (at least ``MIN_TITLE``)
    right: bool = False
    rank: int = 0  # when the table is narrow, columns of a higher rank go first


#: In the order shown. A narrow table keeps the columns of the lowest rank that fit whole and
#: drops the rest, instead of cutting every value short (``layout``).
COLUMNS = (
    Column(N_("Number"), 9),
    Column(N_("P"), 2),
    Column(N_("SLA bus."), 8, right=True, rank=1),  # resolution time left, in business time
    Column(N_("Status"), 6, rank=2),  # widened to the longest status on the page (``STATUS_MAX``)
    Column(N_("T"), 1, rank=6),
    Column(N_("Holder"), 8, rank=3),  # only where the queue's holder varies (``holder=True``)
    Column(N_("Caller"), 8, rank=7),
    Column(N_("CI"), 12, rank=8),
    Column(N_("Title"), 0),
    Column(N_("Age"), 4, right=True, rank=4),  # "45m", "23h", "11d": whole in four cells
)
MIN_TITLE = 20
STATUS_MAX = len("pending customer")


def layout(
    width: int, columns: tuple[Column, ...] = COLUMNS, widths: dict[str, int] | None = None
) -> list[tuple[Column, int]]:
    """The columns a table ``width`` cells wide shows, in their order, each with its width:
    by rank, each column is kept while it fits whole beside the title's ``MIN_TITLE`` cells
    (the first that does not fit ends the list, so a lower rank never shows while a higher
    one is dropped); the title takes what is left. ``widths`` overrides a column's width."""
    widths = widths or {}

    def cells(c: Column) -> int:
        return widths.get(c.title, c.width)

    used = MIN_TITLE
    kept: set[str] = set()
    for column in sorted((c for c in columns if c.width), key=lambda c: c.rank):
        if used + cells(column) + 1 > width:
            break
        used += cells(column) + 1
        kept.add(column.title)
    return [
        (c, cells(c) if c.width else max(1, width - used + MIN_TITLE))
        for c in columns
        if c.title in kept or not c.width
    ]


def status_cell(status: str, pending_reason: str | None) -> str:
    """A status as the queue shows it, whole: "in progress", "pending customer"."""
    label = status_text(status)
    return f"{label} {status_text(pending_reason)}" if pending_reason else label


def age(delta: timedelta) -> str:
    """How long a ticket has been open, in its largest unit, whole in four cells: "45m",
    "23h", "11d" (a queue sorts and compares ages; the ticket screen gives the minute)."""
    minutes = max(0, int(delta.total_seconds()) // 60)
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // 1440}d"


class TicketTable(ReportsFailures, ScrollView, can_focus=True):
    """A queue of tickets; Enter posts :class:`TicketTable.Opened`."""

    DEFAULT_CSS = """
    TicketTable { height: 1fr; scrollbar-size-horizontal: 0; }
    TicketTable > .ticket-table--header { text-style: bold; background: $panel; }
    TicketTable > .ticket-table--cursor { background: $block-cursor-background; }
    TicketTable:focus > .ticket-table--cursor { background: $accent; color: $text; }
    TicketTable > .ticket-table--breached { color: $error; text-style: bold; }
    TicketTable > .ticket-table--at-risk { color: $warning; }
    TicketTable > .ticket-table--ok { color: $success; }
    TicketTable > .ticket-table--p1 { color: $error; text-style: bold; }
    TicketTable > .ticket-table--muted { color: $text-muted; }
    TicketTable > .ticket-table--marked { background: $secondary 45%; text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ticket-table--header",
        "ticket-table--cursor",
        "ticket-table--breached",
        "ticket-table--at-risk",
        "ticket-table--ok",
        "ticket-table--p1",
        "ticket-table--muted",
        "ticket-table--marked",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("open", "open"),
        bind("cursor-up", "cursor(-1)", show=False),
        bind("cursor-down", "cursor(1)", show=False),
        bind("page-up", "page(-1)", show=False),
        bind("page-down", "page(1)", show=False),
        bind("first", "first", show=False),
        bind("last", "last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)
    """Index of the highlighted row within the loaded window."""

    class Opened(Message):
        """The operator chose a ticket (Enter or a click on the highlighted row)."""

        def __init__(self, number: str) -> None:
            super().__init__()
            self.number = number

    class Failed(Message):
        """A page could not be read: the screen shows ``text`` where it counts the rows."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Loaded(Message):
        """A page arrived: the screen may show "n rows loaded, more below"."""

        def __init__(self, rows: int, at_start: bool, at_end: bool) -> None:
            super().__init__()
            self.rows, self.at_start, self.at_end = rows, at_start, at_end

    def __init__(
        self, fetch: Fetch | None = None, *, holder: bool = False, id: str | None = None
    ) -> None:
        """``holder``: show who holds each ticket (a queue of many people's tickets; not
        "my tickets", where it would be me on every row)."""
        super().__init__(id=id)
        self.fetch = fetch
        self.columns = tuple(c for c in COLUMNS if holder or c.title != "Holder")
        self.status_width = COLUMNS[3].width
        self.rows: list[TicketRow] = []
        self.at_start = True
        self.at_end = True
        self.read_at: datetime | None = None
        #: The loaded rows' resolution clocks in business time, by ticket id.
        self.sla: dict[int, Progress] = {}
        self.loading_more = False
        #: Tickets marked for a set operation, by number: kept while pages come and go, so
        #: a mark survives paging away and back (and a reload that still shows the row).
        self.marked: dict[str, int] = {}

    # --- data ---------------------------------------------------------------------------

    def reload(self, fetch: Fetch | None = None, *, from_end: bool = False) -> None:
        """Start over from the first page (or the last), e.g. after a sort or filter change."""
        if fetch is not None:
            self.fetch = fetch
        self._load("last" if from_end else "first", None)

    def show_first(self, page: TicketPage) -> None:
        """Show ``page`` as the first page, read by the screen with its own figures (the next
        pages come from ``fetch`` as usual)."""
        self._arrived("first", page)

    @property
    def current(self) -> TicketRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    @background(N_("load the tickets"), retry=N_("Refresh retries"), group="ticket-table")
    def _load(self, where: str, key: int | None) -> None:
        if self.fetch is None:
            return
        if where == "first":
            page = self.fetch(limit=PAGE)
        elif where == "last":
            page = self.fetch(before=0, limit=PAGE)
        elif where == "next":
            page = self.fetch(after=key, limit=PAGE)
        else:
            page = self.fetch(before=key, limit=PAGE)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._arrived, where, page)

    def show_failure(self, message: str, what: str) -> None:
        # The rows already shown stay; scrolling on asks for the missing page again.
        self.loading_more = False
        self.post_message(self.Failed(message))

    def _arrived(self, where: str, page: TicketPage) -> None:
        self.loading_more = False
        self.read_at = page.read_at
        full = len(page.rows) == PAGE
        if where in ("first", "last"):
            self.sla = dict(page.sla)
            self.rows = list(page.rows)
            self.at_start = where == "first" or not full
            self.at_end = where == "last" or not full
            self.cursor = 0 if where == "first" else max(0, len(self.rows) - 1)
        elif where == "next":
            self.sla.update(page.sla)
            self.rows += page.rows
            self.at_end = not full
            self._trim(from_start=True)
        else:
            self.sla.update(page.sla)
            self.rows = [*page.rows, *self.rows]
            self.at_start = not full
            self.cursor += len(page.rows)
            self.scroll_to(y=self.scroll_y + len(page.rows), animate=False, immediate=True)
            self._trim(from_start=False)
        longest = max(
            (cell_len(status_cell(r.status, r.pending_reason)) for r in self.rows), default=0
        )
        self.status_width = min(STATUS_MAX, max(cell_len(_("Status")), longest))
        self._resize()
        self._follow_cursor()
        self.refresh()
        self.post_message(self.Loaded(len(self.rows), self.at_start, self.at_end))

    def _trim(self, *, from_start: bool) -> None:
        excess = len(self.rows) - WINDOW_PAGES * PAGE
        if excess <= 0:
            return
        if from_start:
            self.rows = self.rows[excess:]
            self.at_start = False
            self.cursor = max(0, self.cursor - excess)
            self.scroll_to(y=max(0, self.scroll_y - excess), animate=False, immediate=True)
        else:
            self.rows = self.rows[:-excess]
            self.at_end = False
        self.sla = {row.id: self.sla[row.id] for row in self.rows if row.id in self.sla}

    def _maybe_load_more(self) -> None:
        if self.loading_more or not self.rows:
            return
        if not self.at_end and self.cursor >= len(self.rows) - PAGE // 2:
            self.loading_more = True
            self._load("next", self.rows[-1].id)
        elif not self.at_start and self.cursor < PAGE // 2:
            self.loading_more = True
            self._load("previous", self.rows[0].id)

    # --- movement -----------------------------------------------------------------------

    def _resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    def on_resize(self) -> None:
        self._resize()

    def watch_cursor(self) -> None:
        self._follow_cursor()
        self._maybe_load_more()
        self.refresh()

    def _follow_cursor(self) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        if self.rows:
            self.cursor = min(max(0, self.cursor + step), len(self.rows) - 1)

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 2))

    def action_first(self) -> None:
        if self.at_start:
            self.cursor = 0
        else:
            self.reload()

    def action_last(self) -> None:
        if self.at_end:
            self.cursor = max(0, len(self.rows) - 1)
        else:
            self.reload(from_end=True)

    def action_open(self) -> None:
        if (row := self.current) is not None:
            self.post_message(self.Opened(row.number))

    def toggle_mark(self) -> None:
        """Mark the highlighted ticket (or unmark it), then move to the next row."""
        row = self.current
        if row is None:
            return
        if self.marked.pop(row.number, None) is None:
            self.marked[row.number] = row.id
        self.action_cursor(1)
        self.refresh()

    def clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()

    def on_click(self, event: Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor and event.chain > 1:
                self.action_open()
            self.cursor = index

    # --- drawing ------------------------------------------------------------------------

    def _width(self) -> int:
        """The width rows may use: the widget less its vertical scrollbar, when one shows."""
        return self.scrollable_content_region.width

    def _columns(self) -> list[tuple[Column, int]]:
        return layout(self._width(), self.columns, {"Status": self.status_width})

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"ticket-table--{name}")

    def render_line(self, y: int) -> Strip:
        width = self._width()
        if y == 0:
            text = " ".join(fit(_(c.title), w, right=c.right) for c, w in self._columns())
            return Strip([Segment(fit(text, width), self._style("header"))], width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        base = self._style("cursor") if index == self.cursor else self.rich_style
        marked = row.number in self.marked
        if marked:
            base = base + self._style("marked")
        segments: list[Segment] = []
        for n, (column, w) in enumerate(self._columns()):
            if n:
                # A marked row says so after its number as well as in colour.
                segments.append(Segment(MARK if marked and n == 1 else " ", base))
            text, style = self._cell(row, column.title)
            segments.append(Segment(fit(text, w, right=column.right), base + style))
        used = sum(s.cell_length for s in segments)
        segments.append(Segment(" " * max(0, width - used), base))
        return Strip(segments, width).crop(0, width)

    def _cell(self, row: TicketRow, title: str) -> tuple[str, Style]:
        plain = Style()
        if title == "Number":
            return row.number, plain
        if title == "P":
            return f"P{row.priority}", self._style("p1") if row.priority == 1 else plain
        if title == "SLA bus.":
            return self._sla(row)
        if title == "Status":
            return status_cell(row.status, row.pending_reason), plain
        if title == "Holder":
            return (row.assignee, plain) if row.assignee else ("—", self._style("muted"))
        if title == "T":
            return str(row.tier), plain
        if title == "Caller":
            return row.caller or "", plain
        if title == "CI":
            return row.ci or "", plain
        if title == "Title":
            return row.title, plain
        now = self.read_at
        return (age(now - row.opened_at) if now else ""), self._style("muted")

    def _sla(self, row: TicketRow) -> tuple[str, Style]:
        """Business time left ("2h 10m", "-45m" once overdue, "paused" while the clock waits
        on the customer or a vendor), coloured by the risk rule (``tickets.risk``)."""
        now, clock = self.read_at, self.sla.get(row.id)
        if clock is not None and clock.state == ClockState.PAUSED and row.status in _OPEN:
            return _("paused"), self._style("muted")
        due = row.resolution_due_at
        if now is None or due is None or row.status not in _OPEN or clock is None:
            return "—", self._style("muted")
        if clock.state != ClockState.RUNNING or clock.minutes_left is None:
            return "—", self._style("muted")
        level = risk_of(due, row.resolution_warn_at, now)
        name = {Risk.BREACHED: "breached", Risk.AT_RISK: "at-risk"}.get(level, "ok")
        minutes = clock.minutes_left
        return business_left(minutes), self._style(name)
