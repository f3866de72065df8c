"""Broken databases, environments and schemas, fed to ``itsm`` as an operator would: each is
refused with exit code 1, one line on stderr (a JSON error with ``--json``), no traceback
anywhere, and nothing written — no file created, the revision and every table's row count
unchanged. Cases about the database run on SQLite and on PostgreSQL.

Read-only files: root writes through file permissions, so when the tests run as root the
command runs with the capabilities that allow it (``CAP_DAC_OVERRIDE`` …) dropped, as an
operator's own account would run it.
"""

from __future__ import annotations

import ctypes
import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.exc import ArgumentError

from itsm_tui.common.config import Settings
from itsm_tui.storage import migrate
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.staff import add_staff, os_login
from tests.conftest import PG_SKIP, PG_URL

ITSM = str(Path(sys.executable).parent / "itsm")  # the installed entry point, as users run it
CLOSED_PORT_URL = "postgresql+psycopg://itsm@127.0.0.1:1/itsm"  # nothing listens on port 1
_PR_CAPBSET_DROP = 24
_DAC_CAPABILITIES = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


@dataclass
class Run:
    args: list[str]
    env: dict[str, str]
    read_only: bool = False  # run without root's power to write through permissions
    json_too: bool = True  # the command takes --json (scheduler and the bare console do not)


@dataclass
class Case:
    """One fault: the command that must be refused, and what must not change."""

    run: Run
    url: str
    expect: str  # a fragment of the one line
    kind: str  # the JSON error's kind
    watch: list[Path] = field(default_factory=list)  # files or folders that must not change


def _drop_dac() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _DAC_CAPABILITIES:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def itsm(run: Run, *extra: str) -> subprocess.CompletedProcess[str]:
    as_root = run.read_only and os.geteuid() == 0
    return subprocess.run(
        [ITSM, *run.args, *extra],
        env=run.env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        preexec_fn=_drop_dac if as_root else None,
    )


def fingerprint(url: str, watch: list[Path]) -> object:
    """What a command must not change: the watched paths (a folder's entries, a file's bytes,
    or that it is absent) and, when ``url`` is a database, the row count of each table (the
    revision among them)."""
    files: list[tuple[str, object]] = []
    for path in watch:
        if path.is_dir():
            files.append((str(path), sorted(p.name for p in path.iterdir() if _kept(p))))
        elif path.exists():
            files.append((str(path), path.read_bytes()))
        else:
            files.append((str(path), None))
    return files, _counts(url)


def _kept(path: Path) -> bool:
    """SQLite's WAL index and log beside a database are its own, not what a command wrote."""
    return not path.name.endswith(("-wal", "-shm"))


