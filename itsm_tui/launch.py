"""The ``itsm`` command's entry point: a bare ``itsm`` opens the console without loading the
command-line framework.

Why: operators type ``itsm`` and nothing else many times a day, and Typer with every command
definition costs ~60 ms of a console start budgeted at half a second. Anything else — an
argument, a first run that must create the database, a schema to upgrade, an OS account that
is not staff, a database that cannot be reached — goes to the full command line
(``itsm_tui.cli``), which does the set-up or reports the refusal with its usual message and
exit code.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from itsm_tui.common.config import Settings


#: The collector's thresholds for a command run (see :func:`main`).
COMMAND_GC_THRESHOLDS = (100_000, 50, 50)
def main() -> None:
    from itsm_tui.common import i18n

    # The language first: the console's modules read their key labels when imported, and the
    # command line's help is written when its commands are defined.
    i18n.install_configured()
    if len(sys.argv) == 1:
        from itsm_tui.common.config import Settings
        from itsm_tui.common.errors import DomainError

        try:
            settings = Settings()
        except DomainError:  # a bad ITSM_* variable: the command line says which
            settings = None
        if settings is not None and open_ready_console(settings):
            return
    # A command is a short process that loads some 75,000 tracked objects (SQLAlchemy,
    # pydantic, the tables) and frees few: with the default thresholds (700, 10, 10) the
    # collector walked them again and again while they loaded — 15-20 ms of a command's ~450
    # (benchmarks/cli_start.py). Young collections every 100,000 allocations still clear real
    # cycles, and a bulk import or the scheduler is no worse off for it.
    gc.set_threshold(*COMMAND_GC_THRESHOLDS)
    from itsm_tui.cli import main as command_line

    command_line()


def open_ready_console(settings: Settings) -> bool:
    """Run the console if the database is ready and the operator known; False (nothing shown)
    otherwise, for the command line to handle."""
    from itsm_tui.console.start import bare_console

    app, first = bare_console(settings)
    try:
        app.run()
    finally:
        gc.enable()
        first.finish()
        app.site.close()
    return not app.refused
