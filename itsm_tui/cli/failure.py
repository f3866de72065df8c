"""A command that fails for a reason the workflow did not foresee — the database unreachable, a
disk full, a bug — says what failed in one line (as JSON with ``--json``) and exits 1, and the
traceback goes to a log file for whoever looks into it, never onto a script's output.

Why here and not in the workflow: refusals are the workflow's (``DomainError``); this is what is
left, seen from the command line. Database errors are recognised by their package's name, so
the command line imports no database code to tell them apart.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from itsm_tui.cli.output import complain, error_object, print_error
from itsm_tui.common.i18n import _
from itsm_tui.common.locations import APP_NAME
from itsm_tui.common.textsafe import PASSWORD_MASK, mask_passwords

_DATABASE_PACKAGES = ("sqlalchemy", "psycopg", "sqlite3")


def log_path() -> Path:
    """``$XDG_STATE_HOME/itsm-tui/itsm.log``: state, not data — it may be deleted at will."""
    from platformdirs import user_state_path

    return user_state_path(APP_NAME) / "itsm.log"


def report_failure(exc: BaseException, as_json: bool) -> None:
    """One line naming what failed and what to do; the traceback appended to the log."""
    database = type(exc).__module__.split(".")[0] in _DATABASE_PACKAGES
    lines = str(exc).strip().splitlines()
    what = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    if database:
        message = _(
            "the database could not be used ({what}); check --db or ITSM_DATABASE_URL"
        ).format(what=what)
    else:
        message = _("the command failed ({what})").format(what=what)
    logged = _log(exc)
    if logged is not None:
        message += _("; details in {logged}").format(logged=logged)
    if as_json:
        print_error(error_object("database" if database else "internal", message, None))
    else:
        complain(message)


def _log(exc: BaseException) -> Path | None:
    """Append the traceback with the time and the command; None if the log cannot be written
    (the one line still tells the user what failed).

    The log is the account's own (0600, tightened if an older one was wider), and no password
    reaches it: a database URL's, or anything given as ``--db``, is masked."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)
        with open(fd, "a", encoding="utf-8", errors="backslashreplace") as log:
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            log.write(f"{stamp} pid {os.getpid()}: {command_line(sys.argv)}\n")
            log.write(mask_passwords("".join(traceback.format_exception(exc))) + "\n")
    except OSError:
        return None
    return path


def command_line(argv: list[str]) -> str:
    """The command as typed, fit for a log: URL passwords masked, and a ``--db`` value that
    is not a URL but holds an ``@`` masked whole (a URL mistyped around its password)."""
    shown: list[str] = []
    after_db = False
    for arg in argv:
        if after_db:
            shown.append(_db_value(arg))
        elif arg.startswith("--db="):
            shown.append("--db=" + _db_value(arg.removeprefix("--db=")))
        else:
            shown.append(mask_passwords(arg))
        after_db = arg == "--db"
    return " ".join(shown)


def _db_value(value: str) -> str:
    if "://" in value:
        return mask_passwords(value)
    return PASSWORD_MASK if "@" in value else value  # a path, or a URL mangled around its password
