"""Scorecards on a hand-built month whose figures were worked out by hand (below), on both
databases: the period boundary in the site's zone, a ticket reopened across periods, a
transferred ticket, and a complaint re-judged after its period was closed.

agent1's November 2026 (Asia/Shanghai), by hand:

- tickets agent1 took, last resolved in November: A (first line), B (escalated to the server
  group and resolved there: not first line), C (first line, resolved 30 Nov 23:30 local,
  15:30 UTC). D, resolved 1 Dec 00:30 local (30 Nov 16:30 UTC), is December's; E, resolved
  29 Nov, reopened and resolved again on 3 Dec, is December's too.
  First-line rate 2/3 = 66.67 % → band [60, 75) → 60 points × 25 % = 15.00.
- surveys of agent1's resolutions created in November: A answered 5, C answered 3, E's first
  (expired when E was resolved again). Satisfaction (5 + 3)/2 = 4.0 → [4, 4.5) → 85 × 40 % =
  34.00; response rate 2 answered of 3 settled = 66.67 %. B's survey is eng1's (the resolver).
- contacts agent1 logged in November: A, B, E, C = 4 → linear 40 + 4/1000 × 60 = 40.24 points
  × 15 % = 6.04.
- one complaint, received 20 Nov, judged valid: [1, 2) → 80 × 20 % = 16.00.
  Total 34.00 + 16.00 + 15.00 + 6.04 = 71.04. Re-judged invalid after the period was closed:
  0 → < 1 → 100 × 20 % = 20.00, total 75.04: +4.00 against the frozen 71.04.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.workflow import site_settings
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.contacts import log_contact
from itsm_tui.workflow.quality import complaints as cp
from itsm_tui.workflow.quality import scorecards as sc
from itsm_tui.workflow.quality import surveys as sv
from itsm_tui.workflow.quality.periods import parse_period
from itsm_tui.workflow.quality.scheme import parse_scheme
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import Desk

ZONE = ZoneInfo("Asia/Shanghai")


def _at(desk: Desk, year: int, month: int, day: int, hour: int, minute: int) -> None:
    """Move the test's frozen clock to a wall-clock time in the site's zone."""
    at = datetime(year, month, day, hour, minute, tzinfo=ZONE)
    desk.site.clock.set(at)  # type: ignore[attr-defined]  # the tests' FrozenClock


def _call(desk: Desk, title: str) -> str:
    view = log_contact(
        desk.site,
        desk.agent1,
        channel="phone",
        caller="E001",
        new_ticket=TicketDraft(title=title, caller="E001"),
    )
    assert view.ticket is not None
    return view.ticket


def _resolve(desk: Desk, number: str) -> None:
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="已解决")


@pytest.fixture
def month(desk: Desk) -> dict[str, str]:
    """The month described in the module's docstring; the ticket numbers by letter."""
    site_settings.set_setting(desk.site, desk.admin, "survey_quiet_days", 0)
    n: dict[str, str] = {}
    _at(desk, 2026, 11, 27, 9, 0)
    n["A"] = _call(desk, "OA无法登录")
    _resolve(desk, n["A"])
    sv.answer_survey(desk.site, desk.agent2, n["A"], sv.Answer(overall=5, solved=True))
    n["B"] = _call(desk, "服务器宕机")
    t.escalate(desk.site, desk.agent1, n["B"], group="server", reason="需要服务器组")
    t.claim(desk.site, desk.eng1, n["B"])
    t.resolve(desk.site, desk.eng1, n["B"], code="fixed", text="重启服务")
    sv.answer_survey(desk.site, desk.agent2, n["B"], sv.Answer(overall=4, solved=True))
    _at(desk, 2026, 11, 29, 10, 0)
    n["E"] = _call(desk, "打印机卡纸")
    _resolve(desk, n["E"])
    _at(desk, 2026, 11, 30, 23, 30)
    n["C"] = _call(desk, "邮箱满")
    _resolve(desk, n["C"])
    sv.answer_survey(desk.site, desk.agent2, n["C"], sv.Answer(overall=3, solved=True))
    _at(desk, 2026, 12, 1, 0, 30)
    n["D"] = _call(desk, "网络慢")
    _resolve(desk, n["D"])
    _at(desk, 2026, 12, 2, 10, 0)
    t.reopen(desk.site, desk.agent1, n["E"], reason="又卡纸了")
    _at(desk, 2026, 12, 3, 10, 0)
    _resolve(desk, n["E"])
    complaint = cp.add_complaint(
        desk.site,
        desk.agent2,
        text="接线员态度差",
        staff="agent1",
        received_at=datetime(2026, 11, 20, 10, 0, tzinfo=ZONE),
    )
    cp.judge(desk.site, desk.sup, str(complaint.id), verdict="valid", reason="录音属实")
    n["complaint"] = str(complaint.id)
    return n


