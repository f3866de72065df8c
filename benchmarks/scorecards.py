"""Scorecard figures at scale: a year's scorecards for 50 staff, one staff member's month, and
the callback queue's next survey, over a site of a million tickets (SQLite).

    python benchmarks/scorecards.py                  # 1,000,000 tickets
    python benchmarks/scorecards.py --tickets 100000 --runs 5
    python benchmarks/scorecards.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test

Targets (issue 14): 50 staff for a year ≤ 2 s; one staff member's month ≤ 100 ms; the callback
queue's next survey ≤ 50 ms. Prints the median and the worst of ``--runs`` runs, wall and CPU.

The rows are written straight into a freshly migrated SQLite file (in /tmp/itsm-scorecards,
reused by later runs with the same ``--tickets``; ``--fresh`` rebuilds it), or with ``--db`` into
a PostgreSQL schema of the run's own, dropped at the end: 50 hotline staff in
one group, a year of tickets taken and resolved by them (a fifth escalated, some reopened), one
contact per ticket, a survey for seven in ten of them (about half answered) and a complaint for
one in five hundred — what the demo writes, without simulating each ticket's life.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.config import Settings
from itsm_tui.storage.engine import make_engine
from itsm_tui.storage.types import sqlite_timestamp
from itsm_tui.workflow import groups
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.quality import scorecards, surveys
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import add_staff

STAFF = 50
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)
BENCH_DIR = Path("/tmp/itsm-scorecards")


def _site(url: str) -> Site:
    return Site(make_engine(url), clock=FrozenClock(NOW), settings=Settings(database_url=url))


def build(url: str, tickets: int) -> None:
    """The site: staff and group through the workflow, the volume rows in bulk (the driver's
    ``executemany``: sqlite3's ``?`` placeholders and text timestamps, psycopg's ``%s`` and
    datetimes)."""
    site = _site(url)
    admin_view = initialise(site, "admin", "管理员")
    admin = Actor(admin_view.id, "admin", "管理员", 1, frozenset())
    groups.add_group(site, admin, "hotline", "服务热线", tier=1, supervisor="admin")
    groups.add_group(site, admin, "server", "服务器运维", tier=2, supervisor="admin")
    staff_ids = []
    for n in range(STAFF):
        view = add_staff(site, admin, f"agent{n:02d}", f"坐席{n:02d}", roles=["agent"], tier=1)
        groups.add_member(site, admin, "hotline", view.login)
        staff_ids.append(view.id)
    sqlite = url.startswith("sqlite")
    rng = random.Random(14)
    raw = site.engine.raw_connection()
    conn: Any = raw.cursor()
    if sqlite:  # one transaction for the lot, whatever the driver's autocommit mode
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("BEGIN")
    else:
        # No foreign-key triggers while loading (the rows are consistent by construction): each
        # check is a cached plan made while the tables were empty, a scan of the table per row.
        conn.execute("SET session_replication_role = replica")
    ts: Callable[[datetime], Any] = sqlite_timestamp if sqlite else (lambda at: at)

    def sql(statement: str) -> str:
        return statement if sqlite else statement.replace("?", "%s")

    created = ts(YEAR_START)
    conn.executemany(
        sql(
            "INSERT INTO caller (id, name, created_at, vip, active, version) "
            "VALUES (?, ?, ?, FALSE, TRUE, 1)"
        ),
        [(i, f"来电人{i}", created) for i in range(1, 5001)],
    )
    conn.execute("SELECT code, id FROM assignment_group")
    group_of = dict(conn.fetchall())
    span = int((NOW - YEAR_START).total_seconds()) - 3600
    ticket_rows, contact_rows, survey_rows, complaint_rows = [], [], [], []
    poor = set(rng.sample(staff_ids, 5))

    def put(
        table: str, columns: str, constants: dict[str, Any], rows: list[tuple[Any, ...]]
    ) -> None:
        """The rows with the constant columns after them: sqlite3's ``executemany``, or
        PostgreSQL's ``COPY`` (row-at-a-time inserts of a million tickets took over an hour
        on the shared machine)."""
        names = [*columns.split(", "), *constants]
        fixed = tuple(constants.values())
        if sqlite:
            marks = ", ".join("?" * len(names))
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",
                [row + fixed for row in rows],
            )
            return
        with conn.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + fixed)

    def flush() -> None:
        put(
            "ticket",
            "id, number, title, caller_id, status, group_id, assignee_id, tier, opened_by_id, "
            "opened_at, first_response_at, resolved_at, closed_at, updated_at, "
            "escalation_count, reopen_count, left_first_line, resolved_first_line, "
            "resolution_due_at",
            {
                "type": "incident", "description": "", "impact": 3, "urgency": 3,
                "priority": 5, "reassignment_count": 0, "priority_overridden": False,
                "version": 1,
            },
            ticket_rows,
        )  # fmt: skip
        put(
            "contact",
            "caller_id, agent_id, ticket_id, occurred_at",
            {"channel": "phone", "summary": ""},
            contact_rows,
        )
        put(
            "survey",
            "ticket_id, caller_id, staff_id, group_id, status, created_at, expires_at, "
            "answered_at, overall, solved, low_score",
            {"round": 0, "version": 1},
            survey_rows,
        )
        put(
            "complaint",
            "ticket_id, staff_id, received_at, logged_at, status, verdict",
            {"channel": "phone", "text": "投诉", "version": 1},
            complaint_rows,
        )
        for rows in (ticket_rows, contact_rows, survey_rows, complaint_rows):
            rows.clear()

    for tid in range(1, tickets + 1):
        opened = YEAR_START + timedelta(seconds=span * tid // tickets)
        taker = staff_ids[tid % STAFF]
        escalated = rng.random() < 0.2
        resolved = opened + timedelta(minutes=5 + rng.randrange(2000 if escalated else 60))
        if resolved > NOW:
            resolved = NOW - timedelta(minutes=1)
        resolver = taker
        group = group_of["server" if escalated else "hotline"]
        caller = 1 + tid % 5000
        reopened = 1 if rng.random() < 0.03 else 0
        status = "closed" if resolved < NOW - timedelta(days=3) else "resolved"
        due = ts(opened + timedelta(hours=8))
        ticket_rows.append((
            tid, f"INC{tid:09d}", f"工单{tid}", caller, status, group, resolver,
            2 if escalated else 1, taker, ts(opened), ts(opened), ts(resolved),
            ts(resolved) if status == "closed" else None, ts(resolved), int(escalated),
            reopened, escalated, not escalated, due,
        ))  # fmt: skip
        contact_rows.append((caller, taker, tid, ts(opened)))
        if rng.random() < 0.7:
            expires = resolved + timedelta(days=7)
            if rng.random() < 0.5:
                overall = rng.choice((1, 2, 3, 3, 4) if resolver in poor else (3, 4, 5, 5, 5))
                survey_rows.append((
                    tid, caller, resolver, group, "answered", ts(resolved), ts(expires),
                    ts(resolved + timedelta(hours=2)), overall, True, overall <= 2,
                ))  # fmt: skip
            else:
                status_s = "open" if expires > NOW else "expired"
                survey_rows.append((
                    tid, caller, resolver, group, status_s, ts(resolved), ts(expires),
                    None, None, None, False,
                ))  # fmt: skip
        if rng.random() < 0.002:
            verdict = rng.choice(("valid", "invalid"))
            at = ts(resolved)
            complaint_rows.append((tid, resolver, at, at, verdict, verdict))
        if len(ticket_rows) >= 20_000:
            flush()
    flush()
    if not sqlite:  # the rows came with their ids: move the sequences past them
        conn.execute("SET session_replication_role = DEFAULT")
        for table in ("caller", "ticket"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    raw.commit()
    conn.execute("ANALYZE")
    raw.commit()
    conn.close()
    raw.close()
    site.close()


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Median wall, worst wall and median CPU, in milliseconds."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu, start = time.process_time(), time.perf_counter()
        fn()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), max(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=BENCH_DIR)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--db", help="a PostgreSQL URL (default: a SQLite file in --dir)")
    args = parser.parse_args()
    if args.db:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        owner = create_engine(args.db)
        with owner.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in args.db else "?"
        url = f"{args.db}{sep}options=-csearch_path%3D{schema}"
        try:
            started = time.perf_counter()
            build(url, args.tickets)
            print(f"built {args.tickets:,} tickets in {time.perf_counter() - started:.0f} s")
            measure(url, "PostgreSQL", args.tickets, args.runs)
        finally:
            with owner.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"scorecards-{args.tickets}.db"
    if args.fresh or not path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        build(f"sqlite:///{path}", args.tickets)
        print(f"built {args.tickets:,} tickets in {time.perf_counter() - started:.0f} s: {path}")
    measure(f"sqlite:///{path}", "SQLite", args.tickets, args.runs)


def measure(url: str, kind: str, tickets: int, runs: int) -> None:
    site = _site(url)
    admin = Actor(1, "admin", "管理员", 1, frozenset())
    checks = [
        (
            f"scorecards, {STAFF} staff, year 2026 (rank)",
            lambda: scorecards.rank_group(site, admin, "hotline", "2026"),
            2000,
        ),
        (
            "one staff member's month (2026-11)",
            lambda: scorecards.show_scorecard(site, admin, "agent07", "2026-11"),
            100,
        ),
        (
            "drill-down, first 100 rows (first-line rate, 2026-11)",
            lambda: scorecards.explain(site, admin, "agent07", "2026-11", "first_line_rate"),
            100,
        ),
        (
            "callback queue: take the next survey",
            lambda: surveys.take_next_callback(site, admin),
            50,
        ),
    ]
    print(f"{tickets:,} tickets, {kind}, {runs} runs each (ms: median, worst, CPU median)")
    for name, fn, target in checks:
        median, worst, cpu = timed(fn, runs)
        verdict = "ok" if median <= target else "OVER"
        print(f"  {name:<55} {median:8.1f} {worst:8.1f} {cpu:8.1f}   target {target} ms: {verdict}")
    site.close()


if __name__ == "__main__":
    main()
