"""Every queue × sort × filter page the console and ``itsm ticket list`` offer, with its plan.

    python benchmarks/queues.py                        # 1,000,000 tickets, SQLite (cached)
    python benchmarks/queues.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
    python benchmarks/queues.py --quick                # 20,000 tickets, fewer filters

For each queue (as a tier-1 agent, and the cross-group ones also as a supervisor), each sort
(newest, oldest, priority), each status filter (none or one status), each priority filter
(none or one level) and a search (none, common and rare terms in Chinese and Latin:
``SEARCHES``; a ticket number), it reads the first page and a page deep in the list (the row
90 % of the way down in that order, found once with OFFSET) through ``list_tickets`` — what
the console and the command line call — and prints p50 and p99 in milliseconds, how many
tickets match, and the plan of the page's statement: the index each range reads (``3×ix_…``:
three ranges merged; a search also shows the title postings it counts or walks, and the capped
count of the queue a sorted search weighs) and any sort step (SQLite "TEMP B-TREE", PostgreSQL
"Sort"), which is what makes a page cost more as more tickets match. Target: p99 ≤ 20 ms for
every page. The collector runs as in the console (``common.collector``): start-up frozen,
full collections when the operator pauses (here, between two combinations); its pauses are
printed at the end, those while pages are read apart from the idle ones. ``--python-gc``
leaves Python's defaults, whose full collections add single 40-100 ms pauses to whichever
pages they fall in.

The plan is the plan of the statement ``list_tickets`` sent (caught on the engine), so the
script measures older code the same way. The SQLite database is kept in
/tmp/itsm-bench-queues and reused by later runs with the same ``--tickets``; on PostgreSQL the
site is kept in a schema of its own (``bench_queues_<tickets>``) for the same reason;
``--fresh`` rebuilds either. ``--quick`` loads a throw-away site (``scratch.py``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, text
from sqlmodel import Session, col, select

from benchmarks.bench_site import build
from benchmarks.gc_pauses import LIMIT_MS, Pauses
from benchmarks.scratch import scratch_database
from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.domain import PRIORITY_LEVELS, Role, TicketStatus
from itsm_tui.storage import ticket_queries as q
from itsm_tui.storage.engine import read_session
from itsm_tui.storage.tables import AssignmentGroup, GroupMember, Staff, StaffRole, Ticket
from itsm_tui.workflow.context import Read, load_actor
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.tickets import Queue, list_tickets, title_search
from itsm_tui.workflow.tickets import queries as tq

BENCH_DIR = Path("/tmp/itsm-bench-queues")
TARGET_MS = 20.0
SORTS = tuple(q.SORTS)
#: Queues whose scope depends on the reader: an agent sees their groups, a supervisor all.
SCOPED = (Queue.UNASSIGNED, Queue.AT_RISK, Queue.BREACHED)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Case:
    who: str  # "agent" or "supervisor"
    queue: str
    sort: str
    status: str | None
    priority: int | None
    search: str | None

    def label(self) -> str:
        queue = self.queue + (" (sup)" if self.who == "supervisor" else "")
        search = f"“{self.search}”" if self.search else "-"
        return (
            f"{queue:<18} {self.sort:<8} {self.status or '-':<11} "
            f"{'P' + str(self.priority) if self.priority else '-':<3} {search:<10}"
        )


@dataclass
class Result:
    case: Case
    matches: int
    first_p50: float
    first_p99: float
    deep_p50: float | None
    deep_p99: float | None
    plan: str
    sorts: bool  # the plan sorts rows (a cost that grows with the matches)
    #: CPU time of this process, p50 of the first and deep page (the wall time carries the
    #: load of a shared machine and, on PostgreSQL, the server's work; this does neither).
    first_cpu50: float = 0.0
    deep_cpu50: float | None = None


def readers(site: Site) -> dict[str, Actor]:
    """A tier-1 agent of the busiest hotline group, and a supervisor."""
    with Session(site.engine) as s:
        agent = s.exec(
            select(Staff)
            .join(GroupMember, col(GroupMember.staff_id) == Staff.id)
            .join(AssignmentGroup, col(AssignmentGroup.id) == GroupMember.group_id)
            .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
            .where(AssignmentGroup.tier == 1, Staff.tier == 1, StaffRole.role == Role.AGENT.value)
            .order_by(col(AssignmentGroup.id), col(Staff.id))
        ).first()
        boss = s.exec(
            select(Staff)
            .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
            .where(StaffRole.role == Role.SUPERVISOR.value)
            .order_by(col(Staff.id))
        ).first()
    assert agent is not None and boss is not None, "the demo site has agents and supervisors"
    return {
        "agent": Actor(agent.id or 0, agent.login, agent.display_name, agent.tier, frozenset()),
        "supervisor": Actor(boss.id or 0, boss.login, boss.display_name, boss.tier, frozenset()),
    }


#: Search terms, common and rare, Chinese and Latin (titles holding each in the 1M demo site,
#: about): 打印机 ~60,000 and 打印 ~87,000, VPN ~54,000, 蓝屏 ~8,600 (common: the sort index
#: is walked), 空调 and UPS ~1,300 (rare: the title bigram postings are read), 熔接 none (rare:
#: a walk would read the whole queue). A ticket's number is searched as well.
SEARCHES = ("打印机", "蓝屏", "VPN", "空调", "UPS", "熔接")


def cases(quick: bool, number: str) -> Iterator[Case]:
    statuses: tuple[str | None, ...] = (None, *(s.value for s in TicketStatus))
    priorities: tuple[int | None, ...] = (None, *PRIORITY_LEVELS)
    if quick:
        statuses, priorities = (None, "new", "closed"), (None, 1, 4)
    for queue in Queue:
        for who in ("agent", "supervisor") if queue in SCOPED else ("agent",):
            for sort in SORTS:
                for status in statuses:
                    for priority in priorities:
                        yield Case(who, queue.value, sort, status, priority, None)
                for search in (*SEARCHES, number):
                    yield Case(who, queue.value, sort, None, None, search)


@contextmanager
def caught(site: Site) -> Iterator[list[tuple[str, Any]]]:
    """The statements (and parameters) the engine runs meanwhile."""
    seen: list[tuple[str, Any]] = []

    def hook(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(site.engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(site.engine, "before_cursor_execute", hook)


def plan_of(site: Site, statement: str, params: Any) -> tuple[str, bool]:
    """The plan's scan and sort steps, condensed: each index a range reads (``n×`` when n
    ranges read it), full scans, and sorts; and whether it sorts."""
    steps: Counter[str] = Counter()
    sorts = False
    with site.engine.connect() as conn:
        if site.engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
            for row in rows:
                detail = str(row[-1])
                if "TEMP B-TREE" in detail:
                    steps[detail.replace("USE ", "")] += 1
                    sorts = sorts or "ORDER BY" in detail
                elif (
                    re.match(r"(SCAN|SEARCH) ticket(_gram)?\b", detail)
                    and "(rowid=?)" not in detail
                ):
                    # (rowid=?): a joined row looked up by key, not a range of the page
                    if m := re.search(r"INDEX (\w+)", detail):
                        steps[m.group(1)] += 1
                    elif "PRIMARY KEY" in detail:
                        steps["rowid range"] += 1
                    else:
                        steps["SCAN ticket"] += 1
        else:
            rows = conn.exec_driver_sql(f"EXPLAIN {statement}", params).all()
            lines = [str(row[0]) for row in rows]
            for n, line in enumerate(lines):
                if n + 1 < len(lines) and "Index Cond: (id = " in lines[n + 1]:
                    continue  # a joined row looked up by key, not a range of the page
                if m := re.search(
                    r"(Index Only Scan|Index Scan)(?: Backward)? using (\w+) on ticket(_gram)?\b",
                    line,
                ):
                    steps["pk walk" if m.group(2) == "pk_ticket" else m.group(2)] += 1
                elif m := re.search(r"Bitmap Index Scan on (\w+)", line):
                    steps[f"bitmap {m.group(1)}"] += 1
                elif "Seq Scan on ticket " in line:
                    steps["Seq Scan ticket"] += 1
                elif re.search(r"(^|->)\s*(Incremental )?Sort\s+\(", line):
                    steps["Sort"] += 1
                    sorts = True
    text_ = " ".join(f"{n}×{k}" if n > 1 else k for k, n in steps.items())
    return text_ or "(no query)", sorts


def page_statements(seen: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The statements that picked the page: those with a LIMIT (the rows of the ids they pick
    are then read by key, or joined by key in older code)."""
    return [(s, p) for s, p in seen if "LIMIT" in s.upper() and "FROM ticket" in s]


