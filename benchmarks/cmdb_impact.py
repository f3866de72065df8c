"""Impact analysis latency on the benchmark graph (100,000 CIs, 300,000 relationships).

    python benchmarks/cmdb_impact.py                      # after benchmarks/cmdb_import.py
    python benchmarks/cmdb_impact.py --db /tmp/copy-of-the-graph.db
    python benchmarks/cmdb_impact.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
        # the schema cmdb_100000_v2 that cmdb_import.py --db … kept

Runs ``cmdb.analyse`` (upstream and downstream walks, open incidents) at depth 6 from random
CIs of each class and prints p50 / p99 in milliseconds (target: p99 under 100 ms). Uses the
graph cmdb_import.py keeps (SQLite: /tmp/itsm-bench/cmdb-<n>-v2.db); see its ``graph`` for the
shape.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.site import Actor, Site

GRAPH_VERSION = "v2"  # as benchmarks/cmdb_import.py builds it

BENCH_DIR = Path("/tmp/itsm-bench")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="a PostgreSQL URL, or an SQLite file holding the graph")
    parser.add_argument("--cis", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--depth", type=int, default=6)
    args = parser.parse_args()
    stem = f"cmdb-{args.cis}-{GRAPH_VERSION}"
    if args.db and "://" not in args.db:
        url = f"sqlite:///{args.db}"
    elif args.db:
        sep = "&" if "?" in args.db else "?"
        schema = stem.replace("-", "_")
        url = f"{args.db}{sep}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{BENCH_DIR / f'{stem}.db'}"
        if not (BENCH_DIR / f"{stem}.db").exists():
            sys.exit("run benchmarks/cmdb_import.py first (it builds the graph)")
    site = Site(make_engine(url))
    with site.engine.connect() as conn:
        admin_id = conn.execute(text("SELECT id FROM staff WHERE login = 'bench'")).scalar()
        by_class: dict[str, list[str]] = {}
        for tag, cls in conn.execute(text("SELECT asset_tag, ci_class FROM configuration_item")):
            by_class.setdefault(cls, []).append(tag)
        relations = conn.execute(text("SELECT COUNT(*) FROM ci_relation")).scalar()
    admin = Actor(admin_id, "bench", "", 3, frozenset())
    rng = random.Random(1)
    print(
        f"impact analysis at depth {args.depth} on {site.engine.dialect.name}: "
        f"{sum(map(len, by_class.values())):,} CIs, {relations:,} relations"
    )
    everything: list[float] = []
    for cls in (
        "business_service",
        "database",
        "server",
        "network_device",
        "desktop",
        "rack",
        "machine_room",
    ):
        samples, reached = [], []
        for _ in range(args.runs if cls != "machine_room" else 10):
            start = time.perf_counter()
            report = cmdb.analyse(site, admin, [rng.choice(by_class[cls])], depth=args.depth)
            samples.append((time.perf_counter() - start) * 1000)
            reached.append(report.upstream_count + report.downstream_count)
        everything.extend(samples)
        print(
            f"  from a {cls:<16} p50 {percentile(samples, 50):7.1f} ms  "
            f"p99 {percentile(samples, 99):7.1f} ms  (median {statistics.median(reached):,.0f} "
            f"CIs reached)"
        )
    print(
        f"  all samples       p50 {percentile(everything, 50):7.1f} ms  "
        f"p99 {percentile(everything, 99):7.1f} ms  (target p99 < 100 ms)"
    )
    site.close()


if __name__ == "__main__":
    main()
