"""The service-quality screens with Pilot: the callback queue (one key per caller, answers keyed
in, a low score offering a reopen) and the scorecard's drill-down."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from itsm_tui.console.app import ItsmApp
from itsm_tui.dialogs.fields import ChoiceSelect
from itsm_tui.dialogs.form import ConfirmDialog, FormDialog
from itsm_tui.screens.callbacks import CallbackScreen
from itsm_tui.screens.scorecard import ScorecardScreen, shift
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.quality import surveys
from itsm_tui.workflow.sla.alerts import recent_alerts
from tests.tui.conftest import Console
from tests.tui.test_console import settle, text_of


def _resolve_two(console: Console) -> list[str]:
    """Two of the seeded tickets with a caller, resolved by 钱一 (agent1): two surveys."""
    done = [console.numbers[0], console.numbers[3]]
    for number in done:
        t.resolve(console.site, console.desk.agent1, number, code="fixed", text="已远程修复")
    return done


async def test_the_callback_queue_one_key_per_caller(console: Console) -> None:
    first, second = _resolve_two(console)
    app = ItsmApp(console.site, console.desk.agent2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, CallbackScreen)
        assert "2 surveys wait for a callback" in text_of(app, "#callback-head")
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # the answers, over the caller's summary
        assert first in str(app.screen.form_title) and "王小明" in str(app.screen.form_title)
        await pilot.press("2", "enter", "3", "enter", "4", "enter")
        app.screen.query_one("#field-solved", ChoiceSelect).value = "n"
        app.screen.query_one("#field-comment", Input).value = "还是打不开"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # a low score: reopen?
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CallbackScreen)
        assert "1 survey waits for a callback" in text_of(app, "#callback-head")
        assert "Answered: overall 2, solved: no" in text_of(app, "#callback-caller")
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert second in str(app.screen.form_title)
        await pilot.press("escape")  # no answer: the caller stays on screen, held a while
        await settle(pilot)
        assert second in text_of(app, "#callback-caller")
        await pilot.press("N")
        await settle(pilot)
        assert "No survey waits for a callback." in text_of(app, "#callback-caller")
    shown = surveys.show_survey(console.site, console.desk.agent1, first)
    assert (shown.overall, shown.timeliness, shown.attitude, shown.solved) == (2, 3, 4, False)
    assert shown.answered_via == "console" and shown.comment == "还是打不开"
    reopened = t.show_ticket(console.site, console.desk.agent1, first).ticket
    assert reopened.status == "in_progress" and reopened.reopen_count == 1
    assert [a.ticket for a in recent_alerts(console.site, console.desk.sup)][:1] == [first]


async def test_the_scorecard_drills_down_to_the_tickets(console: Console) -> None:
    resolved = _resolve_two(console)
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        assert "钱一 (agent1)  2026-11" in text_of(app, "#score-head")
        table = app.screen.query_one("#score-table", DataTable)
        labels = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert labels == [
            "customer satisfaction",
            "valid complaints",
            "first-line resolution rate",
            "call volume",
        ]
        assert [str(c) for c in table.get_row_at(2)[1:5]] == ["100 %", "2", "≥ 85", "100"]
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        rows = app.screen.query_one("#score-rows", DataTable)
        assert [str(rows.get_row_at(i)[1]) for i in range(rows.row_count)] == resolved
        assert "Behind first-line resolution rate: 2 rows" in text_of(app, "#score-rows-title")
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert "2026-10" in text_of(app, "#score-head")
        await pilot.press("T")
        await settle(pilot)
        assert "2026  total" in text_of(app, "#score-head")
        await pilot.press("W")  # another's card: agents may not, the workflow says so
        await settle(pilot)
        app.screen.query_one("#field-login", Input).value = "agent2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "may see only their own scorecard" in text_of(app, "#score-head")


async def test_a_supervisor_reads_a_group_members_scorecard(console: Console) -> None:
    _resolve_two(console)
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("G", "W")
        await settle(pilot)
        app.screen.query_one("#field-login", Input).value = "agent1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        assert "钱一 (agent1)  2026-11" in text_of(app, "#score-head")


def test_periods_step_across_the_year() -> None:
    assert shift("2026-12", 1) == "2027-01"
    assert shift("2026-01", -1) == "2025-12"
    assert shift("2026", -1) == "2025"


async def test_complaints_are_judged_from_the_review_screen(console: Console) -> None:
    from itsm_tui.screens.complaints import ComplaintReviewScreen
    from itsm_tui.workflow.quality import complaints

    first = complaints.add_complaint(
        console.site, console.desk.agent1, text="工程师态度冷淡", staff="eng1"
    )
    complaints.add_complaint(
        console.site, console.desk.agent1, text="等待太久", ticket=console.numbers[0]
    )
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintReviewScreen)
        assert "2 complaints wait for review" in text_of(app, "#complaint-head")
        await pilot.press("enter")
        await settle(pilot)
        assert "工程师态度冷淡" in text_of(app, "#complaint-detail")
        await pilot.press("V")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"录音属实", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintReviewScreen)
        assert "1 complaint waits for review" in text_of(app, "#complaint-head")
    judged = complaints.show_complaint(console.site, console.desk.sup, str(first.id))
    assert (judged.verdict, judged.reason, judged.reviewer) == ("valid", "录音属实", "sup")


async def test_hotline_staff_are_told_they_may_not_review(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        assert "may not review complaints" in text_of(app, "#complaint-head")


async def test_a_judged_complaint_is_followed_up_and_closed_from_the_review_screen(
    console: Console,
) -> None:
    from itsm_tui.screens.complaints import ComplaintReviewScreen
    from itsm_tui.workflow.quality import complaints

    first = complaints.add_complaint(
        console.site, console.desk.agent1, text="工程师态度冷淡", staff="eng1"
    )
    complaints.judge(console.site, console.desk.sup, str(first.id), verdict="valid", reason="属实")
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintReviewScreen)
        head = text_of(app, "#complaint-head")
        assert "0 complaints wait for review" in head and "1 judged" in head
        await pilot.press("ctrl+d")  # not followed up yet: closing is still allowed
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"已回访用户", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintReviewScreen)
        assert "已回访用户" in text_of(app, "#complaint-detail")
        await pilot.press("ctrl+d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintReviewScreen)
        assert "1 judged" not in text_of(app, "#complaint-head")
        assert app.screen.rows == []
    closed = complaints.show_complaint(console.site, console.desk.sup, str(first.id))
    assert (closed.status, closed.follow_up) == ("closed", "已回访用户")
    assert [e.action for e in closed.history] == ["create", "judge", "follow_up", "close"]


async def test_a_complaint_about_the_reviewer_is_refused_in_place(console: Console) -> None:
    from itsm_tui.workflow.quality import complaints

    about_me = complaints.add_complaint(
        console.site, console.desk.agent1, text="主管处理不公", staff="sup"
    )
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        await pilot.press(*"不成立", "ctrl+s")
        await settle(pilot)
        assert "is about you" in text_of(app, "#complaint-head")
    unchanged = complaints.show_complaint(console.site, console.desk.sup, str(about_me.id))
    assert unchanged.status == "received"


async def test_the_group_ranking_beside_the_scorecard(console: Console) -> None:
    from itsm_tui.screens.ranking import RankingScreen

    _resolve_two(console)  # agent1 resolved two at the first line: ahead of agent2
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("G", "W")
        await settle(pilot)
        app.screen.query_one("#field-login", Input).value = "agent2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, RankingScreen)
        assert "hotline  2026-11: 2 staff, best first" in text_of(app, "#ranking-head")
        table = app.screen.query_one(DataTable)
        staff = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert staff == ["钱一 (agent1)", "孙二 (agent2)"]
        assert [str(c.label) for c in table.columns.values()][:3] == ["rank", "staff", "total"]
        await pilot.press("T")
        await settle(pilot)
        assert "hotline  2026: 2 staff" in text_of(app, "#ranking-head")
        await pilot.press("f12")  # another of the groups sup supervises
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#field-group", ChoiceSelect).value = "server"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "server  2026: 1 staff" in text_of(app, "#ranking-head")
        await pilot.press("enter")  # that person's scorecard
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        assert "李工 (eng1)" in text_of(app, "#score-head")


async def test_staff_are_told_a_ranking_is_for_supervisors(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("G", "f11")
        await settle(pilot)
        assert "You supervise no group" in text_of(app, "#ranking-head")


async def test_the_callback_form_asks_in_the_sites_words(console: Console) -> None:
    from textual.widgets import Label

    from itsm_tui.workflow import site_settings

    wording = {"overall": {"zh_CN": "您对这次服务满意吗？", "en": "Happy with us today?"}}
    site_settings.set_setting(console.site, console.desk.sup, "survey_wording", wording)
    site_settings.set_setting(
        console.site, console.desk.sup, "survey_questions", ["overall", "solved"]
    )
    _resolve_two(console)
    app = ItsmApp(console.site, console.desk.agent2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "N")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        labels = [str(label.render()) for label in app.screen.query(Label)]
        assert labels == [
            "Happy with us today?  (1 (poor) to 5 (very good))",
            "Was your problem solved?",
        ]


async def test_the_palettes_ranking_opens_a_persons_scorecard(console: Console) -> None:
    from itsm_tui.screens.ranking import RankingScreen

    _resolve_two(console)
    app = ItsmApp(console.site, console.desk.sup)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_ranking()  # what the palette's "screen: group ranking" runs
        await settle(pilot)
        assert isinstance(app.screen, RankingScreen)
        assert "2026-11" in text_of(app, "#ranking-head")
        await pilot.press("f12")
        await settle(pilot)
        app.screen.query_one("#field-group", ChoiceSelect).value = "hotline"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        assert "钱一 (agent1)  2026-11" in text_of(app, "#score-head")
