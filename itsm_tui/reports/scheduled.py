"""The scheduler's KPI reports: claim the periods due, render each into the reports folder,
and mark it rendered — which queues its mail to the supervisors — exactly once per period."""

from __future__ import annotations

from pathlib import Path

from itsm_tui.reports.files import report_path, write_atomically
from itsm_tui.reports.render import render_html
from itsm_tui.workflow.kpi import stored
from itsm_tui.workflow.kpi.periods import parse_period
from itsm_tui.workflow.kpi.report import kpi_report
from itsm_tui.workflow.site import Actor, Site


def render_due(site: Site) -> list[Path]:
    """Render every scheduled report that is due and not rendered yet; the files written."""
    written = []
    for claim in stored.claim_due(site):
        data = kpi_report(site, Actor.system(), parse_period(claim.period_key)).to_json()
        path = report_path(site.settings.reports_path, claim.period_key, claim.schedule.value)
        write_atomically(path, render_html(data).encode("utf-8"))
        if stored.finish_scheduled(site, claim.report_id, str(path)):
            written.append(path)
    return written