def _by_formula(card: sc.Scorecard) -> dict[str, sc.IndicatorScore]:
    return {i.formula: i for i in card.indicators}


def test_each_indicator_of_the_hand_built_month(desk: Desk, month: dict[str, str]) -> None:
    card = sc.show_scorecard(desk.site, desk.sup, "agent1", "2026-11")
    got = _by_formula(card)
    assert (got["first_line_rate"].value, got["first_line_rate"].part) == (66.67, 2)
    assert got["first_line_rate"].whole == 3
    assert (got["first_line_rate"].band, got["first_line_rate"].points) == ("[60, 75)", 60)
    assert got["first_line_rate"].weighted == 15.0
    assert (got["satisfaction"].value, got["satisfaction"].whole) == (4.0, 2)
    assert (got["satisfaction"].points, got["satisfaction"].weighted) == (85, 34.0)
    assert (got["call_volume"].value, got["call_volume"].points) == (4, 40.24)
    assert got["call_volume"].weighted == 6.04
    assert (got["valid_complaints"].value, got["valid_complaints"].points) == (1, 80)
    assert card.total == 71.04 and card.frozen_total is None


def test_the_period_boundary_is_midnight_in_the_sites_zone(
    desk: Desk, month: dict[str, str]
) -> None:
    rows, _ = sc.explain(desk.site, desk.sup, "agent1", "2026-11", "first_line_rate")
    assert [(r.ticket, r.counts) for r in rows] == [
        (month["A"], True),
        (month["B"], False),  # transferred: the taker's, not first line
        (month["C"], True),  # 23:30 local on 30 Nov is November
    ]
    december, _ = sc.explain(desk.site, desk.sup, "agent1", "2026-12", "first_line_rate")
    assert [r.ticket for r in december] == [month["E"], month["D"]]  # E by id, before D
    november = parse_period("2026-11", ZONE)
    assert november.start.isoformat() == "2026-10-31T16:00:00+00:00"


def test_the_surveys_follow_the_resolver_and_a_reopen_moves_the_ticket(
    desk: Desk, month: dict[str, str]
) -> None:
    surveys, _ = sc.explain(desk.site, desk.sup, "agent1", "2026-11", "response_rate")
    assert [(r.ticket, r.counts) for r in surveys] == [
        (month["A"], True),
        (month["E"], False),  # its first survey, expired by the second resolution
        (month["C"], True),
    ]
    eng1 = _by_formula(sc.show_scorecard(desk.site, desk.admin, "eng1", "2026-11"))
    assert (eng1["satisfaction"].value, eng1["satisfaction"].whole) == (4.0, 1)  # B's
    assert eng1["first_line_rate"].value is None  # took no call


def test_a_complaint_rejudged_after_the_close_shows_as_a_difference(
    desk: Desk, month: dict[str, str]
) -> None:
    _at(desk, 2026, 12, 5, 9, 0)
    assert sc.close_period(desk.site, desk.sup, "2026-11") == 2  # agent1, agent2
    with pytest.raises(Invalid, match="already closed"):
        sc.close_period(desk.site, desk.sup, "2026-11")
    cp.judge(desk.site, desk.admin, month["complaint"], verdict="invalid", reason="复核不成立")
    card = sc.show_scorecard(desk.site, desk.sup, "agent1", "2026-11")
    assert (card.total, card.frozen_total, card.difference) == (75.04, 71.04, 4.0)
    assert _by_formula(card)["valid_complaints"].frozen_weighted == 16.0
    [entry] = sc.scorecard_history(desk.site, desk.agent1, "agent1")
    assert (entry.period, entry.frozen_total, entry.live_total, entry.difference) == (
        "2026-11",
        71.04,
        75.04,
        4.0,
    )


