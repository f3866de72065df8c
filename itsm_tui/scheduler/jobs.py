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
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from itsm_tui.common.collector import settle_collector
from itsm_tui.scheduler.channels import channels_from
from itsm_tui.workflow import sla_scan as scan
from itsm_tui.workflow.problems import recurring
from itsm_tui.workflow.quality import surveys
from itsm_tui.workflow.site import Actor, Site
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


def recurring_incidents() -> None:
    """Hourly: suggest a problem to tier-2 supervisors for each new cluster of recurring
    incidents (``workflow.problems.recurring``)."""
    report = recurring.detect_recurring(_current())
    if report.new:
        log.info(
            "recurring incidents: %d clusters, suggested %s, %d alerts",
            report.clusters,
            ", ".join(report.new),
            report.alerts,
        )


def inspection_rounds() -> None:
    """Every minute: create the inspection rounds whose slots came (missed ones once, marked
    late) and alert supervisors about rounds past their due time and grace."""
    from itsm_tui.scheduler.cron import CRON
    from itsm_tui.workflow.inspections import schedules

    report = schedules.run_due(_current(), CRON)
    if report.created or report.alerted:
        log.info(
            "inspections: %d rounds created (%d late), overdue alerted: %s",
            len(report.created),
            report.late,
            ", ".join(report.alerted) or "none",
        )


def expire_surveys() -> None:
    """Hourly: satisfaction surveys past their window expire unanswered."""
    expired = surveys.expire_surveys(_current(), Actor.system())
    if expired:
        log.info("expired %d satisfaction surveys", expired)


def change_watch() -> None:
    """Every five minutes: alert on changes that overrun their window and on emergency
    changes the CAB has not reviewed in time."""
    from itsm_tui.workflow.changes import watch

    report = watch.watch(_current())
    if report.overruns or report.reviews_due:
        log.info(
            "changes: overrunning %s; review due %s",
            ", ".join(report.overruns) or "none",
            ", ".join(report.reviews_due) or "none",
        )


def kpi_reports() -> None:
    """Every 5 minutes: render and mail the monthly and weekly KPI reports that are due
    (``report_monthly_at``, ``report_weekly_at``), each period once."""
    from itsm_tui.reports.scheduled import render_due

    for path in render_due(_current()):
        log.info("KPI report rendered: %s", path)


def backlog_snapshots() -> None:
    """Nightly, after local midnight: the backlog at the end of each day ended since the last
    snapshot, each day once (the KPI report reads old periods' backlog from them); and the
    daily rollup of each day that has become final (the report sums them for its counts)."""
    from itsm_tui.workflow.kpi.rollups import nightly_rollups
    from itsm_tui.workflow.kpi.snapshots import nightly_snapshots

    days = nightly_snapshots(_current(), Actor.system())
    if days:
        log.info("backlog snapshots: %d days", days)
    rolled = nightly_rollups(_current(), Actor.system())
    if rolled:
        log.info("KPI rollups: %d days", rolled)


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], None]
    trigger: Any
    description: str


#: The periodic jobs.
JOBS: list[Job] = [
    Job("sla_scan", sla_scan, IntervalTrigger(minutes=1), "SLA thresholds, alerts, escalation"),
    Job("notify", deliver_notifications, IntervalTrigger(minutes=1), "e-mail and webhooks"),
    Job("auto_close", auto_close, CronTrigger(minute=5), "close long-resolved tickets"),
    Job(
        "recurring_incidents",
        recurring_incidents,
        CronTrigger(minute=20),
        "suggest problems for recurring incidents",
    ),
    Job(
        "inspection_rounds",
        inspection_rounds,
        IntervalTrigger(minutes=1),
        "inspection rounds of their slots, overdue alerts",
    ),
    Job("survey_expiry", expire_surveys, CronTrigger(minute=10), "expire unanswered surveys"),
    Job("change_watch", change_watch, IntervalTrigger(minutes=5), "change overruns, late reviews"),
    Job("kpi_reports", kpi_reports, IntervalTrigger(minutes=5), "monthly and weekly KPI reports"),
    Job(
        "backlog_snapshots",
        backlog_snapshots,
        CronTrigger(hour=0, minute=15),
        "the backlog at each local midnight, the KPI rollup of each final day",
    ),
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
    stopping: list[threading.Thread] = []

    def stop(signum: int, _frame: Any) -> None:
        if stopping:
            return  # a second signal while the running jobs finish: they are awaited already
        if scheduler.state == STATE_STOPPED:
            raise SystemExit(0)  # not started yet: nothing runs, nothing to wait for
        log.info("signal %d: stopping after the running jobs finish", signum)
        # Not in the handler itself: the signal may interrupt the scheduler's own loop (it
        # runs in this thread) while it holds a lock a finishing job needs, and waiting for
        # that job here would wait forever.
        stopping.append(threading.Thread(target=scheduler.shutdown, name="stop", daemon=False))
        stopping[0].start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler started: %s", ", ".join(j.id for j in JOBS))
    # A process that runs for weeks: out of the command's start-up thresholds, whose young
    # collections walk 100,000 objects (70-140 ms pauses), with start-up's objects frozen.
    settle_collector()
    scheduler.start()
    for thread in stopping:
        thread.join()  # the jobs that were running have finished
    log.info("scheduler stopped")
