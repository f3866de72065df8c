"""Import rate of the CMDB's bulk import, beside a raw executemany of the same rows.

    python benchmarks/cmdb_import.py                      # 100,000 CIs, 300,000 relations, SQLite
    python benchmarks/cmdb_import.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
    python benchmarks/cmdb_import.py --cis 20000 --relations 60000
    python benchmarks/cmdb_import.py --repeat 3               # medians of 3 runs (a busy machine)

Writes the two CSV files, imports them with ``itsm ci import``'s workflow (decode, sniff,
validate every cell, look up existing keys, upsert, journal every row), then inserts the same
rows with the driver's bare ``executemany`` into a fresh database, each kind committed as each
import is, and prints both rates and their ratio (target: import ≥ 0.3 of raw; the ratio to
the bare executemany without its commit is printed beside it). A second import of the same
file (all unchanged) is timed too. The graph (its shape: ``graph``) is kept for
cmdb_impact.py: SQLite in /tmp/itsm-bench/cmdb-<n>-v2.db, PostgreSQL in the schema
cmdb_<n>_v2 (replaced on each run).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from itsm_tui.storage import bulk, migrate
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.cmdb.importing import import_file
from itsm_tui.workflow.site import Actor, Site

BENCH_DIR = Path("/tmp/itsm-bench")
GRAPH_VERSION = "v2"  # bump when the graph's shape changes (the kept file is named by it)
CI_HEADER = [
    "asset_tag",
    "class",
    "name",
    "status",
    "criticality",
    "ip",
    "kind",
    "engine",
    "product",
]


def graph(cis: int, relations: int, seed: int = 6) -> tuple[list[list[str]], list[list[str]]]:
    """A layered, mostly hierarchical estate like the customer's, scaled to ``cis`` CIs.

    Shape at 100,000 CIs (every count scales with ``cis``; ~3 relationships a CI)::

        business services (0.7%) ──runs_on──▶ VMs of their own pool (3–8)
            │  ├─depends_on─▶ middleware (2–4) ──runs_on──▶ VM ─depends_on─▶ database
            │  ├─depends_on─▶ databases (1–2) ──runs_on──▶ 2 VMs (a primary and a standby)
            │  ├─depends_on─▶ the shared DB cluster (every third service; 3 physical nodes)
            │  ├─depends_on─▶ 1–2 platform services (unified identity, e-seal, data exchange…)
            │  └─backed_up_by─▶ a backup appliance
            └─ software (5%) ─part_of─▶ its service, runs_on a VM, depends_on middleware
        VMs (15%) ─runs_on─▶ 3 hosts of their 8-host HA cluster, ─depends_on─▶ a SAN,
                   ─backed_up_by─▶ a backup appliance
        hosts (3%) ─located_in─▶ a rack, ─connects_to─▶ 2 access switches (top of rack),
                   ─depends_on─▶ 2 SANs (multipath)
        racks (1%) ─located_in─▶ one of the machine rooms (0.02%)
        desktops (~63%), printers (4%) ─connects_to─▶ an access switch of their building,
                   and (to fill up to ``relations``) a wireless AP and the building's network
                   access-control gateway (准入网关, 0.1%)
        access switches / APs / gateways (3%) ─connects_to─▶ 2 distribution switches (0.1%)
            ─connects_to─▶ 2 of the 4 core switches ─connects_to─▶ 2 firewalls
        storage: 4 SANs and 10 backup appliances, shared by everything above (located_in racks,
                 connects_to core switches)

    So most CIs reach only a few dozen others within 6 hops; the shared infrastructure (core
    switches, SANs, the DB cluster, machine rooms) reaches a large part of the estate, as in a
    real one. The mandatory links come first; the optional desktop links (wireless AP, gateway)
    fill up to ``relations`` (past it, links are dropped, optional ones first).
    """
    rng = random.Random(seed)
    scale = cis / 100_000
    rows: list[list[str]] = []

    def add(cls: str, name: str, crit: int = 3, kind: str = "", engine: str = "") -> str:
        tag = f"AT{len(rows):07d}"
        ip = f"10.{len(rows) >> 16 & 255}.{len(rows) >> 8 & 255}.{len(rows) & 255}"
        product = "东方通 TongWeb" if cls == "middleware" else ""
        rows.append([tag, cls, name, "in_use", str(crit), ip, kind, engine, product])
        return tag

    def n(count: float, least: int = 1) -> int:
        return max(least, round(count * scale))

    rooms = [add("machine_room", f"机房{i}", 1) for i in range(n(20, 2))]
    racks = [add("rack", f"机柜{i:05d}") for i in range(n(1000, 2))]
    firewalls = [add("security_device", f"防火墙{i}", 1, "firewall") for i in range(2)]
    nac = [add("security_device", f"准入网关{i:03d}", 3, "gateway") for i in range(n(100))]
    core = [add("network_device", f"核心交换机{i}", 1, "switch") for i in range(4)]
    dist = [add("network_device", f"汇聚交换机{i:04d}", 2, "switch") for i in range(n(100, 2))]
    access = [add("network_device", f"接入交换机{i:05d}", 3, "switch") for i in range(n(2000, 2))]
    aps = [add("network_device", f"无线AP{i:05d}", 3, "wireless") for i in range(n(1000, 1))]
    sans = [add("storage", f"SAN{i}", 1, "san") for i in range(4)]
    backups = [add("storage", f"备份一体机{i}", 2, "backup") for i in range(10)]
    hosts = [add("server", f"HOST{i:05d}", 2, "physical") for i in range(n(3000, 8))]
    vms = [add("server", f"VM{i:06d}", 2, "virtual") for i in range(n(15000, 8))]
    cluster_nodes = [add("server", f"DBC-NODE{i}", 1, "physical") for i in range(3)]
    cluster = add("database", "共享数据库集群", 1, engine="达梦 DM8 集群")
    dbs = [add("database", f"数据库{i:05d}", 2, engine="达梦 DM8") for i in range(n(2000, 2))]
    mws = [add("middleware", f"中间件{i:05d}", 3) for i in range(n(3000, 2))]
    services = [
        add("business_service", f"业务系统{i:04d}", rng.choice((1, 2, 3, 3)))
        for i in range(n(700, 4))
    ]
    platform = services[: max(2, len(services) // 35)]
    software = [add("software", f"软件{i:05d}") for i in range(n(5000, 1))]
    printers = [add("printer", f"打印机{i:05d}", 4) for i in range(n(4000, 1))]
    desktops = [add("desktop", f"终端{i:06d}", 4) for i in range(max(0, cis - len(rows)))]
    rels: dict[tuple[str, str, str], None] = {}
    optional: dict[tuple[str, str, str], None] = {}

    def rel(s: str, k: str, t: str, *, extra: bool = False) -> None:
        if s != t:
            (optional if extra else rels)[(s, k, t)] = None

    def block(items: list[str], i: int, of: int) -> list[str]:
        """The share of ``items`` that belongs with element i of ``of`` (same building, pool…)."""
        per = max(1, len(items) // of)
        start = (i % of) * per
        return items[start : start + per] or items

    for r in racks:
        rel(r, "located_in", rng.choice(rooms))
    for f in firewalls:
        rel(f, "located_in", racks[0])
    for c in core:
        rel(c, "located_in", racks[len(racks) // 2])
        for f in firewalls:
            rel(c, "connects_to", f)
    for d in dist:
        rel(d, "located_in", rng.choice(racks))
        for c in rng.sample(core, 2):
            rel(d, "connects_to", c)
    for i, a in enumerate(access + aps):
        for d in rng.sample(block(dist, i, len(dist) // 2 or 1), min(2, len(dist))):
            rel(a, "connects_to", d)
    for i, g in enumerate(nac):
        rel(g, "located_in", rng.choice(racks))
        for d in rng.sample(block(dist, i, len(dist) // 2 or 1), min(2, len(dist))):
            rel(g, "connects_to", d)
    for s in sans + backups:
        rel(s, "located_in", rng.choice(racks))
        for c in rng.sample(core, 2):
            rel(s, "connects_to", c)
    for h in hosts + cluster_nodes:
        rel(h, "located_in", rng.choice(racks))
        for a in rng.sample(access, 2):
            rel(h, "connects_to", a)
        for s in rng.sample(sans, 2):
            rel(h, "depends_on", s)
    clusters = max(1, len(hosts) // 8)
    for i, vm in enumerate(vms):
        for h in rng.sample(block(hosts, i % clusters, clusters), 3):
            rel(vm, "runs_on", h)
        rel(vm, "depends_on", rng.choice(sans))
        rel(vm, "backed_up_by", rng.choice(backups))
    for node in cluster_nodes:
        rel(cluster, "runs_on", node)
    pools = len(services)
    for i, db in enumerate(dbs):
        for vm in rng.sample(block(vms, i % pools, pools), 2):
            rel(db, "runs_on", vm)
        rel(db, "backed_up_by", rng.choice(backups))
    for i, mw in enumerate(mws):
        rel(mw, "runs_on", rng.choice(block(vms, i % pools, pools)))
        rel(mw, "depends_on", rng.choice(block(dbs, i % pools, pools)))
    for i, svc in enumerate(services):
        for vm in rng.sample(block(vms, i, pools), min(rng.randint(3, 8), len(vms))):
            rel(svc, "runs_on", vm)
        for mw in rng.sample(block(mws, i, pools), min(rng.randint(2, 4), len(mws))):
            rel(svc, "depends_on", mw)
        for db in rng.sample(block(dbs, i, pools), min(rng.randint(1, 2), len(dbs))):
            rel(svc, "depends_on", db)
        if i % 3 == 0:
            rel(svc, "depends_on", cluster)
        if svc not in platform:
            for p in rng.sample(platform, rng.randint(1, 2)):
                rel(svc, "depends_on", p)
        rel(svc, "backed_up_by", rng.choice(backups))
    for i, sw in enumerate(software):
        svc = i % pools
        rel(sw, "part_of", services[svc])
        rel(sw, "runs_on", rng.choice(block(vms, svc, pools)))
        rel(sw, "depends_on", rng.choice(block(mws, svc, pools)))
    buildings = max(1, len(access) // 20)
    for i, d in enumerate(printers + desktops):
        b = i % buildings
        rel(d, "connects_to", rng.choice(block(access, b, buildings)))
        rel(d, "connects_to", rng.choice(block(aps, b, buildings)), extra=True)
        rel(d, "connects_to", nac[b % len(nac)], extra=True)
    edges = list(rels)[:relations] + list(optional)[: max(0, relations - len(rels))]
    return rows, [list(r) for r in sorted(edges)]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


@contextmanager
def database(url: str | None, name: str, *, keep: bool = False) -> Iterator[str]:
    """A fresh database: a SQLite file under BENCH_DIR, or a PostgreSQL schema ``name``
    (dropped afterwards unless ``keep``)."""
    if url is None or url.startswith("sqlite"):
        BENCH_DIR.mkdir(exist_ok=True)
        path = BENCH_DIR / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in () if keep else ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    schema = name.replace("-", "_")
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        if not keep:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def raw_insert(
    url: str, ci_rows: list[list[str]], rel_rows: list[list[str]]
) -> tuple[float, float, float, float]:
    """The same rows through the driver's bare executemany (ids precomputed, no checks), each
    kind committed on its own, as each import commits. Returns the seconds of the CIs'
    executemany, of their commit, of the relations' executemany and of theirs."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    ids = {r[0]: i + 1 for i, r in enumerate(ci_rows)}
    with engine.connect() as conn:
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
        conn.commit()
        ci_commit = time.perf_counter() - start
        start = time.perf_counter()
        conn.exec_driver_sql(
            "INSERT INTO ci_relation (source_id, target_id, type, created_at) "
            f"VALUES ({mark}, {mark}, {mark}, {mark})",
            [(ids[s], ids[t], k, now) for s, k, t in rel_rows],
        )
        rel_time = time.perf_counter() - start
        start = time.perf_counter()
        conn.commit()
        rel_commit = time.perf_counter() - start
    engine.dispose()
    return ci_time, ci_commit, rel_time, rel_commit


