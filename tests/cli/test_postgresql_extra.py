"""PostgreSQL's driver is an extra (``itsm-tui[postgresql]``): a SQLite-only install that is
pointed at PostgreSQL says in one line what to install, instead of SQLAlchemy's traceback.

The run is a fresh interpreter in which ``psycopg`` cannot be imported, as on such an install;
no database is reached (the port is closed), because the engine is refused before connecting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

WITHOUT_DRIVER = (
    "import sys; sys.modules['psycopg'] = None; sys.argv[0] = 'itsm'; "
    "from itsm_tui.launch import main; main()"
)


def itsm_without_driver(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ITSM_DATABASE_URL": "postgresql://itsm@127.0.0.1:1/itsm"}
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_DRIVER, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize("args", [("db", "current"), ()], ids=["command", "bare console"])
def test_a_postgresql_url_without_the_driver_says_what_to_install(args: tuple[str, ...]) -> None:
    done = itsm_without_driver(*args)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "pip install 'itsm-tui[postgresql]'" in lines[0]


def test_with_json_the_refusal_is_json_naming_the_setting() -> None:
    done = itsm_without_driver("db", "current", "--json")
    assert done.returncode == 1
    assert '"field": "database_url"' in done.stdout
