"""Import rate of the CMDB's bulk import, beside a raw executemany of the same rows.

    python benchmarks/cmdb_import.py                      # 100,000 CIs, 300,000 relations, SQLite
    python benchmarks/cmdb_import.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
    python benchmarks/cmdb_import.py --cis 20000 --relations 60000

Writes the two CSV files, imports them with ``itsm ci import``'s workflow (decode, sniff,
validate every cell, look up existing keys, upsert, journal every row), then inserts the same
rows with the driver's bare ``executemany`` into a fresh database, and prints both rates and
their ratio (target: import ≥ 0.3 of raw). A second import of the same file (all unchanged)
is timed too. The graph is kept (SQLite: /tmp/itsm-bench/cmdb-<n>.db) for cmdb_impact.py.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from itsm_tui.storage import bulk, migrate
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.cmdb.importing import import_file
from itsm_tui.workflow.context import Actor, Site

BENCH_DIR = Path("/tmp/itsm-bench")
CI_HEADER = ["asset_tag", "class", "name", "status", "criticality", "ip", "kind", "engine"]


def graph(cis: int, relations: int, seed: int = 6) -> tuple[list[list[str]], list[list[str]]]:
    """A tiered estate: services → databases → servers → racks → rooms, desktops → switches."""
    rng = random.Random(seed)
    n_rooms, n_racks, n_net = 10, cis // 100, cis // 200
    n_services, n_dbs, n_servers = cis // 300, cis // 50, cis // 5
    rows: list[list[str]] = []

    def add(cls: str, name: str, crit: int = 3, kind: str = "", engine: str = "") -> str:
        tag = f"AT{len(rows):07d}"
        ip = f"10.{len(rows) >> 16 & 255}.{len(rows) >> 8 & 255}.{len(rows) & 255}"
        rows.append([tag, cls, name, "in_use", str(crit), ip, kind, engine])
        return tag

    rooms = [add("machine_room", f"机房{i}") for i in range(n_rooms)]
    racks = [add("rack", f"机柜{i:05d}") for i in range(n_racks)]
    net = [add("network_device", f"交换机{i:05d}", 2, "switch") for i in range(n_net)]
    servers = [
        add("server", f"SRV{i:06d}", 2, rng.choice(("physical", "virtual")))
        for i in range(n_servers)
    ]
    dbs = [add("database", f"数据库{i:05d}", 2, engine="达梦 DM8") for i in range(n_dbs)]
    services = [
        add("business_service", f"业务系统{i:04d}", rng.choice((1, 2, 3, 3)))
        for i in range(n_services)
    ]
    desktops = [add("desktop", f"终端{i:06d}") for i in range(cis - len(rows))]
    rels: set[tuple[str, str, str]] = set()

    def rel(s: str, k: str, t: str) -> None:
        if len(rels) < relations and s != t:
            rels.add((s, k, t))

    for r in racks:
        rel(r, "located_in", rng.choice(rooms))
    for s in servers:
        rel(s, "located_in", rng.choice(racks))
        rel(s, "connects_to", rng.choice(net[: len(net) // 10 + 1]))
    for d in dbs:
        rel(d, "runs_on", rng.choice(servers))
    for svc in services:
        for _ in range(5):
            rel(svc, "runs_on", rng.choice(servers))
            rel(svc, "depends_on", rng.choice(dbs))
        rel(svc, "depends_on", rng.choice(services))
    for d in desktops:
        rel(d, "connects_to", rng.choice(net))
    while len(rels) < relations:  # the rest: servers depending on each other (cycles included)
        rel(rng.choice(servers), "depends_on", rng.choice(servers))
    return rows, [list(r) for r in sorted(rels)]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


@contextmanager
def database(url: str | None, name: str) -> Iterator[str]:
    if url is None or url.startswith("sqlite"):
        BENCH_DIR.mkdir(exist_ok=True)
        path = BENCH_DIR / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def raw_insert(
    url: str, ci_rows: list[list[str]], rel_rows: list[list[str]]
) -> tuple[float, float]:
    """The same rows through the driver's bare executemany (ids precomputed, no checks)."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    ids = {r[0]: i + 1 for i, r in enumerate(ci_rows)}
    with engine.begin() as conn:
        now = bulk.to_db_time(conn, datetime.now(UTC))
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        start = time.perf_counter()
        conn.exec_driver_sql(
            "INSERT INTO configuration_item (id, asset_tag, ci_class, name, status, criticality, "
            f"ip, attributes, created_at, updated_at, version) VALUES ({', '.join([mark] * 11)})",
            [
                (ids[r[0]], r[0], r[1], r[2], r[3], int(r[4]), r[5], "{}", now, now, 1)
                for r in ci_rows
            ],
        )
        ci_time = time.perf_counter() - start
        start = time.perf_counter()
        conn.exec_driver_sql(
            "INSERT INTO ci_relation (source_id, target_id, type, created_at) "
            f"VALUES ({mark}, {mark}, {mark}, {mark})",
            [(ids[s], ids[t], k, now) for s, k, t in rel_rows],
        )
        rel_time = time.perf_counter() - start
    engine.dispose()
    return ci_time, rel_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="PostgreSQL URL (default: SQLite under /tmp/itsm-bench)")
    parser.add_argument("--cis", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=300_000)
    args = parser.parse_args()
    ci_rows, rel_rows = graph(args.cis, args.relations)
    BENCH_DIR.mkdir(exist_ok=True)
    ci_file, rel_file = BENCH_DIR / "cis.csv", BENCH_DIR / "relations.csv"
    write_csv(ci_file, CI_HEADER, ci_rows)
    write_csv(rel_file, ["source", "type", "target"], rel_rows)
    with database(args.db, f"cmdb-{args.cis}") as url:
        site = Site(make_engine(url))
        migrate.upgrade(site.engine)
        view = initialise(site, "bench", "Benchmark")
        admin = Actor(view.id, view.login, "", 3, frozenset())
        timings = {}
        for name, path in (("cis", ci_file), ("relations", rel_file)):
            start = time.perf_counter()
            summary = import_file(site, admin, str(path))
            timings[name] = time.perf_counter() - start
            assert summary.created == summary.rows, summary.errors[:3]
        start = time.perf_counter()
        again = import_file(site, admin, str(ci_file))
        reimport = time.perf_counter() - start
        assert again.unchanged == again.rows
        site.close()
        with database(args.db, "cmdb-raw") as raw_url:
            raw_ci, raw_rel = raw_insert(raw_url, ci_rows, rel_rows)
    dialect = "postgresql" if args.db else "sqlite"
    print(f"CMDB import on {dialect}: {len(ci_rows):,} CIs, {len(rel_rows):,} relations")
    for name, n, ours, raw in (
        ("CIs", len(ci_rows), timings["cis"], raw_ci),
        ("relations", len(rel_rows), timings["relations"], raw_rel),
    ):
        print(
            f"  {name:<9} import {n / ours:>9,.0f} rows/s ({ours:5.1f} s)   "
            f"raw executemany {n / raw:>9,.0f} rows/s ({raw:5.1f} s)   "
            f"ratio {raw / ours:.2f} (target ≥ 0.30)"
        )
    print(
        f"  re-import of the CI file, all unchanged: {len(ci_rows) / reimport:,.0f} rows/s "
        f"({reimport:.1f} s)"
    )


if __name__ == "__main__":
    main()
