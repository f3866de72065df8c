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
        while time.monotonic() < deadline and len(jobs) < 3:
            time.sleep(0.3)
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            with engine.connect() as conn:
                try:
                    jobs = list(conn.execute(text("SELECT id FROM apscheduler_jobs")).scalars())
                except Exception:
                    conn.rollback()  # the job store's table is not there yet
        assert sorted(jobs) == ["auto_close", "notify", "sla_scan"]
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert "scheduler stopped" in output