@dataclass
class Run:
    """One measured run: the import's and the raw executemany's seconds, per kind (each
    import's figure includes its commit; the raw commits are apart)."""

    cis: float
    relations: float
    raw_cis: float
    raw_relations: float
    reimport: float
    raw_ci_commit: float
    raw_rel_commit: float


def measure(
    db: str | None, stem: str, files: tuple[Path, Path], rows: tuple[list, list]
) -> tuple[Run, str]:
    """Import both files into a fresh database (kept for cmdb_impact.py), re-import the CI
    file, then insert the same rows with a bare executemany into another fresh database.
    Returns the timings and the kept database's URL."""
    ci_file, rel_file = files
    ci_rows, rel_rows = rows
    with database(db, stem, keep=True) as url:
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
        # The steady state a site runs in (autovacuum / a DBA's ANALYZE): planner statistics,
        # and on PostgreSQL the visibility map that lets the walk use index-only scans.
        with site.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            analyse = "VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"
            for table in ("configuration_item", "ci_relation"):
                conn.exec_driver_sql(f"{analyse} {table}")
        site.close()
        with database(db, f"bench_raw_{uuid.uuid4().hex[:8]}") as raw_url:
            raw_ci, ci_commit, raw_rel, rel_commit = raw_insert(raw_url, ci_rows, rel_rows)
    run = Run(
        timings["cis"], timings["relations"], raw_ci, raw_rel, reimport, ci_commit, rel_commit
    )
    return run, url


