"""Latency of the service-desk operations with a large site loaded.

    python benchmarks/ticket_ops.py                       # 1,000,000 tickets, SQLite
    python benchmarks/ticket_ops.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
    python benchmarks/ticket_ops.py --tickets 100000 --ops 300
    python benchmarks/ticket_ops.py --db postgresql+psycopg://postgres@127.0.0.1:5432/copy \
        --schema bench_reports_200000 --tickets 200000     # a copy of a loaded site

Prints p50 and p99 (milliseconds), the CPU time p50 and the statements sent to the database
(median per call, counted by an engine event) of create, claim, escalate and resolve
over ``--ops`` operations, of "ticket + history" (``ticket_overview``: the ticket screen's one
read — the ticket, its notes, calls, journal, services at stake and SLA clocks), and of
``ticket list`` for each queue's first page and a page deep in the list (keyset paging: the deep
page should cost what the first costs; "all, sort=priority" is the priority-sorted page, most
urgent first; ``--skip-lists`` leaves the lists out). Targets: every
operation p99 under 20 ms on SQLite, every first page under 50 ms.

``--callers`` runs the operations a second time on tickets that have a caller (a different one
each, from the demo's callers): resolving such a ticket also opens its satisfaction survey in
the same transaction (the quiet-days check, the sample, the survey row and its journal entry),
so "resolve, with a caller" against "resolve" is what the survey hook costs.

The SQLite database is kept in /tmp/itsm-bench (``--dir`` names another) and reused by later
runs with the same ``--tickets`` (loading a million tickets takes a while); ``--fresh`` rebuilds
it. On PostgreSQL the run uses a schema of its own, dropped at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, create_engine, event, text
from sqlmodel import Session, col, func, select

from benchmarks.bench_site import build
from itsm_tui.storage.tables import AssignmentGroup, Caller, GroupMember, Staff, Survey, Ticket
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.tickets import TicketDraft
from itsm_tui.workflow.tickets.overview import ticket_overview

BENCH_DIR = Path("/tmp/itsm-bench")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


#: CPU seconds of each timed call, beside its wall time: on a shared machine the wall time
#: carries other processes' load and disk waits, the CPU time only this process's work.
CPU: list[float] = []
#: Statements each timed call sent (``count_statements`` counts them on the site's engine).
STATEMENTS: list[int] = []
_SENT = [0]


def _sent(*_args: object) -> None:
    _SENT[0] += 1


def count_statements(engine: Engine) -> None:
    if not event.contains(engine, "before_cursor_execute", _sent):
        event.listen(engine, "before_cursor_execute", _sent)


def timed(fn: Callable[[], object]) -> float:
    before = _SENT[0]
    cpu = time.thread_time()
    start = time.perf_counter()
    fn()
    wall = (time.perf_counter() - start) * 1000
    CPU.append((time.thread_time() - cpu) * 1000)
    STATEMENTS.append(_SENT[0] - before)
    return wall


def report(name: str, samples: list[float], target: float) -> None:
    p50, p99 = statistics.median(samples), percentile(samples, 99)
    n = len(samples)
    cpu = statistics.median(CPU[-n:]) if len(CPU) >= n else float("nan")
    sent = statistics.median(STATEMENTS[-n:]) if len(STATEMENTS) >= n else float("nan")
    mark = "ok" if p99 <= target else "OVER"
    print(
        f"  {name:<34} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   cpu p50 {cpu:6.2f} ms"
        f"   stmts {sent:4g}   (target p99 < {target:g}) {mark}"
    )


def actor(site: Site, login: str) -> Actor:
    with Session(site.engine) as s:
        row = s.exec(select(Staff).where(Staff.login == login)).one()
    return Actor(row.id, row.login, row.display_name, row.tier, frozenset())


def member_of_tier(site: Site, tier: int) -> tuple[str, str]:
    """A (group code, member login) pair of the busiest group of a tier."""
    with Session(site.engine) as s:
        code, login = s.exec(
            select(AssignmentGroup.code, Staff.login)
            .join(GroupMember, col(GroupMember.group_id) == AssignmentGroup.id)
            .join(Staff, col(Staff.id) == GroupMember.staff_id)
            .where(AssignmentGroup.tier == tier, Staff.tier == tier)  # not the admin who joined
            .order_by(col(AssignmentGroup.id), col(Staff.id))
        ).first()
    return code, login


def quiet_callers(site: Site, count: int) -> list[str]:
    """``count`` callers (as ``#id``) who answered no survey in the last 30 days (the default
    ``survey_quiet_days``), so resolving their tickets opens a survey rather than skipping it:
    the hook's whole path."""
    since = site.clock.now() - timedelta(days=30)
    with Session(site.engine) as s:
        answered = select(Survey.caller_id).where(col(Survey.answered_at) >= since)
        ids = s.exec(
            select(Caller.id)
            .where(col(Caller.id).not_in(answered))
            .order_by(col(Caller.id))
            .limit(count)
        ).all()
    return [f"#{i}" for i in ids]


