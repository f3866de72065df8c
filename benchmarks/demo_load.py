"""How close does the demo loader come to the raw driver? ``itsm demo --tickets N`` vs sqlite3.

Run: ``python benchmarks/demo_load.py [--tickets 1000000] [--seed 2026] [--dir DIR] [--keep]``

Why this comparison: the loader's promise is "near the raw driver's speed in flat memory", so
it is measured against the best a hand-written loader could do with the same rows. Each side
runs in its own subprocess (so ``ru_maxrss`` is that side's peak alone) on a fresh SQLite file
migrated with ``migrate.upgrade``, with the same pragmas the engine sets (WAL, foreign keys on,
synchronous=NORMAL):

* ours — ``load_demo(site, admin, tickets=N)`` end to end: reference data, generating every
  ticket's rows (tickets, contacts, notes, CI links, journal), ``bulk.bulk_insert``, commit;
  it also writes the satisfaction surveys and complaints (not on the raw side, and not in its
  row count), so the ratio errs on the low side;
* raw — the same reference data written first (untimed), then the very same rows (same seed,
  generated chunk by chunk, generation *not* timed) inserted with ``sqlite3.executemany`` in one
  transaction; only executemany and the commit are timed. The title index (``ticket_gram``,
  which the loader writes with each chunk as a live site does) is written on this side too:
  its rows are cut from the titles while generating (not timed) and inserted (timed), so the
  sides do the same work; its rows are not in either side's row count.

Like is compared with like: both sides write the same tables and rows, so tickets/s on each side
is N divided by that side's time. The ticket-table figures (rows/s into ``ticket`` alone) are
printed for the raw side too. Targets: ratio ≥ 0.5, each side's peak memory < 500 MB. Each
side's CPU time (``time.process_time``) is printed as well, with the ratio it gives: on a
shared, loaded machine the wall time says as much about the neighbours as about the loader.
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from itsm_tui.common.clock import FrozenClock  # noqa: E402
from itsm_tui.common.config import Settings  # noqa: E402
from itsm_tui.storage import migrate, title_grams  # noqa: E402
from itsm_tui.storage.engine import SQLITE_BUSY_TIMEOUT_MS, make_engine  # noqa: E402
from itsm_tui.workflow.demo import load_demo  # noqa: E402
from itsm_tui.workflow.demo.loader import create_reference, ticket_factory  # noqa: E402
from itsm_tui.workflow.demo.tickets import (  # noqa: E402
    CONTACT_COLUMNS,
    JOURNAL_COLUMNS,
    LINK_COLUMNS,
    NOTE_COLUMNS,
    TICKET_COLUMNS,
)
from itsm_tui.workflow.site import Actor, Site  # noqa: E402
from itsm_tui.workflow.staff import bootstrap_admin  # noqa: E402

#: The instant the demo year ends (fixed, so every run writes the same rows).
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def _fresh(path: Path) -> tuple[Site, Actor]:
    """A migrated SQLite file with the bootstrap admin, as ``itsm init`` leaves it."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    site = Site(engine, clock=FrozenClock(NOW), settings=Settings(database_url=url))
    view = bootstrap_admin(site, "admin", "管理员")
    return site, Actor(view.id, view.login, view.display_name, view.tier, frozenset())


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_ours(path: Path, tickets: int, seed: int) -> dict[str, Any]:
    """``load_demo`` end to end, timed as the CLI would run it."""
    site, admin = _fresh(path)
    started, cpu = time.perf_counter(), time.process_time()
    summary = load_demo(site, admin, tickets=tickets, seed=seed)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    site.close()
    rows = (
        summary.tickets
        + summary.contacts
        + summary.ticket_notes
        + summary.ticket_cis
        + summary.journal_entries
    )
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "tickets": summary.tickets,
        "rows": rows,
        "peak_mb": _peak_mb(),
    }


