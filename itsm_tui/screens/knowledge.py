"""The knowledge base: search as you type (articles and known errors, Chinese terms of any
length), the hits beneath, and the highlighted one in full — an article's Markdown rendered by
Textual's Markdown widget (raw HTML in it shown as text, never as HTML), a known error's
workaround as plain text.

``S`` shows the drafts or the reviewed articles instead of the published ones (what a
supervisor reviews and publishes), and Ctrl+L lists what can be done with the highlighted
article (``article_actions``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from markdown_it import MarkdownIt
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Markdown, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _, ngettext, status_text
from itsm_tui.common.textsafe import visible
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.console.loading import load_database_code
from itsm_tui.screens.article_actions import ArticleActions
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.workflow.knowledge.articles import ArticleView
    from itsm_tui.workflow.knowledge.finding import Hit

#: A known error in the hits list (the kind's code is "known_error").
KINDS = {"article": N_("article"), "known_error": N_("known error")}
#: What ``S`` cycles through: the published articles and known errors (the search the
#: hotline uses), then the articles waiting for review, then those reviewed.
FILTERS: tuple[str | None, ...] = (None, "draft", "reviewed")


def markdown_parser() -> MarkdownIt:
    """CommonMark with tables, without raw HTML: an article's ``<script>`` is text."""
    return MarkdownIt("gfm-like", {"html": False})


class KnowledgeScreen(ArticleActions, ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "back"),
        bind("search", "search"),
        bind("open", "open"),
        bind("refresh", "reload"),
        bind("status-filter", "status"),
        bind("record-actions", "actions"),
    ]

    def __init__(self, site: Site, actor: Actor, text: str = "") -> None:
        super().__init__()
        self.site, self.actor, self.text = site, actor, text
        self.hits: list[Hit] = []
        self.status: str | None = None
        self.article: ArticleView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            value=self.text,
            placeholder=_("Search articles and known errors: 打印, VPN证书 …"),
            id="kb-search",
        )
        yield Static("", id="kb-bar", markup=False)
        yield DataTable(id="kb-hits", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="kb-box"):
            yield Static("", id="kb-head", markup=False)
            yield Markdown("", id="kb-article", parser_factory=markdown_parser)
            yield Static("", id="kb-known", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Knowledge base")
        table = self.query_one("#kb-hits", DataTable)
        columns = ((_("Kind"), 8), (_("Number"), 9), (_("Uses"), 4))
        fixed = sum(width + 2 for _label, width in columns) + 4
        for label, width in (*columns, (_("Title"), max(20, self.app.size.width - fixed - 2))):
            table.add_column(label, width=width)
        self.query_one("#kb-search", Input).focus()
        self.find(self.text)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.text = event.value
        self.find(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#kb-hits", DataTable).focus()

    @background(N_("search the knowledge base"), retry=N_("type again"), group="kb-search")
    def find(self, text: str) -> None:
        load_database_code()
        from itsm_tui.workflow.knowledge.finding import search_knowledge

        status = self.status
        if status is None:
            hits = search_knowledge(self.site, self.actor, text, limit=50) if text.strip() else []
        elif text.strip():
            found = search_knowledge(self.site, self.actor, text, limit=100, include_drafts=True)
            hits = [h for h in found if h.status == status][:50]
        else:
            hits = self._listed(status)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_hits, hits)

    def _listed(self, status: str) -> list[Hit]:
        """The newest articles in ``status``, as hits (in the worker's thread)."""
        from itsm_tui.workflow.knowledge.articles import list_articles
        from itsm_tui.workflow.knowledge.finding import ARTICLE_HIT, Hit

        rows = list_articles(self.site, self.actor, status=status, limit=50)
        return [
            Hit(ARTICLE_HIT, r.number, r.title, "", r.status, r.use_count, r.updated_at, False)
            for r in rows
        ]

    def action_status(self) -> None:
        self.status = FILTERS[(FILTERS.index(self.status) + 1) % len(FILTERS)]
        self.find(self.text)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#kb-bar", Static).update(message)

    def show_hits(self, hits: list[Hit]) -> None:
        self.hits = hits
        table = self.query_one("#kb-hits", DataTable)
        table.clear()
        for hit in hits:
            table.add_row(
                _(KINDS.get(hit.kind, hit.kind)),
                hit.number,
                str(hit.use_count),
                Text(one_line(hit.title)),
                key=f"{hit.kind}:{hit.number}",
            )
        found = ngettext("{n} found", "{n} found", len(hits)).format(n=len(hits))
        bar = found if self.text.strip() or self.status else _("Type to search.")
        if self.status:
            bar = _("{status} · {found} · S: status").format(
                status=status_text(self.status), found=found
            )
        self.query_one("#kb-bar", Static).update(bar)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = str(event.row_key.value or "")
        kind, _sep, number = key.partition(":")
        hit = next((h for h in self.hits if h.number == number and h.kind == kind), None)
        if hit is None:
            return
        if kind == "article":
            self.load_article(number)
        else:
            self.show_known_error(hit)

    @background(N_("load the article"), retry=N_("r reloads"), group="kb-article")
    def load_article(self, number: str) -> None:
        load_database_code()
        from itsm_tui.workflow.knowledge.articles import show_article

        view = show_article(self.site, self.actor, number)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_article, view)

    def show_article(self, v: ArticleView) -> None:
        self.article = v
        head = Text()
        head.append(f"{v.number} ", style="bold")
        head.append(visible(v.title), style="bold")
        tags = ", ".join(v.tags)
        head.append(f"\n{status_text(v.status)} · {status_text(v.visibility)} · ")
        head.append(ngettext("{n} use", "{n} uses", v.use_count).format(n=v.use_count))
        if tags:
            head.append(f" · {visible(tags)}")
        self.query_one("#kb-head", Static).update(head)
        article = self.query_one("#kb-article", Markdown)
        article.display = True
        article.update(v.body)
        self.query_one("#kb-known", Static).display = False

    def show_known_error(self, hit: Hit) -> None:
        self.article = None
        head = Text()
        head.append(f"{hit.number} ", style="bold")
        head.append(visible(hit.title), style="bold")
        head.append(f"\n{_('known error')}")
        self.query_one("#kb-head", Static).update(head)
        self.query_one("#kb-article", Markdown).display = False
        known = self.query_one("#kb-known", Static)
        known.display = True
        known.update(Text(_("Workaround: ")) + Text(visible(hit.summary)))

    def action_search(self) -> None:
        self.query_one("#kb-search", Input).focus()

    def action_open(self) -> None:
        self.query_one("#kb-box", VerticalScroll).focus()

    def action_reload(self) -> None:
        self.find(self.text)

    def action_back(self) -> None:
        if not self.query_one("#kb-search", Input).has_focus and self.text:
            self.query_one("#kb-search", Input).focus()
            return
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        return True
