"""What a failing CI (or a ticket's CIs) takes down: the business services at stake with the
chain that explains each, what the CIs themselves need, the open incidents on everything hit,
and a major-incident suggestion when a critical service is among them. ``+``/``-`` change how
far the walk goes."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _, ngettext, status_text
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.dialogs.ci_picker import CIPickDialog
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.ci_search import CISearch
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.cmdb import ImpactReport, analyse
from itsm_tui.workflow.cmdb.impact import DEPTH, LISTED, MAX_DEPTH, SERVICE, Affected, reason_texts
from itsm_tui.workflow.site import Actor, Site


class ImpactPickDialog(CIPickDialog):
    """The "Impact of …" dialog: the call form's CMDB search (the CI picker); Enter shows the
    impact of the CI highlighted. Only the hint differs from linking a CI."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.form_title, classes="form-title", markup=False)
            yield CISearch(self.site, self.actor, id="ci-pick")
            yield Static(
                _("Enter: the impact of the highlighted CI · ↓: the list · Esc: cancel"),
                classes="form-hint",
            )


class ImpactScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("deeper", "depth(1)"),
        bind("shallower", "depth(-1)"),
        bind("refresh", "reload"),
    ]

    def __init__(self, site: Site, actor: Actor, refs: list[str], title: str) -> None:
        super().__init__()
        self.site, self.actor, self.refs, self.title_text = site, actor, refs, title
        self.depth = DEPTH
        self.report: ImpactReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Walking the CMDB …"), id="impact-head", markup=False)
        with VerticalScroll(id="impact-box"):
            yield Static("", id="impact-body", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Impact of {what}").format(what=one_line(self.title_text))
        self.query_one("#impact-box").focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "depth" and parameters:
            wanted = self.depth + int(str(parameters[0]))
            return 1 <= wanted <= MAX_DEPTH
        return True

    def action_depth(self, step: int) -> None:
        self.depth = max(1, min(MAX_DEPTH, self.depth + step))
        self.refresh_bindings()
        self.load()

    def action_reload(self) -> None:
        self.load()

    @background(N_("walk the CMDB"), retry=N_("r retries"), group="impact")
    def load(self) -> None:
        report = analyse(self.site, self.actor, self.refs, depth=self.depth)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, report)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#impact-head", Static).update(message)

    def show(self, report: ImpactReport) -> None:
        self.report = report
        head = Text()
        head.append(
            _("Impact of {what}").format(what=one_line(", ".join(report.roots))), style="bold"
        )
        head.append(_(" · depth {depth} (+/-)").format(depth=report.depth))
        if report.truncated:
            head.append(
                "\n"
                + _(
                    "Wide outage: cut off at {count:,} CIs hit; `itsm ci impact --all` walks "
                    "them all"
                ).format(count=report.upstream_count),
                style="bold yellow",
            )
        if report.major_suggested:
            head.append("\n" + _("MAJOR INCIDENT SUGGESTED"), style="bold white on red")
            reasons = reason_texts(report)
            head.append(" " + one_line(reasons[0]) if reasons else "")
        self.query_one("#impact-head", Static).update(head)
        self.query_one("#impact-body", Static).update(self._body(report))

    def _body(self, report: ImpactReport) -> Text:
        """The same two sides as the CI screen's tree, under the same names: "Used by" (what
        is hit, the business services first) and "Depends on" (what the CIs need); each
        service's chain reads as the relationships are recorded (``Affected.explanation``)."""
        text = Text()
        _section(text, _("Business services at stake ({count})").format(count=len(report.services)))
        if report.services:
            # The leading column is the criticality, written as the CLI writes it (C1..C4),
            # so it is never read as a distance; the other sections' ↳n are hops away.
            text.append("  " + _("C1 most critical … C4 least") + "\n", style="dim")
        for s in report.services[:LISTED]:
            style = "bold red" if s.criticality == 1 else "bold"
            text.append(
                "  " + _("C{criticality}").format(criticality=s.criticality) + " ", style=style
            )
            text.append(one_line(s.name), style=style)
            text.append(f"  {status_text(s.status)}\n", style="dim")
            chain = s.explanation if s.depth else _("(one of the CIs analysed)")
            text.append("    " + one_line(chain) + "\n", style="dim")
        others = [a for a in report.upstream if a.depth > 0 and a.ci_class != SERVICE]
        classes = {k: n for k, n in report.upstream_classes.items() if k != SERVICE}
        services_used = report.upstream_classes.get(SERVICE, 0)
        _section(
            text,
            _("Used by, directly or not: hit too ({count:,})").format(count=report.upstream_count),
        )
        if services_used:
            line = ngettext(
                "{n:,} business service, above", "{n:,} business services, above", services_used
            ).format(n=services_used)
            text.append(f"  {line}\n", style="dim")
        if len(classes) > 1:
            summary = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in classes.items())
            text.append(f"  {summary}\n", style="dim")
        if not report.upstream_count:
            text.append("  " + _("nothing uses it") + "\n", style="dim")
        _affected(text, others, sum(classes.values()))
        _section(
            text, _("Depends on, directly or not ({count:,})").format(count=report.downstream_count)
        )
        if not report.downstream_count:
            text.append("  " + _("nothing") + "\n", style="dim")
        _affected(text, report.downstream, report.downstream_count)
        _section(
            text,
            _("Open incidents on all of it ({count})").format(count=len(report.open_incidents)),
        )
        for inc in report.open_incidents[:LISTED]:
            text.append(f"  {inc.number} P{inc.priority} {status_text(inc.status)}  ")
            text.append(one_line(inc.title))
            text.append(
                "  " + _("on {cis}").format(cis=one_line(", ".join(inc.cis))) + "\n", style="dim"
            )
        return text


def _section(text: Text, title: str) -> None:
    if text:
        text.append("\n")
    text.append(title + "\n", style="bold underline")


def _affected(text: Text, rows: list[Affected], total: int) -> None:
    """The nearest CIs (the report lists a few hundred; a machine room hits thousands), each
    with the relationship that reached it, read as recorded."""
    if rows:
        text.append("  " + _("↳n: n hops away") + "\n", style="dim")
    for a in rows[:LISTED]:
        text.append("  " + _("↳{depth}").format(depth=a.depth) + " ", style="dim")
        text.append(one_line(a.last_hop) + "\n")
    if total > min(len(rows), LISTED):
        more = total - min(len(rows), LISTED)
        text.append(
            "  "
            + _("… and {count:,} more, further away (itsm ci impact --all)").format(count=more)
            + "\n",
            style="dim",
        )