def run_raw(path: Path, tickets: int, seed: int) -> dict[str, Any]:
    """The same rows through ``sqlite3.executemany``; only the inserts and the commit timed."""
    site, _ = _fresh(path)
    now = int(NOW.timestamp())
    with site.engine.begin() as conn:  # reference data, untimed (it is ~1,300 rows)
        people, catalog = create_reference(conn, seed, now)
        factory = ticket_factory(
            conn, people, catalog, seed=seed, now=now, count=tickets, zone=site.settings.zone
        )
    site.close()
    raw = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL",
                   f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"):  # fmt: skip
        raw.execute(f"PRAGMA {pragma}")
    tables = (
        ("ticket", TICKET_COLUMNS, "tickets"),
        ("ticket_gram", title_grams.COLUMNS, "grams"),
        ("contact", CONTACT_COLUMNS, "contacts"),
        ("ticket_note", NOTE_COLUMNS, "notes"),
        ("ticket_ci", LINK_COLUMNS, "links"),
        ("journal_entry", JOURNAL_COLUMNS, "journal"),
    )
    cut = functools.cache(title_grams.title_grams)  # the demo draws from a few hundred titles
    title, priority = TICKET_COLUMNS.index("title"), TICKET_COLUMNS.index("priority")
    status = TICKET_COLUMNS.index("status")
    sql = {
        name: f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        for name, cols, _ in tables
    }
    timed = {name: 0.0 for name, _, _ in tables}
    cpu = 0.0  # process time of the timed parts (the machine may be shared: wall time varies)
    rows = {name: 0 for name, _, _ in tables}
    generation = 0.0
    raw.execute("BEGIN IMMEDIATE")
    chunks = factory.chunks()
    while True:
        started = time.perf_counter()
        chunk = next(chunks, None)  # generating the rows: not timed
        grams = (
            []
            if chunk is None
            else [
                (r[0], g, r[priority], title_grams.is_open(r[status]))
                for r in chunk.tickets
                for g in cut(r[title])
            ]
        )
        generation += time.perf_counter() - started
        if chunk is None:
            break
        for name, _, field in tables:
            batch = grams if field == "grams" else getattr(chunk, field)
            started, cpu_started = time.perf_counter(), time.process_time()
            raw.executemany(sql[name], batch)
            timed[name] += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            rows[name] += len(batch)
    started, cpu_started = time.perf_counter(), time.process_time()
    raw.execute("COMMIT")
    commit = time.perf_counter() - started
    cpu += time.process_time() - cpu_started
    raw.close()
    return {
        "seconds": sum(timed.values()) + commit,
        "cpu_seconds": cpu,
        "tickets": rows["ticket"],
        "rows": sum(rows.values()) - rows["ticket_gram"],
        "gram_rows": rows["ticket_gram"],
        "gram_seconds": timed["ticket_gram"],
        "ticket_seconds": timed["ticket"],
        "generation_seconds": generation,
        "peak_mb": _peak_mb(),
    }


def _side(side: str, path: Path, tickets: int, seed: int) -> dict[str, Any]:
    """Run one side in a subprocess of its own and read its JSON result."""
    cmd = [sys.executable, __file__, "--side", side, "--db", str(path),
           "--tickets", str(tickets), "--seed", str(seed)]  # fmt: skip
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dir", type=Path, help="where to put the database files")
    parser.add_argument("--keep", action="store_true", help="keep the database files")
    parser.add_argument("--side", choices=("ours", "raw"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        run = run_ours if args.side == "ours" else run_raw
        print(json.dumps(run(args.db, args.tickets, args.seed)))
        return

    folder = Path(tempfile.mkdtemp(prefix="itsm-demo-bench-", dir=args.dir))
    try:
        n = args.tickets
        print(f"demo load benchmark: {n:,} tickets, seed {args.seed}, SQLite files in {folder}")
        ours = _side("ours", folder / "ours.db", n, args.seed)
        print(
            f"  ours  load_demo (generate + bulk_insert + commit): {ours['seconds']:8.1f} s  "
            f"{ours['tickets'] / ours['seconds']:9,.0f} tickets/s  "
            f"{ours['rows'] / ours['seconds']:9,.0f} rows/s  ({ours['rows']:,} rows)  "
            f"peak {ours['peak_mb']:.0f} MB"
        )
        raw = _side("raw", folder / "raw.db", n, args.seed)
        print(
            f"  raw   sqlite3.executemany (same rows, pregenerated): {raw['seconds']:6.1f} s  "
            f"{raw['tickets'] / raw['seconds']:9,.0f} tickets/s  "
            f"{raw['rows'] / raw['seconds']:9,.0f} rows/s  ({raw['rows']:,} rows)  "
            f"peak {raw['peak_mb']:.0f} MB"
        )
        print(
            f"        of which the ticket table: {raw['ticket_seconds']:.1f} s = "
            f"{raw['tickets'] / raw['ticket_seconds']:,.0f} rows/s; generating the rows took "
            f"{raw['generation_seconds']:.1f} s (not timed); the title index: "
            f"{raw['gram_rows']:,} rows in {raw['gram_seconds']:.1f} s"
        )
        if ours["rows"] != raw["rows"]:
            print(
                f"  WARNING: the sides wrote different row counts: {ours['rows']} vs {raw['rows']}"
            )
        ratio = (ours["tickets"] / ours["seconds"]) / (raw["tickets"] / raw["seconds"])
        cpu_ratio = (ours["tickets"] / ours["cpu_seconds"]) / (raw["tickets"] / raw["cpu_seconds"])
        print(
            f"  ratio ours/raw: {ratio:.2f} (target >= 0.5); peak memory ours "
            f"{ours['peak_mb']:.0f} MB, raw {raw['peak_mb']:.0f} MB (target < 500 MB)"
        )
        print(
            f"  CPU time: ours {ours['cpu_seconds']:.1f} s, raw {raw['cpu_seconds']:.1f} s; "
            f"ratio by CPU time {cpu_ratio:.2f} (the wall-time ratio moves with the load)"
        )
    finally:
        if args.keep:
            print(f"  kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
