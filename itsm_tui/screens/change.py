"""One change: what it is, its window and people, its risk factor by factor, the CAB's
decisions, conflicts and links. A CAB member approves (Y) or rejects (N) it here."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.changes import FACTOR_LABELS, STATUS_LABELS, TYPE_LABELS
from itsm_tui.common.i18n import N_, _
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.dialogs.form import Field, FormDialog
from itsm_tui.screens.change_table import risk_text
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.workflow.changes.conflicts import ChangeConflict
    from itsm_tui.workflow.changes.views import ChangeView

#: The decisions offered here, by the operation the state machine names.
DECISIONS = ("approve", "reject")


class ChangeScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("refresh", "reload"),
        bind("change-approve", "decide('approve')"),
        bind("change-reject", "decide('reject')"),
    ]

    def __init__(self, site: Site, actor: Actor, number: str) -> None:
        super().__init__()
        self.site, self.actor, self.number = site, actor, number
        self.view: ChangeView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Reading {number} …").format(number=self.number), id="change-head")
        with VerticalScroll(id="change-box"):
            yield Static("", id="change-body", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Change {number}").format(number=self.number)
        self.query_one("#change-box").focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide":
            return self.view is not None and str(parameters[0]) in self.view.allowed
        return True

    def action_reload(self) -> None:
        self.load()

    @background(N_("read the change"), retry=N_("r retries"), group="change")
    def load(self) -> None:
        from itsm_tui.workflow.changes.conflicts import change_conflicts
        from itsm_tui.workflow.changes.records import show_change

        view = show_change(self.site, self.actor, self.number)
        found = change_conflicts(self.site, self.actor, self.number)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, view, found)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#change-head", Static).update(message)

    def show(self, view: ChangeView, found: list[ChangeConflict]) -> None:
        self.view = view
        self.refresh_bindings()
        head = Text()
        head.append(f"{view.number} ", style="bold")
        head.append(one_line(view.title), style="bold")
        head.append("\n" + _(TYPE_LABELS[view.type]) + " · " + _(STATUS_LABELS[view.status]))
        head.append(" · " + _("risk") + " ")
        head.append_text(risk_text(view.risk_level))
        if view.risk_score is not None:
            head.append(f" ({view.risk_score})")
        if found:
            head.append("  " + _("CONFLICT"), style="bold white on red")
        self.query_one("#change-head", Static).update(head)
        self.query_one("#change-body", Static).update(self._body(view, found))

    def _body(self, v: ChangeView, found: list[ChangeConflict]) -> Text:
        zone = self.site.settings.zone
        text = Text()

        def line(label: str, value: str) -> None:
            text.append(f"{label}  ", style="dim")
            text.append(one_line(value) + "\n")

        window = (
            f"{local(v.window_start, zone)} – {local(v.window_end, zone)}"
            if v.window_start
            else "—"
        )
        line(_("Window"), window)
        line(_("Implementer"), f"{v.implementer_name or '—'} · {v.group_name or '—'}")
        line(_("CIs"), ", ".join(v.cis) or "—")
        if v.actual_start:
            line(_("Implemented"), f"{local(v.actual_start, zone)} – {local(v.actual_end, zone)}")
        _section(text, _("Risk, factor by factor"))
        if not v.risk_factors:
            text.append("  " + _("not assessed yet") + "\n", style="dim")
        for f in v.risk_factors:
            text.append(f"  +{f['points']:<3} ", style="bold")
            text.append(_(FACTOR_LABELS.get(str(f["factor"]), str(f["factor"]))))
            detail = ", ".join(str(d) for d in f["detail"][:4])
            if detail:
                text.append("  " + one_line(detail), style="dim")
            text.append("\n")
        if found:
            _section(text, _("Conflicts ({count})").format(count=len(found)))
            for c in found:
                text.append(f"  {c.number} {local(c.window_start, zone)}  ", style="bold red")
                text.append(one_line(c.why) + "\n")
        _section(text, _("CAB decisions ({count})").format(count=len(v.approvals)))
        for a in v.approvals:
            style = "green" if a.decision == "approved" else "bold red"
            text.append(f"  {local(a.at, zone)} ", style="dim")
            text.append(one_line(a.staff_name) + " ")
            text.append(_(a.decision.replace("_", " ")), style=style)
            text.append(("  " + one_line(a.comment)) if a.comment else "")
            text.append("\n")
        for label, value in (
            (_("Reason"), v.reason),
            (_("Description"), v.description),
            (_("Implementation plan"), v.implementation_plan),
            (_("Back-out plan"), v.backout_plan),
            (_("Test plan"), v.test_plan),
            (_("Lessons learned"), v.lessons or ""),
        ):
            if value:
                _section(text, label)
                text.append(value.rstrip() + "\n")
        if v.links:
            _section(text, _("Links"))
            for link in v.links:
                text.append(f"  {link.relation} {link.number}\n")
        return text

    def action_decide(self, operation: str) -> None:
        title = (_("Approve {number}") if operation == "approve" else _("Reject {number}")).format(
            number=self.number
        )
        comment = Field("comment", _("Comment"), required=operation == "reject")

        def answered(values: dict[str, str] | None) -> None:
            if values is not None:
                self.decide(operation, values["comment"])

        self.app.push_screen(FormDialog(title, [comment]), answered)

    @background(N_("record the decision"), retry=N_("try again"), group="change-decide")
    def decide(self, operation: str, comment: str) -> None:
        from itsm_tui.workflow.changes import cab

        if operation == "approve":
            cab.approve(self.site, self.actor, self.number, comment=comment)
        else:
            cab.reject(self.site, self.actor, self.number, comment=comment)
        self.app.call_from_thread(self.load)


def _section(text: Text, title: str) -> None:
    if text:
        text.append("\n")
    text.append(title + "\n", style="bold underline")
