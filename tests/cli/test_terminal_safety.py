"""No view lets user text drive the operator's terminal: every CLI view, printed to a real
terminal (a pty), as ``--json``, and as e-mail, with the twelve payloads of ``tests.injection``
in a ticket title, a note, a caller name and a CI name.

What is asserted is what would act on a terminal or mislead a reader: no ESC, BEL, C1, DEL,
NUL, CR or bidi control reaches the output raw (the views' own SGR styling aside), the escaped
form is what shows, and markup shows literally. The pty is put in raw mode, so a CR in the
output is one the view wrote, not the terminal's newline translation. Rendering does not depend
on the database, so this runs on SQLite, which can also hold the NUL a legacy row may carry.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tty
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.config import Settings
from itsm_tui.scheduler.channels import smtp_sender
from itsm_tui.storage import migrate
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import bootstrap_admin, os_login
from tests.conftest import T0, Desk
from tests.injection import HOSTILE, PAYLOADS, Hostile, leaks, seed_hostile

ITSM = str(Path(sys.executable).parent / "itsm")
SHOWN_RETITLE = "\\x1b]0;pwned\\x07"  # how the OSC payload must read once escaped


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Hostile]]:
    """A desk whose admin is this OS account (the subprocesses run as it), with the payloads."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'itsm.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    site = Site(engine, clock=FrozenClock(T0), settings=Settings(database_url=url))
    view = bootstrap_admin(site, os_login(), "管理员")
    desk = Desk(site, Actor(view.id, view.login, view.display_name, view.tier, frozenset()))
    yield url, seed_hostile(desk)
    site.close()


def _environment(url: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITSM_")}
    for kind in ("DATA", "STATE", "CONFIG", "CACHE"):
        env[f"XDG_{kind}_HOME"] = str(home / kind.lower())
    env.update(ITSM_DATABASE_URL=url, TERM="xterm-256color", COLUMNS="400")
    env.pop("NO_COLOR", None)
    return env


def on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """``itsm ARGS`` with stdout and stderr on a pty in raw mode: what a terminal receives."""
    master, slave = os.openpty()
    tty.setraw(slave)  # no newline translation: a CR in the output came from the view
    proc = subprocess.Popen(
        [ITSM, *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    received = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    return proc.wait(timeout=60), received.decode("utf-8", errors="backslashreplace")


def _plain_views(h: Hostile) -> list[list[str]]:
    return [
        ["ticket", "show", h.made_ticket],
        ["ticket", "show", h.legacy_ticket],
        ["ticket", "list", "--queue", "all"],
        ["ticket", "history", h.made_ticket],
        ["caller", "search", "H"],
        ["caller", "show", f"#{h.made_caller}"],
        ["caller", "show", f"#{h.legacy_caller}"],
        ["ci", "show", f"#{h.made_ci}"],
        ["ci", "show", f"#{h.legacy_ci}"],
        ["ci", "export"],
        ["ci", "export", "--format", "json"],
    ]


def test_every_plain_view_on_a_terminal_shows_the_payloads_escaped(
    hostile: tuple[str, Hostile], tmp_path: Path
) -> None:
    url, h = hostile
    env = _environment(url, tmp_path)
    for args in _plain_views(h):
        code, shown = on_a_terminal(args, env)
        assert code == 0, (args, shown)
        assert leaks(shown) == [], (args, leaks(shown))
        json_escaped = "\\u001b]0;pwned\\u0007"  # the JSON export's own escape of it
        assert SHOWN_RETITLE in shown or json_escaped in shown, (args, shown)
        assert PAYLOADS["markup"] in shown, (args, shown)


def test_export_to_a_file_or_a_pipe_keeps_the_data_exactly(
    hostile: tuple[str, Hostile], tmp_path: Path
) -> None:
    url, _ = hostile
    env = _environment(url, tmp_path)
    piped = subprocess.run([ITSM, "ci", "export"], env=env, capture_output=True, check=True)
    assert b"\x1b]0;pwned\x07" in piped.stdout and b"\\x1b" not in piped.stdout
    out = tmp_path / "cis.json"
    subprocess.run([ITSM, "ci", "export", "--format", "json", "-o", str(out)], env=env, check=True)
    names = [row["name"] for row in json.loads(out.read_text(encoding="utf-8"))]
    assert HOSTILE in names  # the legacy CI, NUL and line breaks and all


def test_json_escapes_every_payload_and_reads_back_exactly(
    hostile: tuple[str, Hostile], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, h = hostile
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    runner = CliRunner()
    for args in _plain_views(h)[:9]:  # export writes the import format, not the envelope
        result = runner.invoke(app, ["--db", url, *args, "--json"])
        assert result.exit_code == 0, (args, result.output)
        assert leaks(result.stdout) == [], (args, leaks(result.stdout))
        json.loads(result.stdout)
    legacy = json.loads(
        runner.invoke(app, ["--db", url, "ticket", "show", h.legacy_ticket, "--json"]).stdout
    )
    assert legacy["title"] == HOSTILE and legacy["notes"][0]["body"] == HOSTILE
    raw = runner.invoke(app, ["--db", url, "ticket", "show", h.legacy_ticket, "--json"]).stdout
    assert "\\u009b2J" in raw and "\\u202e" in raw and "\\u001b]0;pwned\\u0007" in raw
    chinese = runner.invoke(app, ["--db", url, "caller", "search", "王", "--json"]).stdout
    assert "王小明" in chinese  # other non-ASCII text stays readable


def test_email_subjects_carry_every_payload_escaped_on_one_line(
    smtp: tuple[int, list[Any]],
) -> None:
    port, mails = smtp
    send = smtp_sender("127.0.0.1", port, "itsm@example.gov.cn")
    for name, payload in PAYLOADS.items():
        send("sup@example.gov.cn", {"message": f"INC000001 {payload} 将超时", "ticket": name})
    assert len(mails) == len(PAYLOADS)  # every one delivered, CR/LF included
    for mail in mails:
        subject = str(make_header(decode_header(mail["Subject"])))  # as a mail client shows it
        assert leaks(subject) == [] and "\n" not in subject, subject
        body = mail.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n")  # SMTP's
        assert leaks(body) == [], body
    assert PAYLOADS["markup"] in str(make_header(decode_header(mails[0]["Subject"])))
