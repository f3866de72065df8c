"""What the console does when a background read or write fails: one handler, for every worker.

Every database call the console makes runs in a thread worker, off the UI thread. Textual's
default for a worker that raises is to close the app; ``exit_on_error=False`` alone drops the
error, and the screen keeps saying "loading …" forever. Neither is acceptable at a service
desk, so no worker is declared with a bare ``@work``: each is declared with :func:`background`,
which names what it does and what the operator can do when it fails, and each node that runs
one (screens, widgets, the app) mixes in :class:`ReportsFailures`, whose one handler of
``Worker.StateChanged`` (state ``ERROR``) reports every failure the same way:

- a refusal (``DomainError``) keeps the workflow's own sentence ("INC000999 not found …");
  it is an answer, not a fault, and is not logged;
- anything else — the database unreachable, a bug — is logged with its traceback to
  ``console.log`` under the XDG state folder, in the worker's thread as it fails (so it is
  kept even if the screen closed meanwhile), and the operator reads one line: what failed,
  why, and what to do ("Could not load the queue: database unreachable (…) — Refresh retries").

The node then shows the same line where its data would have been (:meth:`ReportsFailures.
show_failure`), so no placeholder waits for a result that will not come, and the screen stays
usable: retrying is the key that loaded it in the first place.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar, cast
from weakref import WeakKeyDictionary

from textual import work
from textual.worker import Worker, WorkerState

from itsm_tui.common.errors import DomainError
from itsm_tui.common.i18n import _
from itsm_tui.common.locations import console_log_path
from itsm_tui.common.textsafe import mask_passwords

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

P = ParamSpec("P")
R = TypeVar("R")

#: PEP 249's names for errors in the database's operation (the server or the file cannot be
#: reached, the connection dropped) and in the driver's connection to it. Every driver and
#: SQLAlchemy name their classes so; the console recognises them by name because the layering
#: keeps database code out of it.
UNREACHABLE = frozenset({"OperationalError", "InterfaceError", "DisconnectionError"})
#: The same standard's name for every other error the database reported.
DATABASE = frozenset({"DatabaseError", "DBAPIError"})
#: How long a failure's notification stays up. The same failure again meanwhile (a poll every
#: 3 s while the database is down, a key pressed twice) is not stacked under it: the one on
#: screen says it, and the placeholder and the log record each time.
NOTICE_SECONDS = 10.0
#: The log keeps ~4 MB at most: a console left polling a dead database for a weekend must
#: not fill the disk.
LOG_BYTES, LOG_BACKUPS = 1_000_000, 3

_log = logging.getLogger("itsm_tui.console")
_log.propagate = False  # the console owns the terminal: nothing may print over its screen
_log_lock = threading.Lock()
_notified: WeakKeyDictionary[App[Any], dict[str, float]] = WeakKeyDictionary()


class Failed(Exception):
    """A worker's failure as the operator reads it; raised from the worker in place of the
    error (its ``__cause__``), which is already in the log."""

    def __init__(
        self,
        what: str,
        retry: str,
        error: BaseException,
        values: Mapping[str, object] | None = None,
    ) -> None:
        # ``what`` and ``retry`` are the English msgids the call site marked with ``N_``:
        # translated here, when the failure is shown, in the language then in force.
        self.what, self.retry = what, retry
        doing, then = _(what), _(retry)
        if values:
            doing, then = doing.format(**values), then.format(**values)
        why = describe(error)
        self.message = (
            _("Could not {what}: {why} — {retry}.").format(what=doing, why=why, retry=then)
            if retry
            else _("Could not {what}: {why}.").format(what=doing, why=why)
        )
        super().__init__(self.message)


def describe(error: BaseException) -> str:
    """Why it failed, in a few words and the database's own first line."""
    detail = _first_line(getattr(error, "orig", None) or error)
    names = {cls.__name__ for cls in type(error).__mro__}
    if names & UNREACHABLE:
        return _("database unreachable ({detail})").format(detail=detail)
    if names & DATABASE:
        return _("database error ({detail})").format(detail=detail)
    return _("unexpected {name} ({detail})").format(name=type(error).__name__, detail=detail)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    line = lines[0] if lines else type(error).__name__
    return line if len(line) <= 120 else line[:119] + "…"


def log_failure(what: str, error: BaseException) -> Path | None:
    """Append ``error``'s traceback to the console log; the log's path, or None if it could
    not be written (a full disk must not turn one failure into two)."""
    try:
        path = console_log_path()
        with _log_lock:
            _log_to(path)
            _log.error("could not %s", what, exc_info=error)
    except OSError:
        return None
    return path