def test_a_period_not_ended_cannot_be_closed(desk: Desk) -> None:
    with pytest.raises(Invalid, match="has not ended"):
        sc.close_period(desk.site, desk.sup, "2026-11")


def test_staff_see_their_own_supervisors_their_groups(desk: Desk, month: dict[str, str]) -> None:
    assert sc.show_scorecard(desk.site, desk.agent1, "agent1", "2026").login == "agent1"
    with pytest.raises(Forbidden):
        sc.show_scorecard(desk.site, desk.agent2, "agent1", "2026-11")
    ranking = sc.rank_group(desk.site, desk.sup, "hotline", "2026-11")
    assert [(c.login, c.total) for c in ranking] == [("agent1", 71.04), ("agent2", 26.0)]
    with pytest.raises(Forbidden):
        sc.rank_group(desk.site, desk.agent1, "hotline", "2026-11")


SCHEME = """\
name = "test"
role = "agent"

[[indicator]]
formula = "first_line_rate"
weight = 60
bands = [
  { from = 80, points = 100 },
  { to = 80, points = 50 },
]

[[indicator]]
formula = "call_volume"
weight = 40
bands = [
  { from = 0, to = 100, linear = [0, 100] },
  { from = 100, points = 100 },
  { to = 0, points = 0 },
]
"""


