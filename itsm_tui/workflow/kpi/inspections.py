"""Section 8, inspections: a place kept for it. Its data does not exist yet, so the section
says so in one line instead of drawing an empty chart; when the feature lands, this module
gets its query and the report shows it without other changes."""

from __future__ import annotations

from typing import Any

from itsm_tui.common.i18n import N_
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import Window

KEY = "inspections"
TITLE = N_("Inspections")
#: Shown in place of the section while the site has no such data.
MISSING = N_("No inspection rounds exist yet.")


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """Nothing to measure yet: available is false."""
    return {"available": False}
