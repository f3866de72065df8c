"""Garbage-collection pauses while a long-lived process pages queues (target: none over 10 ms).

    python benchmarks/gc_pauses.py                      # 1,000,000 tickets, every set-up
    python benchmarks/gc_pauses.py --tickets 20000 --rounds 20 --setup console

Each set-up runs in a fresh interpreter, pages every queue in every sort (first page, then
``--depth`` pages down by key, as the console's ticket table scrolls) ``--rounds`` times and opens
the first ticket of each first page (the ticket screen's read), and times every collection with
``gc.callbacks``. It prints, per set-up, the collections of each generation, the longest pause
and how many pauses passed 10 ms.

Set-ups:
  default  Python's thresholds, nothing frozen but what importing the tables freezes.
  command  what ``itsm`` does for a command (launch.COMMAND_GC_THRESHOLDS; the table classes are
           frozen when imported, storage/tables), with the command line loaded.
  console  what the console does: Textual and the app loaded with the collector off, then
           ``gc.freeze()`` and the collector on again (ItsmApp.on_mount), then the database
           code and SLA calendars loaded (ItsmApp.warm_up); the table keeps its window of rows
           (WINDOW_PAGES pages) alive, as the screen does.
  …-settled  the same, then ``common.collector.settle_collector()`` once the first page is read
             (the console's: full collections when idle, here between two rounds, printed
             apart).

The database is the one ``benchmarks/ticket_ops.py`` builds and keeps (``--dir``, ``--tickets``).
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SETUPS = ("default", "command", "command-settled", "console", "console-settled")
LIMIT_MS = 10.0


class Pauses:
    """Every collection's generation, wall time and CPU time, from ``gc.callbacks`` (on a
    shared machine a pause's wall time can include being descheduled; its CPU time cannot)."""

    def __init__(self) -> None:
        self.samples: list[tuple[int, float, float]] = []
        self.idle: list[float] = []  # the console's full collections between rounds
        self.in_idle = False
        self._started = (0.0, 0.0)

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = (time.perf_counter(), time.thread_time())
        else:
            wall = (time.perf_counter() - self._started[0]) * 1000
            cpu = (time.thread_time() - self._started[1]) * 1000
            if self.in_idle:
                self.idle.append(wall)
            else:
                self.samples.append((info["generation"], wall, cpu))


