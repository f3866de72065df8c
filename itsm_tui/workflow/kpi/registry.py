"""The report's sections in their printed order: each a module with ``KEY``, ``TITLE`` and
``compute(read, window, detail)``, so a site can leave any out (``--sections``) and a new one
is a module and a line here."""

from __future__ import annotations

from types import ModuleType

from itsm_tui.workflow.kpi import (
    backlog,
    first_line,
    inspections,
    satisfaction,
    scorecards,
    sla,
    times,
    top_cis,
    volume,
)

#: The one-page summary at the front; it reads the headline figures of the sections below.
SUMMARY = "summary"

SECTIONS: dict[str, ModuleType] = {
    m.KEY: m
    for m in (
        volume,
        first_line,
        times,
        sla,
        backlog,
        top_cis,
        satisfaction,
        inspections,
        scorecards,
    )
}

#: Every section name ``--sections`` accepts, in the printed order.
NAMES: tuple[str, ...] = (SUMMARY, *SECTIONS)
