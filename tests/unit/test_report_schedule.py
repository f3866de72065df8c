"""The scheduler's KPI reports: the monthly and weekly ones rendered into the reports folder
and mailed to the supervisors exactly once per period — across a second run, a restart, a
render that died half way, and a second scheduler."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.config import Settings
from itsm_tui.common.errors import Invalid
from itsm_tui.reports.scheduled import render_due
from itsm_tui.scheduler.channels import smtp_sender
from itsm_tui.storage.tables import NotificationOutbox, StoredReport
from itsm_tui.workflow.kpi import stored
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.site_settings import set_setting
from itsm_tui.workflow.sla import outbox
from itsm_tui.workflow.staff import add_staff
from tests.unit.reporting_site import seed_site

#: Tuesday 1 December 2026, 08:05 in Beijing: the November report is due, and the week of
#: 23–29 November's since Monday 08:00.
NOW = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def site(engine: Engine, clock: FrozenClock, tmp_path: Path) -> Site:
    settings = Settings(database_url=str(engine.url), reports_dir=str(tmp_path / "reports"))
    return Site(engine, clock=clock, settings=settings)


@pytest.fixture
def seeded(site: Site, admin: Actor) -> Site:
    seed_site(site, admin)
    add_staff(site, admin, "boss", "赵主管", tier=2, roles=["supervisor"], email="boss@example.cn")
    return site


def _counts(site: Site) -> tuple[int, int]:
    with Session(site.engine) as s:
        reports = s.exec(select(func.count()).select_from(StoredReport)).one()
        mails = s.exec(
            select(func.count())
            .select_from(NotificationOutbox)
            .where(NotificationOutbox.report_id.is_not(None))  # type: ignore[union-attr]
        ).one()
    return reports, mails


def test_the_due_reports_are_rendered_and_mailed_once(seeded: Site, tmp_path: Path) -> None:
    written = render_due(seeded)
    names = sorted(p.name for p in written)
    assert names == ["kpi-monthly-2026-11.html", "kpi-weekly-2026-W48.html"]
    assert all(p.parent == tmp_path / "reports" for p in written)
    assert "2026-11" in written[0].read_text("utf-8") or "2026-11" in written[1].read_text("utf-8")
    supervisors = _counts(seeded)[1] // 2
    assert supervisors >= 1 and _counts(seeded) == (2, 2 * supervisors)
    assert render_due(seeded) == []  # a second run: nothing new
    # A restart: a new process, a new engine on the same database.
    again = Site.open(seeded.settings, clock=seeded.clock)
    try:
        assert render_due(again) == []
    finally:
        again.close()
    assert _counts(seeded) == (2, 2 * supervisors)


def test_a_render_that_died_is_finished_once_by_the_next_run(seeded: Site) -> None:
    claims = stored.claim_due(seeded)  # claimed, then the process died before rendering
    assert {c.period_key for c in claims} == {"2026-11", "2026-W48"}
    assert _counts(seeded)[1] == 0
    written = render_due(seeded)
    assert len(written) == 2
    # A second scheduler that had claimed the same rows finishes nothing again.
    assert not stored.finish_scheduled(seeded, claims[0].report_id, str(written[0]))
    assert render_due(seeded) == []


def test_the_settings_move_or_stop_a_schedule(seeded: Site, admin: Actor) -> None:
    set_setting(seeded, admin, "report_weekly_at", "")
    set_setting(seeded, admin, "report_monthly_at", "2 08:00")  # not yet: November 1st's month
    assert sorted(p.name for p in render_due(seeded)) == ["kpi-monthly-2026-10.html"]
    with pytest.raises(Invalid) as refused:
        set_setting(seeded, admin, "report_weekly_at", "someday")
    assert refused.value.field == "report_weekly_at"


def test_the_mail_carries_the_report(seeded: Site, smtp: tuple[int, list[Any]]) -> None:
    port, messages = smtp
    render_due(seeded)
    seeded.clock.advance(minutes=1)  # type: ignore[attr-defined]
    outbox.deliver(seeded, {"email": smtp_sender("127.0.0.1", port, "itsm@example.cn")})
    kpi = [m for m in messages if m["Subject"].startswith("[KPI]")]
    assert {m["Subject"] for m in kpi} == {
        "[KPI] KPI report 2026-11",
        "[KPI] KPI report 2026-W48",
    }
    assert all(m["To"] == "boss@example.cn" for m in kpi if "boss" in m["To"])


def test_the_mail_is_worded_in_the_sites_language(
    seeded: Site, admin: Actor, smtp: tuple[int, list[Any]]
) -> None:
    """The scheduler speaks English here; the site's ``language`` setting is Chinese, so the
    supervisors' report mail reads Chinese (as the SLA mails do)."""
    from email.header import decode_header, make_header

    set_setting(seeded, admin, "language", "zh_CN")
    port, messages = smtp
    render_due(seeded)
    seeded.clock.advance(minutes=1)  # type: ignore[attr-defined]
    outbox.deliver(seeded, {"email": smtp_sender("127.0.0.1", port, "itsm@example.cn")})
    kpi = [m for m in messages if "[KPI]" in str(make_header(decode_header(m["Subject"])))]
    subjects = {str(make_header(decode_header(m["Subject"]))) for m in kpi}
    assert subjects == {"[KPI] KPI 报表 2026-11", "[KPI] KPI 报表 2026-W48"}
    (text,) = [p for p in kpi[0].walk() if p.get_content_type() == "text/plain"]
    body = text.get_payload(decode=True).decode("utf-8")
    assert "的 KPI 报表。" in body and "报表保存在" in body and "attached" not in body