def test_an_imported_scheme_scores_from_then_on(desk: Desk, month: dict[str, str]) -> None:
    scheme = sc.import_scheme(desk.site, desk.sup, SCHEME)
    assert scheme.version == 1
    card = sc.show_scorecard(desk.site, desk.sup, "agent1", "2026-11")
    # 66.67 % → 50 × 60 % = 30; 4 calls → 4 points × 40 % = 1.6.
    assert (card.scheme_version, card.total) == (1, 31.6)
    assert sc.export_scheme(desk.site, desk.sup) == SCHEME
    assert sc.import_scheme(desk.site, desk.sup, SCHEME).version == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("weight = 40", "weight = 30"), "line 6, indicator[1].weight: the weights add up to 90"),
        (
            ("{ to = 80, points = 50 }", "{ to = 85, points = 50 }"),
            "line 7, indicator[1].bands: bands overlap at 80.",
        ),
        (
            ("{ to = 80, points = 50 }", "{ to = 70, points = 50 }"),
            "values from 70 to 80 fall in no band",
        ),
        (
            ('formula = "call_volume"', 'formula = "lunch_breaks"'),
            "line 13, indicator[2].formula: unknown indicator lunch_breaks",
        ),
        (("{ from = 80, points = 100 },", ""), "values from 80 up fall in no band"),
    ],
)
def test_a_bad_scheme_names_its_key_and_line(change: tuple[str, str], message: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_scheme(SCHEME.replace(*change))
    assert message in refused.value.message


def test_bad_periods_are_refused_by_name() -> None:
    for text in ("2026-13", "26-11", "2026-Q5", "november"):
        with pytest.raises(Invalid) as refused:
            parse_period(text, ZONE)
        assert refused.value.field == "period"


def test_staff_who_change_group_keep_their_whole_period(desk: Desk) -> None:
    """Scores follow the person: agent2 took a call in the hotline, moved to the desktop group,
    took another; November counts both, and the ranking lists agent2 with the group they are
    in now, not with the one they left."""
    from itsm_tui.workflow import groups

    def take_and_resolve(title: str) -> str:
        view = log_contact(
            desk.site,
            desk.agent2,
            channel="phone",
            caller="E001",
            new_ticket=TicketDraft(title=title, caller="E001"),
        )
        assert view.ticket is not None
        t.resolve(desk.site, desk.agent2, view.ticket, code="fixed", text="已解决")
        return view.ticket

    _at(desk, 2026, 11, 28, 10, 0)
    before = take_and_resolve("电脑无法开机")
    groups.remove_member(desk.site, desk.admin, "hotline", "agent2")
    groups.add_member(desk.site, desk.admin, "desktop", "agent2")
    _at(desk, 2026, 11, 29, 10, 0)
    after = take_and_resolve("显示器闪烁")
    rows, _ = sc.explain(desk.site, desk.sup, "agent2", "2026-11", "first_line_rate")
    assert [r.ticket for r in rows] == [before, after]
    assert [c.login for c in sc.rank_group(desk.site, desk.sup, "desktop", "2026-11")] == ["agent2"]
    hotline = sc.rank_group(desk.site, desk.sup, "hotline", "2026-11")
    assert [c.login for c in hotline] == ["agent1"]
    card = sc.show_scorecard(desk.site, desk.sup, "agent2", "2026-11")
    assert _by_formula(card)["call_volume"].value == 2


OPTIONAL = """\
name = "optional indicators"
role = "agent"

[[indicator]]
formula = "reopen_rate"
weight = 40
bands = [ { to = 10, points = 100 }, { from = 10, points = 50 } ]

[[indicator]]
formula = "response_rate"
weight = 30
bands = [
  { from = 0, to = 100, linear = [0, 100] },
  { from = 100, points = 100 },
  { to = 0, points = 0 },
]

[[indicator]]
formula = "sla_compliance"
weight = 30
bands = [ { from = 90, points = 100 }, { to = 90, points = 0 } ]
"""


def test_the_optional_indicators(desk: Desk, month: dict[str, str]) -> None:
    """December by hand: agent1 resolved D and E, E had been reopened → reopen rate 1/2 = 50 %
    → 50 points × 40 % = 20; D's and E's second surveys are still open: no response rate yet
    → 0 points; both resolved within their due times → 100 % → 100 × 30 % = 30. Total 50.
    November: A and C resolved, neither reopened (0 % → 100 × 40 % = 40); 2 of 3 settled
    surveys answered (66.67 % → 66.67 × 30 % = 20.0); SLA 100 % → 30. Total 90."""
    sc.import_scheme(desk.site, desk.sup, OPTIONAL)
    december = _by_formula(sc.show_scorecard(desk.site, desk.sup, "agent1", "2026-12"))
    assert (december["reopen_rate"].value, december["reopen_rate"].whole) == (50.0, 2)
    assert december["response_rate"].value is None
    assert (december["sla_compliance"].value, december["sla_compliance"].whole) == (100.0, 2)
    assert sc.show_scorecard(desk.site, desk.sup, "agent1", "2026-12").total == 50.0
    november = sc.show_scorecard(desk.site, desk.sup, "agent1", "2026-11")
    assert _by_formula(november)["response_rate"].value == 66.67
    assert november.total == 90.0
    rows, _ = sc.explain(desk.site, desk.sup, "agent1", "2026-12", "reopen_rate")
    assert [(r.ticket, r.counts) for r in rows] == [(month["E"], True), (month["D"], False)]


HANDLING = """\
name = "handling"
role = "agent"

[[indicator]]
formula = "handling_minutes"
weight = 100
bands = [
  { to = 60, points = 100 },
  { from = 60, to = 6000, linear = [100, 0] },
  { from = 6000, points = 0 },
]
"""


def test_mean_handling_time(desk: Desk, month: dict[str, str]) -> None:
    """December by hand: D opened and resolved at 00:30 on 1 Dec (0 minutes); E opened 10:00 on
    29 Nov, last resolved 10:00 on 3 Dec (4 days, 5,760 minutes): mean 2,880 minutes →
    100 − (2,880 − 60)/(6,000 − 60) × 100 = 52.53 points."""
    sc.import_scheme(desk.site, desk.sup, HANDLING)
    card = sc.show_scorecard(desk.site, desk.sup, "agent1", "2026-12")
    handling = _by_formula(card)["handling_minutes"]
    assert (handling.value, handling.part, handling.whole) == (2880.0, 5760.0, 2)
    assert (handling.points, card.total) == (52.53, 52.53)
