"""Knowledge search, intake suggestions and the recurring-incident job on a large site.

    python benchmarks/kb_search.py                       # 1,000,000 tickets + 20,000 articles
    python benchmarks/kb_search.py --tickets 200000 --db postgresql+psycopg://postgres@127.0.0.1:5432/test
    python benchmarks/kb_search.py --db URL --name bench_reports_200000   # a kept PG site
    python benchmarks/kb_search.py --dir /tmp/kb   # /tmp/kb/tickets-1000000-articles-20000.db
    python benchmarks/kb_search.py --tickets 20000 --articles 2000   # a quick run

Loads a demo site (its 30 articles and 5 problems), then adds synthetic articles made by
recombining the demo's titles and paragraphs (so the bigram posting lists are as skewed as a
real corpus: 打印 and 网络 are in thousands of articles) and publishes them, indexing each as
``knowledge.search.index`` does but with executemany. Then it times, through the workflow
functions the console and the CLI call:

- ``search_knowledge`` for one- and two-character terms and for terms of three or more
  characters (targets p99 ≤ 150 ms and ≤ 50 ms);
- ``suggest_for_call`` for a few call summaries (target ≤ 150 ms);
- ``detect_recurring`` over the whole site, first run (suggests and alerts) and a second run
  (nothing new) (target ≤ 1 s).

The SQLite site is kept in /tmp/itsm-bench-kb (``--dir``: another folder) and reused by a
later run with the same ``--tickets`` and ``--articles``; ``--fresh`` rebuilds it. On
PostgreSQL a throw-away schema is used, unless ``--name SCHEMA`` names one to keep and reuse
(the reports benchmark's ``bench_reports_<tickets>`` is such a site). A site that already has
enough tickets but too few articles (a copy of another benchmark's site) is brought up to the
newest schema and given the missing articles only. Each line prints wall and CPU (this
process) time. Past resolved tickets are not searched (only articles and known errors are
indexed).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, insert, select, text
from sqlmodel import Session

from benchmarks.scratch import scratch_database
from itsm_tui.common.domain import ARTICLE_PREFIX
from itsm_tui.storage import migrate, search_counts
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.engine import make_engine
from itsm_tui.storage.tables import KbArticle, SearchDoc, SearchGram, Ticket
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.demo import load_demo
from itsm_tui.workflow.demo.knowledge import ARTICLES
from itsm_tui.workflow.knowledge import search
from itsm_tui.workflow.knowledge.finding import search_knowledge, suggest_for_call
from itsm_tui.workflow.numbering import format_number
from itsm_tui.workflow.problems.recurring import detect_recurring
from itsm_tui.workflow.site import Actor, Site

BENCH_DIR = Path("/tmp/itsm-bench-kb")
SHORT = ["打", "网", "屏", "打印", "网络", "邮箱", "蓝屏", "端口", "病毒", "证书", "登录", "OA"]
LONG = [
    "打印机",
    "浏览器",
    "VPN证书",
    "统一身份认证",
    "视频会议",
    "网络端口",
    "打印 驱动",
    "vpn 证书",
]
CALLS = ["VPN 证书过期", "打印机无法打印了", "OA登录后白屏", "邮箱收不到外部邮件", "电脑蓝屏"]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[], Any], reps: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (this process) milliseconds of ``reps`` runs after a warm one: the
    machine is shared, so wall time alone says as much about the neighbours as the code."""
    fn()  # warm
    wall, cpu = [], []
    for _ in range(reps):
        start, used = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return wall, cpu


def add_articles(site: Site, count: int, seed: int = 1) -> None:
    """``count`` published articles recombined from the demo's, indexed with executemany."""
    rng = random.Random(seed)
    paragraphs = [p for *_, body in ARTICLES for p in body.split("\n\n")]
    titles = [a[0] for a in ARTICLES]
    article, doc, gram = core_table(KbArticle), core_table(SearchDoc), core_table(SearchGram)
    with site.engine.begin() as conn:
        now = conn.execute(select(func.max(core_table(Ticket).c.updated_at))).scalar()
        first = (conn.execute(select(func.max(article.c.id))).scalar() or 0) + 1
        next_doc = (conn.execute(select(func.max(doc.c.id))).scalar() or 0) + 1
        for start in range(0, count, 2000):
            rows, docs, grams = [], [], []
            for i in range(start, min(count, start + 2000)):
                aid = first + i
                title = (
                    f"{rng.choice(titles)}（{rng.choice(['补充', '案例', '常见问题', '说明'])}{i}）"
                )
                body = "\n\n".join(rng.sample(paragraphs, 3))
                rows.append(
                    {
                        "id": aid,
                        "number": format_number(ARTICLE_PREFIX, 100_000 + aid),
                        "title": title,
                        "body": body,
                        "visibility": "internal",
                        "status": "published",
                        "revision": 1,
                        "use_count": rng.randrange(50),
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                folded_title, folded, keys = search.index_rows(
                    search.fold(title), search.fold(f"{title}\n{body}")
                )
                docs.append(
                    {
                        "id": next_doc,
                        "kind": "article",
                        "ref_id": aid,
                        "title": folded_title,
                        "text": folded,
                        "updated_at": now,
                    }
                )
                grams += [{"gram": g, "doc_id": next_doc} for g in keys]
                next_doc += 1
            conn.execute(insert(article), rows)
            conn.execute(insert(doc), docs)
            conn.execute(insert(gram), grams)
            counted = Counter(row["gram"] for row in grams)
            counted[search_counts.ALL] = len(docs)
            with Session(bind=conn) as session:
                search_counts.change(session, "article", counted)
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('kb_article', 'id'), "
                              "(SELECT max(id) FROM kb_article))"))  # fmt: skip
            conn.execute(text("SELECT setval(pg_get_serial_sequence('search_doc', 'id'), "
                              "(SELECT max(id) FROM search_doc))"))  # fmt: skip
        else:
            conn.execute(text("ANALYZE"))
    if site.engine.dialect.name == "postgresql":
        # What autovacuum does on a running server soon after such a load: the statistics,
        # and the visibility map that lets index-only scans skip the table.
        with site.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def _bench_actor(site: Site) -> Actor | None:
    with site.engine.connect() as conn:
        row = conn.execute(text("SELECT id, login FROM staff WHERE login = 'bench'")).first()
    return None if row is None else Actor(row.id, row.login, "", 3, frozenset())


