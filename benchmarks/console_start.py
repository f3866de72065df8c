"""Console start-up and responsiveness on a large SQLite site, beside a bare Textual app.

    python benchmarks/console_start.py --db /tmp/itsm-bench/tickets-1000000.db
    python benchmarks/console_start.py                 # builds /tmp/itsm-bench/console-100000.db
    python benchmarks/console_start.py --tickets 20000 --as agent.login

Each figure is measured in a fresh process (a cold start: imports, engine, first paint):

- bare app: a Textual app with a Header and a Static, from spawn to its first paint;
- dashboard: ``itsm``'s console from spawn to the dashboard painted with its counts;
- queue: from pressing "o" to the All open queue painted;
- next page: from the cursor reaching the loaded window's edge to the next page in it;
- ticket: from Enter to the ticket screen painted with its fields and timeline;
- peak RSS of the console process.

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


async def _until(pilot: Any, ready: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not ready():
        if time.perf_counter() > deadline:
            raise TimeoutError("the console did not get there in time")
        await pilot.pause(0.002)
    await pilot.pause()  # one more refresh: painted


def child_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("hello")
            yield Footer()

    async def main() -> None:
        async with Bare().run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            print("READY", flush=True)

    asyncio.run(main())


def child_console(url: str, login: str | None) -> None:
    from itsm_tui.app import ItsmApp
    from itsm_tui.config import Settings
    from itsm_tui.screens.queue import QueueScreen
    from itsm_tui.widgets.ticket_table import TicketTable
    from itsm_tui.workflow.context import Actor, Site
    from itsm_tui.workflow.staff import list_staff

    site = Site.open(Settings(database_url=url))
    system = Actor.system()
    staff = [s for s in list_staff(site, system) if "agent" in s.roles]
    me = next((s for s in staff if s.login == login), staff[0])
    actor = Actor(me.id, me.login, me.display_name, me.tier, frozenset())
    app = ItsmApp(site, actor)
    figures: dict[str, Any] = {"as": me.login}

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await _until(pilot, lambda: getattr(app.screen, "board", None) is not None)
            print("READY", flush=True)
            start = time.perf_counter()
            await pilot.press("o")
            await _until(
                pilot,
                lambda: (
                    isinstance(app.screen, QueueScreen)
                    and bool(app.screen.query_one(TicketTable).rows)
                ),
            )
            figures["queue_ms"] = (time.perf_counter() - start) * 1000
            table = app.screen.query_one(TicketTable)
            samples = []
            for _ in range(10):
                have = len(table.rows)
                last = table.rows[-1].id
                start = time.perf_counter()
                table.cursor = len(table.rows) - 1  # at the edge: the next page is fetched
                await _until(pilot, lambda last=last: table.rows[-1].id != last or table.at_end)
                samples.append((time.perf_counter() - start) * 1000)
                if table.at_end and len(table.rows) == have:
                    break
            figures["next_page_ms"] = sorted(samples)[len(samples) // 2]
            figures["next_page_max_ms"] = max(samples)
            start = time.perf_counter()
            await pilot.press("end")
            await _until(pilot, lambda: table.at_end and table.cursor == len(table.rows) - 1)
            figures["jump_to_end_ms"] = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            await pilot.press("s", "s")  # re-sort by priority
            await _until(
                pilot,
                lambda: (
                    app.screen.sort == "priority"
                    and bool(table.rows)
                    and not any(w.is_running for w in app.workers)
                ),
            )
            figures["resort_ms"] = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            await pilot.press("enter")
            await _until(pilot, lambda: getattr(app.screen, "detail", None) is not None)
            figures["ticket_ms"] = (time.perf_counter() - start) * 1000
        figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    asyncio.run(main())
    print("FIGURES " + json.dumps(figures), flush=True)


def spawn(*args: str) -> tuple[float, dict[str, Any]]:
    """Run this script as a child; seconds from spawn to READY, and its figures."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    ready = 0.0
    figures: dict[str, Any] = {}
    for line in proc.stdout:
        if line.startswith("READY") and not ready:
            ready = time.perf_counter() - start
        elif line.startswith("FIGURES "):
            figures = json.loads(line[8:])
    if proc.wait() != 0:
        raise SystemExit(f"child {args} failed")
    return ready, figures


def build(tickets: int) -> str:
    from sqlmodel import Session, func, select

    from itsm_tui.storage.engine import make_engine
    from itsm_tui.storage.tables import Ticket
    from itsm_tui.workflow.admin import initialise
    from itsm_tui.workflow.context import Actor, Site
    from itsm_tui.workflow.demo import load_demo

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
    bare, _ = spawn("--child", "bare")
    extra = ["--as", args.login] if args.login else []
    dashboard, figures = spawn("--child", "console", "--db", url, *extra)
    print(f"database: {url}   (as {figures.get('as')})")
    rows = [
        ("bare Textual app, first paint", bare * 1000, None),
        ("dashboard painted (cold start)", dashboard * 1000, bare * 1000 + 500),
        ("  … minus the bare app", (dashboard - bare) * 1000, 500),
        ("All open queue painted", figures["queue_ms"], None),
        ("next page (median of 10)", figures["next_page_ms"], 50),
        ("next page (worst)", figures["next_page_max_ms"], None),
        ("jump to the end", figures["jump_to_end_ms"], None),
        ("re-sort by priority", figures["resort_ms"], None),
        ("open a ticket", figures["ticket_ms"], 100),
        ("peak RSS (MB)", figures["rss_mb"], 200),
    ]
    for name, value, target in rows:
        unit = "" if "RSS" in name else " ms"
        mark = (
            "" if target is None else ("  ok" if value <= target else "  OVER") + f" (< {target:g})"
        )
        print(f"  {name:<34}{value:10.1f}{unit}{mark}")


if __name__ == "__main__":
    main()
