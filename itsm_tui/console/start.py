"""Opening the console with its first figures read while Textual loads.

Why here, apart from ``app``: this module imports neither Textual nor any database code.
Start-up time is import time — SQLAlchemy, SQLModel with pydantic and the table classes cost
~0.3 s, Textual and the dashboard ~0.2 s — and one interpreter runs imports one at a time.
So a bare ``itsm`` (:func:`bare_console`) forks: the child process loads the database code,
checks the schema, finds the operator and reads the dashboard, and sends each result back
through a pipe as soon as it has it, while this process loads Textual on the other core. The
console's own database code is loaded after its first frame (``ItsmApp.warm_up``) and opens
its own engine then; the child is gone by that time.

The operator's own language (``staff.language``) must be in force before any screen module
is imported (Textual reads ``BINDINGS`` and ``TITLE`` at import), so the child reads it first,
with the database driver alone (``workflow.operator.keyboard_language``, a few ms), and this
process loads Textual itself meanwhile: by the time it needs the language to import the
screens, it is there, and the first frame waits for nothing it did not wait for before.

The results are plain values (``Actor``, ``workflow.dashboard_view.Dashboard``), defined in
modules without database code, so unpickling them here loads none. Where there is no
``fork`` (Windows) or it fails, the same read runs in a thread instead and overlaps only its
time in the database. :func:`console` is the command line's way in (``itsm --db URL``), with the
operator already known.
"""

from __future__ import annotations

import gc
import importlib
import os
import pickle
import signal
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, BinaryIO

from itsm_tui.common.config import Settings
from itsm_tui.console.sizes import ALERTS_SHOWN, PAGE
from itsm_tui.console.terminal import prefer_full_colour
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.console.app import ItsmApp
    from itsm_tui.workflow.dashboard_view import Dashboard


class FirstRead:
    """What the console needs before and in its first frame, as it arrives: the operator
    (None: the console cannot open on its own — no database yet, a schema to upgrade, an
    account that is not staff, a database that cannot be reached) and the dashboard (None:
    the screen reads it again itself, and reports any refusal as usual)."""

    def __init__(self) -> None:
        self._language: Future[str | None] = Future()
        self._actor: Future[Actor | None] = Future()
        self.board: Future[Dashboard | None] = Future()
        self._reader: threading.Thread | None = None
        self._child: int | None = None

    def actor(self) -> Actor | None:
        """The operator; waits for the check (this runs before the console takes the screen)."""
        return self._actor.result()

    def language(self) -> str | None:
        """The language the operator keeps in their staff record (None: none, or it could not
        be read); waits for it (a few ms into the read, before the database code loads)."""
        return self._language.result()

    def deliver(self, kind: str, value: Any) -> None:
        """Record a result; the first one of each kind counts."""
        futures: dict[str, Future[Any]] = {
            "language": self._language,
            "actor": self._actor,
            "board": self.board,
        }
        future = futures.get(kind)
        if future is not None and not future.done():
            future.set_result(value)

    def finish(self, timeout: float = 5.0) -> None:
        """Wait for the read to be over (the child reaped); a child still busy after
        ``timeout`` (a database that stopped answering) is killed. For the console's exit:
        the read is long over by then, unless the console closed at once."""
        if self._reader is None:
            return
        self._reader.join(timeout)
        if self._reader.is_alive() and self._child is not None:
            os.kill(self._child, signal.SIGKILL)
            self._reader.join()

    def end(self) -> None:
        """Whatever did not arrive is None (the reader failed or stopped early)."""
        for future in (self._language, self._actor, self.board):
            if not future.done():
                future.set_result(None)


def read_first(settings: Settings, as_login: str | None, deliver: Any) -> None:
    """Read the operator's stored language, check the schema, find the operator, read the
    dashboard; ``deliver(kind, value)`` each as soon as it is known. Any failure delivers
    None, for the caller to handle as it would without this read (the command line reports
    it with its usual message)."""
    site = None
    try:
        from itsm_tui.workflow.operator import keyboard_language

        deliver("language", keyboard_language(settings))  # before the database code loads
        from itsm_tui.common.errors import DomainError
        from itsm_tui.workflow.opening import open_database
        from itsm_tui.workflow.staff import resolve_actor

        site = Site.open(settings)
        try:
            # Creates nothing, and refuses an older or newer schema: the command line then
            # sets up a first run, or says what to do.
            open_database(site)
            actor = resolve_actor(site, as_login)
        except DomainError:
            actor = None
        deliver("actor", actor)
        if actor is not None:
            deliver("board", _board(site, actor))
    except Exception:  # any failure: whoever reads next reports it
        deliver("language", None)
        deliver("actor", None)
    finally:
        if site is not None:
            site.close()


