"""Section 6, the configuration items and business services behind the most incidents, and
behind the most business minutes lost."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from itsm_tui.common.domain import TicketType
from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import ConfigurationItem, TicketCI
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import TICKET, T, Window, rows

KEY = "top_cis"
TITLE = N_("Configuration items and services")

#: How many CIs each list shows.
TOP = 10
#: The CI class of a business service (workflow.cmdb.classes).
SERVICE_CLASS = "business_service"

_L = core_table(TicketCI).c
_CI = core_table(ConfigurationItem).c


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """Incidents opened in the period, per CI they name: ``by_count`` (how many incidents) and
    ``by_minutes`` (the business minutes of their resolution clocks, summed: the time the CI's
    users were without it, as far as the SLA measured); each for every CI and for business
    services alone."""
    joined = TICKET.join(core_table(TicketCI), _L.ticket_id == T.id).join(
        core_table(ConfigurationItem), _CI.id == _L.ci_id
    )
    incidents = [window.opened(), T.type == TicketType.INCIDENT.value]
    minutes = func.coalesce(func.sum(T.resolution_elapsed_min), 0)
    base = (
        select(_CI.name, _CI.ci_class, func.count(), minutes)
        .select_from(joined)
        .where(*incidents)
        .group_by(_CI.id, _CI.name, _CI.ci_class)
    )
    found = [(name, cls, int(n), int(m)) for name, cls, n, m in rows(read, base)]
    linked = sum(n for _, _, n, _ in found)
    out: dict[str, Any] = {"incidents_with_ci": linked}
    if not detail:
        return out

    services = [r for r in found if r[1] == SERVICE_CLASS]
    out["by_count"] = [[r[0], r[2]] for r in sorted(found, key=lambda r: (-r[2], r[0]))[:TOP]]
    out["by_minutes"] = [[r[0], r[3]] for r in sorted(found, key=lambda r: (-r[3], r[0]))[:TOP]]
    out["services_by_count"] = [
        [r[0], r[2]] for r in sorted(services, key=lambda r: (-r[2], r[0]))[:TOP]
    ]
    out["services_by_minutes"] = [
        [r[0], r[3]] for r in sorted(services, key=lambda r: (-r[3], r[0]))[:TOP]
    ]
    return out