def report(run: Run, counts: tuple[int, int], label: str = "") -> None:
    """Each kind's rates and ratio: rows in the table and committed, on both sides (the
    ratio to the bare executemany alone, without its commit, in brackets)."""
    for name, n, ours, raw, commit in (
        ("CIs", counts[0], run.cis, run.raw_cis, run.raw_ci_commit),
        ("relations", counts[1], run.relations, run.raw_relations, run.raw_rel_commit),
    ):
        durable = raw + commit
        print(
            f"  {label}{name:<9} import {n / ours:>9,.0f} rows/s ({ours:5.2f} s)   "
            f"raw executemany + commit {n / durable:>9,.0f} rows/s ({durable:5.2f} s)   "
            f"ratio {durable / ours:.2f} (target ≥ 0.30; without the raw commit "
            f"{raw / ours:.2f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="PostgreSQL URL (default: SQLite under /tmp/itsm-bench)")
    parser.add_argument("--cis", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=300_000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs to make; medians are reported (default 1)"
    )
    args = parser.parse_args()
    ci_rows, rel_rows = graph(args.cis, args.relations)
    BENCH_DIR.mkdir(exist_ok=True)
    stem = f"cmdb-{args.cis}-{GRAPH_VERSION}"
    ci_file, rel_file = BENCH_DIR / f"{stem}-cis.csv", BENCH_DIR / f"{stem}-relations.csv"
    write_csv(ci_file, CI_HEADER, ci_rows)
    write_csv(rel_file, ["source", "type", "target"], rel_rows)
    counts = (len(ci_rows), len(rel_rows))
    dialect = "postgresql" if args.db else "sqlite"
    # A shared machine's load moves both rates; the load average says how busy it was.
    load = os.getloadavg()[0]
    print(
        f"CMDB import on {dialect}: {counts[0]:,} CIs, {counts[1]:,} relations "
        f"({os.cpu_count()} CPUs, load average {load:.2f} at the start)"
    )
    runs = []
    for i in range(max(1, args.repeat)):
        timings, url = measure(args.db, stem, (ci_file, rel_file), (ci_rows, rel_rows))
        runs.append(timings)
        if args.repeat > 1:
            report(runs[-1], counts, f"run {i + 1}: ")
    # Each figure's median on its own (for one run: that run), ratios of the medians.
    run = Run(*(statistics.median(getattr(r, f.name) for r in runs) for f in fields(Run)))
    if args.repeat > 1:
        print(f"  median of {len(runs)} runs:")
    report(run, counts)
    print(
        f"  re-import of the CI file, all unchanged: {counts[0] / run.reimport:,.0f} rows/s "
        f"({run.reimport:.1f} s)"
    )
    print(f"  load average at the end: {os.getloadavg()[0]:.2f}")
    where = url if args.db else f"{BENCH_DIR / stem}.db"
    print(f"  graph kept for benchmarks/cmdb_impact.py: {where}")


if __name__ == "__main__":
    main()
