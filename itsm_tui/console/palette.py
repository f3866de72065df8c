"""Command-palette providers (Ctrl+P): jump to a ticket by number, open any screen or queue,
run any action of the screen you are on."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from itsm_tui.common.i18n import _
from itsm_tui.console.keymap import KEYMAP, key_text, label
from itsm_tui.console.queue_titles import QUEUE_TITLES, queue_title
from itsm_tui.workflow.lookup import normalise_number

if TYPE_CHECKING:
    from itsm_tui.console.app import ItsmApp

_NUMBER = re.compile(r"^\s*#?\s*((inc|req)\s*)?\d+\s*$", re.IGNORECASE)


class ConsoleCommands(Provider):
    """Screens, queues, "go to ticket", and every action bound on the current screen."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app = cast("ItsmApp", self.app)

        def k(binding_id: str) -> str:
            return _(" (key: {key})").format(key=key_text(app, binding_id))

        commands: list[tuple[str, Callable[[], Any], str]] = [
            (
                _("screen: dashboard"),
                app.action_dashboard,
                _("Counts, alerts, backlog") + k("dashboard"),
            ),
            (_("screen: new call (intake)"), app.action_intake, _("Log a call") + k("intake")),
            (
                _("ticket: go to number…"),
                app.action_goto,
                _("Open a ticket by its number") + k("goto"),
            ),
            (
                _("screen: configuration items (CMDB)"),
                app.action_cis,
                _("Look up a CI") + k("ci-lookup"),
            ),
            (_("cmdb: impact of …"), app.action_impact_of, _("What a CI's failure would hit")),
            (
                _("screen: problems"),
                app.action_problems,
                _("Problems and known errors") + k("problems"),
            ),
            (
                _("screen: knowledge base"),
                app.action_knowledge,
                _("Search articles and known errors") + k("knowledge"),
            ),
            (
                _("screen: inspection rounds"),
                app.action_inspections,
                _("Machine-room rounds: open one to run it") + k("inspections"),
            ),
            (
                _("screen: KPI reports"),
                app.action_reports,
                _("Headline figures; write and mail the report") + k("reports"),
            ),
            (_("help: keys and how to …"), app.action_help, _("This screen's keys") + k("help")),
            (
                _("screen: surveys to call back"),
                app.action_callbacks,
                _("Ring callers back and key in their answers") + k("callbacks"),
            ),
            (
                _("screen: my scorecard"),
                app.action_scorecard,
                _("Indicators, bands, points; the tickets behind them") + k("scorecard"),
            ),
            (
                _("screen: group ranking"),
                app.action_ranking,
                _("Your groups' staff by scorecard total, this month; on a scorecard")
                + k("group-ranking"),
            ),
            (
                _("screen: complaints to review"),
                app.action_complaints,
                _("Judge complaints, follow them up and close them") + k("complaints"),
            ),
            (_("screen: changes"), app.action_changes, _("Requests for change") + k("changes")),
            (
                _("screen: change calendar"),
                app.action_change_calendar,
                _("The next 30 days' changes per service, conflicts and freezes marked"),
            ),
            (
                _("screen: my approvals"),
                app.action_approvals,
                _("Changes waiting for your CAB decision") + k("approvals"),
            ),
        ]
        commands += [
            (
                _("queue: {name}").format(name=queue_title(queue).lower()),
                partial(app.open_queue, queue.value),
                _("Open the queue"),
            )
            for queue in QUEUE_TITLES
        ]
        screen = self.screen
        for binding in getattr(type(screen), "BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.description:
                continue
            action, params = _split(binding.action)
            if action in ("app.pop_screen",) or screen.check_action(action, params) is False:
                continue
            key = key_text(app, binding.id) if binding.id in KEYMAP else binding.key
            commands.append(
                (
                    _("action: {name}").format(name=label(binding).lower()),
                    partial(screen.run_action, binding.action),
                    _("key: {key}").format(key=key),
                )
            )
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> AsyncIterator[DiscoveryHit | Hit]:
        app = cast("ItsmApp", self.app)
        if _NUMBER.match(query):
            digits = re.sub(r"\D", "", query)
            prefix = "REQ" if "req" in query.lower() else "INC"
            number = normalise_number(f"{prefix}{digits}")
            yield Hit(
                1.0,
                _("Open ticket {number}").format(number=number),
                partial(app.open_ticket, number),
            )
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


def _split(action: str) -> tuple[str, tuple[object, ...]]:
    """``op('claim')`` → ("op", ("claim",)) for ``check_action``."""
    name, _, rest = action.partition("(")
    args = tuple(a.strip().strip("'\"") for a in rest.rstrip(")").split(",") if a.strip())
    return name, args
