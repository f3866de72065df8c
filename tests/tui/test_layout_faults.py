"""Three layout faults a reviewer saw, checked by reading the rendered text: the reassign
picker's columns line up by cell width and leave out the holder; the impact screen says which
number is a criticality and which a distance; the call form's selects and hint fit 80×24."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import OptionList, Select

from itsm_tui.console.app import ItsmApp
from itsm_tui.dialogs.person_picker import PersonPicker
from itsm_tui.screens.impact import ImpactScreen
from itsm_tui.screens.intake import IntakeScreen
from itsm_tui.workflow import groups
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.staff import add_staff
from tests.tui.conftest import Console
from tests.tui.test_console import settle, text_of

SIZES = [(80, 24), (120, 40)]


def screen_lines(pilot: Pilot[Any]) -> list[str]:
    """The screen as the terminal shows it, one string per row."""
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def _columns(line: str) -> list[int]:
    """The cell offsets at which a picker line's columns start (two spaces part them)."""
    return [cell_len(line[: m.start()]) for m in re.finditer(r"(?<=  )\S", line)]


@pytest.mark.parametrize("size", SIZES)
async def test_the_picker_lines_up_by_cells_and_leaves_out_the_holder(
    console: Console, size: tuple[int, int]
) -> None:
    # Names of two, three and seven cells' width... and more in the ticket's group.
    site, admin = console.site, console.desk.admin
    for login, name in (("liu.xl", "刘雪兰"), ("ann.lee", "Ann Lee")):
        add_staff(site, admin, login, name, tier=1, roles=["agent"])
        groups.add_member(site, admin, "hotline", login)
    # A breach handed to 钱一 (agent1).
    t.assign(console.site, console.desk.sup, "INC000004", assignee="agent1")
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PersonPicker)
        # The first overdue row is now one that 钱一 holds.
        assert picker.holder == "agent1"
        assert t.show_ticket(site, console.desk.sup, picker.number).ticket.assignee == "agent1"
        options = picker.query_one(OptionList)
        people = [
            str(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)
            if " open" in str(options.get_option_at_index(i).prompt)
        ]
        assert len(people) == 3
        assert not any(line.startswith("钱一") for line in people)  # the holder is not offered
        assert any(line.startswith("孙二") for line in people)
        starts = {tuple(_columns(line)) for line in people}
        assert len(starts) == 1, people  # group and count start at the same cell on every line
        assert "hotline/agent1" not in picker.shown


@pytest.mark.parametrize("size", SIZES)
async def test_impact_says_criticality_and_hops(console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(
            ImpactScreen(console.site, console.desk.agent1, ["server:OA-APP-01"], "OA-APP-01")
        )
        await settle(pilot)
        body = text_of(app, "#impact-body")
        services = body.split("Business services at stake", 1)[1].split("\n\n", 1)[0]
        assert "C1 most critical … C4 least" in services
        listed = [line for line in services.splitlines()[2:] if line.startswith("  C")]
        assert listed and all(re.match(r"  C[1-4] \S", line) for line in listed), services
        depends = body.split("Depends on", 1)[1].split("\n\n", 1)[0]
        assert "↳n: n hops away" in depends
        assert re.search(r"^  ↳1 \S", depends, re.MULTILINE), depends


@pytest.mark.parametrize("size", SIZES)
async def test_the_call_forms_selects_and_hint_fit(console: Console, size: tuple[int, int]) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        shown = "\n".join(screen_lines(pilot))
        assert "服务热线 (hotline)" in shown
        assert "Enter/Tab: next field" in shown
        for impact, urgency in ((1, 1), (2, 2), (3, 3)):
            screen.query_one("#impact", Select).value = impact
            screen.query_one("#urgency", Select).value = urgency
            await settle(pilot)
            shown = "\n".join(screen_lines(pilot))
            whole = [label for label, v in ((lbl, v) for lbl, v in _labels(screen)) if v]
            for label in whole:
                assert label in shown, (label, shown)
        screen.query_one("#description").focus()
        await settle(pilot)
        shown = "\n".join(screen_lines(pilot))
        assert "Enter/Tab" not in shown and "Tab: next field · Enter: new line" in shown
        screen.query_one("#channel").focus()
        await settle(pilot)
        assert "Enter/Tab: next field" in "\n".join(screen_lines(pilot))


def _labels(screen: IntakeScreen) -> list[tuple[str, bool]]:
    """The impact's and urgency's shown labels (the chosen ones)."""
    from itsm_tui.screens.intake import IMPACTS, URGENCIES

    impact = screen.query_one("#impact", Select).value
    urgency = screen.query_one("#urgency", Select).value
    return [(label, v == impact) for label, v in IMPACTS] + [
        (label, v == urgency) for label, v in URGENCIES
    ]
