"""``itsm scheduler`` as operations runs it: a long-lived process that stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import Engine, text

from itsm_tui.workflow.site import Site
from itsm_tui.workflow.staff import bootstrap_admin, os_login


def test_scheduler_registers_its_jobs_and_stops_on_sigterm(
    engine: Engine, db_url: str, site: Site
) -> None:
    bootstrap_admin(site, os_login())  # it acts as the system: only an admin may start it
    env = {**os.environ, "ITSM_DATABASE_URL": db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "itsm_tui", "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        jobs: list[str] = []
        while time.monotonic() < deadline and len(jobs) < 9:
            time.sleep(0.3)
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            with engine.connect() as conn:
                try:
                    jobs = list(conn.execute(text("SELECT id FROM apscheduler_jobs")).scalars())
                except Exception:
                    conn.rollback()  # the job store's table is not there yet
        assert sorted(jobs) == [
            "auto_close",
            "backlog_snapshots",
            "change_watch",
            "inspection_rounds",
            "kpi_reports",
            "notify",
            "recurring_incidents",
            "sla_scan",
            "survey_expiry",
        ]
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert "scheduler stopped" in output


def test_demo_breaches_reach_the_supervisors_inbox_through_the_running_scheduler(
    engine: Engine, db_url: str, site: Site
) -> None:
    """End to end: a demo site whose breached tickets had raised no alert
    (the loader marked every past threshold handled). Now the real scheduler process, as it
    starts, raises them, ``itsm alerts list --json`` shows them to the group supervisors, and
    a supervisor opening the console sees them on the dashboard."""
    import json
    from datetime import UTC, datetime

    from itsm_tui.common.clock import FrozenClock
    from itsm_tui.workflow.dashboard import dashboard
    from itsm_tui.workflow.demo import load_demo
    from itsm_tui.workflow.site import Actor
    from itsm_tui.workflow.tickets.pages import Queue

    login = os_login()
    view = bootstrap_admin(site, login)
    admin = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
    now = Site(engine, clock=FrozenClock(datetime.now(UTC)), settings=site.settings)
    load_demo(now, admin, tickets=20_000, seed=2026)
    breached = dashboard(now, admin).counts[Queue.BREACHED]
    assert breached > 0
    env = {**os.environ, "ITSM_DATABASE_URL": db_url}
    # The history's low survey scores were alerted as the demo loaded, as live ones are; the
    # SLA alerts the scheduler raises come after them.
    with engine.connect() as conn:
        loaded = conn.execute(text("SELECT max(id) FROM sla_alert")).scalar() or 0
        kinds = conn.execute(text("SELECT DISTINCT kind FROM sla_alert")).scalars().all()
    assert all(kind.startswith("survey:") for kind in kinds), kinds

    ITSM = [sys.executable, "-m", "itsm_tui"]

    def inbox() -> list[dict[str, object]]:
        out = subprocess.run(
            [*ITSM, "alerts", "list", "--json", "--limit", "500", "--after", str(loaded)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rows: list[dict[str, object]] = json.loads(out)["items"]
        return rows

    assert inbox() == []  # loaded: nothing alerted yet, and nothing lost either
    proc = subprocess.Popen(
        [sys.executable, "-m", "itsm_tui", "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30  # its first scan runs as it starts, not a minute on
        rows: list[dict[str, object]] = []
        while time.monotonic() < deadline and not rows:
            time.sleep(0.5)
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            rows = inbox()
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    breaches = [r for r in rows if str(r["kind"]).endswith(":100")]
    assert {r["target"] for r in breaches} >= {"group_supervisor", "manager"}
    assert len({r["ticket"] for r in breaches}) >= breached
    # Then the dashboard: a group supervisor the running scheduler alerted opens the console
    # on the same database and sees the breach in the inbox and its count in the title.
    import asyncio

    from itsm_tui.console.app import ItsmApp
    from itsm_tui.storage.engine import read_session
    from itsm_tui.widgets.alert_inbox import AlertInbox
    from itsm_tui.workflow.lookup import find_staff

    supervisor = next(str(r["staff"]) for r in breaches if r["target"] == "group_supervisor")
    with read_session(engine) as session:
        staff = find_staff(session, supervisor)
        who = Actor(staff.id, staff.login, staff.display_name, staff.tier, frozenset())

    async def dashboard_inbox() -> tuple[str, str]:
        app = ItsmApp(site, who)
        async with app.run_test(size=(120, 40)) as pilot:
            box = app.screen.query_one(AlertInbox)
            for _ in range(60):  # the dashboard reads in a worker
                await pilot.pause(0.05)
                box = app.screen.query_one(AlertInbox)
                if "Alerts (" in str(box.border_title):
                    break
            return str(box.border_title), str(box.render())

    title, shown = asyncio.run(dashboard_inbox())
    assert title.startswith("Alerts (") and "Alerts (0)" not in title
    assert "resolution time breached" in shown and "No alerts" not in shown
