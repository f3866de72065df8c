"""How long a deployed site waits for a schema upgrade: the demo site loaded at one revision,
then ``migrate.upgrade`` to the newest, timed.

    python benchmarks/schema_upgrade.py --tickets 200000             # SQLite in /tmp
    python benchmarks/schema_upgrade.py --from 0005 --db postgresql+psycopg://postgres@127.0.0.1:5432/test

Why: the upgrade runs in one transaction, which on SQLite holds the write lock throughout, and
batch mode re-creates every table it alters (revision 0006 re-creates ``ticket``, ``contact``,
``ticket_note`` and the staff tables to add their CHECK constraints). PostgreSQL adds a
constraint in place but reads every row to check it. The figure says how long to stop the
consoles and the scheduler for. It prints the rows in the tables the upgrade touched and the
seconds it took.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from benchmarks.scratch import scratch_database
from itsm_tui.common.config import Settings
from itsm_tui.storage import migrate
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow.demo.loader import load_demo
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import bootstrap_admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--from", dest="start", default="0005", help="revision to load at")
    parser.add_argument("--db", help="PostgreSQL URL (default: SQLite in /tmp)")
    args = parser.parse_args()
    with scratch_database(args.db, "upgrade-bench") as url:
        engine = make_engine(url)
        migrate.upgrade(engine, args.start)
        site = Site(engine, settings=Settings(database_url=url))
        view = bootstrap_admin(site, "admin", "Admin")
        admin = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
        load_demo(site, admin, tickets=args.tickets)
        with engine.connect() as conn:
            counts = {
                t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
                for t in ("ticket", "contact", "ticket_note", "staff")
            }
        started = time.perf_counter()
        migrate.upgrade(engine)
        took = time.perf_counter() - started
        print(f"database     {engine.dialect.name}")
        print(f"upgrade      {args.start} → {migrate.current_revision(engine)}")
        for table, count in counts.items():
            print(f"{table:<12} {count:>10,} rows")
        print(f"took         {took:10.2f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
