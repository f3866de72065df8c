"""Change management on a large estate: the risk of a change, its conflict check, the FSC.

    python benchmarks/change_ops.py                       # 100,000 CIs, 5,000 scheduled changes
    python benchmarks/change_ops.py --cis 3000 --changes 300     # about the demo's size
    python benchmarks/change_ops.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test

Builds the benchmark graph of ``cmdb_import.py`` (its ``graph``: ~3 relationships a CI, shared
infrastructure that reaches much of the estate), raw-inserted, with incidents on random CIs
over the last 90 days, past changes (some failed) and ``--changes`` scheduled changes spread
over the next year on 1–3 CIs each. Then measures, p50 and p99 in milliseconds:

* the risk of a change touching 20 CIs (servers, VMs, databases, middleware): the impact walk,
  incidents in 90 days, past failed changes, the window (target ≤ 300 ms);
* the conflict check of one change (3 CIs, a 4-hour window) against the scheduled changes:
  the overlapping windows, both walks (target ≤ 200 ms);
* the forward schedule of change for 30 days (target ≤ 100 ms).

SQLite in /tmp/itsm-bench/changes-<cis>.db (rebuilt each run; ``--dir`` elsewhere),
PostgreSQL in the schema changes_<cis> (dropped afterwards; ``--name`` another name, so that
two runs on one server do not drop each other's).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cmdb_import
from cmdb_import import database, graph, raw_insert
from sqlalchemy import Engine, event, insert, text

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.config import Settings
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.engine import make_engine, read_session
from itsm_tui.storage.tables import (
    ChangeCI,
    ChangeRequest,
    Ticket,
    TicketCI,
)
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.changes import conflicts, fsc, risk
from itsm_tui.workflow.site import Actor, Site

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # a Friday, 09:00 in Shanghai
WORKING = ("server", "database", "middleware", "software")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


class Backends:
    """The CPU time of this process's PostgreSQL backends, when the server runs on this machine
    (read from /proc): on a shared, loaded machine the wall time mostly measures waiting for a
    core, and this process's CPU time leaves out the server's work."""

    def __init__(self, engine: Engine) -> None:
        self.pids: set[int] = set()
        self.tick = os.sysconf("SC_CLK_TCK")
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", self._connected)
            engine.dispose()  # reconnect, so the pool's connections are seen

    def _connected(self, dbapi_conn: Any, _record: object) -> None:
        with dbapi_conn.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.pids.add(cursor.fetchone()[0])

    def cpu_ms(self) -> float | None:
        total = 0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None  # elsewhere, or not ours to read
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / self.tick * 1000 if self.pids else None


def timed(
    runs: int, fn: Callable[[int], object], backends: Backends
) -> tuple[list[float], list[float], list[float]]:
    """Wall and CPU milliseconds of each run, and its backends' CPU (PostgreSQL on this
    machine; in clock ticks of 10 ms): the machine may be shared, and the CPU time says how
    much work the run was, whatever the load."""
    wall, cpu, server = [], [], []
    for i in range(runs):
        before = backends.cpu_ms()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(i)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        after = backends.cpu_ms()
        if before is not None and after is not None:
            server.append(after - before)
    return wall, cpu, server


def steady_state(site: Site) -> None:
    """Planner statistics (and on PostgreSQL the visibility map the walks' index-only scans
    need), as autovacuum or a DBA's ANALYZE keep them on a running site: measured straight
    after the bulk load, PostgreSQL planned the walks without statistics (one run: 783 ms)."""
    tables = ("configuration_item", "ci_relation", "ticket", "ticket_ci", "change_request")
    with site.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        analyse = "VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"
        for table in (*tables, "change_ci"):
            conn.exec_driver_sql(f"{analyse} {table}")


def seed(site: Site, rng: random.Random, changes: int, incidents: int) -> dict[str, list[int]]:
    """Incidents, past changes and scheduled changes on the graph; CI ids by class."""
    by_class: dict[str, list[int]] = {}
    with site.engine.connect() as conn:
        for ci_id, cls in conn.execute(text("SELECT id, ci_class FROM configuration_item")):
            by_class.setdefault(cls, []).append(ci_id)
    work = [i for c in WORKING for i in by_class.get(c, [])] or [
        i for ids in by_class.values() for i in ids
    ]
    everything = [i for ids in by_class.values() for i in ids]
    with site.engine.begin() as conn:
        tickets = [
            {
                "number": f"INC{n + 1:06d}",
                "type": "incident",
                "title": "基准测试事件",
                "status": "closed",
                "opened_at": NOW - timedelta(days=rng.uniform(0, 120)),
                "updated_at": NOW,
            }
            for n in range(incidents)
        ]
        conn.execute(insert(core_table(Ticket)), tickets)
        ids = [r for (r,) in conn.execute(text("SELECT id FROM ticket ORDER BY id"))]
        conn.execute(
            insert(core_table(TicketCI)),
            [{"ticket_id": t, "ci_id": rng.choice(everything)} for t in ids],
        )
        rows, links = [], []
        for n in range(changes + changes // 5):
            past = n >= changes
            start = NOW + timedelta(days=rng.uniform(-365 if past else 0.5, 0 if past else 365))
            rows.append(
                {
                    "id": n + 1,
                    "number": f"CHG{n + 1:06d}",
                    "type": "normal",
                    "status": "closed" if past else "scheduled",
                    "title": "基准测试变更",
                    "window_start": start,
                    "window_end": start + timedelta(hours=rng.choice((1, 2, 3, 4))),
                    "outcome": rng.choice(("success", "success", "failed")) if past else None,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
            links += [
                {"change_id": n + 1, "ci_id": c} for c in set(rng.sample(work, rng.randint(1, 3)))
            ]
        conn.execute(insert(core_table(ChangeRequest)), rows)
        conn.execute(insert(core_table(ChangeCI)), links)
    return {"work": work, "all": everything}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="PostgreSQL URL (default: SQLite under /tmp/itsm-bench)")
    parser.add_argument("--cis", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=5_000, help="scheduled changes")
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--dir", type=Path, help="SQLite's directory (default /tmp/itsm-bench)")
    parser.add_argument("--name", help="database file or schema name (default changes-<cis>)")
    args = parser.parse_args()
    if args.dir:
        cmdb_import.BENCH_DIR = args.dir
    rng = random.Random(17)
    print(f"building the graph: {args.cis:,} CIs …", flush=True)
    ci_rows, rel_rows = graph(args.cis, args.cis * 3)
    with database(args.db, args.name or f"changes-{args.cis}") as url:
        raw_insert(url, ci_rows, rel_rows)
        site = Site(make_engine(url), clock=FrozenClock(NOW), settings=Settings(database_url=url))
        view = initialise(site, "bench", "基准")
        actor = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
        ids = seed(site, rng, args.changes, args.incidents)
        steady_state(site)
        backends = Backends(site.engine)
        print(
            f"{site.engine.dialect.name}: {len(ci_rows):,} CIs, {len(rel_rows):,} relations, "
            f"{args.incidents:,} incidents, {args.changes:,} scheduled changes",
            flush=True,
        )

        def risk_of(i: int) -> None:
            cis = rng.sample(ids["work"], 20)
            start = NOW + timedelta(days=3, hours=i % 24)
            with read_session(site.engine) as session:
                risk.compute(session, NOW, None, "normal", cis, start, start + timedelta(hours=2))

        def conflict_of(i: int) -> None:
            cis = rng.sample(ids["work"], 3)
            start = NOW + timedelta(days=rng.uniform(1, 360))
            with read_session(site.engine) as session:
                conflicts.find(session, None, cis, start, start + timedelta(hours=4))

        def schedule(i: int) -> None:
            fsc.forward_schedule(site, actor, days=30)

        for name, fn, target in (
            ("risk of a change on 20 CIs", risk_of, 300),
            ("conflict check, 3 CIs, 4-hour window", conflict_of, 200),
            ("forward schedule, 30 days", schedule, 100),
        ):
            fn(0)  # warm the caches and the calendar
            samples, cpu, server = timed(args.runs, fn, backends)
            on_server = (
                f"; server CPU p50 {statistics.median(server):.0f} ms, "
                f"p99 {percentile(server, 99):.0f} ms"
                if server
                else ""
            )
            print(
                f"{name}: p50 {statistics.median(samples):.1f} ms, "
                f"p99 {percentile(samples, 99):.1f} ms (target ≤ {target} ms); "
                f"CPU p50 {statistics.median(cpu):.1f} ms, p99 {percentile(cpu, 99):.1f} ms"
                f"{on_server}",
                flush=True,
            )
        site.close()


if __name__ == "__main__":
    main()
