"""What the console's first frame imports: the dashboard and what it reads, nothing more.

Start-up time is mostly import time; these guard the modules the first frame does not need
(other screens, the CMDB, the SLA scan, Alembic) from creeping back onto that path.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import itsm_tui.workflow.tickets as tickets

#: Imported only when first used (or after the first frame, by ``ItsmApp.warm_up``).
LATER = (
    "alembic",
    "itsm_tui.console.palette",
    "itsm_tui.screens.queue",
    "itsm_tui.screens.ticket",
    "itsm_tui.screens.intake",
    "itsm_tui.screens.ci_lookup",
    "itsm_tui.workflow.cmdb",
    "itsm_tui.workflow.sla_scan",
    "itsm_tui.workflow.tickets.assignment",
    "itsm_tui.cli.tickets",  # the `itsm` sub-commands load when invoked
    "itsm_tui.cli.cmdb",
    "itsm_tui.cli.sla",
)
#: Not loaded at all by a bare ``itsm`` (``itsm_tui.launch``): the command line.
COMMAND_LINE = ("typer", "itsm_tui.cli")
#: Not loaded by the console's own process before its first frame: the database code, which a
#: forked process loads for the first read meanwhile (``itsm_tui.console.start``).
DATABASE_CODE = ("sqlalchemy", "sqlmodel", "pydantic", "itsm_tui.storage.tables")


def _loaded_after(code: str, names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` a fresh interpreter has imported after running ``code``."""
    script = f"import sys; {code}; print([m for m in {names!r} if m in sys.modules])"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return ast.literal_eval(out.strip())


def test_the_console_draws_its_first_frame_without_loading_database_code() -> None:
    code = "import itsm_tui.launch, itsm_tui.console.start, itsm_tui.console.app"
    assert _loaded_after(code, DATABASE_CODE + LATER + COMMAND_LINE) == []


def test_the_first_read_loads_only_what_the_dashboard_reads() -> None:
    code = (
        "import itsm_tui.console.start, itsm_tui.workflow.admin, itsm_tui.workflow.staff, "
        "itsm_tui.workflow.dashboard"
    )
    assert _loaded_after(code, LATER + COMMAND_LINE) == []


def test_the_command_line_still_loads_each_command_when_invoked() -> None:
    code = "import typer, itsm_tui.cli; typer.main.get_command(itsm_tui.cli.app)"
    assert _loaded_after(code, LATER) == []


def test_every_name_the_tickets_package_exports_resolves() -> None:
    assert sorted(tickets.__all__) == sorted(tickets._HOMES)
    for name in tickets.__all__:
        assert getattr(tickets, name).__module__.startswith("itsm_tui.workflow.tickets.")
