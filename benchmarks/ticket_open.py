"""Opening a ticket in the console: from the Enter key to the painted ticket screen (target 50 ms).

    python benchmarks/ticket_open.py --db /tmp/itsm-bench/tickets-1000000.db
    python benchmarks/ticket_open.py --db /tmp/itsm-bench/tickets-20000.db --opens 30 --profile

The console runs headless (Textual's Pilot, 120×40) as a bare ``itsm`` opens it, as the first
agent (or ``--as``). It opens the All open queue, then ``--opens`` times: Enter on the row under
the cursor, wait for the first frame with the ticket's fields and timeline, Escape back, one row
down. "Painted" is timed where Textual hands the composed frame to its driver (see
``console_start.Frames``), so no polling delay is counted.

Besides key → painted (p50, p90, max) and the process's CPU time meanwhile (on a shared machine
the wall time also holds the waits for a core), it splits each open into where the time goes:

- read: ``ticket_overview`` in the screen's worker (the database read, on another thread);
- show: the screen's ``show``/``_show`` (building the fields and the timeline text);
- the rest: Textual itself — the key's dispatch, composing and mounting the screen's widgets,
  CSS (styles and layout) and rendering the frame.

``--profile`` adds a cProfile of the opens (every thread's Python is on the UI thread but the
read), the heaviest functions by cumulative time, textual's and itsm's.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from console_start import Frames, first_agent  # this folder's sibling script


class Spans:
    """Milliseconds spent inside the wrapped functions since the last :meth:`take`."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # the screen was rewritten: that part is not split out
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.ms[label] = self.ms.get(label, 0.0) + (time.perf_counter() - start) * 1000

        setattr(owner, name, timed)

    def take(self) -> dict[str, float]:
        taken, self.ms = self.ms, {}
        return taken


def child(url: str, login: str, opens: int, profile: bool) -> None:
    import pwd
    from types import SimpleNamespace

    pwd.getpwuid = lambda uid: SimpleNamespace(pw_name=login)  # type: ignore[assignment]
    from itsm_tui.common.config import Settings
    from itsm_tui.console.start import bare_console

    app, first = bare_console(Settings(database_url=url))
    frames = Frames(app)
    frames.expect(lambda: getattr(app.screen, "board", None) is not None)
    samples: list[dict[str, float]] = []
    profiler = cProfile.Profile() if profile else None

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await frames.wait()
            import itsm_tui.screens.ticket as ticket_screen
            from itsm_tui.screens.queue import QueueScreen
            from itsm_tui.widgets.ticket_table import TicketTable

            spans = Spans()
            spans.wrap(ticket_screen, "ticket_overview", "read")
            for name in ("_show", "show"):
                if name in vars(ticket_screen.TicketScreen):
                    spans.wrap(ticket_screen.TicketScreen, name, "show")
                    break

            def queue_shown() -> bool:
                screen = app.screen
                return isinstance(screen, QueueScreen) and bool(screen.query_one(TicketTable).rows)

            from itsm_tui.console.keymap import keys_of, split_keys

            # The All open queue's key as the key map has it now (it was "o", now "6").
            open_key = split_keys(keys_of("queue-open"))[0]
            await frames.after(pilot, (open_key,), queue_shown)
            table = app.screen.query_one(TicketTable)

            def opened() -> bool:
                return getattr(app.screen, "detail", None) is not None

            for i in range(opens + 1):  # the first open imports and builds the screen class
                spans.take()
                if profiler is not None and i:
                    profiler.enable()
                cpu = time.process_time()
                total = await frames.after(pilot, ("enter",), opened)
                cpu = (time.process_time() - cpu) * 1000
                if profiler is not None:
                    profiler.disable()
                if i:
                    samples.append({"total": total, "cpu": cpu, **spans.take()})
                await frames.after(pilot, ("escape",), queue_shown)
                await pilot.press("down")
                if table.cursor >= len(table.rows) - 1:
                    break
        first.finish()

    asyncio.run(main())
    figures: dict[str, Any] = {"as": login, "samples": samples}
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(r"textual|itsm_tui|rich", 40)
        figures["profile"] = out.getvalue()
    print("FIGURES " + json.dumps(figures), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="an SQLite file or URL holding a loaded site")
    parser.add_argument("--as", dest="login", help="the agent to run as (default: the first)")
    parser.add_argument("--opens", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    if args.child:
        return child(url, args.login, args.opens, args.profile)
    login = args.login or first_agent(url)
    extra = ["--profile"] if args.profile else []
    command = [sys.executable, __file__, "--child", "--db", url, "--as", login]
    done = subprocess.run(
        [*command, "--opens", str(args.opens), *extra],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("FIGURES "))
    figures = json.loads(line[len("FIGURES ") :])
    samples = figures["samples"]
    print(f"database: {url}   (as {login}; {len(samples)} opens, 120x40)")

    def row(name: str, values: list[float]) -> None:
        ordered = sorted(values)
        p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
        print(
            f"  {name:<40} p50 {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms"
            f"   max {ordered[-1]:7.1f} ms"
        )

    row("Enter -> ticket screen painted", [s["total"] for s in samples])
    row("  CPU of the process meanwhile (all threads)", [s["cpu"] for s in samples])
    row("  read (ticket_overview, worker thread)", [s.get("read", 0.0) for s in samples])
    row("  show (fields + timeline text)", [s.get("show", 0.0) for s in samples])
    row(
        "  the rest (Textual: compose, CSS, paint)",
        [s["total"] - s.get("read", 0.0) - s.get("show", 0.0) for s in samples],
    )
    target = statistics.median(s["total"] for s in samples)
    print(f"  target p50 < 50 ms: {'ok' if target <= 50 else 'OVER'}")
    if "profile" in figures:
        print(figures["profile"])


if __name__ == "__main__":
    main()
