"""The benchmark site: a demo site of a given size, loaded once and reused.

``queues.py`` and ``ticket_ops.py`` measure the same kind of site; loading a million tickets
takes a while, so each run reuses a database that already holds enough tickets, and brings its
schema up to date first (a site kept from an older run may lack the newest tables and indexes;
the upgrade's time is printed, as it is the migration's cost at that size).
"""

from __future__ import annotations

import time

from sqlmodel import Session, func, select

from itsm_tui.storage import migrate
from itsm_tui.storage.engine import make_engine
from itsm_tui.storage.tables import Ticket
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.demo import load_demo
from itsm_tui.workflow.site import Actor, Site


def build(url: str, tickets: int) -> tuple[Site, float | None]:
    """The site at ``url`` with at least ``tickets`` tickets (loaded if need be), and the
    load's duration in seconds (None when reused)."""
    site = Site(make_engine(url))
    with Session(site.engine) as s:
        try:
            have = s.exec(select(func.count()).select_from(Ticket)).one()
        except Exception:
            have = -1
    if have >= tickets:
        print(f"reusing {url} ({have:,} tickets)")
        start = time.perf_counter()
        migrate.upgrade(site.engine)
        print(f"  schema up to date in {time.perf_counter() - start:.1f} s", flush=True)
        return site, None
    print(f"loading {tickets:,} demo tickets into {url} …", flush=True)
    start = time.perf_counter()
    admin = initialise(site, "bench", "Benchmark")
    load_demo(site, Actor(admin.id, admin.login, "", 3, frozenset()), tickets=tickets, seed=2026)
    took = time.perf_counter() - start
    print(f"  loaded in {took:.0f} s", flush=True)
    return site, took