def _log_to(path: Path) -> None:
    """Point the log at ``path`` (the state folder can move: ``XDG_STATE_HOME``, tests)."""
    from logging.handlers import RotatingFileHandler  # only once something failed

    for old in list(_log.handlers):
        if isinstance(old, RotatingFileHandler) and old.baseFilename == str(path):
            return
        _log.removeHandler(old)
        old.close()

    handler = _private_log(path)
    handler.setFormatter(_Masked("%(asctime)s %(levelname)s %(message)s"))
    _log.addHandler(handler)


def _private_log(path: Path) -> logging.Handler:
    """A rotating handler whose every file is the account's own (0600): the first, an older
    wider one, and each one after a rollover."""
    from logging.handlers import RotatingFileHandler

    class Private(RotatingFileHandler):
        def _open(self) -> Any:
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.fchmod(fd, 0o600)
            return open(fd, "a", encoding=self.encoding, errors=self.errors)

    return Private(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")


class _Masked(logging.Formatter):
    """A database URL's password never reaches the log (a driver's message may quote it)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_passwords(super().format(record))


class WorkerMethod(Protocol):
    """What :func:`background` returns: a decorator keeping the method's signature."""

    def __call__(self, method: Callable[P, R], /) -> Callable[P, Worker[R]]: ...


def background(
    what: str | Callable[..., str],
    *,
    retry: str,
    group: str = "default",
    values: Mapping[str, object] | None = None,
) -> WorkerMethod:
    """Run the decorated method in an exclusive thread worker (one per ``group`` and node)
    whose failure is logged and reported (see the module's docstring).

    ``what``: what the worker does, as in "Could not …" — or a function of the method's
    arguments that says it ("claim INC000123"). ``retry``: what the operator can do. Both are
    English marked with ``N_`` at the call site and translated when a failure is shown, so the
    report follows the language in force; ``values`` are formatted into both after translating
    (``retry=N_("retrying every {seconds} s")``, ``values={"seconds": 3}``).
    """

    def decorate(method: Callable[P, R]) -> Callable[P, Worker[R]]:
        @wraps(method)
        def reported(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(*args, **kwargs)
            except DomainError:
                raise
            except Exception as error:
                doing = what if isinstance(what, str) else what(*args, **kwargs)
                log_failure(doing, error)
                raise Failed(doing, retry, error, values) from error

        name = what if isinstance(what, str) else method.__name__
        return work(
            reported, thread=True, exclusive=True, exit_on_error=False, group=group, name=name
        )

    return decorate


class ReportsFailures:
    """Mixed into every node that runs :func:`background` workers: reports their failures."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is WorkerState.ERROR and worker.error and not worker.is_cancelled:
            # A cancelled worker was superseded (a newer search, a reload): its successor
            # reports for it.
            report(cast("DOMNode", self), worker.error, worker.name)

    def show_failure(self, message: str, what: str) -> None:
        """Show ``message`` where the data would have been (``what``: the failed worker's
        name, what :func:`background` was told it does); the notification is the default."""


def report(node: DOMNode, error: BaseException, what: str) -> None:
    """The one place a failed worker is shown: a notification and the node's placeholder."""
    if isinstance(error, DomainError):
        message = error.text()
    elif isinstance(error, Failed):
        message = error.message
    else:  # a worker declared without ``background``: say it all the same
        message = _("Could not finish: {why}.").format(why=describe(error))
        log_failure("finish a background task", error)
    app = node.app
    if isinstance(error, DomainError):  # each refusal answers a key the operator pressed
        app.notify(message, title=_("Refused"), severity="error", timeout=8, markup=False)
    elif _first_time(app, message):
        title = _("Error · details in {log}").format(log=_log_shown())
        app.notify(message, title=title, severity="error", timeout=NOTICE_SECONDS, markup=False)
    if isinstance(node, ReportsFailures):
        node.show_failure(message, what)


def _first_time(app: App[Any], message: str) -> bool:
    now = time.monotonic()
    shown = _notified.setdefault(app, {})
    if now - shown.get(message, -NOTICE_SECONDS) < NOTICE_SECONDS:
        return False
    shown[message] = now
    return True


def _log_shown() -> str:
    """The log's path as the operator would type it (``~/.local/state/itsm-tui/console.log``)."""
    try:
        path = console_log_path()
    except OSError:
        return _("the console log (not writable)")
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)
