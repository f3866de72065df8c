"""What the knowledge screen can do with the highlighted article, from one key (``actions``,
Ctrl+L): review, publish and retire it (a supervisor's), write a new version of its text, and
read its history with the changes between the last two versions — the operations
``itsm kb`` has, through the same workflow functions.

Each change runs in a worker with the version the screen read; a refusal (a hotline agent
may not publish, an article in the wrong state) is shown in the workflow's own words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itsm_tui.common.i18n import N_, _
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import background
from itsm_tui.console.loading import load_database_code
from itsm_tui.dialogs.action_menu import ActionMenu
from itsm_tui.dialogs.form import Field, FormDialog
from itsm_tui.dialogs.text_edit import TextEditDialog, TextViewDialog
from itsm_tui.widgets.cells import one_line

if TYPE_CHECKING:
    from textual.app import App

    from itsm_tui.workflow.knowledge.articles import ArticleView
    from itsm_tui.workflow.site import Actor, Site

LABELS: dict[str, str] = {
    "review": N_("Review (a supervisor's)"),
    "publish": N_("Publish (a supervisor's)"),
    "edit": N_("New version: edit the text"),
    "retire": N_("Retire (a supervisor's)"),
    "history": N_("History: versions and the last change"),
}
#: From which states (``workflow.knowledge.articles.OPERATIONS``, repeated so that drawing the
#: menu loads no database code; a test keeps the two equal). History: always.
STATES: dict[str, frozenset[str]] = {
    "review": frozenset({"draft"}),
    "publish": frozenset({"reviewed"}),
    "edit": frozenset({"draft", "reviewed", "published"}),
    "retire": frozenset({"draft", "reviewed", "published"}),
}


class ArticleActions:
    """Mixed into the knowledge screen (which has ``site``, ``actor``, ``article`` — the
    article shown — and reads it again with ``load_article``)."""

    if TYPE_CHECKING:
        site: Site
        actor: Actor
        article: ArticleView | None
        app: App[Any]

        def load_article(self, number: str) -> Any: ...
        def action_reload(self) -> None: ...
        def notify(self, message: str, **kw: Any) -> None: ...

    def action_actions(self) -> None:
        view = self.article
        if view is None:
            self.notify(
                _("Highlight an article first (known errors are changed on the problems screen).")
            )
            return
        offered = [
            (action, _(label))
            for action, label in LABELS.items()
            if action == "history" or view.status in STATES[action]
        ]

        def chosen(action: str | None) -> None:
            if action is not None:
                self._start(action, view)

        self.app.push_screen(ActionMenu(f"{view.number} {one_line(view.title)}", offered), chosen)

    def _start(self, action: str, view: ArticleView) -> None:
        n, v = view.number, view.version
        if action in ("review", "publish"):
            self.article_change(n, action, {"expected_version": v})
        elif action == "retire":
            form = FormDialog(
                _("Retire {number}").format(number=n),
                [Field("reason", _("Why (optional)"), required=False)],
            )

            def retire(values: dict[str, str] | None) -> None:
                if values is not None:
                    self.article_change(
                        n, "retire", {"reason": values["reason"], "expected_version": v}
                    )

            self.app.push_screen(form, retire)
        elif action == "edit":

            def edited(text: str | None) -> None:
                if text is not None and text != view.body:
                    self.article_change(n, "edit", {"body": text, "expected_version": v})

            title = _("{number}: a new version (now version {revision})").format(
                number=n, revision=view.revision
            )
            self.app.push_screen(TextEditDialog(title, view.body), edited)
        elif action == "history":
            self.read_history(n)

    @background(N_("read the article's history"), retry=N_("Ctrl+L again"), group="kb-action")
    def read_history(self, number: str) -> None:
        load_database_code()
        from itsm_tui.workflow.knowledge.articles import article_diff, article_history

        revisions = article_history(self.site, self.actor, number)
        lines = [
            _("Version {revision} · {author} · {at}").format(
                revision=r.revision,
                author=r.author or "—",
                at=local(r.created_at, self.site.settings.zone, "%Y-%m-%d %H:%M"),
            )
            for r in revisions
        ]
        if len(revisions) > 1:
            lines += ["", *article_diff(self.site, self.actor, number)]
        else:
            lines += ["", _("Only one version so far.")]
        title = _("{number}: history").format(number=number)
        self.app.call_from_thread(
            self.app.push_screen, TextViewDialog(title, lines, diff=len(revisions) > 1)
        )

    @background(N_("change the article"), retry=N_("Ctrl+L again"), group="kb-action")
    def article_change(self, number: str, action: str, kwargs: dict[str, Any]) -> None:
        load_database_code()
        from itsm_tui.workflow.knowledge import articles

        run = {
            "review": articles.review_article,
            "publish": articles.publish_article,
            "retire": articles.retire_article,
            "edit": articles.edit_article,
        }[action]
        run(self.site, self.actor, number, **kwargs)
        self.app.call_from_thread(self._changed, number, action)

    def _changed(self, number: str, action: str) -> None:
        message = _("{number}: done ({action}).").format(number=number, action=_(LABELS[action]))
        self.notify(message, timeout=6, markup=False)
        self.action_reload()
        self.load_article(number)
