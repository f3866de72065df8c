"""Requests for change: the lifecycle from draft to closed, each step refused when what it
needs is missing (naming the field), the journal, the locking, and the CAB's N-of-M approval
with its requests in the alert inbox and the e-mail outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.config import Settings
from itsm_tui.common.errors import Conflict, Forbidden, Invalid, NotFound
from itsm_tui.workflow.changes import cab, lifecycle, records
from itsm_tui.workflow.changes.records import ChangeDraft, create_change
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.site_settings import set_setting
from itsm_tui.workflow.sla.alerts import list_alerts
from tests.conftest import T0, Desk
from tests.unit.change_fixtures import NIGHT, WINDOW, estate, normal
from tests.unit.change_fixtures import cab as make_cab


@pytest.fixture
def board(desk: Desk) -> Desk:
    estate(desk)
    make_cab(desk)
    return desk


def _approved(desk: Desk, number: str) -> None:
    lifecycle.submit(desk.site, desk.eng1, number)
    lifecycle.assess(desk.site, desk.sup, number)
    lifecycle.request_approval(desk.site, desk.sup, number)
    cab.approve(desk.site, desk.sup, number, comment="同意")
    cab.approve(desk.site, desk.eng1, number, comment="同意，注意备份")


def _journal(desk: Desk, change_id: int) -> list[str]:
    with desk.site.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT action FROM journal_entry WHERE entity = 'change' AND entity_id = :i "
                "ORDER BY id"
            ),
            {"i": change_id},
        ).scalars()
        return list(rows)


def test_a_normal_change_goes_from_draft_to_closed_and_every_step_is_journaled(
    board: Desk, clock: FrozenClock
) -> None:
    desk = board
    change = normal(desk)
    assert change.number == "CHG000001" and change.status == "draft"
    assert change.cis == ["database:db01"]
    _approved(desk, change.number)
    view = records.show_change(desk.site, desk.eng1, change.number)
    assert view.approved_at is not None and view.status == "awaiting_approval"
    assert [a.staff for a in view.approvals] == ["sup", "eng1"]
    view = lifecycle.schedule(desk.site, desk.sup, change.number)
    assert view.status == "scheduled"
    clock.advance(days=4)
    view = lifecycle.start(desk.site, desk.eng1, change.number)
    assert view.actual_start == T0 + timedelta(days=4)
    clock.advance(hours=1)
    view = lifecycle.finish(desk.site, desk.eng1, change.number)
    assert (view.status, view.outcome) == ("implemented", "success")
    assert view.actual_end == T0 + timedelta(days=4, hours=1)
    lifecycle.review(desk.site, desk.sup, change.number, success=True, lessons="补丁前先快照")
    view = lifecycle.close(desk.site, desk.sup, change.number)
    assert view.status == "closed" and view.closed_at is not None
    assert _journal(desk, view.id) == [
        "create",
        "submit",
        "assess",
        "request_approval",
        "approve",
        "approve",
        "schedule",
        "start",
        "finish",
        "review",
        "close",
    ]
    assert view.version == 11  # every step after creation bumped it once


def _field(excinfo: pytest.ExceptionInfo[Exception]) -> str | None:
    return getattr(excinfo.value, "field", None)


def test_each_step_is_refused_when_what_it_needs_is_missing(board: Desk) -> None:
    desk = board
    no_backout = normal(desk, backout_plan="")
    with pytest.raises(Invalid) as refused:
        lifecycle.submit(desk.site, desk.eng1, no_backout.number)
    assert _field(refused) == "backout_plan" and "backout_plan" in refused.value.message

    no_cis = normal(desk, cis=[])
    with pytest.raises(Invalid) as refused:
        lifecycle.submit(desk.site, desk.eng1, no_cis.number)
    assert _field(refused) == "cis"

    no_window = normal(desk, window_start=None, window_end=None)
    lifecycle.submit(desk.site, desk.eng1, no_window.number)
    with pytest.raises(Invalid) as refused:
        lifecycle.assess(desk.site, desk.sup, no_window.number)
    assert _field(refused) == "window_start"

    change = normal(desk)
    with pytest.raises(Invalid) as refused:  # not submitted yet
        lifecycle.start(desk.site, desk.eng1, change.number)
    assert _field(refused) == "status" and "draft" in refused.value.message
    lifecycle.submit(desk.site, desk.eng1, change.number)
    lifecycle.assess(desk.site, desk.sup, change.number)
    with pytest.raises(Invalid) as refused:  # the CAB was not asked
        lifecycle.schedule(desk.site, desk.sup, change.number)
    assert _field(refused) == "approvals"
    lifecycle.request_approval(desk.site, desk.sup, change.number)
    cab.approve(desk.site, desk.sup, change.number)
    with pytest.raises(Invalid) as refused:  # one approval of two
        lifecycle.schedule(desk.site, desk.sup, change.number)
    assert _field(refused) == "approvals" and "1 of 2" in refused.value.message
    cab.approve(desk.site, desk.spec1, change.number)
    lifecycle.schedule(desk.site, desk.sup, change.number)
    lifecycle.start(desk.site, desk.eng1, change.number)
    with pytest.raises(Invalid) as refused:  # failing needs a word on what happened
        lifecycle.finish(desk.site, desk.eng1, change.number, outcome="backed_out")
    assert _field(refused) == "reason"
    lifecycle.finish(desk.site, desk.eng1, change.number, outcome="backed_out", note="补丁失败")
    with pytest.raises(Invalid) as refused:
        lifecycle.close(desk.site, desk.sup, change.number)
    assert _field(refused) == "status"  # failed: a review comes first
    with pytest.raises(Invalid) as refused:
        lifecycle.review(desk.site, desk.sup, change.number, success=False, lessons=" ")
    assert _field(refused) == "lessons"


def test_bad_windows_and_unknown_cis_are_refused_naming_the_field(board: Desk) -> None:
    desk = board
    with pytest.raises(Invalid) as refused:
        normal(desk, window_start=WINDOW[1], window_end=WINDOW[0])
    assert _field(refused) == "window_end"
    with pytest.raises(Invalid) as refused:
        normal(desk, window_start=T0 - timedelta(hours=2), window_end=T0 - timedelta(hours=1))
    assert _field(refused) == "window_start" and "past" in refused.value.message
    with pytest.raises(NotFound) as missing:
        normal(desk, cis=["db01", "no-such-ci"])
    assert _field(missing) == "ci"
    with pytest.raises(Invalid) as refused:
        normal(desk, type="routine")
    assert _field(refused) == "type"
    with pytest.raises(NotFound) as missing:
        records.update_change(desk.site, desk.eng1, "CHG000999", {"window_start": WINDOW[0]})
    assert _field(missing) == "change"
    with desk.site.engine.connect() as conn:  # nothing half-written
        assert conn.execute(text("SELECT COUNT(*) FROM change_request")).scalar() == 0


def test_a_standard_change_comes_from_a_template_and_skips_the_cab(board: Desk) -> None:
    desk = board
    with pytest.raises(Invalid) as refused:
        create_change(desk.site, desk.eng1, ChangeDraft(type="standard", title="加用户"))
    assert _field(refused) == "template"
    view = create_change(
        desk.site,
        desk.eng1,
        ChangeDraft(
            type="standard",
            template="oa-add-user",
            cis=["oa01"],
            reason="新员工入职",
            window_start=NIGHT[0],
            window_end=NIGHT[1],
            implementer="eng1",
            group="server",
        ),
    )
    assert view.title == "OA系统新增用户" and view.backout_plan  # from the template
    lifecycle.submit(desk.site, desk.eng1, view.number)
    lifecycle.assess(desk.site, desk.sup, view.number)
    with pytest.raises(Invalid) as refused:
        lifecycle.request_approval(desk.site, desk.sup, view.number)
    assert _field(refused) == "type"
    assert lifecycle.schedule(desk.site, desk.sup, view.number).status == "scheduled"
    lifecycle.start(desk.site, desk.eng1, view.number)
    lifecycle.finish(desk.site, desk.eng1, view.number)
    assert lifecycle.close(desk.site, desk.sup, view.number).status == "closed"  # no PIR needed


def test_a_normal_change_cannot_close_without_its_review(board: Desk) -> None:
    desk = board
    change = normal(desk)
    _approved(desk, change.number)
    lifecycle.schedule(desk.site, desk.sup, change.number)
    lifecycle.start(desk.site, desk.eng1, change.number)
    lifecycle.finish(desk.site, desk.eng1, change.number)
    with pytest.raises(Invalid) as refused:
        lifecycle.close(desk.site, desk.sup, change.number)
    assert _field(refused) == "review"


def test_a_stale_version_is_refused_and_nothing_is_overwritten(board: Desk) -> None:
    desk = board
    change = normal(desk)
    records.update_change(
        desk.site, desk.eng1, change.number, {"title": "补丁升级（改）"}, expected_version=1
    )
    with pytest.raises(Conflict) as stale:
        records.update_change(
            desk.site, desk.sup, change.number, {"title": "另一个标题"}, expected_version=1
        )
    # The refusal names who changed it, as for tickets, problems and articles.
    assert desk.eng1.login in stale.value.message
    assert records.show_change(desk.site, desk.eng1, change.number).title == "补丁升级（改）"


def test_who_may_do_what(board: Desk) -> None:
    desk = board
    change = normal(desk)
    lifecycle.submit(desk.site, desk.eng1, change.number)
    with pytest.raises(Forbidden):  # the hotline does not assess changes
        lifecycle.assess(desk.site, desk.agent1, change.number)
    with pytest.raises(Forbidden):  # an inspector raises no change
        create_change(desk.site, desk.insp, ChangeDraft(type="normal", title="巡检发现"))
    view = records.show_change(desk.site, desk.agent1, change.number)
    assert "assess" not in view.allowed and "cancel" in view.allowed


def test_links_to_incidents(board: Desk) -> None:
    from itsm_tui.workflow.tickets import TicketDraft, create_ticket

    desk = board
    incident = create_ticket(desk.site, desk.agent1, TicketDraft(title="办事大厅打不开"))
    change = normal(desk)
    view = records.link(desk.site, desk.eng1, change.number, incident.number, relation="fixes")
    assert [(link.relation, link.number) for link in view.links] == [("fixes", incident.number)]
    with pytest.raises(Invalid) as refused:
        records.link(desk.site, desk.eng1, change.number, incident.number, relation="fixes")
    assert _field(refused) == "ticket"
    with pytest.raises(Invalid) as refused:
        records.link(desk.site, desk.eng1, change.number, incident.number, relation="blames")
    assert _field(refused) == "relation"


# ----------------------------------------------------------------------------- the CAB


def test_approvals_are_n_of_m_by_members_of_the_approver_groups(board: Desk) -> None:
    desk = board
    change = normal(desk)
    lifecycle.submit(desk.site, desk.eng1, change.number)
    lifecycle.assess(desk.site, desk.sup, change.number)
    lifecycle.request_approval(desk.site, desk.sup, change.number)
    assert [p.number for p in cab.pending_approvals(desk.site, desk.spec1)] == [change.number]
    assert cab.pending_approvals(desk.site, desk.agent1) == []
    with pytest.raises(Forbidden) as outsider:
        cab.approve(desk.site, desk.agent1, change.number, comment="我也同意")
    assert _field(outsider) == "approver"
    cab.approve(desk.site, desk.spec1, change.number, comment="同意")
    with pytest.raises(Invalid) as twice:
        cab.approve(desk.site, desk.spec1, change.number, comment="再同意一次")
    assert _field(twice) == "approver"
    assert cab.pending_approvals(desk.site, desk.spec1) == []  # decided
    view = records.show_change(desk.site, desk.spec1, change.number)
    assert view.approved_at is None  # one of two
    view = cab.approve(desk.site, desk.sup, change.number)
    assert view.approved_at is not None


def test_one_rejection_stops_the_change_unless_the_site_says_otherwise(board: Desk) -> None:
    desk = board
    first = normal(desk)
    lifecycle.submit(desk.site, desk.eng1, first.number)
    lifecycle.assess(desk.site, desk.sup, first.number)
    lifecycle.request_approval(desk.site, desk.sup, first.number)
    with pytest.raises(Invalid) as silent:
        cab.reject(desk.site, desk.eng1, first.number, comment="")
    assert _field(silent) == "comment"
    view = cab.reject(desk.site, desk.eng1, first.number, comment="回退方案不充分")
    assert view.status == "rejected"

    set_setting(desk.site, desk.admin, "change_one_rejection_stops", False)
    second = normal(desk, window_start=NIGHT[0], window_end=NIGHT[1])
    lifecycle.submit(desk.site, desk.eng1, second.number)
    lifecycle.assess(desk.site, desk.sup, second.number)
    lifecycle.request_approval(desk.site, desk.sup, second.number)
    view = cab.reject(desk.site, desk.eng1, second.number, comment="有顾虑")
    assert view.status == "awaiting_approval"  # two of three may still approve
    view = cab.reject(desk.site, desk.spec1, second.number, comment="同样有顾虑")
    assert view.status == "rejected"  # now two approvals cannot come


def test_approval_requests_reach_the_inbox_and_the_email_outbox(
    board: Desk, engine: object, clock: FrozenClock
) -> None:
    desk = board
    mailing = Site(
        desk.site.engine,
        clock=clock,
        settings=Settings(database_url=str(desk.site.engine.url), smtp_host="127.0.0.1"),
    )
    with desk.site.engine.begin() as conn:
        conn.execute(text("UPDATE staff SET email = 'sup@example.gov.cn' WHERE login = 'sup'"))
    change = normal(desk)
    lifecycle.submit(mailing, desk.eng1, change.number)
    lifecycle.assess(mailing, desk.sup, change.number)
    lifecycle.request_approval(mailing, desk.sup, change.number)
    inbox = list_alerts(desk.site, desk.spec1)
    assert [(a.ticket, a.target) for a in inbox] == [(change.number, "cab")]
    assert "approval" in inbox[0].message
    with desk.site.engine.connect() as conn:
        mail = conn.execute(
            text("SELECT address FROM notification_outbox WHERE channel = 'email'")
        ).scalars()
        assert list(mail) == ["sup@example.gov.cn"]


def test_a_cab_that_cannot_give_its_approvals_is_named(board: Desk) -> None:
    desk = board
    set_setting(
        desk.site,
        desk.admin,
        "change_cab",
        {
            "normal": {"groups": ["cab"], "approvals": 5},
            "emergency": {"groups": [], "approvals": 1},
        },
    )
    change = normal(desk)
    lifecycle.submit(desk.site, desk.eng1, change.number)
    lifecycle.assess(desk.site, desk.sup, change.number)
    with pytest.raises(Invalid) as refused:
        lifecycle.request_approval(desk.site, desk.sup, change.number)
    assert _field(refused) == "change_cab" and "5 approvals" in refused.value.message


def approver(url: str, login: str, start_at: float) -> str:
    """Approve CHG000001 as ``login`` at ``start_at`` (a shared instant, so the two processes
    really meet); the outcome."""
    import time

    from sqlmodel import Session, select

    from itsm_tui.common.errors import DomainError
    from itsm_tui.storage.engine import make_engine
    from itsm_tui.storage.tables import Staff
    from itsm_tui.workflow.site import Actor

    site = Site(make_engine(url))
    with Session(site.engine) as s:
        row = s.exec(select(Staff).where(Staff.login == login)).one()
        actor = Actor(row.id, row.login, row.display_name, row.tier, frozenset())
    time.sleep(max(0.0, start_at - time.time()))
    try:
        cab.approve(site, actor, "CHG000001", comment=f"{login} 同意")
        outcome = "ok"
    except DomainError as exc:
        outcome = exc.kind
    site.close()
    return outcome


@pytest.mark.slow
@pytest.mark.parametrize("logins", [("eng1", "spec1"), ("spec1", "spec1")])
def test_concurrent_approvals_neither_double_count_nor_lose_one(
    board: Desk, db_url: str, logins: tuple[str, str]
) -> None:
    import multiprocessing
    import time

    desk = board
    change = normal(desk)
    lifecycle.submit(desk.site, desk.eng1, change.number)
    lifecycle.assess(desk.site, desk.sup, change.number)
    lifecycle.request_approval(desk.site, desk.sup, change.number)
    start_at = time.time() + 3  # both processes are up by then
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        outcomes = pool.starmap(approver, [(db_url, login, start_at) for login in logins])
    view = records.show_change(desk.site, desk.sup, change.number)
    if logins[0] != logins[1]:  # two people: both count, and together they approve it
        assert outcomes == ["ok", "ok"]
        assert sorted(a.staff for a in view.approvals) == ["eng1", "spec1"]
        assert view.approved_at is not None
    else:  # one person twice: one decision, the other refused
        assert sorted(outcomes) == ["invalid", "ok"]
        assert [a.staff for a in view.approvals] == ["spec1"]
        assert view.approved_at is None
    assert _journal(desk, view.id).count("approve") == len(view.approvals)
