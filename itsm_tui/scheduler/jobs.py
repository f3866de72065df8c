"""``itsm scheduler``: the long-running process behind the SLA scan and other periodic jobs.

APScheduler 3 with its job store in the site's own database (table ``apscheduler_jobs``, owned
by APScheduler and ignored by our migrations), so the schedule survives restarts. Every job
only calls workflow functions; the rules live there.

* Missed runs are caught up once: ``coalesce`` folds a backlog into one run, and
  ``misfire_grace_time`` drops runs older than that; ``max_instances=1`` never overlaps a job
  with itself. Several schedulers against one database are safe (the SLA scan is exactly-once
  in the database), merely redundant.
* SIGTERM and SIGINT shut it down cleanly: the running job finishes, nothing new starts.
* It logs what each job did.

Later issues add their jobs (reports, inspections) to :data:`JOBS`.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from itsm_tui.common.collector import settle_collector
from itsm_tui.scheduler.channels import channels_from
from itsm_tui.workflow import sla_scan as scan
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.sla import outbox

log = logging.getLogger("itsm.scheduler")

#: The site the jobs run against; set by :func:`run` (job store entries hold only references
#: to the functions below, never the database URL or its password).
_site: Site | None = None


def _current() -> Site:
    assert _site is not None, "the scheduler was not started through run()"
    return _site


def sla_scan() -> None:
    """Every minute: handle every SLA threshold that has come."""
    report = scan.scan(_current())
    if report.thresholds:
        log.info(
            "SLA scan: %d tickets, %d thresholds, %d alerts, escalated %s",
            report.tickets,
            report.thresholds,
            report.alerts,
            ", ".join(report.escalated) or "none",
        )


def deliver_notifications() -> None:
    """Every minute: send queued e-mail and webhook notifications (retried with back-off)."""
    site = _current()
    report = outbox.deliver(site, channels_from(site.settings))
    if report.sent or report.failed or report.given_up:
        log.info(
            "notifications: %d sent, %d to retry, %d given up",
            report.sent,
            report.failed,
            report.given_up,
        )


def auto_close() -> None:
    """Hourly: close tickets resolved more than ``auto_close_days`` days ago."""
    closed = scan.auto_close(_current())
    if closed:
        log.info("auto-closed %d tickets: %s", len(closed), ", ".join(closed))


def kpi_reports() -> None:
    """Every 5 minutes: render and mail the monthly and weekly KPI reports that are due
    (``report_monthly_at``, ``report_weekly_at``), each period once."""
    from itsm_tui.reports.scheduled import render_due

    for path in render_due(_current()):
        log.info("KPI report rendered: %s", path)


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], None]
    trigger: Any
    description: str


#: The periodic jobs. Slots for later issues: "kpi_report" (daily reports) and
#: "inspection_rounds" (machine-room inspections) append here.
JOBS: list[Job] = [
    Job("sla_scan", sla_scan, IntervalTrigger(minutes=1), "SLA thresholds, alerts, escalation"),
    Job("notify", deliver_notifications, IntervalTrigger(minutes=1), "e-mail and webhooks"),
    Job("auto_close", auto_close, CronTrigger(minute=5), "close long-resolved tickets"),
    Job("kpi_reports", kpi_reports, IntervalTrigger(minutes=5), "monthly and weekly KPI reports"),
]

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}


def build(site: Site) -> BlockingScheduler:
    """A scheduler whose job store is the site's database, with :data:`JOBS` registered."""
    global _site
    _site = site
    scheduler = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=site.engine)},
        job_defaults=JOB_DEFAULTS,
        timezone=site.settings.zone,
    )
    now = datetime.now(scheduler.timezone)
    for job in JOBS:
        scheduler.add_job(
            job.func,
            job.trigger,
            id=job.id,
            name=job.description,
            replace_existing=True,
            # The minutely jobs run as the scheduler starts, not a minute later: alerts due
            # while it was stopped (or a new demo site's breaches) reach the inboxes at once.
            **({"next_run_time": now} if isinstance(job.trigger, IntervalTrigger) else {}),
        )
    return scheduler


def run(site: Site, *, once: bool = False) -> None:
    """Run until SIGTERM/SIGINT (``once``: run each job one time and return, for cron)."""
    if once:
        build(site)
        for job in JOBS:
            job.func()
        return
    scheduler = build(site)

    def stop(signum: int, _frame: Any) -> None:
        log.info("signal %d: stopping after the running jobs finish", signum)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler started: %s", ", ".join(j.id for j in JOBS))
    # A process that runs for weeks: out of the command's start-up thresholds, whose young
    # collections walk 100,000 objects (70-140 ms pauses), with start-up's objects frozen.
    settle_collector()
    scheduler.start()
    log.info("scheduler stopped")