def run(site: Site, ops: int, *, lists: bool = True, callers: list[str] | None = None) -> None:
    count_statements(site.engine)
    hotline, agent_login = member_of_tier(site, 1)
    tier2, engineer_login = member_of_tier(site, 2)
    agent, engineer = actor(site, agent_login), actor(site, engineer_login)
    with_caller = ", with a caller" if callers else ""
    who = f"agent {agent_login} in {hotline}, engineer in {tier2}"
    print(f"\noperations{with_caller} ({ops} each; {who}):")
    numbers: list[str] = []

    def create() -> None:
        caller = callers[len(numbers)] if callers else None
        draft = TicketDraft(title="基准测试工单", impact=2, urgency=2, caller=caller)
        view = t.create_ticket(site, agent, draft)
        numbers.append(view.number)

    report("create" + with_caller, [timed(create) for _ in range(ops)], 20)
    report("claim", [timed(lambda n=n: t.claim(site, agent, n)) for n in numbers], 20)
    report(
        "escalate",
        [
            timed(lambda n=n: t.escalate(site, agent, n, group=tier2, reason="基准"))
            for n in numbers
        ],
        20,
    )
    report(
        "resolve" + with_caller,
        [
            timed(lambda n=n: t.resolve(site, engineer, n, code="fixed", text="基准"))
            for n in numbers
        ],
        20,
    )
    report(
        "ticket + history (ticket_overview)",
        [timed(lambda n=n: ticket_overview(site, engineer, n)) for n in numbers],
        20,
    )

    if callers:
        with Session(site.engine) as s:
            opened = s.exec(
                select(func.count())
                .select_from(Survey)
                .join(Ticket, col(Ticket.id) == Survey.ticket_id)
                .where(col(Ticket.number).in_(numbers))
            ).one()
        print(f"  surveys opened by those resolves: {opened} of {len(numbers)}")
    if not lists:
        return
    with Session(site.engine) as s:
        max_id = s.exec(select(func.max(Ticket.id))).one() or 0
    deep = max_id // 10  # 90 % of the way down a newest-first list
    reps = max(20, ops // 10)
    print(f"\nticket list, 50 rows ({reps} runs each; deep page = after id {deep:,}):")
    queues = [
        ("mine", agent, {}),
        ("group", agent, {}),
        ("unassigned", agent, {}),
        ("open", agent, {}),
        ("flagged", agent, {}),
        ("all, status=closed", agent, {"status": "closed"}),
        ("all, priority=2", agent, {"priority": 2}),
        ("all, sort=priority", agent, {"sort": "priority"}),
    ]
    for label, who, extra in queues:
        queue = label.split(",")[0]
        report(f"{label}: first page", page_times(site, who, queue, extra, None, reps), 50)
        report(f"{label}: deep page", page_times(site, who, queue, extra, deep, reps), 50)


def page_times(
    site: Site, who: Actor, queue: str, extra: dict[str, int | str], after: int | None, reps: int
) -> list[float]:
    return [
        timed(lambda: t.list_tickets(site, who, queue, limit=50, after=after, **extra))  # type: ignore[arg-type]
        for _ in range(reps)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--db", help="a PostgreSQL URL (default: a SQLite file in /tmp/itsm-bench)")
    parser.add_argument(
        "--schema",
        help="with --db: an existing schema holding a demo site (a copy of a shared one), "
        "used as it is and kept; by default a schema of its own, loaded and dropped",
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the SQLite database")
    parser.add_argument(
        "--dir", type=Path, default=BENCH_DIR, help=f"the SQLite database's folder ({BENCH_DIR})"
    )
    parser.add_argument(
        "--skip-lists", action="store_true", help="time the operations only, not the queue pages"
    )
    parser.add_argument(
        "--callers",
        action="store_true",
        help="also time the operations on tickets with a caller (resolve opens their surveys)",
    )
    args = parser.parse_args()

    def both(site: Site) -> None:
        run(site, args.ops, lists=not args.skip_lists)
        if args.callers:
            quiet = quiet_callers(site, args.ops)
            if not quiet:
                raise SystemExit("no caller without a recent answer: no survey would open")
            # An open survey does not quieten its caller (only an answer does): taken in turn.
            callers = [quiet[i % len(quiet)] for i in range(args.ops)]
            run(site, args.ops, lists=False, callers=callers)

    if args.db and args.schema:
        sep = "&" if "?" in args.db else "?"
        site, _ = build(f"{args.db}{sep}options=-csearch_path%3D{args.schema}", args.tickets)
        both(site)
        site.close()
        return
    if args.db:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.db)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in args.db else "?"
        url = f"{args.db}{sep}options=-csearch_path%3D{schema}"
        try:
            site, _ = build(url, args.tickets)
            both(site)
            site.close()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        return
    args.dir.mkdir(exist_ok=True)
    path = args.dir / f"tickets-{args.tickets}.db"
    if args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    site, _ = build(f"sqlite:///{path}", args.tickets)
    both(site)
    site.close()


if __name__ == "__main__":
    main()
