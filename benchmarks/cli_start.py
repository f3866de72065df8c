"""``itsm`` start-up for scripts: common commands beside the bare imports they cannot avoid.

    python benchmarks/cli_start.py               # builds /tmp/itsm-bench/cli-start.db
    python benchmarks/cli_start.py --runs 15

A cron job or an integration calls ``itsm`` once per operation, so each call's fixed cost —
the interpreter and the imports before the command does anything — is what it pays a thousand
times. Each figure is the median over ``--runs`` fresh processes, run in turns (one of each,
then again) so that load on the machine falls on all of them alike:

- ``import sqlmodel`` and ``import typer``: the floor a database command and a ``--help``
  cannot go under;
- ``ticket show N --json``, ``ticket claim N`` (a different unassigned ticket each run) and
  ``caller search X``: commands that read or write the database;
- ``--help`` of the root and of the ``ticket`` group;
- ``import itsm_tui.storage.tables``: the table classes every database command creates, for
  reference (compared with ``import sqlmodel``, it shows how much of a command's budget they
  take before it does anything).

CPU is the child's user + system time (what a thousand calls cost the machine); wall is from
spawn to exit. Bytecode is cached, as on an operator's machine (``PYTHONDONTWRITEBYTECODE``
is dropped for the runs; the warm-up run writes it), and so is China's official calendar (the
warm-up computes a deadline, which keeps it in the XDG cache folder, as an operator's first call
does). Targets: a database command ≤ 1.2× ``import sqlmodel``, a ``--help`` ≤ 1.5× ``import
typer`` (CPU). Run from outside the repository (``python /path/to/cli_start.py``) to measure the
package on ``PYTHONPATH`` instead of the working tree's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path("/tmp/itsm-bench")
ITSM = [str(Path(sys.executable).parent / "itsm")]  # the installed entry point, as users run it
GROUP = "bench-desk"
DB, HELP = "import sqlmodel", "import typer"
TARGETS = {DB: 1.2, HELP: 1.5}
TABLES = "import itsm_tui.storage.tables"


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one run of ``cmd``, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def itsm(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*ITSM, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"itsm {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def build(db: Path, env: dict[str, str], tickets: int) -> None:
    """A demo site whose first admin (this OS account) is in a tier-1 group of its own, so that
    it has unassigned tickets of its group to claim."""
    db.parent.mkdir(parents=True, exist_ok=True)
    itsm(env, "init", "--demo", "--tickets", "2000")
    me = json.loads(itsm(env, "staff", "whoami", "--json"))["login"]
    itsm(env, "group", "add", GROUP, "--name", "Bench desk", "--tier", "1")
    itsm(env, "group", "add-member", GROUP, me)
    for i in range(tickets):
        itsm(env, "ticket", "create", "--title", f"bench {i}", "--group", GROUP, "--json")


def unassigned(env: dict[str, str], count: int) -> list[str]:
    """Numbers of ``count`` unassigned tickets of the bench group, oldest first."""
    numbers: list[str] = []
    after: str | None = None
    while True:
        args = ["ticket", "list", "--queue", "unassigned", "--limit", "500", "--json"]
        page = json.loads(itsm(env, *args, *(["--after", after] if after else [])))
        items = page.get("items", page.get("rows", []))
        numbers += [r["number"] for r in items if r.get("group") in (GROUP, "Bench desk")]
        after = page.get("next", page.get("next_after"))
        if after is None:
            break
        after = str(after)
    if len(numbers) < count:
        sys.exit(f"only {len(numbers)} unassigned bench tickets left: rebuild with --fresh")
    return sorted(numbers)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=BENCH_DIR / "cli-start.db")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--fresh", action="store_true", help="Rebuild the database first.")
    args = parser.parse_args()
    env = {**os.environ, "ITSM_DATABASE_URL": f"sqlite:///{args.db}"}
    env.pop("ITSM_TIMEZONE", None)
    # As on an operator's machine: our modules' bytecode cached after the first call (the
    # installed packages have theirs already); without it each call compiles them again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.fresh and args.db.exists():
        args.db.unlink()
    if not args.db.exists():
        print(f"building {args.db} …", file=sys.stderr)
        build(args.db, env, tickets=100)
    claims = iter(unassigned(env, args.runs))
    shown = json.loads(itsm(env, "ticket", "list", "--queue", "all", "--limit", "1", "--json"))
    number = (shown.get("items") or shown.get("rows"))[0]["number"]
    # name → (compared with, command); None: a new ticket each run
    cases: dict[str, tuple[str | None, list[str] | None]] = {
        "import sqlmodel": (None, [sys.executable, "-c", "import sqlmodel"]),
        "import typer": (None, [sys.executable, "-c", "import typer"]),
        f"ticket show {number} --json": (DB, [*ITSM, "ticket", "show", number, "--json"]),
        "ticket claim N": (DB, None),
        "caller search 王": (DB, [*ITSM, "caller", "search", "王"]),
        "--help": (HELP, [*ITSM, "--help"]),
        "ticket --help": (HELP, [*ITSM, "ticket", "--help"]),
        "import itsm_tui.storage.tables": (DB, [sys.executable, "-c", TABLES]),
    }
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _, cmd in cases.values():  # one warm-up each: the page cache, not the imports, is cold
        timed(cmd or [*ITSM, "sla", "deadline", "--priority", "2", "--from", "2026-09-30"], env)
    for _ in range(args.runs):
        for name, (_, cmd) in cases.items():
            figures[name].append(timed(cmd or [*ITSM, "ticket", "claim", next(claims)], env))
    report(cases, figures, args.runs)


def report(
    cases: dict[str, tuple[str | None, list[str] | None]],
    figures: dict[str, list[tuple[float, float]]],
    runs: int,
) -> None:
    wall = {n: statistics.median(w for w, _ in f) for n, f in figures.items()}
    cpu = {n: statistics.median(c for _, c in f) for n, f in figures.items()}
    print(f"median of {runs} runs, {sys.executable}")
    print(f"{'command':<30} {'wall ms':>8} {'cpu ms':>7} {'cpu ratio':>10}  target")
    for name, (base, _) in cases.items():
        ratio = f"{cpu[name] / cpu[base]:.2f}×" if base else ""
        target = f"≤ {TARGETS[base]:.2f}× {base}" if base and name != TABLES else ""
        print(f"{name:<30} {wall[name] * 1e3:>8.0f} {cpu[name] * 1e3:>7.0f} {ratio:>10}  {target}")


if __name__ == "__main__":
    main()