def conditions(read: Read, case: Case) -> list[Any]:
    """The rows ``case`` reads, as one condition list (to count them and find the deep row)."""
    where = tq.queue_filter(read, Queue(case.queue))
    if case.search:
        found = title_search.text_filter(read.session, case.search, case.sort)
        where.append(getattr(found, "condition", found))  # a rare term's: Narrowed
    if case.status:
        where.append(col(Ticket.status) == case.status)
    if case.priority:
        where.append(col(Ticket.priority) == case.priority)
    return where


def deep_row(site: Site, reader: Actor, case: Case) -> tuple[int, int | None]:
    """How many tickets ``case`` matches, and the id of the row 90 % of the way down."""
    with read_session(site.engine) as session:
        read = Read(site, session, load_actor(session, reader), site.clock.now())
        where = conditions(read, case)
        matches = q.count(session, where)
        if matches < 2:
            return matches, None
        order = [
            getattr(Ticket, n).asc() if asc else getattr(Ticket, n).desc()
            for n, asc in q.SORTS[case.sort]
        ]
        stmt = select(Ticket.id).where(*where).order_by(*order).offset(matches * 9 // 10).limit(1)
        return matches, session.exec(stmt).first()


def measure(site: Site, reader: Actor, case: Case, reps: int) -> Result:
    matches, deep = deep_row(site, reader, case)

    def page(after: int | None) -> Callable[[], object]:
        return lambda: list_tickets(
            site,
            reader,
            case.queue,
            sort=case.sort,
            status=case.status,
            priority=case.priority,
            text=case.search,
            after=after,
            limit=50,
        )

    with caught(site) as seen:
        page(deep)()
    plans = [plan_of(site, *statement) for statement in page_statements(seen)]
    plan = " + ".join(p for p, _ in plans) or "(no query)"
    sorts = any(s for _, s in plans)
    first_cpu: list[float] = []
    deep_cpu: list[float] = []
    first = timings(page(None), reps, first_cpu)
    deeps = timings(page(deep), reps, deep_cpu) if deep is not None else None
    return Result(
        case,
        matches,
        statistics.median(first),
        percentile(first, 99),
        statistics.median(deeps) if deeps else None,
        percentile(deeps, 99) if deeps else None,
        plan,
        sorts,
        statistics.median(first_cpu),
        statistics.median(deep_cpu) if deep_cpu else None,
    )


def timings(fn: Callable[[], object], reps: int, cpu: list[float]) -> list[float]:
    """Wall milliseconds of ``reps`` runs of ``fn`` (and their CPU milliseconds into ``cpu``)."""
    fn()  # warm: the statement compiled and cached, the pages in the file cache
    out = []
    for _ in range(reps):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return out


def show(r: Result) -> None:
    deep = "     -       -" if r.deep_p50 is None else f"{r.deep_p50:6.2f} {r.deep_p99:7.2f}"
    worst = max(r.first_p99, r.deep_p99 or 0)
    mark = "OVER" if worst > TARGET_MS else ("sort" if r.sorts else "ok")
    cpu = f"{r.first_cpu50:5.1f} {'-' if r.deep_cpu50 is None else f'{r.deep_cpu50:.1f}':>5}"
    print(
        f"{r.case.label()} {r.matches:>9,} {r.first_p50:6.2f} {r.first_p99:7.2f} {deep}"
        f" {cpu}  {mark:<4} {r.plan}",
        flush=True,
    )


def pause_summary(pauses: Pauses) -> str:
    """The collector's pauses while pages were read, and those run when idle, in a line."""
    reading = [ms for _, ms, _ in pauses.samples]
    over = sum(1 for ms in reading if ms > LIMIT_MS)
    return (
        f"{len(reading)} collections while reading, longest {max(reading, default=0.0):.1f} ms, "
        f"{over} over {LIMIT_MS:g} ms; {len(pauses.idle)} when idle, longest "
        f"{max(pauses.idle, default=0.0):.1f} ms"
    )


def run(
    site: Site, quick: bool, reps: int, only: str | None, out: Path | None, python_gc: bool
) -> None:
    who = readers(site)
    with Session(site.engine) as s:
        number = s.exec(select(Ticket.number).order_by(col(Ticket.id).desc())).first() or ""
    # Pages are read as the console reads them: its start-up frozen, the collector settled,
    # full collections run when the operator pauses (common.collector): here between one
    # combination's runs and the next. Python's own thresholds instead start them wherever
    # an allocation tips them: single 40-100 ms pauses in a page's p99 (--python-gc).
    idle: Any = None
    if not python_gc:
        # (Imported here: the script also measures older code, which has neither.)
        from itsm_tui.common.collector import IdleCollector, settle_collector

        settle_collector(full_when_idle=True)
        idle = IdleCollector(quiet=0.0)
    pauses = Pauses()
    gc.callbacks.append(pauses)
    print(
        f"\nreaders: agent {who['agent'].login}, supervisor {who['supervisor'].login}; "
        f"{reps} runs a page; ms; target p99 ≤ {TARGET_MS:g}"
    )
    print(
        f"{'queue':<18} {'sort':<8} {'status':<11} {'P':<3} {'search':<10} {'matches':>9} "
        f"{'first p50':>6} {'p99':>7} {'deep p50':>6} {'p99':>7} {'cpu50 first/deep':>11}"
        "  mark plan"
    )
    results: list[Result] = []
    start, cpu_start = time.perf_counter(), time.process_time()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    for case in cases(quick, number):
        if only and not re.search(only, case.label()):
            continue
        result = measure(site, who[case.who], case, reps)
        results.append(result)
        show(result)
        if idle is not None:
            pauses.in_idle = True
            idle.tick()
            pauses.in_idle = False
    if not results:
        print("no combination matches --only")
        return
    over = [r for r in results if max(r.first_p99, r.deep_p99 or 0) > TARGET_MS]
    sorting = [r for r in results if r.sorts]
    worst = max(results, key=lambda r: max(r.first_p99, r.deep_p99 or 0))
    cpu_start = time.process_time() - cpu_start
    print(
        f"\n{len(results)} combinations in {time.perf_counter() - start:.0f} s "
        f"(cpu {cpu_start:.0f} s; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}); "
        f"{len(over)} over {TARGET_MS:g} ms p99; {len(sorting)} plans sort their matches; "
        f"worst p99 {max(worst.first_p99, worst.deep_p99 or 0):.1f} ms: {worst.case.label()}"
    )
    gc.callbacks.remove(pauses)
    how = "Python's thresholds" if python_gc else "as the console's, full ones when idle"
    print(f"collector ({how}): {pause_summary(pauses)}")
    prio = [r.first_p50 for r in results if r.case.sort == "priority"]
    if prio:
        print(f"priority-sorted first pages: median of p50s {statistics.median(prio):.2f} ms")
    if out:
        out.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))
        print(f"results in {out}")