def _board(site: Site, actor: Actor) -> Dashboard | None:
    from itsm_tui.workflow.dashboard import dashboard

    try:
        return dashboard(site, actor, mine=PAGE, alerts=ALERTS_SHOWN)
    except Exception:  # the screen reads again and shows the refusal
        return None


def start_first_read(settings: Settings, as_login: str | None = None) -> FirstRead:
    """Start :func:`read_first` in a child process (a thread where there is no ``fork``)."""
    first = FirstRead()

    def in_thread() -> FirstRead:
        first._reader = _in_thread(lambda: read_first(settings, as_login, first.deliver), first)
        return first

    if not hasattr(os, "fork"):
        return in_thread()
    receive, send = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to spare (a ulimit): read in a thread instead
        os.close(receive)
        os.close(send)
        return in_thread()
    if pid == 0:  # the child: read, send, and leave without running the parent's exit code
        # A life of half a second: the cyclic collector's passes over the objects that the
        # imports create cost ~10 % of it, and nothing here outlives it.
        gc.disable()
        try:
            os.close(receive)
            with os.fdopen(send, "wb") as out:

                def post(kind: str, value: Any) -> None:
                    pickle.dump((kind, value), out, pickle.HIGHEST_PROTOCOL)
                    out.flush()

                read_first(settings, as_login, post)
        finally:
            os._exit(0)
    os.close(send)
    first._child = pid
    first._reader = _in_thread(lambda: _receive(os.fdopen(receive, "rb"), pid, first), first)
    return first


def _receive(pipe: BinaryIO, pid: int, first: FirstRead) -> None:
    with pipe:
        try:
            while True:
                first.deliver(*pickle.load(pipe))
        except EOFError:
            pass
    os.waitpid(pid, 0)


def _in_thread(target: Any, first: FirstRead) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            first.end()

    thread = threading.Thread(target=run, name="first-read", daemon=True)
    thread.start()
    return thread


def install_language(first: FirstRead | None = None) -> None:
    """The operator's language (``common.i18n``), unless one is in force already (the
    command line installs it when it starts, and applies the staff record once it knows the
    operator); with ``first``, the staff record's, when ``ITSM_LANG`` and the settings file
    name none (``i18n.prefer``).

    Textual itself is imported while the read finds the record: its modules hold no text of
    ours, and it is what this process would load next anyway, so the wait is hidden in it."""
    from itsm_tui.common import i18n

    if not i18n.installed:
        i18n.install_configured()
    if first is not None and not i18n.decided:
        for name in TEXTUAL_FIRST:
            importlib.import_module(name)
        widgets = importlib.import_module("textual.widgets")
        for widget in TEXTUAL_WIDGETS_FIRST:
            getattr(widgets, widget)  # ``textual.widgets`` loads each one when first named
        i18n.prefer(first.language())


#: Textual's modules the first frame needs, imported while the operator's language is read
#: (none of them holds a label of ours).
TEXTUAL_FIRST = (
    "textual.app",
    "textual.binding",
    "textual.command",
    "textual.screen",
    "textual.containers",
)
#: The widgets the dashboard shows.
TEXTUAL_WIDGETS_FIRST = ("DataTable", "Footer", "Header", "Label", "Static")


def bare_console(settings: Settings) -> tuple[ItsmApp, FirstRead]:
    """What a bare ``itsm`` runs: the first read started (the child on the other core at
    once), then the console; ``first.finish()`` once the console has closed."""
    # Until the first frame, everything created lives as long as the console: no use in the
    # cyclic collector walking it every few hundred allocations. The app freezes it all and
    # turns the collector back on when it mounts (the caller does, if it never mounts).
    gc.disable()
    first = start_first_read(settings)
    prefer_full_colour()  # before Textual is imported: it reads the colour system once
    install_language(first)  # before the console's modules: their bindings are read at import
    from itsm_tui.console.app import ItsmApp  # meanwhile, the child loads the database code

    # The app learns who the operator is as it loads, before it takes the terminal; when it
    # cannot (``app.refused`` after ``run()``), it shows nothing and the command line must
    # handle this start.
    return ItsmApp(Site.later(settings), first.actor, first_board=first.board), first


def console(site: Site, actor: Actor) -> ItsmApp:
    """The console app for ``actor``, its first dashboard read started before Textual loads."""
    prefer_full_colour()
    install_language()
    first = FirstRead()
    first.deliver("actor", actor)
    _in_thread(lambda: first.deliver("board", _board(site, actor)), first)
    from itsm_tui.console.app import ItsmApp

    return ItsmApp(site, actor, first_board=first.board)
