"""The rounds a supervisor must chase: open past due time and grace, in the reader's groups,
the most overdue first; a completed round leaves the list. Also what a split round offers:
its sections with their answers, and the whole round's unanswered items."""

from __future__ import annotations

import pytest

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.workflow.inspections import rounds, templates
from itsm_tui.workflow.inspections.overdue import overdue_rounds
from tests.conftest import Desk
from tests.unit.test_inspections import SMALL, _estate

EVERY_ITEM = ["temp_a", "leak", "ups_load", "ups_light", "remark"]


@pytest.fixture
def room(desk: Desk) -> Desk:
    _estate(desk)
    templates.import_template(desk.site, desk.sup, SMALL)
    return desk


def test_overdue_rounds_are_the_readers_groups_most_overdue_first(room: Desk) -> None:
    site, clock = room.site, room.site.clock
    assert isinstance(clock, FrozenClock)
    first = rounds.start_round(site, room.insp, "mr-daily", group="hotline", due_minutes=30)
    clock.advance(minutes=10)
    second = rounds.start_round(site, room.insp, "mr-daily", group="hotline", due_minutes=30)
    server = rounds.start_round(site, room.insp, "mr-daily", group="server", due_minutes=30)
    rounds.answer(site, room.insp, second.number, "leak", "p")
    # Due, but within the grace (30 minutes for a round started by hand): not overdue yet.
    clock.advance(minutes=45)
    assert overdue_rounds(site, room.agent1).rows == ()
    clock.advance(minutes=30)
    mine = overdue_rounds(site, room.agent1)  # agent1 is in hotline only
    assert [r.number for r in mine.rows] == [first.number, second.number]
    assert mine.total == 2 and mine.rows[1].answered == 1 and mine.rows[1].item_count == 5
    every = overdue_rounds(site, room.agent1, all_groups=True)
    assert [r.number for r in every.rows] == [first.number, second.number, server.number]
    # A page smaller than the list still counts them all.
    page = overdue_rounds(site, room.agent1, all_groups=True, limit=1)
    assert (len(page.rows), page.total) == (1, 3)
    # Completed, late: no longer to be chased.
    rounds.complete_round(site, room.insp, first.number, skipped=dict.fromkeys(EVERY_ITEM, "停电"))
    assert [r.number for r in overdue_rounds(site, room.agent1).rows] == [second.number]
    with pytest.raises(Invalid) as refused:
        overdue_rounds(site, room.agent1, limit=0)
    assert refused.value.field == "limit"


def test_a_round_offers_its_sections_and_its_unanswered_items(room: Desk) -> None:
    site = room.site
    number = rounds.start_round(site, room.insp, "mr-daily", group="hotline").number
    rounds.answer(site, room.insp, number, "ups_load", "45")
    whole = rounds.open_round(site, room.insp, number)
    assert [(s.name, s.answered, s.items) for s in whole.sections()] == [
        ("环境", 0, 2),
        ("UPS", 1, 3),
    ]
    assert [i.key for i in whole.unanswered()] == ["temp_a", "leak", "ups_light", "remark"]
    ups = rounds.open_round(site, room.insp, number, section="UPS")
    assert [i.key for i in ups.unanswered()] == ["ups_light", "remark"]


def test_only_who_may_run_rounds_get_the_checklists_to_start(room: Desk) -> None:
    assert [t.code for t in templates.checklists_to_start(room.site, room.insp)] == ["mr-daily"]
    with pytest.raises(Forbidden):
        templates.checklists_to_start(room.site, room.sup)
