"""Each operator's language in their staff record: kept, refused when unknown, set for
another only by an admin, and read by the command line once it knows who is typing —
after ``ITSM_LANG`` and the settings file, before the locale (README, "Language")."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.common import i18n
from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.workflow import staff as staff_flow
from tests.conftest import Desk

runner = CliRunner()


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.install("en")
    i18n.decided = False


def test_a_member_keeps_their_own_language_and_an_admin_anyones(desk: Desk) -> None:
    view = staff_flow.set_language(desk.site, desk.agent1, "agent1", "zh-cn")
    assert view.language == "zh_CN" and view.version == 2
    assert staff_flow.set_language(desk.site, desk.admin, "agent1", "en").language == "en"
    assert staff_flow.set_language(desk.site, desk.agent1, "agent1", None).language is None
    with pytest.raises(Forbidden, match="may not manage staff and roles"):
        staff_flow.set_language(desk.site, desk.agent1, "agent2", "zh_CN")
    with pytest.raises(Invalid, match=r"Unknown language 'fr'; languages are: en, zh_CN\."):
        staff_flow.set_language(desk.site, desk.agent1, "agent1", "fr")


def test_the_change_is_journaled(desk: Desk) -> None:
    staff_flow.set_language(desk.site, desk.agent1, "agent1", "zh_CN")
    from sqlmodel import Session, select

    from itsm_tui.storage.tables import JournalEntry

    with Session(desk.site.engine) as session:
        entry = session.exec(
            select(JournalEntry).where(JournalEntry.action == "set_language")
        ).one()
    assert entry.changes == {"language": [None, "zh_CN"]}


def test_precedence_itsm_lang_then_the_file_then_the_staff_record_then_the_locale() -> None:
    i18n.install_configured({"LANG": "en_US.UTF-8"})
    assert not i18n.decided
    assert i18n.prefer("zh_CN") == "zh_CN"  # the record beats the locale
    i18n.install_configured({"ITSM_LANG": "en", "LANG": "zh_CN.UTF-8"})
    assert i18n.decided
    assert i18n.prefer("zh_CN") == "en"  # ITSM_LANG beats the record
    i18n.install_configured({"LANG": "zh_CN.UTF-8"})
    assert i18n.prefer(None) == "zh_CN" and i18n.prefer("xx") == "zh_CN"  # none: the locale


def test_the_command_line_speaks_the_operators_language_once_it_knows_them(
    desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff_flow.set_language(desk.site, desk.agent1, "agent1", "zh_CN")
    monkeypatch.setattr(staff_flow, "os_login", lambda: "agent1")
    i18n.install_configured({"LANG": "C"})
    shown = runner.invoke(app, ["--db", db_url, "staff", "whoami"])
    assert shown.exit_code == 0, shown.output
    assert "登录名" in shown.stdout and "语言" in shown.stdout and "zh_CN" in shown.stdout
    refused = runner.invoke(app, ["--db", db_url, "ticket", "show", "INC999999"])
    assert "没有工单 INC999999。" in refused.stderr
    as_json = runner.invoke(app, ["--db", db_url, "staff", "whoami", "--json"])
    assert '"login": "agent1"' in as_json.stdout  # --json: the same keys in every language


def test_set_language_from_the_command_line(
    desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_flow, "os_login", lambda: "agent2")
    i18n.install_configured({"LANG": "C"})
    done = runner.invoke(app, ["--db", db_url, "staff", "set-language", "agent2", "zh_CN"])
    assert done.exit_code == 0, done.output
    back = runner.invoke(app, ["--db", db_url, "staff", "set-language", "agent2", "default"])
    assert back.exit_code == 0 and "zh_CN" not in back.stdout


def test_the_record_is_read_without_the_engine_before_the_console_loads(
    desk: Desk, db_url: str, tmp_path: Path
) -> None:
    """The bare console's early read (``storage.staff_language``): the driver alone, and
    silent when there is nothing to read — it never creates a database file."""
    from itsm_tui.storage.staff_language import stored_language

    staff_flow.set_language(desk.site, desk.agent1, "agent1", "zh_CN")
    assert stored_language(db_url, "agent1") == "zh_CN"
    assert stored_language(db_url, "agent2") is None  # none kept
    assert stored_language(db_url, "nobody") is None
    missing = tmp_path / "none.db"
    assert stored_language(f"sqlite:///{missing}", "agent1") is None
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()  # a database without the staff table (or its column)
    assert stored_language(f"sqlite:///{empty}", "agent1") is None
    assert stored_language("postgresql+psycopg://nobody@127.0.0.1:1/none", "agent1") is None
