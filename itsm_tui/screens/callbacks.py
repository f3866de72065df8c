"""Surveys to call back: the hotline rings each caller whose ticket was resolved and keys in
their answers. One key (N) takes the next caller — the open survey nearest its expiry, held
for this operator a quarter of an hour — and opens the answer form with the ticket's summary;
Enter opens it again for the caller on screen. Each question is worded as the site words it
(``survey_wording``), in the operator's language, so the hotline reads the caller the same
words the self-service page shows. A low score offers to reopen the ticket."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _, language, ngettext
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.dialogs.form import ConfirmDialog, Field, FormDialog
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow import tickets
from itsm_tui.workflow.quality import surveys
from itsm_tui.workflow.quality.survey_wording import SurveyQuestion
from itsm_tui.workflow.quality.surveys import Answer, SurveyView
from itsm_tui.workflow.site import Actor, Site

#: What the operator keys in for each question, after the question's words.
HINTS = {
    "overall": N_("1 (poor) to 5 (very good)"),
    "timeliness": N_("1 to 5, blank: not asked"),
    "attitude": N_("1 to 5, blank: not asked"),
    "comment": N_("in the caller's words"),
}


class AnswerForm(FormDialog):
    """The answer form, whose labels are the site's questions: a long question wraps onto a
    second line instead of losing its end (and the hint after it) at the dialog's edge, and
    on a 24-line terminal the form scrolls to the field in focus."""

    DEFAULT_CSS = """
    AnswerForm Label { width: 100%; }
    AnswerForm > Vertical { overflow-y: auto; }
    """


def answer_fields(questions: list[SurveyQuestion]) -> list[Field]:
    """The answer form: one field per question the site asks, labelled with its words in the
    language in force and what to key in."""
    fields = []
    for q in questions:
        words = q.in_language(language())
        label = f"{words}  ({_(HINTS[q.name])})" if q.name in HINTS else words
        if q.kind == "yes_no":
            fields.append(Field(q.name, label, [(_("yes"), "y"), (_("no"), "n")]))
        else:
            fields.append(Field(q.name, label, required=q.name == "overall"))
    return fields


def _score(text: str) -> int | None:
    """A typed score as a number (the workflow says what is allowed); blank: not answered."""
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 3 else 0


class CallbackScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("next-callback", "next_caller"),
        bind("open", "answer"),
        bind("refresh", "reload"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor
        self.current: SurveyView | None = None
        self.questions: list[SurveyQuestion] = []  # the site's, read with each caller

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Counting the surveys to call back …"), id="callback-head", markup=False)
        with VerticalScroll(id="callback-box"):
            yield Static("", id="callback-caller", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Surveys to call back")
        self.query_one("#callback-box").focus()
        self.load_count()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            return self.current is not None and self.current.status == "open"
        return True

    def action_reload(self) -> None:
        self.load_count()

    @background(N_("count the surveys to call back"), retry=N_("r retries"), group="count")
    def load_count(self) -> None:
        count = surveys.callback_count(self.site, self.actor)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_count, count)

    def show_count(self, count: int) -> None:
        waiting = ngettext(
            "{n:,} survey waits for a callback", "{n:,} surveys wait for a callback", count
        ).format(n=count)
        self.query_one("#callback-head", Static).update(
            waiting + " · " + _("N: next caller · Enter: key in the answers")
        )

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#callback-head", Static).update(message)

    def action_next_caller(self) -> None:
        self.take_next()

    @background(N_("take the next caller"), retry=N_("N tries again"), group="take")
    def take_next(self) -> None:
        view = surveys.take_next_callback(self.site, self.actor)
        count = surveys.callback_count(self.site, self.actor)
        self.questions = surveys.survey_questions(self.site, self.actor)
        self.app.call_from_thread(self.show_caller, view, count)

    def show_caller(self, view: SurveyView | None, count: int) -> None:
        self.current = view
        self.show_count(count)
        self.refresh_bindings()
        body = self.query_one("#callback-caller", Static)
        if view is None:
            body.update(_("No survey waits for a callback."))
            return
        body.update(self._summary(view))
        if view.status == "open":
            self.action_answer()

    def _summary(self, view: SurveyView) -> Text:
        zone = self.site.settings.zone
        text = Text()
        text.append(_("Caller") + "  ", style="bold")
        text.append(one_line(view.caller))
        text.append(f"  {one_line(view.caller_phone or '')}\n")
        text.append(_("Ticket") + "  ", style="bold")
        text.append(f"{view.ticket}  {one_line(view.title)}\n")
        text.append(_("Resolved by") + "  ", style="bold")
        text.append(one_line(f"{view.staff_name or view.staff or ''} ({view.group or ''})"))
        text.append("  " + local(view.created_at, zone) + "\n")
        text.append(_("Resolution") + "  ", style="bold")
        text.append(one_line(view.resolution or "") + "\n")
        text.append(_("Open until") + "  ", style="bold")
        text.append(local(view.expires_at, zone) + "\n")
        if view.status == "answered":
            text.append("\n")
            text.append(
                _("Answered: overall {overall}, solved: {solved}").format(
                    overall=view.overall, solved=_("yes") if view.solved else _("no")
                ),
                style="bold red" if view.low_score else "bold green",
            )
            if view.low_score:
                text.append("\n" + _("Low score: the group's supervisor has been alerted."))
        return text

    def action_answer(self) -> None:
        view = self.current
        if view is None:
            return
        title = _("{caller} about {number}: {title}").format(
            caller=one_line(view.caller), number=view.ticket, title=one_line(view.title)
        )
        fields = answer_fields(self.questions)  # what this site asks, in its words

        def answered(values: dict[str, str] | None) -> None:
            if values:
                self.save(view, values)

        self.app.push_screen(AnswerForm(title, fields), answered)

    @background(N_("save the survey's answers"), retry=N_("Enter keys them in again"), group="save")
    def save(self, view: SurveyView, values: dict[str, str]) -> None:
        answer = Answer(
            overall=_score(values["overall"]) or 0,
            solved=values["solved"] != "n" if "solved" in values else None,
            timeliness=_score(values.get("timeliness", "")),
            attitude=_score(values.get("attitude", "")),
            comment=values.get("comment", ""),
        )
        saved = surveys.answer_survey(
            self.site, self.actor, f"#{view.id}", answer, via="console",
            expected_version=view.version,
        )  # fmt: skip
        count = surveys.callback_count(self.site, self.actor)
        self.app.call_from_thread(self.saved, saved, count)

    def saved(self, view: SurveyView, count: int) -> None:
        self.show_caller(view, count)
        self.app.notify(
            _("Survey of {number} saved. N: next caller.").format(number=view.ticket),
            markup=False,
        )
        if view.reopen_offer:

            def reopen(yes: bool | None) -> None:
                if yes:
                    self.reopen(view)

            question = _("Offer to reopen {number}?").format(number=view.ticket)
            self.app.push_screen(ConfirmDialog(_("The caller is not satisfied."), question), reopen)

    @background(
        N_("reopen the ticket"), retry=N_("reopen it from the ticket screen"), group="reopen"
    )
    def reopen(self, view: SurveyView) -> None:
        reason = _("Low satisfaction score at the callback (survey #{id})").format(id=view.id)
        reopened = tickets.reopen(self.site, self.actor, view.ticket, reason=reason)
        self.app.call_from_thread(
            self.app.notify,
            _("{number} reopened.").format(number=reopened.number),
            markup=False,
        )