def build(url: str, tickets: int, articles: int) -> tuple[Site, Actor]:
    site = Site(make_engine(url))
    try:
        with site.engine.connect() as conn:
            have = conn.execute(select(func.count()).select_from(core_table(Ticket))).scalar()
            kb = conn.execute(select(func.count()).select_from(core_table(KbArticle))).scalar()
        actor = _bench_actor(site)
    except Exception:
        have, kb, actor = 0, 0, None
    have, kb = have or 0, kb or 0
    if have >= tickets and actor is not None:
        start = time.perf_counter()
        migrate.upgrade(site.engine)
        print(f"reusing {url} ({have:,} tickets, {kb:,} articles); "
              f"schema up to date in {time.perf_counter() - start:.1f} s", flush=True)  # fmt: skip
        if kb < articles:
            start = time.perf_counter()
            add_articles(site, articles - kb)
            print(f"  added {articles - kb:,} articles in {time.perf_counter() - start:.1f} s")
        return site, actor
    print(f"loading {tickets:,} demo tickets …", flush=True)
    start = time.perf_counter()
    admin = initialise(site, "bench", "Benchmark")
    actor = Actor(admin.id, admin.login, "", 3, frozenset())
    load_demo(site, actor, tickets=tickets, seed=2026)
    print(f"  loaded in {time.perf_counter() - start:.0f} s; adding {articles:,} articles …")
    start = time.perf_counter()
    add_articles(site, max(0, articles - len(ARTICLES)))
    print(f"  added in {time.perf_counter() - start:.1f} s")
    return site, actor


def report(label: str, samples: tuple[list[float], list[float]], target: float) -> None:
    wall, cpu = samples
    p50, p99 = statistics.median(wall), percentile(wall, 99)
    c50, c99 = statistics.median(cpu), percentile(cpu, 99)
    verdict = "ok" if p99 <= target else "OVER"
    print(
        f"  {label:<22} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  cpu p50 {c50:6.1f} p99 {c99:6.1f}"
        f"  (target {target:.0f}) {verdict}"
    )


def run(site: Site, actor: Actor, reps: int) -> None:
    print("search, 1–2 characters:")
    for q in SHORT:
        hits = len(search_knowledge(site, actor, q, limit=20))
        report(f"{q} ({hits})", timed(lambda q=q: search_knowledge(site, actor, q), reps), 150)
    print("search, 3+ characters:")
    for q in LONG:
        hits = len(search_knowledge(site, actor, q, limit=20))
        report(f"{q} ({hits})", timed(lambda q=q: search_knowledge(site, actor, q), reps), 50)
    print("intake suggestions:")
    for q in CALLS:
        report(q, timed(lambda q=q: suggest_for_call(site, actor, q), reps), 150)
    print("recurring-incident job:")
    for label in ("first run", "second run"):
        start, used = time.perf_counter(), time.process_time()
        found = detect_recurring(site)
        took, cpu = time.perf_counter() - start, time.process_time() - used
        print(
            f"  {label:<22} {took * 1000:7.0f} ms  cpu {cpu * 1000:5.0f} ms  "
            f"{found.clusters} clusters, {len(found.new)} suggested, {found.alerts} alerts"
            "  (target 1000)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a PostgreSQL URL (default: a cached SQLite file)")
    parser.add_argument("--tickets", type=int, default=None)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument(
        "--name",
        help="a PostgreSQL schema to keep and reuse (made if missing), instead of a throw-away one",
    )
    parser.add_argument(
        "--dir", type=Path, default=BENCH_DIR, help=f"where the SQLite site is kept ({BENCH_DIR})"
    )
    args = parser.parse_args()
    if args.db and args.name:
        admin = create_engine(args.db)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {args.name}"))
        admin.dispose()
        sep = "&" if "?" in args.db else "?"
        url = f"{args.db}{sep}options=-csearch_path%3D{args.name}"
        site, actor = build(url, args.tickets or 200_000, args.articles)
        run(site, actor, args.reps)
        site.close()
        return
    if args.db:
        with scratch_database(args.db, "kb") as url:
            site, actor = build(url, args.tickets or 200_000, args.articles)
            run(site, actor, args.reps)
            site.close()
        return
    tickets = args.tickets or 1_000_000
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"tickets-{tickets}-articles-{args.articles}.db"
    if args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    site, actor = build(f"sqlite:///{path}", tickets, args.articles)
    run(site, actor, args.reps)
    site.close()


if __name__ == "__main__":
    main()
