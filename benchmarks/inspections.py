"""The four figures of machine-room inspections, on a large site.

    python benchmarks/inspections.py                    # 1,000,000 tickets, SQLite
    python benchmarks/inspections.py --tickets 100000   # a quicker run

Prints:

1. an answer saved (``rounds.answer``: judged, stored, journaled, one transaction), p50 and
   p99 in ms, with a year of rounds of the demo's checklists in the database — target p99
   ≤ 20 ms;
2. opening a round of 60 items with each item's last 30 readings (``rounds.open_round``, what
   the runner reads), p50 and p99 — target ≤ 100 ms; and beside it an A/B of the last
   readings alone, read as before (one statement per item) and as now (one for all items),
   alternated in this process;
3. generating a year of slots for 50 schedules (``schedules.create_due_rounds``: 36,500
   rounds, their numbers and journal entries, one transaction) — target ≤ 2 s;
4. the history of one item over two years of twice-daily readings (``history.history``: 1,460
   readings), p50 and p99 — target ≤ 50 ms.

    python benchmarks/inspections.py --tickets 200000 \
        --db postgresql+psycopg://postgres@127.0.0.1:5432/test      # on PostgreSQL

``--figures 2`` measures the second figure only (the year of rounds is still added first).

The SQLite database is kept in /tmp/itsm-bench (``--dir``) and reused by later runs with the
same ``--tickets``; the inspection data is added to a copy each run, so every run measures the
same thing. ``--fresh`` rebuilds the demo. On PostgreSQL (``--db``) the demo is kept in a
database of its own on that server, ``inspections_<tickets>`` (``--name`` another, so that two
people's runs do not replace each other's), and each run works in a copy made with ``CREATE
DATABASE … TEMPLATE``, dropped afterwards. After every bulk load the tables are ANALYZEd there,
so the timed reads run on the plans a live site's statistics would give.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, bindparam, create_engine, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlmodel import Session

from benchmarks.bench_site import build
from itsm_tui.common.clock import FrozenClock
from itsm_tui.scheduler.cron import CRON
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.engine import make_engine, read_session
from itsm_tui.storage.tables import (
    InspectionAnswer,
    InspectionItem,
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
)
from itsm_tui.workflow.inspections import history, rounds, schedules, templates
from itsm_tui.workflow.site import Actor, Site

BENCH_DIR = Path("/tmp/itsm-bench")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


#: CPU milliseconds of each timed call, beside its wall time: on a shared machine the wall time
#: carries other processes' load, the CPU time only this process's work (on PostgreSQL that
#: leaves out the server's own work, which runs in its process).
CPU: list[float] = []


def report(name: str, samples: list[float], target: float) -> None:
    p50, p99 = statistics.median(samples), percentile(samples, 99)
    cpu = statistics.median(CPU[-len(samples) :])
    verdict = "ok" if p99 <= target else "OVER"
    print(
        f"{name:<42} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  cpu p50 {cpu:6.1f} ms  "
        f"(target {target:.0f} ms: {verdict})"
    )


def timed(fn: Callable[[], object]) -> float:
    cpu = time.process_time()
    start = time.perf_counter()
    fn()
    wall = (time.perf_counter() - start) * 1000
    CPU.append((time.process_time() - cpu) * 1000)
    return wall


def load(url: str, tickets: int) -> None:
    """The demo site at ``url`` (:func:`benchmarks.bench_site.build`: loaded once, a kept one
    brought up to the newest schema), with fresh statistics."""
    site, _ = build(url, tickets)
    analyze(site.engine)
    site.close()


def analyze(engine: Engine) -> None:
    """Fresh statistics after a bulk load on PostgreSQL (autovacuum may not have come by yet,
    and a plan made on an empty table's statistics is not the plan a site runs)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


@contextmanager
def sqlite_copy(directory: Path, tickets: int, fresh: bool) -> Iterator[str]:
    """A copy of the SQLite demo database of ``tickets`` (built once and kept)."""
    directory.mkdir(exist_ok=True)
    base = directory / f"inspections-{tickets}.db"
    if fresh:
        base.unlink(missing_ok=True)
    load(f"sqlite:///{base}", tickets)
    work = directory / f"inspections-{tickets}-run.db"
    shutil.copyfile(base, work)
    try:
        yield f"sqlite:///{work}"
    finally:
        work.unlink(missing_ok=True)


@contextmanager
def postgresql_copy(url: str, name: str, tickets: int, fresh: bool) -> Iterator[str]:
    """A copy of the PostgreSQL demo database ``name`` (built once and kept on the server),
    made with ``CREATE DATABASE … TEMPLATE`` and dropped afterwards."""
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    run = f"{name}_run"
    with server.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if exists and fresh:
            conn.exec_driver_sql(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    base_url = make_url(url).set(database=name).render_as_string(hide_password=False)
    load(base_url, tickets)
    with server.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{run}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{run}" TEMPLATE "{name}"')
    try:
        yield make_url(url).set(database=run).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{run}"')
        server.dispose()


def checklist(code: str, items: int) -> str:
    lines = [f'code = "{code}"', f'name = "基准 {items} 项"', "", "[[sections]]", 'title = "机房"']
    for n in range(items):
        lines += [
            "", "[[sections.items]]", f'key = "t{n:02d}"', f'label = "温度 {n}"',
            'kind = "reading"', 'ci = "核心机房A"', 'unit = "°C"', "normal = [18, 27]",
            "warn = [15, 30]",
        ]  # fmt: skip
    return "\n".join(lines) + "\n"


def a_year_of_rounds(site: Site, admin: Actor) -> None:
    """The demo's schedules a year back: the rounds of every slot since, completed, each item
    answered (set-based, as a year of real rounds would have left them)."""
    now = site.clock.now()
    with site.engine.begin() as conn:
        conn.execute(
            update(core_table(InspectionSchedule)).values(planned_until=now - timedelta(days=365))
        )
    made = schedules.create_due_rounds(site, CRON).created
    rng = random.Random(7)
    r, i, t = (
        core_table(InspectionRound),
        core_table(InspectionItem),
        core_table(InspectionTemplate),
    )
    with site.engine.begin() as conn:
        rows = conn.execute(
            select(r.c.id, r.c.slot_at, t.c.code, i.c.id, i.c.key, i.c.ci_id)
            .join(t, t.c.id == r.c.template_id)
            .join(i, i.c.template_id == t.c.id)
            .where(r.c.number.in_(made))
        ).all()
        answers = [
            {
                "round_id": rid, "item_id": iid, "template_code": code, "item_key": key,
                "ci_id": ci, "outcome": "pass", "value": round(rng.gauss(23, 1), 1), "text": "",
                "note": "", "answered_by_id": admin.id, "answered_at": slot,
            }
            for rid, slot, code, iid, key, ci in rows
        ]  # fmt: skip
        for start in range(0, len(answers), 5000):
            conn.execute(insert(core_table(InspectionAnswer)), answers[start : start + 5000])
        conn.execute(
            update(r)
            .where(r.c.number.in_(made))
            .values(status="completed", completed_at=r.c.due_at, version=2)
        )
    analyze(site.engine)
    print(f"  a year of rounds: {len(made):,} rounds, {len(answers):,} answers added")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=400, help="answers timed")
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database")
    parser.add_argument("--dir", type=Path, default=BENCH_DIR, help="SQLite's directory")
    parser.add_argument("--db", help="a PostgreSQL URL (default: SQLite in --dir)")
    parser.add_argument("--name", help="PostgreSQL: the demo's database (inspections_<tickets>)")
    parser.add_argument(
        "--figures", default="1234", help="figures to measure (default 1234; figure 2 always runs)"
    )
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.db and not args.db.startswith("sqlite"):
        name = args.name or f"inspections_{args.tickets}"
        copy = postgresql_copy(args.db, name, args.tickets, args.fresh)
    else:
        copy = sqlite_copy(args.dir, args.tickets, args.fresh)
    with copy as url:
        measure(url, args.answers, args.figures)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def per_item_readings(
    session: Session, code: str, keys: list[str], round_id: int
) -> dict[str, tuple[float, ...]]:
    """The last readings as opening a round read them before: one statement per item (kept
    here as figure 2's A/B baseline)."""
    a = core_table(InspectionAnswer)
    one = (
        select(a.c.value)
        .where(
            a.c.template_code == bindparam("code"),
            a.c.item_key == bindparam("key"),
            a.c.round_id != bindparam("round_id"),
            a.c.value.is_not(None),
        )
        .order_by(a.c.answered_at.desc())
        .limit(rounds.SPARK_READINGS)
    )
    found = {}
    for key in keys:
        values = (
            session.connection()
            .execute(one, {"code": code, "key": key, "round_id": round_id})
            .scalars()
        )
        found[key] = tuple(float(v) for v in reversed(values.all()))
    return found


def readings_ab(site: Site, number: str, rounds_: int = 30) -> None:
    """Figure 2's reads alone, the old way (A: one statement per item) and the new (B: one
    statement for all items), alternated in this process on the same data and connection
    pool; each sample is one read in a fresh read session, wall and CPU."""
    r, t = core_table(InspectionRound), core_table(InspectionTemplate)
    with read_session(site.engine) as session:
        round_id, code = (
            session.connection()
            .execute(
                select(r.c.id, t.c.code)
                .join(t, t.c.id == r.c.template_id)
                .where(r.c.number == number)
            )
            .one()
        )
    keys = [f"t{n:02d}" for n in range(60)]
    ways = {
        "A per item": per_item_readings,
        "B one statement": rounds._last_readings,
    }
    with read_session(site.engine) as session:
        assert per_item_readings(session, code, keys, round_id) == rounds._last_readings(
            session, code, keys, round_id
        )
    walls: dict[str, list[float]] = {name: [] for name in ways}
    cpus: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(rounds_):
        for name, way in ways.items():
            with read_session(site.engine) as session:
                walls[name].append(timed(partial(way, session, code, keys, round_id)))
                cpus[name].append(CPU[-1])
    for name in ways:
        print(
            f"{'  last readings, 60 items: ' + name:<42} p50 {statistics.median(walls[name]):6.1f}"
            f" ms  p99 {percentile(walls[name], 99):6.1f} ms  cpu p50 "
            f"{statistics.median(cpus[name]):6.1f} ms  ({rounds_} each, alternated)"
        )


def measure(url: str, answers: int, figures: str = "1234") -> None:
    """The four figures, on the database at ``url`` (a copy: it gains a year of rounds)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        admin_id, login = conn.execute(
            text("SELECT id, login FROM staff WHERE login = 'bench'")
        ).one()
    clock = FrozenClock(datetime.now(UTC))
    site = Site(engine, clock=clock)
    admin = Actor(admin_id, login, "", 3, frozenset())
    a_year_of_rounds(site, admin)

    # 1. Saving an answer.
    samples: list[float] = []
    while "1" in figures and len(samples) < answers:
        number = rounds.start_round(site, admin, "mr-daily", group="mr-ops").number
        view = rounds.open_round(site, admin, number)
        for item in view.checks:
            if len(samples) >= answers:
                break
            if item.kind == "reading":
                value = "22.5"
            elif item.kind == "choice":
                value = item.limits.choices[0]
            else:
                value = "无" if item.kind == "text" else "pass"
            samples.append(timed(partial(rounds.answer, site, admin, number, item.key, value)))
            clock.advance(seconds=20)
    if samples:
        report("answer saved (a year of rounds present)", samples, 20)

    # 2. Opening a round of 60 items with their last 30 readings.
    templates.import_template(site, admin, "bench-60.toml", text=checklist("bench-60", 60))
    for _ in range(31):
        number = rounds.start_round(site, admin, "bench-60", group="mr-ops").number
        for n in range(60):
            rounds.answer(site, admin, number, f"t{n:02d}", f"{random.uniform(19, 26):.1f}")
        clock.advance(hours=12)
    number = rounds.start_round(site, admin, "bench-60", group="mr-ops").number
    opened = [timed(partial(rounds.open_round, site, admin, number)) for _ in range(50)]
    view = rounds.open_round(site, admin, number)
    assert len(view.checks) == 60 and all(len(i.readings) == 30 for i in view.checks)
    report("open a round: 60 items × 30 readings", opened, 100)
    readings_ab(site, number)
    if not set(figures) & set("34"):
        site.close()
        return

    # 3. A year of slots for 50 schedules.
    templates.import_template(site, admin, "bench-1.toml", text=checklist("bench-1", 1))
    for n in range(50):
        schedules.add_schedule(
            site, admin, CRON, f"bench-{n:02d}", "bench-1", "mr-ops", "0 9,16 * * *"
        )
    with site.engine.begin() as conn:
        s = core_table(InspectionSchedule)
        conn.execute(
            update(s)
            .where(s.c.code.like("bench-%"))
            .values(planned_until=clock.now() - timedelta(days=365))
        )
        # One of them two years back: the history of figure 4.
        conn.execute(
            update(s)
            .where(s.c.code == "bench-00")
            .values(planned_until=clock.now() - timedelta(days=730))
        )
    cpu = time.process_time()
    start = time.perf_counter()
    made = schedules.create_due_rounds(site, CRON).created
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    scale = 50 * 730 / len(made)  # one of them made two years
    year, year_cpu = seconds * scale, cpu * scale
    print(
        f"{'a year of slots for 50 schedules':<42} {year:6.2f} s  cpu {year_cpu:.2f} s  "
        f"({len(made):,} rounds in {seconds:.2f} s, cpu {cpu:.2f} s)  (target 2 s: "
        f"{'ok' if year <= 2 else 'OVER'}, cpu {'ok' if year_cpu <= 2 else 'OVER'})"
    )

    # 4. The history of one item over two years of twice-daily readings.
    r = core_table(InspectionRound)
    with site.engine.begin() as conn:
        rows = conn.execute(
            select(r.c.id, r.c.slot_at, core_table(InspectionItem).c.id)
            .join(
                core_table(InspectionSchedule),
                core_table(InspectionSchedule).c.id == r.c.schedule_id,
            )
            .join(
                core_table(InspectionItem),
                core_table(InspectionItem).c.template_id == r.c.template_id,
            )
            .where(core_table(InspectionSchedule).c.code == "bench-00")
        ).all()
        conn.execute(
            insert(core_table(InspectionAnswer)),
            [
                {"round_id": rid, "item_id": iid, "template_code": "bench-1", "item_key": "t00",
                 "ci_id": None, "outcome": "pass", "value": 23.0, "text": "", "note": "",
                 "answered_by_id": admin.id, "answered_at": slot}
                for rid, slot, iid in rows
            ],
        )  # fmt: skip
    analyze(site.engine)
    found = history.history(site, admin, "bench-1.t00", limit=5000)
    read = partial(history.history, site, admin, "bench-1.t00", limit=5000)
    reads = [timed(read) for _ in range(30)]
    report(f"history of one item ({len(found.readings):,} readings)", reads, 50)
    site.close()


if __name__ == "__main__":
    main()
