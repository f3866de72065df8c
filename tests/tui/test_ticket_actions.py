"""The ticket screen offers what the operator may do, and its keys, counted.

Key counts for claim, escalate with a reason and resolve, measured on the ticket screen (typed
text not counted, as one "type the reason" step each):

| action | before | after |
| --- | --- | --- |
| claim | 1 (``c``) | 1 (``c``) |
| escalate with a reason | 3 (``e``, Tab to the reason, Enter) | 3 (same) |
| resolve | 3 (``v``, Tab past the code, Enter) | 2 (``v``, Enter: it starts in "What was done") |
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from itsm_tui.console.app import ItsmApp
from itsm_tui.console.keymap import keys_of
from itsm_tui.console.palette import ConsoleCommands
from itsm_tui.console.ticket_actions import OPS, TICKET_KEYS
from itsm_tui.dialogs.form import FormDialog
from itsm_tui.screens.ticket import TicketScreen
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.site import Actor
from tests.tui.conftest import Console

SIZES = [(80, 24), (120, 40)]


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


class Keys:
    """Presses keys and counts them; typed text counts apart."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot, self.count = pilot, 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)
        await settle(self.pilot)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)
        await settle(self.pilot)


async def _open(pilot: Pilot[Any], app: ItsmApp, number: str) -> TicketScreen:
    await settle(pilot)
    app.open_ticket(number)
    await settle(pilot)
    assert isinstance(app.screen, TicketScreen)
    return app.screen


def _footer(app: ItsmApp) -> set[str]:
    return {b.description for _n, b, _on, _tip in app.screen.active_bindings.values()}


def _palette(app: ItsmApp) -> set[str]:
    return {name for name, _cb, _help in ConsoleCommands(app.screen)._commands()}


@pytest.mark.parametrize("size", SIZES)
async def test_claim_escalate_resolve_take_1_3_2_keys(
    console: Console, size: tuple[int, int]
) -> None:
    number = console.numbers[7]  # an unassigned hotline ticket
    desk = console.desk
    app = ItsmApp(console.site, desk.agent2)
    async with app.run_test(size=size) as pilot:
        await _open(pilot, app, number)
        keys = Keys(pilot)
        await keys.press("c")
        assert keys.count == 1
        view = t.show_ticket(console.site, desk.agent2, number).ticket
        assert (view.assignee, view.status) == ("agent2", "in_progress")

        keys = Keys(pilot)
        await keys.press("e")
        assert isinstance(app.screen, FormDialog)
        group = app.screen.query_one("#field-group", Select).value  # the first tier-2 group
        await keys.press("tab")
        await keys.type("需要服务器组排查")
        await keys.press("enter")
        assert keys.count == 3
        view = t.show_ticket(console.site, desk.agent2, number).ticket
        assert (view.group, view.tier, view.status) == (group, 2, "new")
        assert isinstance(app.screen, TicketScreen)
        # Escalated away, the agent is offered no more work on it: only a note.
        assert app.screen.check_action("op", ("resolve",)) is False
    app = ItsmApp(console.site, desk.sup)
    async with app.run_test(size=size) as pilot:
        await _open(pilot, app, number)
        keys = Keys(pilot)
        await keys.press("v")
        assert isinstance(app.screen, FormDialog)
        assert isinstance(app.screen.focused, Input)  # in "What was done", code "fixed"
        await keys.type("重启服务后恢复")
        await keys.press("enter")
        assert keys.count == 2
    view = t.show_ticket(console.site, desk.sup, number).ticket
    assert (view.status, view.resolution_code, view.resolution_text) == (
        "resolved",
        "fixed",
        "重启服务后恢复",
    )


@pytest.mark.parametrize("size", SIZES)
async def test_a_tier_1_agent_is_not_offered_work_on_another_groups_ticket(
    console: Console, size: tuple[int, int]
) -> None:
    """li.bin's case: the server group's tier-2 ticket offers a hotline agent a note only, in
    the footer, the palette and the keys alike; its own group is offered the work."""
    number = console.numbers[5]  # escalated to the server group in the seed
    cases: list[tuple[Actor, set[str]]] = [
        (console.desk.agent2, {"note"}),
        (console.desk.eng1, {"claim", "assign", "escalate", "return", "resolve", "cancel"}),
    ]
    for actor, expected in cases:
        app = ItsmApp(console.site, actor)
        async with app.run_test(size=size) as pilot:
            screen = await _open(pilot, app, number)
            offered = {name for name in OPS if screen.check_action("op", (name,))}
            assert expected <= offered
            footer, palette = _footer(app), _palette(app)
            for name, op in OPS.items():
                shown = name in offered
                if not shown:  # (an offered one may wait behind "F1 More" at 80 columns)
                    assert op.label not in footer, (actor.login, name)
                assert (f"action: {op.label.lower()}" in palette) is shown, (actor.login, name)
            if actor is console.desk.agent2:
                assert offered == {"note"}
                for key in ("c", "e", "v"):
                    await pilot.press(key)
                    await settle(pilot)
                    assert isinstance(app.screen, TicketScreen)  # nothing opened
                assert not list(app._notifications)  # and nothing refused


@pytest.mark.parametrize("size", SIZES)
async def test_cancel_override_priority_and_correct_from_the_ticket_screen(
    console: Console, size: tuple[int, int]
) -> None:
    number = console.numbers[0]  # held by 钱一 (agent1), engineers and supervisors override
    desk = console.desk
    app = ItsmApp(console.site, desk.sup)
    async with app.run_test(size=size) as pilot:
        await _open(pilot, app, number)
        before = t.show_ticket(console.site, desk.sup, number).ticket

        await pilot.press(keys_of(TICKET_KEYS["update"]))
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        title = app.screen.query_one("#field-title", Input)
        assert title.value == before.title
        title.value = "OA系统登录很慢（全员）"
        app.screen.query_one("#field-impact", Select).value = "1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        view = t.show_ticket(console.site, desk.sup, number).ticket
        assert (view.title, view.impact, view.urgency) == (
            "OA系统登录很慢（全员）",
            1,
            before.urgency,
        )
        assert "changed title" in str(app.screen.query_one("#ticket-timeline").render())

        await pilot.press(keys_of(TICKET_KEYS["priority"]))
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#field-priority", Select).value = "1"
        await pilot.press("tab", *"领导关注", "enter")
        await settle(pilot)
        view = t.show_ticket(console.site, desk.sup, number).ticket
        assert (view.priority, view.priority_overridden) == (1, True)

        await pilot.press(keys_of(TICKET_KEYS["cancel"]))
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"重复工单", "enter")
        await settle(pilot)
        assert t.show_ticket(console.site, desk.sup, number).ticket.status == "cancelled"
        assert isinstance(app.screen, TicketScreen)
        assert not any(app.screen.check_action("op", (n,)) for n in ("cancel", "priority"))


async def test_an_agent_is_not_offered_a_priority_override(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, console.numbers[0])
        assert screen.check_action("op", ("update",)) is True
        assert screen.check_action("op", ("cancel",)) is True
        assert screen.check_action("op", ("priority",)) is False  # engineers and supervisors


def test_every_ticket_key_is_unique_and_has_an_id() -> None:
    bindings = TicketScreen.BINDINGS
    keys = [b.key for b in bindings if hasattr(b, "key")]
    ids = [getattr(b, "id", None) for b in bindings]
    assert len(keys) == len(set(keys)) and all(ids) and len(ids) == len(set(ids))
    assert set(TICKET_KEYS) == set(OPS)