def run_setup(setup: str, db: Path, rounds: int, depth: int) -> dict[str, Any]:
    """One set-up in this (fresh) interpreter; the figures as a dict."""
    from itsm_tui.launch import COMMAND_GC_THRESHOLDS

    if setup.startswith("command"):
        gc.set_threshold(*COMMAND_GC_THRESHOLDS)  # launch.main
        import itsm_tui.cli  # the process a command runs in
    elif setup.startswith("console"):
        gc.disable()  # as a bare `itsm` starts (console.start.bare_console)
        import itsm_tui.console.app  # noqa: F401

        gc.freeze()  # ItsmApp.on_mount, once the first frame is drawn
        gc.enable()
        from itsm_tui.console.loading import load_database_code

        load_database_code()  # ItsmApp.warm_up, after the dashboard's figures
    from sqlmodel import Session, select

    from itsm_tui.console.sizes import PAGE
    from itsm_tui.storage.engine import make_engine
    from itsm_tui.storage.tables import Staff
    from itsm_tui.storage.ticket_queries import SORTS
    from itsm_tui.widgets.ticket_table import WINDOW_PAGES
    from itsm_tui.workflow.site import Actor, Site
    from itsm_tui.workflow.sla.progress import prepare_calendars
    from itsm_tui.workflow.tickets import Queue, list_tickets
    from itsm_tui.workflow.tickets.overview import ticket_overview

    site = Site(make_engine(f"sqlite:///{db}"))
    with Session(site.engine) as s:
        row = s.exec(select(Staff).where(Staff.tier == 1).order_by(Staff.id)).first()
        assert row is not None and row.id is not None
    actor = Actor(row.id, row.login, row.display_name, row.tier, frozenset())
    prepare_calendars(site, actor)  # the rest of ItsmApp.warm_up
    list_tickets(site, actor, Queue.OPEN, limit=PAGE)  # the first page a process shows
    idle = None
    if setup.endswith("settled"):
        from itsm_tui.common.collector import IdleCollector, settle_collector

        # The console leaves its full collections to a second without input (here: between
        # two rounds); the scheduler, which no one watches, keeps Python's.
        settle_collector(full_when_idle=setup.startswith("console"))
        idle = IdleCollector(quiet=0.0) if setup.startswith("console") else None

    pauses = Pauses()
    gc.callbacks.append(pauses)
    kept: list[Any] = []  # the console table's window of rows
    started = time.perf_counter()
    pages = 0
    for _ in range(rounds):
        for queue in Queue:
            for sort in SORTS:
                page = list_tickets(site, actor, queue, sort=sort, limit=PAGE)
                pages += 1
                if page.rows:
                    ticket_overview(site, actor, page.rows[0].number)
                for _ in range(depth):
                    if page.next_after is None:
                        break
                    page = list_tickets(
                        site, actor, queue, sort=sort, after=page.next_after, limit=PAGE
                    )
                    pages += 1
                    if setup.startswith("console"):
                        kept.extend(page.rows)
                        del kept[: max(0, len(kept) - WINDOW_PAGES * PAGE)]
        if idle is not None:
            pauses.in_idle = True
            idle.tick()
            pauses.in_idle = False
    seconds = time.perf_counter() - started
    gc.callbacks.remove(pauses)
    site.close()
    wall: dict[int, list[float]] = {0: [], 1: [], 2: []}
    cpu: dict[int, list[float]] = {0: [], 1: [], 2: []}
    for generation, ms, cpu_ms in pauses.samples:
        wall[generation].append(ms)
        cpu[generation].append(cpu_ms)
    return {
        "setup": setup,
        "pages": pages,
        "seconds": seconds,
        "thresholds": gc.get_threshold(),
        "frozen": gc.get_freeze_count(),
        "count": {g: len(v) for g, v in wall.items()},
        "longest": {g: max(v, default=0.0) for g, v in wall.items()},
        "longest_cpu": {g: max(v, default=0.0) for g, v in cpu.items()},
        "over": sum(1 for _, ms, _ in pauses.samples if ms > LIMIT_MS),
        "over_cpu": sum(1 for _, _, ms in pauses.samples if ms > LIMIT_MS),
        "idle": len(pauses.idle),
        "longest_idle": max(pauses.idle, default=0.0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/itsm-bench"))
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--depth", type=int, default=5, help="pages down each queue and sort")
    parser.add_argument("--setup", choices=SETUPS, action="append", help="(default: all)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    db = args.dir / f"tickets-{args.tickets}.db"
    if not db.exists():
        sys.exit(f"no {db}: build it with benchmarks/ticket_ops.py --tickets {args.tickets}")
    if args.child:
        print(json.dumps(run_setup(args.setup[0], db, args.rounds, args.depth)))
        return
    print(f"GC pauses while paging queues ({db}, {args.rounds} rounds, depth {args.depth}):")
    for setup in args.setup or SETUPS:
        child = ["--child", "--setup", setup, "--dir", str(args.dir), "--depth", str(args.depth)]
        sizes = ["--tickets", str(args.tickets), "--rounds", str(args.rounds)]
        out = subprocess.run(
            [sys.executable, __file__, *child, *sizes],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        count, wall, cpu = r["count"], r["longest"], r["longest_cpu"]
        mark = "ok" if r["over"] == 0 else "OVER"
        print(
            f"  {setup:<16} {r['pages']:5} pages in {r['seconds']:5.1f} s, thresholds "
            f"{tuple(r['thresholds'])}, {r['frozen']:,} objects frozen\n"
            f"    collections gen0/1/2 {count['0']}/{count['1']}/{count['2']}; longest, wall "
            f"(CPU): gen0 {wall['0']:.1f} ({cpu['0']:.1f}) ms, gen1 {wall['1']:.1f} "
            f"({cpu['1']:.1f}) ms, gen2 {wall['2']:.1f} ({cpu['2']:.1f}) ms; "
            f"over {LIMIT_MS:g} ms: {r['over']} ({r['over_cpu']} by CPU) {mark}"
            + (
                f"; {r['idle']} full when idle, longest {r['longest_idle']:.1f} ms"
                if r["idle"]
                else ""
            )
        )


if __name__ == "__main__":
    main()
