"""Satisfaction surveys: one per resolved ticket with a caller, attributed to the resolver,
answered once within its window, a low score alerting the group's supervisor exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.storage.tables import JournalEntry, SlaAlert, Survey
from itsm_tui.workflow import site_settings
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.contacts import log_contact
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.quality import surveys as sv
from itsm_tui.workflow.site import Actor
from itsm_tui.workflow.sla.alerts import recent_alerts
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import Desk


def _resolved(desk: Desk, *, caller: str | None = "E001", channel: str | None = None) -> str:
    """A ticket taken and resolved by agent1 (hotline); opened by a contact on ``channel``."""
    draft = TicketDraft(title="OA系统登录缓慢", caller=caller)
    if channel is not None:
        contact = log_contact(
            desk.site, desk.agent1, channel=channel, caller=caller, new_ticket=draft
        )
        assert contact.ticket is not None
        number = contact.ticket
    else:
        number = t.create_ticket(desk.site, desk.agent1, draft).number
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="重启后恢复")
    return number


def _surveys(desk: Desk) -> list[Survey]:
    with Session(desk.site.engine) as s:
        return list(s.exec(select(Survey).order_by(col(Survey.id))).all())


def test_resolving_a_ticket_with_a_caller_opens_a_survey_for_the_resolver(desk: Desk) -> None:
    number = _resolved(desk)
    view = sv.show_survey(desk.site, desk.agent2, number)
    assert (view.ticket, view.staff, view.group, view.status) == (
        number,
        "agent1",
        "hotline",
        "open",
    )
    # Open for the default window of 7 days from the resolution.
    assert view.expires_at - view.created_at == timedelta(days=7)
    assert not view.low_score and not view.reopen_offer


def test_a_ticket_without_caller_gets_no_survey(desk: Desk) -> None:
    _resolved(desk, caller=None)
    assert _surveys(desk) == []


def test_answering_records_the_scores_once(desk: Desk) -> None:
    number = _resolved(desk)
    answer = sv.Answer(overall=5, solved=True, timeliness=4, attitude=5, comment="很满意")
    view = sv.answer_survey(desk.site, desk.agent2, number, answer)
    assert (view.status, view.overall, view.timeliness, view.attitude, view.solved) == (
        "answered",
        5,
        4,
        5,
        True,
    )
    assert view.comment == "很满意" and view.answered_via == "cli"
    with pytest.raises(Invalid, match="already answered") as again:
        sv.answer_survey(desk.site, desk.agent2, number, answer)
    assert again.value.field == "survey"
    with Session(desk.site.engine) as s:
        actions = s.exec(
            select(JournalEntry.action)
            .where(JournalEntry.entity == "survey")
            .order_by(col(JournalEntry.id))
        ).all()
    assert actions == ["create", "answer"]


@pytest.mark.parametrize(("field", "value"), [("overall", 0), ("timeliness", 6), ("attitude", 9)])
def test_a_score_outside_1_to_5_is_refused_by_name(desk: Desk, field: str, value: int) -> None:
    number = _resolved(desk)
    scores = {"overall": 3, "timeliness": 3, "attitude": 3, field: value}
    answer = sv.Answer(scores["overall"], True, scores["timeliness"], scores["attitude"])
    with pytest.raises(Invalid, match=f"{field} must be 1 to 5") as refused:
        sv.answer_survey(desk.site, desk.agent2, number, answer)
    assert refused.value.field == field
    assert sv.show_survey(desk.site, desk.agent2, number).status == "open"


def test_an_expired_survey_cannot_be_answered_and_the_job_expires_it(desk: Desk) -> None:
    number = _resolved(desk)
    desk.site.clock.advance(days=7)  # type: ignore[attr-defined]
    with pytest.raises(Invalid, match="has expired"):
        sv.answer_survey(desk.site, desk.agent2, number, sv.Answer(overall=4, solved=True))
    assert sv.expire_surveys(desk.site, desk.admin) == 1
    assert sv.expire_surveys(desk.site, desk.admin) == 0
    assert sv.show_survey(desk.site, desk.agent2, number).status == "expired"


def test_a_low_score_alerts_the_supervisor_exactly_once_and_offers_a_reopen(desk: Desk) -> None:
    number = _resolved(desk)
    view = sv.answer_survey(desk.site, desk.agent2, number, sv.Answer(overall=2, solved=True))
    assert view.low_score and view.reopen_offer
    inbox = recent_alerts(desk.site, desk.sup)
    assert [(a.ticket, a.target) for a in inbox] == [(number, "group_supervisor")]
    assert "scored 2/5" in inbox[0].message
    with pytest.raises(Invalid):  # a second answer is refused, so no second alert
        sv.answer_survey(desk.site, desk.agent2, number, sv.Answer(overall=1, solved=False))
    with Session(desk.site.engine) as s:
        assert len(s.exec(select(SlaAlert)).all()) == 1
    # Past the reopen window the offer is gone (the figures are final then).
    desk.site.clock.advance(days=8)  # type: ignore[attr-defined]
    assert not sv.show_survey(desk.site, desk.agent2, number).reopen_offer


def test_not_solved_is_a_low_score_whatever_the_overall(desk: Desk) -> None:
    number = _resolved(desk)
    view = sv.answer_survey(desk.site, desk.agent2, number, sv.Answer(overall=5, solved=False))
    assert view.low_score
    assert len(recent_alerts(desk.site, desk.sup)) == 1


def test_a_caller_who_answered_recently_is_not_asked_again(desk: Desk) -> None:
    first = _resolved(desk)
    sv.answer_survey(desk.site, desk.agent2, first, sv.Answer(overall=4, solved=True))
    _resolved(desk)
    assert len(_surveys(desk)) == 1  # within survey_quiet_days (30)
    desk.site.clock.advance(days=31)  # type: ignore[attr-defined]
    _resolved(desk)
    assert len(_surveys(desk)) == 2


def test_the_sample_rate_per_channel(desk: Desk) -> None:
    site_settings.set_setting(desk.site, desk.admin, "survey_sample_percent", {"email": 0})
    _resolved(desk, channel="email")
    assert _surveys(desk) == []
    _resolved(desk, channel="phone")  # not listed: every ticket
    assert [s.channel for s in _surveys(desk)] == ["phone"]
    with pytest.raises(Invalid, match="Unknown channel pigeon"):
        site_settings.set_setting(desk.site, desk.admin, "survey_sample_percent", {"pigeon": 5})


def test_the_sample_is_a_fixed_spread_of_ticket_ids() -> None:
    picked = [i for i in range(1, 1001) if sv.sampled(i, 20)]
    assert 150 < len(picked) < 250
    assert picked == [i for i in range(1, 1001) if sv.sampled(i, 20)]
    assert all(sv.sampled(i, 100) for i in range(1, 100))
    assert not any(sv.sampled(i, 0) for i in range(1, 100))


def test_a_reopened_and_resolved_again_ticket_gets_a_new_survey(desk: Desk) -> None:
    number = _resolved(desk)
    t.reopen(desk.site, desk.agent1, number, reason="问题复现")
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="更换网线")
    rows = _surveys(desk)
    assert [(r.round, r.status) for r in rows] == [(0, "expired"), (1, "open")]


def test_a_signed_link_answers_once_and_a_forged_one_never(desk: Desk) -> None:
    number = _resolved(desk)
    link = sv.make_link(desk.site, desk.agent1, number)
    assert link.link.endswith(link.token)
    survey_id, expires, nonce, signature = link.token.split(".")
    forged = f"{survey_id}.{int(expires) + 86400}.{nonce}.{signature}"
    system = sv_system()
    with pytest.raises(Invalid, match="not valid"):
        sv.answer_by_link(desk.site, system, forged, sv.Answer(overall=5, solved=True))
    view = sv.answer_by_link(desk.site, system, link.token, sv.Answer(overall=5, solved=True))
    assert view.answered_via == "link" and view.status == "answered"
    with pytest.raises(Invalid, match="already been used"):
        sv.answer_by_link(desk.site, system, link.token, sv.Answer(overall=1, solved=False))


def test_a_newer_link_replaces_the_older_and_links_expire(desk: Desk) -> None:
    number = _resolved(desk)
    old = sv.make_link(desk.site, desk.agent1, number)
    new = sv.make_link(desk.site, desk.agent1, number)
    with pytest.raises(Invalid, match="already been used"):
        sv.answer_by_link(desk.site, sv_system(), old.token, sv.Answer(overall=4, solved=True))
    desk.site.clock.advance(days=7, seconds=1)  # type: ignore[attr-defined]
    with pytest.raises(Invalid, match="expired"):
        sv.answer_by_link(desk.site, sv_system(), new.token, sv.Answer(overall=4, solved=True))


def test_the_callback_queue_gives_each_operator_a_different_caller(desk: Desk) -> None:
    first = _resolved(desk)
    desk.site.clock.advance(minutes=1)  # type: ignore[attr-defined]
    second = _resolved(desk)
    assert sv.callback_count(desk.site, desk.agent1) == 2
    taken = sv.take_next_callback(desk.site, desk.agent1)
    other = sv.take_next_callback(desk.site, desk.agent2)
    assert taken is not None and other is not None
    assert (taken.ticket, other.ticket) == (first, second)  # soonest to expire first
    assert taken.caller == "王小明" and taken.resolution == "重启后恢复"
    assert sv.take_next_callback(desk.site, desk.agent2) is None  # both held
    desk.site.clock.advance(minutes=16)  # type: ignore[attr-defined]
    again = sv.take_next_callback(desk.site, desk.agent2)
    assert again is not None and again.ticket == first  # no answer: offered again


def test_inspectors_do_not_key_in_answers(desk: Desk) -> None:
    number = _resolved(desk)
    with pytest.raises(Forbidden):
        sv.answer_survey(desk.site, desk.insp, number, sv.Answer(overall=4, solved=True))


def sv_system() -> Actor:
    """The self-service page answers as the system (no staff member is at the keyboard)."""
    return Actor.system()


def test_the_scheduler_job_expires_what_has_run_out(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itsm_tui.scheduler import jobs

    number = _resolved(desk)
    monkeypatch.setattr(jobs, "_site", desk.site)
    jobs.expire_surveys()
    assert sv.show_survey(desk.site, desk.agent1, number).status == "open"
    desk.site.clock.advance(days=7, minutes=1)  # type: ignore[attr-defined]
    jobs.expire_surveys()
    assert sv.show_survey(desk.site, desk.agent1, number).status == "expired"


def test_a_site_may_ask_fewer_questions(desk: Desk) -> None:
    site_settings.set_setting(desk.site, desk.admin, "survey_questions", ["overall", "comment"])
    number = _resolved(desk)
    with pytest.raises(Invalid, match="does not ask timeliness") as refused:
        sv.answer_survey(
            desk.site, desk.agent2, number, sv.Answer(overall=4, solved=None, timeliness=5)
        )
    assert refused.value.field == "timeliness"
    view = sv.answer_survey(
        desk.site, desk.agent2, number, sv.Answer(overall=4, solved=None, comment="还行")
    )
    assert (view.overall, view.solved, view.low_score) == (4, None, False)
    with pytest.raises(Invalid, match="survey_questions must list overall"):
        site_settings.set_setting(desk.site, desk.admin, "survey_questions", ["comment"])


def test_the_default_survey_asks_whether_it_was_solved(desk: Desk) -> None:
    number = _resolved(desk)
    with pytest.raises(Invalid, match="solved is required") as refused:
        sv.answer_survey(desk.site, desk.agent2, number, sv.Answer(overall=4, solved=None))
    assert refused.value.field == "solved"


@mutation(Action.ADMINISTER, journaled=False)
def _catch_up(tx: Tx) -> int:
    return sv.alert_low_scores(tx)


def test_low_scores_written_in_bulk_alert_once_through_the_same_rule(desk: Desk) -> None:
    """Answers that did not come through ``answer_survey`` (the demo's history) get the alert
    a live answer gets, dated when answered; one already alerted, or a second run, adds none."""
    live, bulk_low, bulk_good = _resolved(desk), _resolved(desk), _resolved(desk)
    sv.answer_survey(desk.site, desk.agent2, live, sv.Answer(overall=1, solved=False))
    answered_at = desk.site.clock.now() - timedelta(hours=3)
    with Session(desk.site.engine) as s:
        for survey in s.exec(select(Survey).where(col(Survey.id) > 1)).all():
            low = survey.id == 2
            survey.status, survey.answered_at = "answered", answered_at
            survey.overall, survey.solved, survey.low_score = (2 if low else 5), True, low
            s.add(survey)
        s.commit()
    assert _catch_up(desk.site, desk.admin) == 1
    assert _catch_up(desk.site, desk.admin) == 0
    inbox = recent_alerts(desk.site, desk.sup)
    assert sorted((a.ticket, a.target) for a in inbox) == sorted(
        [(live, "group_supervisor"), (bulk_low, "group_supervisor")]
    )
    caught_up = next(a for a in inbox if a.ticket == bulk_low)
    assert "scored 2/5, solved" in caught_up.message and caught_up.created_at == answered_at
    assert bulk_good not in {a.ticket for a in inbox}


WORDING = {
    "overall": {"zh_CN": "您对这次服务总体满意吗？", "en": "All in all, were you happy with us?"},
    "solved": {"en": "Is it fixed?", "zh_CN": "问题解决了吗？"},
}


def test_a_site_words_its_questions_in_both_languages(desk: Desk) -> None:
    site_settings.set_setting(desk.site, desk.sup, "survey_questions", ["overall", "solved"])
    site_settings.set_setting(desk.site, desk.sup, "survey_wording", WORDING)
    asked = sv.survey_questions(desk.site, desk.agent2)
    assert [(q.name, q.kind) for q in asked] == [("overall", "score"), ("solved", "yes_no")]
    assert asked[0].in_language("zh_CN") == "您对这次服务总体满意吗？"
    assert asked[1].in_language("en") == "Is it fixed?"
    # The link carries the same questions in the same words, for the self-service page.
    link = sv.make_link(desk.site, desk.agent2, _resolved(desk))
    assert link.questions == asked


def test_an_unworded_question_says_the_built_in_words_translated(desk: Desk) -> None:
    site_settings.set_setting(desk.site, desk.sup, "survey_wording", WORDING)
    by_name = {q.name: q for q in sv.survey_questions(desk.site, desk.agent2)}
    assert list(by_name) == ["overall", "timeliness", "attitude", "solved", "comment"]
    assert by_name["timeliness"].in_language("en") == (
        "How satisfied are you with how quickly it was handled?"
    )
    assert by_name["timeliness"].in_language("zh_CN") == "您对处理速度满意吗？"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (["overall"], "must map each question to its wording in: en, zh_CN"),
        ({"speed": {"en": "x", "zh_CN": "x"}}, "names no question speed"),
        ({"overall": {"en": "How was it?"}}, "for overall has no wording in zh_CN"),
        ({"overall": {"en": "a", "zh_CN": "b", "fr": "c"}}, "names the language fr"),
        ({"overall": {"en": "  ", "zh_CN": "好吗"}}, "overall in en must be 1 to 200"),
        ({"overall": {"en": "x" * 201, "zh_CN": "好吗"}}, "overall in en must be 1 to 200"),
        ({"attitude": {"en": "one\ntwo", "zh_CN": "好吗"}}, "must be one line"),
        ({"attitude": "How was the staff?"}, "for attitude must give its wording in"),
    ],
)
def test_wording_is_refused_naming_the_setting(desk: Desk, value: object, says: str) -> None:
    with pytest.raises(Invalid, match=says) as refused:
        site_settings.set_setting(desk.site, desk.sup, "survey_wording", value)
    assert refused.value.field == "survey_wording"
    assert site_settings.get_settings(desk.site, desk.sup)["survey_wording"] == {}
