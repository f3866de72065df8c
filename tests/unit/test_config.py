"""Settings come from ITSM_* variables (any case), checked and converted; given values win."""

from __future__ import annotations

import pytest

from itsm_tui.common.config import Settings
from itsm_tui.common.errors import Invalid


def test_settings_read_itsm_variables_in_any_case_and_convert_them() -> None:
    s = Settings(environ={"ITSM_SMTP_PORT": "587", "itsm_timezone": "Europe/Paris", "X": "1"})
    assert (s.smtp_port, s.timezone, s.database_url) == (587, "Europe/Paris", None)
    assert str(s.zone) == "Europe/Paris"


def test_a_given_value_wins_over_the_environment() -> None:
    s = Settings(environ={"ITSM_DATABASE_URL": "sqlite:///env.db"}, database_url="sqlite:///x")
    assert s.url == "sqlite:///x"


def test_a_bad_variable_is_refused_by_name() -> None:
    with pytest.raises(Invalid, match="ITSM_SMTP_PORT") as refused:
        Settings(environ={"ITSM_SMTP_PORT": "twenty-five"})
    assert refused.value.field == "smtp_port" and "twenty-five" in refused.value.message


def test_the_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITSM_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    assert Settings().webhook_url == "http://127.0.0.1:9/hook"


def test_a_misspelt_setting_in_code_is_an_error_not_ignored() -> None:
    with pytest.raises(TypeError, match="smtp_prot"):
        Settings(smtp_prot=25)


def test_the_command_line_refuses_a_bad_variable_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from itsm_tui.cli import app

    monkeypatch.setenv("ITSM_SMTP_PORT", "twenty-five")
    result = CliRunner().invoke(app, ["staff", "list"])
    assert result.exit_code == 1, result.output
    assert "ITSM_SMTP_PORT (smtp_port) must be a whole number" in result.output
