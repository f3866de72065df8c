"""Cost of the SLA scan: it must grow with the number of tickets due, not the number open.

    python benchmarks/sla_scan.py                         # SQLite in /tmp
    python benchmarks/sla_scan.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
    python benchmarks/sla_scan.py --profile               # cProfile of one scan (10,000/1,000)

Two series, each point on a freshly bulk-loaded database (``storage.bulk``, not the ORM):

* open tickets 10,000 → 100,000 with 1,000 due: the cost should stay flat;
* 100,000 open with 100 → 1,000 due: the cost should grow with the number due.

For each point it prints the time of the due-rows query alone (the index range read on
``next_sla_at``) and of the whole scan (each chunk of ``--per-transaction`` due tickets: lock
them, recompute their clocks from their journals, record the thresholds, raise the alerts,
journal them, move ``next_sla_at`` on). Target: a scan of 1,000 due among 100,000 open under
0.5 s.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from benchmarks.scratch import scratch_database
from itsm_tui.common.clock import FrozenClock
from itsm_tui.storage import migrate
from itsm_tui.storage.bulk import bulk_insert, next_id, reset_sequence, to_db_time
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.engine import make_engine, read_session
from itsm_tui.storage.tables import JournalEntry, Ticket
from itsm_tui.workflow import groups
from itsm_tui.workflow import sla_scan as scan
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import bootstrap_admin

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
TICKET_COLUMNS = (
    "id", "number", "type", "title", "description", "impact", "urgency", "priority", "status",
    "group_id", "assignee_id", "tier", "opened_at", "updated_at", "next_sla_at", "sla_policy",
    "reassignment_count", "escalation_count", "reopen_count", "left_first_line",
    "resolved_first_line", "priority_overridden", "version",
)  # fmt: skip
JOURNAL_COLUMNS = ("id", "entity", "entity_id", "action", "actor_id", "at", "changes")


def load(url: str, open_count: int, due: int) -> Site:
    engine = make_engine(url)
    migrate.upgrade(engine)
    site = Site(engine, clock=FrozenClock(NOW))
    view = bootstrap_admin(site, "admin", "Admin")
    admin = Actor(view.id, "admin", "Admin", 3, frozenset())
    groups.add_group(site, admin, "hotline", "Hotline", tier=1, supervisor="admin")
    groups.add_group(site, admin, "server", "Servers", tier=2)
    opened_due = NOW - timedelta(minutes=10)  # P1 (24x7): response 50 % came at 8 minutes
    with engine.begin() as conn:
        t = lambda v: to_db_time(conn, v)  # noqa: E731
        rows = []
        journal = []
        jid = next_id(conn, core_table(JournalEntry))
        for i in range(1, open_count + 1):
            is_due = i % (open_count // due) == 0 if due else False
            opened = opened_due if is_due else NOW
            next_at = NOW - timedelta(minutes=2) if is_due else NOW + timedelta(days=1)
            rows.append((
                i, f"INC{i:07}", "incident", "bench", "", 1, 1, 1, "assigned", 1, view.id, 1,
                t(opened), t(opened), t(next_at), "P1", 0, 0, 0, False, False, False, 1,
            ))  # fmt: skip
            journal.append((jid + i, "ticket", i, "create", view.id, t(opened), '{"priority": 1}'))
        bulk_insert(conn, core_table(Ticket), TICKET_COLUMNS, rows)
        bulk_insert(conn, core_table(JournalEntry), JOURNAL_COLUMNS, journal)
        reset_sequence(conn, core_table(Ticket))
        reset_sequence(conn, core_table(JournalEntry))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
    if engine.dialect.name == "sqlite":  # don't bill the load's WAL checkpoint to the scan
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return site


def measure(
    url: str | None,
    open_count: int,
    due: int,
    profile: cProfile.Profile | None = None,
    per_transaction: int = scan.PER_TRANSACTION,
) -> tuple[float, float, int, float]:
    """Seconds of the due query and of the whole scan, the alerts raised, and the scan's CPU
    seconds in this process (SQLite's work included: steadier than wall time on a busy host)."""
    with scratch_database(url, "sla-bench") as db:
        site = load(db, open_count, due)
        try:
            started = time.perf_counter()
            with read_session(site.engine) as session:
                found = len(scan.due_ticket_ids(session, NOW, limit=10 * due or 1))
            query = time.perf_counter() - started
            started, cpu = time.perf_counter(), time.process_time()
            if profile is not None:
                profile.enable()
            report = scan.scan(site, limit=1000, per_transaction=per_transaction)
            if profile is not None:
                profile.disable()
            total, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert found == due and report.alerts == due, (found, report)
            return query, total, report.alerts, cpu
        finally:
            site.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="PostgreSQL URL (default: SQLite in /tmp)")
    parser.add_argument("--quick", action="store_true", help="smaller series, for a smoke run")
    parser.add_argument(
        "--per-transaction",
        type=int,
        default=scan.PER_TRANSACTION,
        help="tickets per scan transaction",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile one scan (10,000 open, 1,000 due)"
    )
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    if args.profile:
        profile = cProfile.Profile()
        _, total, _, _ = measure(
            args.db, 10_000 // scale, 1000 // scale, profile, args.per_transaction
        )
        print(f"whole scan {total * 1000:.0f}ms (under the profiler)")
        stats = pstats.Stats(profile).strip_dirs().sort_stats("cumulative")
        stats.print_stats(40)
        return
    print(
        f"{'open':>9} {'due':>6} {'due query':>10} {'whole scan':>11} {'per due':>9} "
        f"{'scan CPU':>9}"
    )
    series = [(n // scale, 1000 // scale) for n in (10_000, 50_000, 100_000)]
    series += [(100_000 // scale, d // scale) for d in (100, 500)]
    for open_count, due in series:
        query, total, _, cpu = measure(
            args.db, open_count, due, per_transaction=args.per_transaction
        )
        print(
            f"{open_count:>9,} {due:>6,} {query * 1000:>8.1f}ms {total * 1000:>9.0f}ms "
            f"{total / due * 1000:>7.2f}ms {cpu * 1000:>7.0f}ms"
        )


if __name__ == "__main__":
    main()
