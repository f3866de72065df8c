"""What the call form offers from the knowledge base as the agent types: known errors and
published articles matching the title (or, with no title yet, the details) and the chosen CI.

The panel asks a moment after the last keystroke (:data:`DELAY`), in a worker, never on the
UI thread; a newer question cancels the one under way (the worker group is exclusive), so
only the newest answer is shown. The keys that use a suggestion are the form's (F2 link,
F3 resolve, Ctrl+B read, ``console.keymap``); they act on the panel's highlighted line.

Below them, the newest past tickets solved with a title like this call's (the ticket-title
index, ``workflow.tickets.search_past_tickets``), each with how it was resolved: "solved
before?" answered without leaving the form.

Suggestion text is user text: shown literally (``markup=False``, ``Text``), and an article's
Markdown is rendered by Textual's Markdown widget with raw HTML left as text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _, ngettext, status_text
from itsm_tui.common.textsafe import visible
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind, key_text
from itsm_tui.console.loading import load_database_code
from itsm_tui.screens.knowledge import markdown_parser
from itsm_tui.widgets.cells import one_line
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.workflow.knowledge.articles import ArticleView
    from itsm_tui.workflow.knowledge.finding import Hit, Suggestions

#: Seconds after the last keystroke before the panel asks: a burst (an input method's
#: phrase, a paste, fast typing) asks once, and the answer still lands within 150 ms of the
#: last key (``benchmarks/intake_suggest.py``: 0.08 left 161 ms at 1M tickets, 0.05 leaves 126).
DELAY = 0.05
#: Suggestions of each kind shown.
SHOWN = 5
#: Past resolved tickets shown under the suggestions.
PAST_SHOWN = 3
#: The longest text asked about (the search refuses longer; a title is far shorter).
ASK_CHARS = 200
KNOWN_ERROR = "known_error"


class SuggestionPanel(ReportsFailures, Vertical):
    """Known errors, then articles, one line each; the highlighted one is "the suggestion"."""

    def __init__(self, site: Site, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.site, self.actor = site, actor
        self.hits: list[Hit] = []
        self._timer: Timer | None = None
        self._asked: tuple[str, tuple[str, ...]] = ("", ())

    def compose(self) -> ComposeResult:
        yield OptionList(id="suggestions", compact=True, markup=False)
        # Past resolved tickets like this call (``show_past``); hidden while there are none.
        yield Static("", id="suggest-past", markup=False)

    def on_mount(self) -> None:
        options = self.query_one("#suggestions", OptionList)
        options.border_title = _("Known errors and articles")
        options.border_subtitle = _("{link} link · {resolve} resolve · {read} read").format(
            link=key_text(self.app, "intake-link-suggestion"),
            resolve=key_text(self.app, "intake-resolve-suggestion"),
            read=key_text(self.app, "intake-read-suggestion"),
        )
        self.query_one("#suggest-past", Static).display = False
        self.display = False  # the caller's open tickets keep the column until there is one

    def ask(self, text: str, cis: tuple[str, ...] = ()) -> None:
        """Ask again once the agent pauses (an unchanged question is not asked twice)."""
        text = text.strip()[:ASK_CHARS]
        if (text, cis) == self._asked:
            return
        self._asked = (text, cis)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DELAY, lambda: self._ask_now(text, cis))

    def _ask_now(self, text: str, cis: tuple[str, ...]) -> None:
        self._timer = None
        if not text and not cis:
            self.show(None)
            return
        self.find(text, cis)

    @background(N_("find suggestions"), retry=N_("type on to retry"), group="suggest")
    def find(self, text: str, cis: tuple[str, ...]) -> None:
        load_database_code()
        from itsm_tui.workflow.knowledge.finding import suggest_for_call

        found = suggest_for_call(self.site, self.actor, text, cis, limit=SHOWN)
        past = self._past(text)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, found, past)

    def _past(self, text: str) -> list[str]:
        """One line per past resolved ticket whose title holds the call's words (in the
        worker; no words to search for is no answer, not a failure)."""
        from itsm_tui.common.errors import Invalid
        from itsm_tui.workflow.tickets import search_past_tickets

        try:
            page = search_past_tickets(self.site, self.actor, text, limit=PAST_SHOWN)
        except Invalid:
            return []
        return [
            f"{item.number} {item.title}" + (f" — {item.resolution}" if item.resolution else "")
            for item in page.items
        ]

    def show_failure(self, message: str, what: str) -> None:
        options = self.query_one("#suggestions", OptionList)
        options.clear_options()
        options.add_option(Option(Text(message), disabled=True))
        self.hits = []
        self.display = True

    def show(self, found: Suggestions | None, past: list[str] | None = None) -> None:
        self.hits = [*found.known_errors, *found.articles] if found is not None else []
        options = self.query_one("#suggestions", OptionList)
        options.clear_options()
        for hit in self.hits:
            line = Text()
            kind = _("known error") if hit.kind == KNOWN_ERROR else _("article")
            line.append(f"{kind} {hit.number} ", style="bold")
            line.append(one_line(hit.title))
            if hit.summary:
                line.append(" — " + one_line(hit.summary), style="dim")
            options.add_option(Option(line, id=f"{hit.kind}:{hit.number}"))
        if self.hits:
            options.highlighted = 0
        options.display = bool(self.hits)
        self.show_past(past or [])
        count = len(self.hits)
        options.border_title = (
            ngettext("{n} known error or article", "{n} known errors and articles", count).format(
                n=count
            )
            if count
            else _("Known errors and articles")
        )

    def show_past(self, lines: list[str]) -> None:
        """Past resolved tickets like this call, one line each (literal text)."""
        past = self.query_one("#suggest-past", Static)
        past.display = bool(lines)
        self.display = bool(lines or self.hits)
        shown = Text()
        if lines:
            shown.append(_("Solved before:") + "\n", style="bold")
        shown.append("\n".join(one_line(line) for line in lines))
        past.update(shown)

    def chosen(self) -> Hit | None:
        """The highlighted suggestion, if any."""
        index = self.query_one("#suggestions", OptionList).highlighted
        if index is None or index >= len(self.hits):
            return None
        return self.hits[index]

    def clear(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._asked = ("", ())
        self.show(None)


class SuggestionReader(ReportsFailures, ModalScreen[None]):
    """One suggestion in full over the call form: an article rendered as Markdown (raw HTML
    as text), a known error's workaround as plain text. Escape goes back to the call."""

    DEFAULT_CSS = """
    SuggestionReader { align: center middle; }
    SuggestionReader > VerticalScroll {
        width: 90%; height: 80%; border: thick $accent; background: $surface; padding: 0 1;
    }
    SuggestionReader #reader-head { margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("close", "dismiss"),
        bind("help", "app.help", show=False),
    ]

    def __init__(self, site: Site, actor: Actor, hit: Hit) -> None:
        super().__init__()
        self.site, self.actor, self.hit = site, actor, hit

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="reader"):
            yield Static(self._head(), id="reader-head", markup=False)
            yield Markdown("", id="reader-article", parser_factory=markdown_parser)
            yield Static("", id="reader-known", markup=False)

    def _head(self) -> Text:
        head = Text()
        head.append(f"{self.hit.number} ", style="bold")
        head.append(visible(self.hit.title), style="bold")
        return head

    def on_mount(self) -> None:
        self.query_one("#reader", VerticalScroll).focus()
        if self.hit.kind == KNOWN_ERROR:
            self.query_one("#reader-article", Markdown).display = False
            self.query_one("#reader-known", Static).update(
                Text(_("Workaround: ")) + Text(visible(self.hit.summary))
            )
            self.load_problem(self.hit.number)
        else:
            self.query_one("#reader-known", Static).display = False
            self.load_article(self.hit.number)

    @background(N_("load the article"), retry=N_("Esc and Ctrl+B again"), group="reader")
    def load_article(self, number: str) -> None:
        load_database_code()
        from itsm_tui.workflow.knowledge.articles import show_article

        view = show_article(self.site, self.actor, number)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_article, view)

    def show_article(self, v: ArticleView) -> None:
        head = self._head()
        head.append(f"\n{status_text(v.status)} · ")
        head.append(ngettext("{n} use", "{n} uses", v.use_count).format(n=v.use_count))
        self.query_one("#reader-head", Static).update(head)
        self.query_one("#reader-article", Markdown).update(v.body)

    @background(N_("load the problem"), retry=N_("Esc and Ctrl+B again"), group="reader")
    def load_problem(self, number: str) -> None:
        load_database_code()
        from itsm_tui.workflow.problems.queries import show_problem

        view = show_problem(self.site, self.actor, number)
        if not get_current_worker().is_cancelled:
            text = Text()
            for label, value in (
                (_("Root cause"), view.root_cause),
                (_("Workaround"), view.workaround),
            ):
                text.append(f"{label}: ", style="bold")
                text.append(visible(value or "—") + "\n")
            self.app.call_from_thread(self.query_one("#reader-known", Static).update, text)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#reader-known", Static).display = True
        self.query_one("#reader-known", Static).update(message)
