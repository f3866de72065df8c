"""Console start-up and responsiveness on a large SQLite site, beside a bare Textual app.

    python benchmarks/console_start.py --db /tmp/itsm-bench/tickets-1000000.db
    python benchmarks/console_start.py                 # builds /tmp/itsm-bench/console-100000.db
    python benchmarks/console_start.py --tickets 20000 --as agent.login
    ITSM_LANG=zh_CN python benchmarks/console_start.py --db …   # the console in Chinese
    LANG=C python benchmarks/console_start.py --db …   # the language from the staff record

Each run measures in fresh processes (a cold start: imports, engine, first paint), the bare
app and the console in turn; with ``--runs N`` every figure is the median over the runs:

- bare app: a Textual app with a Header, a Static and a Footer, from spawn to its first frame;
- dashboard: a bare ``itsm`` (``console.bare_console``, as ``itsm_tui.launch`` runs it, as the
  agent's OS account) from spawn to the first frame with the dashboard's counts in it;
- queue: from pressing the All open queue's key (``6``) to its first frame with its rows;
- next page: from the key press that moves the cursor into the loaded window's last half-page
  (which fetches the next page) to the first frame with that page in the table;
- jump to the end, re-sort: from the key press to the first frame with the new rows;
- ticket: from Enter to the first frame of the ticket screen with its fields and timeline;
- peak RSS of the console process (and, apart, of the process a bare ``itsm`` forks to read
  the first figures while Textual loads; it is gone within the first second).

"A frame" is timed where Textual hands a composed screen update to its driver
(``App._display``, called in headless mode too), so the figures hold no polling delay, no
``pilot.pause()`` and no waiting for the process to go idle.

Targets: dashboard within 0.5 s of the bare app, next page < 50 ms, ticket < 100 ms,
RSS < 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCH_DIR = Path("/tmp/itsm-bench")


class Frames:
    """Times the first frame an app composes once a condition holds.

    Wraps ``App._display``, which each screen refresh calls with the composed update (it only
    skips the terminal write when headless). The condition is checked right after the frame
    was composed, from the same widget state, so "true at that frame" means "painted in it".
    """

    def __init__(self, app: Any) -> None:
        self.ready: Callable[[], bool] | None = None
        self.at: float | None = None  # perf_counter of the frame
        self.wall: float | None = None  # time.time() of the frame, for the parent process
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count or self.at is not None:
                return
            if self.ready is not None and self.ready():
                self.at, self.wall = time.perf_counter(), time.time()

        app._display = display

    def expect(self, ready: Callable[[], bool]) -> None:
        self.ready, self.at, self.wall = ready, None, None

    async def wait(self, timeout: float = 60.0) -> float:
        """Wait for the frame; its perf_counter time."""
        deadline = time.perf_counter() + timeout
        while self.at is None:
            if time.perf_counter() > deadline:
                raise TimeoutError("the console did not get there in time")
            await asyncio.sleep(0.001)
        self.ready = None
        return self.at

    async def after(self, pilot: Any, keys: tuple[str, ...], ready: Callable[[], bool]) -> float:
        """Milliseconds from pressing ``keys`` to the first frame where ``ready()`` holds."""
        await pilot.pause()  # start from a settled screen
        self.expect(ready)
        start = time.perf_counter()
        await pilot.press(*keys)
        return (await self.wait() - start) * 1000


def child_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("hello")
            yield Footer()

    app = Bare()
    frames = Frames(app)
    frames.expect(lambda: True)

    async def main() -> None:
        async with app.run_test(size=(120, 40)):
            await frames.wait()
            print(f"READY {frames.wall!r}", flush=True)

    asyncio.run(main())


def child_console(url: str, login: str) -> None:
    # As a bare `itsm` opens it (``itsm_tui.launch``), run by ``login``'s OS account: the
    # first read forked off, Textual loaded meanwhile. Only the account is stood in for.
    import pwd
    from types import SimpleNamespace

    pwd.getpwuid = lambda uid: SimpleNamespace(pw_name=login)  # type: ignore[assignment]
    from itsm_tui.common.config import Settings
    from itsm_tui.console import start
    from itsm_tui.console.start import bare_console

    figures: dict[str, Any] = {"as": login}
    # How long the start waits for the staff record's language once Textual is loaded (only
    # when ITSM_LANG and the settings file name none): the cost of applying it before the
    # screens are imported.
    read_language = start.FirstRead.language

    def timed_language(self: Any) -> str | None:
        began = time.perf_counter()
        found = read_language(self)
        figures["language_wait_ms"] = (time.perf_counter() - began) * 1000
        return found

    start.FirstRead.language = timed_language  # type: ignore[method-assign]
    app, first = bare_console(Settings(database_url=url))
    frames = Frames(app)
    frames.expect(lambda: getattr(app.screen, "board", None) is not None)
    arrivals: list[tuple[str, str | None]] = []  # (where, sort) of each page the table took

    def watch(table: Any) -> None:
        arrived = table._arrived

        def recorded(where: str, page: Any) -> None:
            arrived(where, page)
            arrivals.append((where, getattr(table.fetch, "keywords", {}).get("sort")))

        table._arrived = recorded  # type: ignore[method-assign]

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await frames.wait()
            print(f"READY {frames.wall!r}", flush=True)
            # Only now: the console itself need not have imported them for the dashboard.
            from itsm_tui.screens.queue import QueueScreen
            from itsm_tui.widgets.ticket_table import PAGE, TicketTable

            def queue_shown() -> bool:
                screen = app.screen
                return isinstance(screen, QueueScreen) and bool(screen.query_one(TicketTable).rows)

            from itsm_tui.console.keymap import keys_of

            open_queue = keys_of("queue-open")  # "o" opens the highlighted row now
            figures["queue_ms"] = await frames.after(pilot, (open_queue,), queue_shown)
            table = app.screen.query_one(TicketTable)
            watch(table)
            samples = []
            for _ in range(10):
                if table.at_end:
                    break
                await pilot.pause()
                # One row short of the prefetch zone; the press below crosses into it.
                table.cursor = len(table.rows) - PAGE // 2 - 1
                last = table.rows[-1].id
                samples.append(
                    await frames.after(
                        pilot, ("down",), lambda last=last: table.rows[-1].id != last
                    )
                )
            figures["next_page_ms"] = sorted(samples)[len(samples) // 2]
            figures["next_page_max_ms"] = max(samples)
            figures["jump_to_end_ms"] = await frames.after(
                pilot, ("end",), lambda: table.at_end and table.cursor == len(table.rows) - 1
            )
            # newest → oldest, then time oldest → priority: one key press (two in one
            # pilot.press would count Pilot's wait for idle between them).
            await frames.after(
                pilot, ("s",), lambda: bool(arrivals) and arrivals[-1] == ("first", "oldest")
            )
            figures["resort_ms"] = await frames.after(
                pilot, ("s",), lambda: bool(arrivals) and arrivals[-1] == ("first", "priority")
            )
            figures["ticket_ms"] = await frames.after(
                pilot, ("enter",), lambda: getattr(app.screen, "detail", None) is not None
            )
        figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        first.finish()  # the forked first read, long over: its own peak, reaped
        figures["reader_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    asyncio.run(main())
    print("FIGURES " + json.dumps(figures), flush=True)


def spawn(*args: str) -> tuple[float, dict[str, Any]]:
    """Run this script as a child; seconds from spawn to its first frame of interest (the
    child reports that frame's wall-clock time), and its figures."""
    start = time.time()
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    ready = 0.0
    figures: dict[str, Any] = {}
    for line in proc.stdout:
        if line.startswith("READY ") and not ready:
            ready = float(line.split()[1]) - start
        elif line.startswith("FIGURES "):
            figures = json.loads(line[8:])
    if proc.wait() != 0:
        raise SystemExit(f"child {args} failed")
    return ready, figures


def first_agent(url: str) -> str:
    """The login the console runs as when ``--as`` is not given: the first agent."""
    from itsm_tui.common.config import Settings
    from itsm_tui.workflow.site import Actor, Site
    from itsm_tui.workflow.staff import list_staff

    site = Site.open(Settings(database_url=url))
    try:
        return next(s.login for s in list_staff(site, Actor.system()) if "agent" in s.roles)
    finally:
        site.close()


def build(tickets: int) -> str:
    from sqlmodel import Session, func, select

    from itsm_tui.storage.engine import make_engine
    from itsm_tui.storage.tables import Ticket
    from itsm_tui.workflow.admin import initialise
    from itsm_tui.workflow.demo import load_demo
    from itsm_tui.workflow.site import Actor, Site

    BENCH_DIR.mkdir(exist_ok=True)
    url = f"sqlite:///{BENCH_DIR / f'console-{tickets}.db'}"
    site = Site(make_engine(url))
    try:
        with Session(site.engine) as s:
            have = s.exec(select(func.count()).select_from(Ticket)).one()
    except Exception:
        have = -1
    if have < tickets:
        print(f"loading {tickets:,} demo tickets into {url} …", flush=True)
        start = time.perf_counter()
        admin = initialise(site, "bench", "Benchmark")
        load_demo(site, Actor(admin.id, admin.login, "", 3, frozenset()), tickets=tickets)
        print(f"  loaded in {time.perf_counter() - start:.0f} s")
    site.close()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="an SQLite file or URL holding a loaded site")
    parser.add_argument("--tickets", type=int, default=100_000, help="size to build without --db")
    parser.add_argument("--as", dest="login", help="the agent to run as (default: the first)")
    parser.add_argument("--runs", type=int, default=1, help="repeat; report each figure's median")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "bare":
        return child_bare()
    if args.child == "console":
        return child_console(args.db, args.login)
    if args.db:
        url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    else:
        url = build(args.tickets)
    spawn("--child", "bare")  # warm the OS file cache for both, so neither pays it alone
    extra = ["--as", args.login or first_agent(url)]
    runs: list[dict[str, Any]] = []
    for _ in range(args.runs):  # the bare app and the console in turn, under the same load
        bare, _ = spawn("--child", "bare")
        dashboard, figures = spawn("--child", "console", "--db", url, *extra)
        runs.append({**figures, "bare_ms": bare * 1000, "dashboard_ms": dashboard * 1000})
        runs[-1]["over_bare_ms"] = runs[-1]["dashboard_ms"] - runs[-1]["bare_ms"]

    def median(key: str) -> float:
        values = sorted(run.get(key, 0.0) for run in runs)  # 0: not waited (ITSM_LANG)
        return values[len(values) // 2]

    bare_ms = median("bare_ms")
    print(f"database: {url}   (as {runs[0]['as']}; median of {len(runs)} run(s))")
    rows = [
        ("bare Textual app, first paint", bare_ms, None),
        ("dashboard painted (cold start)", median("dashboard_ms"), bare_ms + 500),
        ("  … minus the bare app", median("over_bare_ms"), 500),
        ("All open queue painted", median("queue_ms"), None),
        ("next page (median of 10)", median("next_page_ms"), 50),
        ("next page (worst)", median("next_page_max_ms"), None),
        ("jump to the end", median("jump_to_end_ms"), None),
        ("re-sort by priority", median("resort_ms"), None),
        ("open a ticket", median("ticket_ms"), 100),
        *(
            [("waited for the staff record's language", median("language_wait_ms"), None)]
            if any("language_wait_ms" in run for run in runs)  # absent: ITSM_LANG decided
            else []
        ),
        ("peak RSS (MB)", median("rss_mb"), 200),
        ("  first-read process, peak RSS (MB)", median("reader_rss_mb"), None),
    ]
    for name, value, target in rows:
        unit = "" if "RSS" in name else " ms"
        mark = (
            "" if target is None else ("  ok" if value <= target else "  OVER") + f" (< {target:g})"
        )
        print(f"  {name:<34}{value:10.1f}{unit}{mark}")
    each = ", ".join(f"{run['bare_ms']:.0f}" for run in runs)
    print(f"  (the bare app in each run: {each} ms)")


if __name__ == "__main__":
    main()
