"""The inspection job as operations runs it: two ``itsm scheduler --once`` processes at the
same moment, after a night the scheduler missed, create each slot's round once (the missed
ones late) and raise each overdue alert once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from itsm_tui.common.clock import FrozenClock
from itsm_tui.scheduler.cron import CRON
from itsm_tui.workflow import groups
from itsm_tui.workflow.inspections import schedules, templates
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import add_staff, bootstrap_admin, os_login

CHECKLIST = """code = "night"
name = "夜间巡检"
[[sections]]
title = "机房"
[[sections.items]]
key = "door"
label = "门禁"
kind = "pass_fail"
"""


def test_two_schedulers_after_a_missed_night(
    engine: Engine, db_url: str, site: Site, tmp_path: Path
) -> None:
    view = bootstrap_admin(site, os_login())
    admin = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
    add_staff(site, admin, "sup", "赵主管", tier=2, roles=["supervisor"])
    groups.add_group(site, admin, "ops", "运维值班", tier=1, supervisor="sup")
    templates.import_template(site, admin, "night.toml", text=CHECKLIST)
    # Added yesterday, hourly; the scheduler has not run since.
    now = datetime.now(UTC)
    added = now - timedelta(hours=20, minutes=30)
    then = Site(engine, clock=FrozenClock(added), settings=site.settings)
    schedules.add_schedule(then, admin, CRON, "hourly", "night", "ops", "0 * * * *")
    env = {**os.environ, "ITSM_DATABASE_URL": db_url}
    command = [sys.executable, "-m", "itsm_tui", "scheduler", "--once"]
    runs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    finished = datetime.now(UTC)
    zone = site.settings.zone
    expected = list(CRON.fire_times("0 * * * *", zone, added, now))
    possible = list(CRON.fire_times("0 * * * *", zone, added, finished))
    with engine.connect() as conn:
        made = conn.execute(
            text("SELECT COUNT(*), COUNT(DISTINCT slot_at) FROM inspection_round")
        ).one()
        late = conn.execute(text("SELECT COUNT(*) FROM inspection_round WHERE late")).scalar_one()
        alerts = conn.execute(
            text(
                "SELECT COUNT(*), COUNT(DISTINCT round_id) FROM sla_alert "
                "WHERE kind = 'inspection_overdue'"
            )
        ).one()
    assert made[0] == made[1] and len(expected) <= made[0] <= len(possible)
    assert late >= len(expected) - 1  # all but (perhaps) a slot of the last ten minutes
    # Due 2 h after the slot, 30 minutes' grace: the slots older than 2.5 h alerted, once.
    overdue = [t for t in expected if t + timedelta(minutes=150) <= now]
    assert alerts[0] == alerts[1] and len(overdue) <= alerts[0] <= len(overdue) + 1