def _later(site: Site, days: float) -> Site:
    """``site`` read through a clock frozen ``days`` from now (itself when 0)."""
    if days:
        site.clock = FrozenClock(site.clock.now() + timedelta(days=days))
        print(f"clock frozen at {site.clock.now():%Y-%m-%d %H:%M} UTC ({days:g} days later)")
    return site


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, help="default 1,000,000 (SQLite), 200,000 (PG)")
    parser.add_argument(
        "--db", help="a PostgreSQL URL (default: a SQLite file in " + str(BENCH_DIR) + ")"
    )
    parser.add_argument("--quick", action="store_true", help="20,000 tickets, fewer filters")
    parser.add_argument("--reps", type=int, default=15, help="timed runs per page")
    parser.add_argument("--only", help="a regular expression: only the matching rows")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--python-gc",
        action="store_true",
        help="leave the collector at Python's defaults instead of settling it as the console"
        " does after start-up",
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached site")
    parser.add_argument("--file", type=Path, help="the SQLite file (default: the cached one)")
    parser.add_argument("--schema", help="the PostgreSQL schema (default: bench_queues_<tickets>)")
    parser.add_argument(
        "--days-later",
        type=float,
        default=0,
        help="read the queues as of this many days from now (a frozen clock): the at-risk and"
        " breached windows move with the clock, and a site read days after its load has most"
        " open tickets past due",
    )
    args = parser.parse_args()
    later = args.days_later

    if args.quick:
        with scratch_database(args.db, "queues") as url:
            site, _ = build(url, args.tickets or 20_000)
            run(site, True, args.reps, args.only, args.json, args.python_gc)
            site.close()
        return
    if args.db:
        tickets = args.tickets or 200_000
        schema = args.schema or f"bench_queues_{tickets}"
        admin = create_engine(args.db)
        with admin.begin() as conn:
            if args.fresh:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
        admin.dispose()
        sep = "&" if "?" in args.db else "?"
        site, _ = build(f"{args.db}{sep}options=-csearch_path%3D{schema}", tickets)
        run(_later(site, later), False, args.reps, args.only, args.json, args.python_gc)
        site.close()
        return
    tickets = args.tickets or 1_000_000
    BENCH_DIR.mkdir(exist_ok=True)
    path = args.file or BENCH_DIR / f"tickets-{tickets}.db"
    if args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    site, _ = build(f"sqlite:///{path}", tickets)
    run(_later(site, later), False, args.reps, args.only, args.json, args.python_gc)
    site.close()


if __name__ == "__main__":
    main()
