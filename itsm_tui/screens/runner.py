"""The inspection engineer's screen: one round, one item per line, built for 80×24 over SSH.

``p`` passes the highlighted item, ``f`` fails it, digits and Enter give a reading (or, on a
choice, a digit picks the choice), ``n`` notes it, ``j``/``k`` or the arrows move, ``?`` shows
the keys. An answer moves on to the next unanswered item by itself, so a passing item costs one
key and a reading its digits and Enter. A reading outside its normal range, a failed item and a
failing choice ask for a note before they are saved (Esc saves without one): they open an
incident, and the note goes into it.

Every answer is saved the moment it is given, in its own transaction; opening the round again
(after a dropped SSH connection) resumes at the first unanswered item with the answers so far.
The item's previous readings show as a sparkline under it (``h``: all of them). ``F``
completes (finishes) the round, asking a reason for the items left unanswered, and shows the
summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Sparkline, Static
from textual.worker import get_current_worker

from itsm_tui.common.errors import DomainError
from itsm_tui.common.i18n import N_, _
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.dialogs.form import Field, FormDialog
from itsm_tui.screens.inspection_history import ask_history
from itsm_tui.widgets.cells import fit, one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.inspections.judging import judge, range_text
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.workflow.inspections.views import ItemView, RoundView, SectionCount, Summary

#: What each outcome looks like in the list: a mark and its colour.
MARKS = {
    "pass": ("✓", "green"),
    "warn": ("!", "yellow"),
    "fail": ("✗", "bold red"),
    "skipped": ("–", "dim"),
}
OUTCOME_WORDS = {
    "pass": N_("pass"),
    "warn": N_("warn"),
    "fail": N_("fail"),
    "skipped": N_("skipped"),
}
#: The section picker's "every section" (no section can be named so: NUL is refused in text).
ALL_SECTIONS = "\x00all"
#: What a reading may be typed with: digits, a decimal point, a sign.
READING_KEYS = frozenset("0123456789.-")


def ask_section(
    screen: Screen[None],
    sections: list[SectionCount],
    current: str | None,
    chosen: Callable[[str | None], None],
) -> None:
    """Which section of the round is mine (None: all of them), each shown with its items
    answered so far; ``chosen`` is not called when the question is cancelled."""
    choices = [(_("All sections"), ALL_SECTIONS)] + [
        (
            _("{section} ({done}/{all} answered)").format(
                section=one_line(s.name), done=s.answered, all=s.items
            ),
            s.name,
        )
        for s in sections
    ]

    def answered(values: dict[str, str] | None) -> None:
        if values is not None:
            picked = values.get("section", ALL_SECTIONS)
            chosen(None if picked == ALL_SECTIONS else picked)

    field = Field("section", _("Section"), choices=choices, value=current or "")
    screen.app.push_screen(FormDialog(_("Which part of the round is yours?"), [field]), answered)


def _value(item: ItemView) -> str:
    answer = item.answer
    if answer is None:
        return ""
    if answer.value is not None:
        unit = item.limits.unit or ""
        return f"{answer.value:g}{unit if cell_len(unit) <= 3 else ''}"
    return answer.text or _(OUTCOME_WORDS.get(answer.outcome, answer.outcome))


class RunnerScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("pass-item", "answer_pass"),
        bind("fail-item", "answer_fail"),
        bind("note", "note"),
        bind("cursor-down", "move(1)"),
        bind("cursor-up", "move(-1)"),
        bind("complete-round", "complete"),
        bind("item-history", "history"),
        bind("round-section", "section"),
        bind("inspection-history", "ci_history"),
        bind("refresh", "reload"),
    ]

    def __init__(self, site: Site, actor: Actor, number: str, section: str | None = None) -> None:
        super().__init__()
        self.site, self.actor, self.number, self.section = site, actor, number, section
        self.view: RoundView | None = None
        self.cursor = 0
        self.entry = ""  # the reading being typed
        self.message: Text | None = None
        self.summary: Summary | None = None
        self.saves = 0  # answers sent and not yet saved

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading {ref} …").format(ref=self.number), id="runner-head", markup=False)
        yield Static("", id="runner-rows", markup=False)
        with Vertical(id="runner-detail"):
            yield Static("", id="runner-item", markup=False)
            with Horizontal(id="runner-trend"):
                yield Static("", id="runner-trend-label", markup=False)
                yield Sparkline([], id="runner-spark")
            yield Static("", id="runner-entry", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load(resume=True)

    # ------------------------------------------------------------------ reading
    @background(N_("open the round"), retry=N_("r reloads"), group="runner-load")
    def load(self, resume: bool = False) -> None:
        from itsm_tui.workflow.inspections.rounds import open_round

        view = open_round(self.site, self.actor, self.number, section=self.section)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, view, resume)

    def show_failure(self, message: str, what: str) -> None:
        if self.view is None:
            self.query_one("#runner-head", Static).update(message)
        else:
            self.say(message, "bold red")

    def show(self, view: RoundView, resume: bool = False) -> None:
        self.view = view
        self.number = view.number
        self.sub_title = one_line(view.template_name)
        if resume:
            self.cursor = view.first_unanswered()
        self.cursor = min(self.cursor, max(len(view.checks) - 1, 0))
        self.draw()

    def action_reload(self) -> None:
        self.load()

    # ------------------------------------------------------------------ drawing
    def draw(self) -> None:
        view = self.view
        if view is None:
            return
        done = sum(1 for i in view.checks if i.answer is not None)
        zone = self.site.settings.zone
        head = Text()
        head.append(f"{view.number} ", style="bold")
        head.append(one_line(view.template_name))
        head.append(f" v{view.template_version}", style="dim")
        if self.section is not None:
            head.append(" · ")
            head.append(one_line(self.section), style="bold cyan")
        state = (
            _("completed {at}").format(at=local(view.completed_at, zone, "%m-%d %H:%M"))
            if view.completed_at
            else _("due {at}").format(at=local(view.due_at, zone, "%m-%d %H:%M"))
        )
        head.append(f" · {state} · ")
        head.append(_("{done}/{all} answered").format(done=done, all=len(view.checks)))
        self.query_one("#runner-head", Static).update(head)
        self.query_one("#runner-rows", Static).update(self._rows(view))
        self._detail(view)

    def _rows(self, view: RoundView) -> Text:
        rows_widget = self.query_one("#runner-rows", Static)
        height = max(rows_widget.size.height, 3)
        width = max(rows_widget.size.width, 40)
        items = view.checks
        first = min(max(self.cursor - height // 2, 0), max(len(items) - height, 0))
        text = Text()
        value_cells, ci_cells = 9, min(14, width // 5)
        label_cells = width - 2 - value_cells - ci_cells - 3
        section = None
        for index in range(first, min(first + height, len(items))):
            item = items[index]
            if index > first:
                text.append("\n")
            mark, style = MARKS.get(item.answer.outcome, ("·", "")) if item.answer else ("·", "")
            here = index == self.cursor
            row_style = "reverse" if here else ""
            text.append(f"{mark} ", style=f"{style} {row_style}".strip())
            label = item.label if item.section == section else f"{item.section}｜{item.label}"
            section = item.section
            text.append(fit(label, label_cells) + " ", style=row_style)
            text.append(fit(item.ci or "", ci_cells) + " ", style=f"dim {row_style}".strip())
            text.append(fit(_value(item), value_cells, right=True), style=f"{style} {row_style}")
        return text

    def _detail(self, view: RoundView) -> None:
        item = self.current()
        detail = self.query_one("#runner-item", Static)
        spark = self.query_one("#runner-spark", Sparkline)
        trend = self.query_one("#runner-trend-label", Static)
        entry = self.query_one("#runner-entry", Static)
        if self.summary is not None:
            detail.update(self._summary_text(self.summary))
            trend.update("")
            spark.data = []
            entry.update(self.message or "")
            return
        if item is None:
            detail.update(_("This round has no items."))
            return
        text = Text()
        text.append(one_line(item.label), style="bold")
        if item.ci:
            text.append(f"  {one_line(item.ci)}", style="cyan")
        text.append(f"  [{item.key}]", style="dim")
        text.append("\n" + (one_line(item.instruction) or _("(no instruction)")), style="")
        ranges = range_text(item.limits)
        line = Text("\n")
        if item.kind == "choice":
            choices = "  ".join(f"{n}={c}" for n, c in enumerate(item.limits.choices, 1))
            line.append(_("choose: {choices}").format(choices=choices))
        elif ranges:
            line.append(_("normal {range}").format(range=ranges))
        if item.readings:
            line.append("  " + _("last {value}").format(value=f"{item.readings[-1]:g}"), "dim")
        if item.answer is not None:
            mark, style = MARKS.get(item.answer.outcome, ("·", ""))
            line.append(f"  {mark} {_value(item)}", style=style)
            if item.answer.note:
                line.append(f"  {one_line(item.answer.note)}", style="italic")
        text.append_text(line)
        detail.update(text)
        if item.readings:
            trend.update(_("trend ({count})").format(count=len(item.readings)))
            spark.data = list(item.readings)
            spark.display = True
        else:
            trend.update("")
            spark.data = []
            spark.display = False
        if self.message is not None:
            entry.update(self.message)
        elif self.entry:
            entry.update(Text(f"> {self.entry}▏", style="bold"))
        else:
            entry.update(Text(self._hint(item), style="dim"))

    def _hint(self, item: ItemView) -> str:
        if item.kind == "reading":
            return _("digits + Enter: reading · n note · j/k move · F complete · ? help")
        if item.kind == "choice":
            return _("1–{n}: choose · n note · j/k move · F complete · ? help").format(
                n=len(item.limits.choices)
            )
        if item.kind == "text":
            return _("Enter: write · p: nothing to report · j/k move · ? help")
        return _("p pass · f fail · n note · j/k move · F complete · ? help")

    def _summary_text(self, summary: Summary) -> Text:
        zone = self.site.settings.zone
        text = Text()
        text.append(
            _("Completed {at} by {who}").format(
                at=local(summary.completed_at, zone, "%m-%d %H:%M"), who=summary.completed_by
            ),
            style="bold",
        )
        text.append("  " + (_("on time") if summary.on_time else _("late")))
        text.append(
            "\n"
            + _(
                "{answered} answered: {passed} passed, {warnings} warnings, {failed} failed"
            ).format(
                answered=summary.answered,
                passed=summary.passed,
                warnings=summary.warnings,
                failed=summary.failed,
            )
        )
        if summary.skipped:
            skipped = ", ".join(f"{k} ({one_line(r)})" for k, r in summary.skipped.items())
            text.append("\n" + _("skipped: {items}").format(items=skipped))
        if summary.incidents:
            text.append(
                "\n" + _("incidents: {numbers}").format(numbers=", ".join(summary.incidents))
            )
        return text

    def say(self, message: str | Text, style: str = "") -> None:
        self.message = message if isinstance(message, Text) else Text(message, style=style)
        if self.view is not None:
            self._detail(self.view)

    def current(self) -> ItemView | None:
        if self.view is None or not self.view.checks:
            return None
        return self.view.checks[self.cursor]

    # ------------------------------------------------------------------ moving
    def action_move(self, step: int) -> None:
        if self.view is None or not self.view.checks:
            return
        self.cursor = min(max(self.cursor + step, 0), len(self.view.checks) - 1)
        self.entry, self.message = "", None
        self.draw()

    def _advance(self) -> None:
        """To the next unanswered item after this one (or the next one, when all are)."""
        view = self.view
        if view is None:
            return
        items = view.checks
        after = [i for i in range(self.cursor + 1, len(items)) if items[i].answer is None]
        before = [i for i in range(0, self.cursor) if items[i].answer is None]
        target = (after or before or [min(self.cursor + 1, len(items) - 1)])[0]
        self.cursor = target
        self.entry = ""
        self.draw()

    # ------------------------------------------------------------------ answering
    def on_key(self, event: events.Key) -> None:
        """Typing a reading: digits, a point and a sign, Backspace, Enter. A choice takes one
        digit. Not bindings: they are text being entered, like the keys of a text box."""
        item = self.current()
        if item is None or self.summary is not None or self.app.screen is not self:
            return
        char = event.character or ""
        if item.kind == "choice" and char.isdigit() and char != "0":
            self._stop(event)
            index = int(char) - 1
            if index < len(item.limits.choices):
                self._give(item, item.limits.choices[index])
            return
        if item.kind == "reading" and char in READING_KEYS and char:
            self._stop(event)
            self.entry += char
            self.message = None
            self._detail(self.view) if self.view else None
            return
        if event.key == "backspace" and self.entry:
            self._stop(event)
            self.entry = self.entry[:-1]
            self._detail(self.view) if self.view else None
            return
        if event.key == "enter":
            self._stop(event)
            if item.kind == "reading" and self.entry:
                self._give(item, self.entry)
            elif item.kind == "text":
                self._ask_text(item)
            return
        if event.key == "escape" and self.entry:
            self._stop(event)
            self.entry = ""
            self._detail(self.view) if self.view else None

    @staticmethod
    def _stop(event: events.Key) -> None:
        event.stop()
        event.prevent_default()

    def action_answer_pass(self) -> None:
        item = self.current()
        if item is None or self.summary is not None:
            return
        if item.kind == "pass_fail":
            self._give(item, "pass")
        elif item.kind == "text":
            self._give(item, _("nothing to report"))
        elif item.kind == "choice":
            passing = [c for c in item.limits.choices if c not in item.limits.failing]
            self._give(item, passing[0])

    def action_answer_fail(self) -> None:
        item = self.current()
        if item is not None and item.kind == "pass_fail" and self.summary is None:
            self._give(item, "fail")

    def _give(self, item: ItemView, raw: str) -> None:
        """Judge the answer here (the workflow judges it again when saving): a bad reading is
        refused in place; an out-of-range or failed one asks for its note first."""
        try:
            verdict = judge(item.limits, raw)
        except DomainError as refused:
            self.entry = ""
            self.say(refused.text(), "bold red")
            return
        if verdict.outcome in ("warn", "fail"):
            shown = (
                f"{verdict.value:g} {item.limits.unit or ''}" if verdict.value is not None else raw
            )
            title = _("{label}: {value} is {outcome}. What did you see? (Esc: no note)").format(
                label=one_line(item.label),
                value=shown.strip(),
                outcome=_(OUTCOME_WORDS[verdict.outcome.value]),
            )

            def noted(values: dict[str, str] | None) -> None:
                self._save(item, raw, (values or {}).get("note", ""))

            self.app.push_screen(
                FormDialog(title, [Field("note", _("Note"), required=False)]), noted
            )
            return
        self._save(item, raw, "")

    def _save(self, item: ItemView, raw: str, note: str) -> None:
        replace = item.answer is not None
        self._mark(item, raw)
        self.saves += 1
        self.save_answer(item.key, raw, note, replace)
        self._advance()

    def _mark(self, item: ItemView, raw: str) -> None:
        """Show the answer at once (the save follows in a worker; the reload after it shows
        what was stored, or the failure)."""
        from dataclasses import replace as copy

        from itsm_tui.workflow.inspections.views import AnswerView

        view = self.view
        if view is None:
            return
        verdict = judge(item.limits, raw)
        answer = AnswerView(
            verdict.outcome.value, verdict.value, verdict.text, "", self.actor.login,
            self.site.clock.now(),
        )  # fmt: skip
        checks = tuple(copy(i, answer=answer) if i.key == item.key else i for i in view.checks)
        self.view = copy(view, checks=checks)
        if verdict.outcome != "pass" or item.kind == "reading":
            self.message = None

    @background(N_("save the answer"), retry=N_("answer it again"), group="runner-save")
    def save_answer(self, key: str, raw: str, note: str, replace: bool) -> None:
        from itsm_tui.workflow.inspections.rounds import answer, open_round

        try:
            result = answer(
                self.site, self.actor, self.number, key, raw, note=note, replace=replace
            )
            view = open_round(self.site, self.actor, self.number, section=self.section)
        finally:
            self.app.call_from_thread(self._saved)
        self.app.call_from_thread(self._after_save, result.incident, result.incident_event, view)

    def _saved(self) -> None:
        self.saves -= 1

    def _after_save(self, incident: str | None, event: str | None, view: RoundView) -> None:
        if self.saves == 0:
            self.show(view)
        if incident is not None:
            words = {
                "opened": _("incident {number} opened"),
                "repeat": _("noted on open incident {number}"),
                "recovered": _("recovery noted on {number}"),
            }
            self.say(words.get(event or "", "{number}").format(number=incident), "bold yellow")

    # ------------------------------------------------------------------ notes, text, completing
    def _ask_text(self, item: ItemView) -> None:
        def written(values: dict[str, str] | None) -> None:
            if values and values.get("text", "").strip():
                self._save(item, values["text"], "")

        value = item.answer.text if item.answer else ""
        self.app.push_screen(
            FormDialog(one_line(item.label), [Field("text", _("Answer"), value=value)]), written
        )

    def action_note(self) -> None:
        item = self.current()
        if item is None or self.summary is not None:
            return
        if item.answer is None:
            self.say(_("Answer the item first, then note it."), "yellow")
            return

        def noted(values: dict[str, str] | None) -> None:
            if values is not None:
                self.save_note(item.key, values.get("note", ""))

        field = Field("note", _("Note"), value=item.answer.note, required=False)
        self.app.push_screen(FormDialog(one_line(item.label), [field]), noted)

    @background(N_("save the note"), retry=N_("n notes it again"), group="runner-note")
    def save_note(self, key: str, note: str) -> None:
        from itsm_tui.workflow.inspections.rounds import add_note, open_round

        add_note(self.site, self.actor, self.number, key, note)
        view = open_round(self.site, self.actor, self.number, section=self.section)
        self.app.call_from_thread(self.show, view)

    def action_history(self) -> None:
        """The item's readings over time, across the checklist's versions."""
        item = self.current()
        if item is not None and self.view is not None:
            from itsm_tui.screens.inspection_history import InspectionHistoryScreen

            ref = f"{self.view.template}.{item.key}"
            self.app.push_screen(InspectionHistoryScreen(self.site, self.actor, ref))

    def action_complete(self) -> None:
        """``F``: read the whole round (a section's runner sees its own items only; another
        engineer may have the rest), then ask a reason for each item still unanswered."""
        if self.view is not None and self.summary is None:
            self.read_unanswered()

    @background(N_("read the round"), retry=N_("F completes it again"), group="runner-done")
    def read_unanswered(self) -> None:
        from itsm_tui.workflow.inspections.rounds import open_round

        whole = open_round(self.site, self.actor, self.number)
        self.app.call_from_thread(self.ask_reasons, whole.unanswered(), {})

    def ask_reasons(self, items: list[ItemView], reasons: dict[str, str]) -> None:
        """One question per skipped item, as the CLI takes one reason per item; the last
        reason is offered again, so a run of items skipped for one cause is Enter each. Esc
        leaves the round open."""
        if len(reasons) == len(items):
            self.complete(reasons)
            return
        item = items[len(reasons)]
        title = _("{label} [{key}] is unanswered ({n} of {count}): why was it skipped?").format(
            label=one_line(item.label), key=item.key, n=len(reasons) + 1, count=len(items)
        )
        last = next(reversed(reasons.values()), "")

        def given(values: dict[str, str] | None) -> None:
            reason = (values or {}).get("reason", "").strip()
            if values is None or not reason:
                self.say(_("Not completed: every skipped item needs its reason."), "yellow")
                return
            self.ask_reasons(items, {**reasons, item.key: reason})

        self.app.push_screen(FormDialog(title, [Field("reason", _("Reason"), value=last)]), given)

    # ------------------------------------------------------------------ sections, history
    def action_section(self) -> None:
        """``Ctrl+E``: work one section of the round (two engineers split it), or all again."""
        if self.view is not None and self.summary is None:
            self.read_sections()

    @background(N_("read the sections"), retry=N_("Ctrl+E again"), group="runner-sections")
    def read_sections(self) -> None:
        from itsm_tui.workflow.inspections.rounds import open_round

        whole = open_round(self.site, self.actor, self.number)
        self.app.call_from_thread(self.pick_section, whole.sections())

    def pick_section(self, sections: list[SectionCount]) -> None:
        def chosen(section: str | None) -> None:
            self.section = section
            self.message = None
            self.load(resume=True)

        ask_section(self, sections, self.section, chosen)

    def action_ci_history(self) -> None:
        """``Ctrl+Y``: the readings of a CI (the highlighted item's, to start with) or an item."""
        item = self.current()
        ask_history(self, self.site, self.actor, (item.ci or "") if item is not None else "")

    # A group of its own: with nothing skipped it starts inside the read's hand-over
    # (``read_unanswered`` → ``ask_reasons``), and in the read's group it cancelled that read.
    @background(N_("complete the round"), retry=N_("F completes it again"), group="runner-complete")
    def complete(self, skipped: dict[str, str]) -> None:
        from itsm_tui.workflow.inspections.rounds import complete_round, open_round

        summary = complete_round(self.site, self.actor, self.number, skipped=skipped)
        view = open_round(self.site, self.actor, self.number, section=self.section)
        self.app.call_from_thread(self._completed, summary, view)

    def _completed(self, summary: Summary, view: RoundView) -> None:
        self.summary = summary
        self.message = Text(_("Esc: back to the rounds"), style="dim")
        self.show(view)