def _counts(url: str) -> dict[str, int] | None:
    try:
        parsed = make_url(url)
    except ArgumentError:  # not a URL: no database to count
        return None
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not path.is_file() or path.read_bytes()[:6] != b"SQLite":
            return None
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    engine = create_engine(parsed.set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return {
                t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables
            }
    except Exception:  # a server or database that is not there: nothing to count
        return None
    finally:
        engine.dispose()


def assert_refused(case: Case) -> None:
    before = fingerprint(case.url, case.watch)
    done = itsm(case.run)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert case.expect in lines[0], lines[0]
    if case.run.json_too:
        done = itsm(case.run, "--json")
        assert done.returncode == 1, (done.stdout, done.stderr)
        assert "Traceback" not in done.stdout + done.stderr and not done.stderr
        error = json.loads(done.stdout)
        assert error["error"] == case.kind and case.expect in error["message"], error
    assert fingerprint(case.url, case.watch) == before


# --- the environment ---------------------------------------------------------------------------


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A clean environment: the XDG folders in the test's own folder, no ITSM_* settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ITSM_", "XDG_"))}
    for kind in ("DATA", "STATE", "CONFIG"):
        clean[f"XDG_{kind}_HOME"] = str(tmp_path / "xdg" / kind.lower())
    return clean


def _url(path: Path | str) -> str:
    return f"sqlite:///{path}"


LIST, INIT = ["ticket", "list"], ["init"]
GROUP_ADD = ["group", "add", "g1", "--name", "G1", "--tier", "1"]
PROC_DB = "/proc/itsm-faults.db"
UNKNOWN_HOST_URL = "postgresql+psycopg://itsm@no-such-host.invalid/itsm"


def _missing(t: Path) -> str:
    return _url(t / "nope" / "a.db")


#: (id, args after --db URL, URL from the test folder, expected fragment, JSON kind). None of
#: them may create the database.
ENVIRONMENT: list[tuple[str, list[str], Callable[[Path], str], str, str]] = [
    ("missing folder", LIST, _missing, "no database here", "schema"),
    ("missing folder, init", INIT, _missing, "does not exist", "database"),
    ("under /proc", LIST, lambda t: _url(PROC_DB), "no database here", "schema"),
    ("under /proc, init", INIT, lambda t: _url(PROC_DB), PROC_DB, "database"),
    ("a directory", LIST, _url, "is a folder", "database"),
    ("a directory, init", INIT, _url, "is a folder", "database"),
    ("refused", LIST, lambda t: CLOSED_PORT_URL, "refused the connection", "database"),
    ("refused, init", INIT, lambda t: CLOSED_PORT_URL, "refused the connection", "database"),
    ("unknown host", LIST, lambda t: UNKNOWN_HOST_URL, "unknown host", "database"),
    (
        "asyncpg",
        LIST,
        lambda t: CLOSED_PORT_URL.replace("psycopg", "asyncpg"),
        "not post",
        "invalid",
    ),
    ("mysql", INIT, lambda t: "mysql://itsm@127.0.0.1:1/itsm", "not mysql", "invalid"),
    ("unparseable", LIST, lambda t: "::not a url::", "cannot be read", "invalid"),
]


@pytest.mark.parametrize(
    ("args", "make_url_", "expect", "kind"),
    [case[1:] for case in ENVIRONMENT],
    ids=[case[0] for case in ENVIRONMENT],
)
def test_a_database_that_cannot_be_used_is_one_line(
    tmp_path: Path,
    env: dict[str, str],
    args: list[str],
    make_url_: Callable[[Path], str],
    expect: str,
    kind: str,
) -> None:
    url = make_url_(tmp_path)
    watch = [tmp_path, Path("/proc/itsm-faults.db")]
    assert_refused(Case(Run(["--db", url, *args], env), url, expect, kind, watch))


def test_an_unwritable_data_folder_is_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    env["XDG_DATA_HOME"] = "/proc/itsm-faults"
    for args, expect, kind in [
        (["init"], "set XDG_DATA_HOME", "database"),
        (["ticket", "list"], "no database here", "schema"),
    ]:
        url = _url("/proc/itsm-faults/itsm-tui/itsm.db")
        assert_refused(Case(Run(args, env), url, expect, kind, [tmp_path]))


# --- the database ------------------------------------------------------------------------------


@pytest.fixture
def ready(db_url: str, env: dict[str, str]) -> Iterator[str]:
    """A database at the newest revision whose admin is the OS account running the tests."""
    engine = make_engine(db_url)
    initialise(Site(engine, settings=Settings(database_url=db_url)), os_login())
    engine.dispose()
    yield db_url


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    return Path(parsed.database or "") if parsed.get_backend_name() == "sqlite" else None


def _watch(url: str) -> list[Path]:
    path = _sqlite_path(url)
    return [] if path is None else [path.parent]


def test_an_unknown_time_zone_is_one_line(ready: str, env: dict[str, str]) -> None:
    env["ITSM_TIMEZONE"] = "Mars/Olympus_Mons"
    for args in (["ticket", "list"], ["group", "add", "g1", "--name", "G1", "--tier", "1"]):
        run = Run(["--db", ready, *args], env)
        assert_refused(Case(run, ready, "not a known time zone", "invalid", _watch(ready)))


@pytest.mark.parametrize("args", [["ticket", "list"], ["db", "current"], ["db", "upgrade"]])
def test_no_database_yet_says_run_init_and_creates_nothing(
    db_url: str, env: dict[str, str], args: list[str]
) -> None:
    for url in [db_url, *_empty_file(db_url)]:
        case = Case(Run(["--db", url, *args], env), url, "run `itsm init`", "schema", _watch(url))
        assert_refused(case)
    path = _sqlite_path(db_url)
    assert path is None or not path.exists()  # the missing file was not created


def _empty_file(url: str) -> list[str]:
    """For SQLite, an empty file beside the missing one (what the crash used to leave)."""
    path = _sqlite_path(url)
    if path is None:
        return []
    empty = path.with_name("empty.db")
    empty.touch()
    return [_url(empty)]


@pytest.mark.parametrize("args", [["ticket", "list"], ["db", "current"], ["init"]])
def test_a_file_that_is_not_a_database_is_named(
    tmp_path: Path, env: dict[str, str], args: list[str]
) -> None:
    path = tmp_path / "notes.db"
    path.write_text("name,phone\n王小明,010-6123 4567\n", encoding="utf-8")
    url = _url(path)
    assert_refused(
        Case(Run(["--db", url, *args], env), url, "is not a database", "database", [path])
    )


@pytest.mark.parametrize("args", [LIST, GROUP_ADD, INIT, ["db", "upgrade"], ["db", "current"]])
def test_a_newer_database_asks_for_a_newer_itsm(
    ready: str, env: dict[str, str], args: list[str]
) -> None:
    engine = make_engine(ready)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    run = Run(["--db", ready, *args], env)
    case = Case(run, ready, "newer than this itsm (revision 0099", "schema", _watch(ready))
    assert_refused(case)


OLD_SCHEMA_COMMANDS = [
    GROUP_ADD,
    LIST,
    ["caller", "search", "王"],
    ["sla", "deadline", "--priority", "2", "--from", "2026-09-30T16:00"],
    ["scheduler", "--once"],
    [],  # the bare console
]


@pytest.mark.parametrize("revision", ["0001", "0003", "0004"])
def test_an_old_schema_is_refused_by_every_command_and_the_console(
    ready: str, env: dict[str, str], revision: str
) -> None:
    engine = make_engine(ready)
    migrate.downgrade(engine, revision)
    engine.dispose()
    for args in OLD_SCHEMA_COMMANDS:
        if args:
            run = Run(["--db", ready, *args], env, json_too=args[0] != "scheduler")
        else:  # `itsm` alone, its database named as a shared site names it
            run = Run([], {**env, "ITSM_DATABASE_URL": ready}, json_too=False)
        case = Case(run, ready, f"revision {revision}", "schema", _watch(ready))
        assert_refused(case)
        assert "run `itsm db upgrade`" in itsm(run).stderr


def test_db_current_shows_an_old_schema_and_db_upgrade_brings_it_up(
    ready: str, env: dict[str, str]
) -> None:
    engine = make_engine(ready)
    migrate.downgrade(engine, "0004")
    engine.dispose()
    status = json.loads(itsm(Run(["--db", ready, "db", "current", "--json"], env)).stdout)
    assert (status["revision"], status["head"]) == ("0004", migrate.HEAD)
    assert itsm(Run(["--db", ready, "db", "upgrade"], env)).returncode == 0
    done = itsm(Run(["--db", ready, "group", "add", "g1", "--name", "G1", "--tier", "1"], env))
    assert done.returncode == 0, done.stderr


# --- who may look and run ----------------------------------------------------------------------


@pytest.fixture
def elsewhere(db_url: str) -> Iterator[str]:
    """A database whose staff do not include the OS account running the tests."""
    engine = make_engine(db_url)
    initialise(Site(engine, settings=Settings(database_url=db_url)), "somebody.else")
    engine.dispose()
    yield db_url


@pytest.mark.parametrize("args", [["db", "current"], ["scheduler", "--once"]])
def test_a_non_staff_account_may_neither_see_the_database_nor_run_the_scheduler(
    elsewhere: str, env: dict[str, str], args: list[str]
) -> None:
    run = Run(["--db", elsewhere, *args], env, json_too=args[0] != "scheduler")
    case = Case(
        run, elsewhere, "is not an active staff member", "unknown_operator", _watch(elsewhere)
    )
    assert_refused(case)


def test_only_an_admin_runs_the_scheduler(ready: str, env: dict[str, str]) -> None:
    engine = make_engine(ready)
    site = Site(engine, settings=Settings(database_url=ready))
    from itsm_tui.workflow.staff import resolve_actor

    add_staff(site, resolve_actor(site), "agent.li", "李", tier=1, roles=["agent"])
    engine.dispose()
    run = Run(["--db", ready, "--as", "agent.li", "scheduler", "--once"], env, json_too=False)
    assert_refused(Case(run, ready, "administer the database", "forbidden", _watch(ready)))


def test_the_password_in_a_url_is_never_shown(env: dict[str, str]) -> None:
    url = "postgresql+psycopg://itsm:s3cret-pw@127.0.0.1:1/itsm"
    for args in (["db", "current"], ["scheduler", "--once"], ["ticket", "list"]):
        done = itsm(Run(["--db", url, *args], env))
        assert done.returncode == 1 and "s3cret-pw" not in done.stdout + done.stderr


# --- read-only files ---------------------------------------------------------------------------


def _read_only_site(tmp_path: Path) -> tuple[Path, str]:
    """A site's database, at the newest revision with the test's account as its admin."""
    folder = tmp_path / "site"
    folder.mkdir()
    url = _url(folder / "itsm.db")
    engine = make_engine(url)
    initialise(Site(engine, settings=Settings(database_url=url)), os_login())
    engine.dispose()
    return folder, url


def test_a_read_only_database_reads_and_refuses_changes_in_one_line(
    tmp_path: Path, env: dict[str, str]
) -> None:
    folder, url = _read_only_site(tmp_path)
    (folder / "itsm.db").chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    reads = itsm(Run(["--db", url, "ticket", "list", "--json"], env, read_only=True))
    assert reads.returncode == 0 and json.loads(reads.stdout)["items"] == [], reads.stderr
    write = Run(["--db", url, *GROUP_ADD], env, read_only=True)
    assert_refused(Case(write, url, "is read-only", "database", [folder]))


READ_ONLY_FOLDER = stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH


def test_a_read_only_folder_without_the_wal_index_is_refused_in_one_line(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """Nobody has the database open, so SQLite left no ``-shm`` index beside it, and this
    account could not create one: reading too is refused, saying what to do."""
    folder, url = _read_only_site(tmp_path)
    assert not (folder / "itsm.db-shm").exists()
    folder.chmod(READ_ONLY_FOLDER)
    try:
        for args in (LIST, GROUP_ADD):
            run = Run(["--db", url, *args], env, read_only=True)
            # No row counts: counting opens the database and would leave the index behind.
            case = Case(run, "", "make the folder writable", "database", [folder / "itsm.db"])
            assert_refused(case)
        assert sorted(p.name for p in folder.iterdir()) == ["itsm.db"]
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_reader_in_a_read_only_folder_sees_what_a_writer_has_not_checkpointed(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """Another account that may write the folder keeps working while this one reads: the
    reader must see its latest commits, still in the WAL file, not a stale snapshot."""
    folder, url = _read_only_site(tmp_path)
    holder = sqlite3.connect(folder / "itsm.db")  # keeps -wal and -shm: nobody checkpoints
    try:
        holder.execute("PRAGMA wal_autocheckpoint=0")
        holder.execute("SELECT count(*) FROM sqlite_master").fetchone()
        added = itsm(Run(["--db", url, *GROUP_ADD], env))
        assert added.returncode == 0, added.stderr
        assert (folder / "itsm.db-wal").stat().st_size > 0
        folder.chmod(READ_ONLY_FOLDER)
        reads = itsm(Run(["--db", url, "group", "list", "--json"], env, read_only=True))
        assert reads.returncode == 0, reads.stderr
        assert [g["code"] for g in json.loads(reads.stdout)["items"]] == ["g1"]
        write = Run(["--db", url, "group", "add", "g2", "--name", "G2", "--tier", "1"], env)
        assert_refused(Case(Run(write.args, env, read_only=True), url, "read-only", "database"))
    finally:
        folder.chmod(stat.S_IRWXU)
        holder.close()


# --- init on an existing database --------------------------------------------------------------


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


def _schema_upgrades(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            query = "SELECT count(*) FROM journal_entry WHERE action = 'schema_upgrade'"
            return int(conn.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


def _downgraded(url: str, revision: str) -> str:
    engine = make_engine(url)
    migrate.downgrade(engine, revision)
    engine.dispose()
    return url


@pytest.mark.parametrize(
    ("who", "expect", "kind"),
    [
        (["--as", "agent.li"], "administer the database", "forbidden"),
        ([], "is not an active staff member", "unknown_operator"),
    ],
    ids=["an agent", "not staff"],
)
def test_init_never_upgrades_an_old_schema_for_a_non_admin(
    db_url: str, env: dict[str, str], who: list[str], expect: str, kind: str
) -> None:
    engine = make_engine(db_url)
    site = Site(engine, settings=Settings(database_url=db_url))
    admin = "somebody.else" if not who else os_login()
    initialise(site, admin)
    if who:
        from itsm_tui.workflow.staff import resolve_actor

        add_staff(site, resolve_actor(site), "agent.li", "李", tier=1, roles=["agent"])
    engine.dispose()
    url = _downgraded(db_url, "0005")
    run = Run(["--db", url, *who, "init", "--admin", "nobody"], env)
    assert_refused(Case(run, url, expect, kind, _watch(url)))
    assert _revision(url) == "0005" and _schema_upgrades(url) == 0


def test_init_by_an_admin_upgrades_an_old_schema_as_db_upgrade_does(
    ready: str, env: dict[str, str]
) -> None:
    url = _downgraded(ready, "0005")
    done = itsm(Run(["--db", url, "init", "--json"], env))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["revision"] == migrate.HEAD
    assert _revision(url) == migrate.HEAD and _schema_upgrades(url) == 1


# --- PostgreSQL only: a database or role the server does not know -------------------------------


@pytest.mark.parametrize(
    ("part", "expect"), [("database", "does not exist"), ("role", "does not exist")]
)
def test_an_unknown_database_or_role_is_one_line(
    env: dict[str, str], part: str, expect: str
) -> None:
    if not PG_URL:
        pytest.skip(PG_SKIP)
    url = make_url(PG_URL)
    if part == "database":
        url = url.set(database="itsm_no_such_database")
    else:
        url = url.set(username="itsm_no_such_role")
    rendered = url.render_as_string(hide_password=False)
    case = Case(Run(["--db", rendered, "ticket", "list"], env), rendered, expect, "database")
    assert_refused(case)


# --- the failure log ---------------------------------------------------------------------------


def test_the_failure_log_is_the_accounts_own_and_holds_no_password(
    ready: str, env: dict[str, str]
) -> None:
    """A failure nobody foresaw (here a table gone from under a current schema) is logged with
    the command line; the log may sit in a shared home, so: 0600, and no database password."""
    engine = make_engine(ready)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE ticket" + ("" if _sqlite_path(ready) else " CASCADE")))
    engine.dispose()
    log = Path(env["XDG_STATE_HOME"]) / "itsm-tui" / "itsm.log"
    log.parent.mkdir(parents=True)
    log.write_text("an older itsm's entry\n", encoding="utf-8")
    log.chmod(0o644)  # as older versions left it
    url = ready
    if _sqlite_path(ready) is None:  # trust authentication: the server ignores the password
        url = make_url(ready).set(password="s3cret-pw").render_as_string(hide_password=False)
    for db in (["--db", url], [f"--db={url}"]):
        done = itsm(Run([*db, "ticket", "list"], env))
        assert done.returncode == 1 and f"details in {log}" in done.stderr, done.stderr
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    logged = log.read_text(encoding="utf-8")
    assert logged.count("ticket list") == 2 and "Traceback" in logged
    assert "s3cret-pw" not in logged


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["--db", "postgresql://itsm:pw@db/itsm"], "--db postgresql://itsm:***@db/itsm"),
        (["--db=postgresql://itsm:p@w@db/itsm"], "--db=postgresql://itsm:***@db/itsm"),
        (["--db", "postgresql:/itsm:pw@db/itsm"], "--db ***"),  # mistyped: masked whole
        (["--db", "sqlite:////srv/itsm.db"], "--db sqlite:////srv/itsm.db"),
        (["note", "1", "see https://u:pw@wiki/x"], "note 1 see https://u:***@wiki/x"),
    ],
)
def test_the_logged_command_line_masks_passwords(argv: list[str], shown: str) -> None:
    from itsm_tui.cli.failure import command_line

    assert command_line(["itsm", *argv]) == f"itsm {shown}"
