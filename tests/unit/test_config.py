"""Settings come from ITSM_* variables (any case), checked and converted; given values win."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from itsm_tui.config import Settings


def test_settings_read_itsm_variables_in_any_case_and_convert_them() -> None:
    s = Settings(environ={"ITSM_SMTP_PORT": "587", "itsm_timezone": "Europe/Paris", "X": "1"})
    assert (s.smtp_port, s.timezone, s.database_url) == (587, "Europe/Paris", None)
    assert str(s.zone) == "Europe/Paris"


def test_a_given_value_wins_over_the_environment() -> None:
    s = Settings(environ={"ITSM_DATABASE_URL": "sqlite:///env.db"}, database_url="sqlite:///x")
    assert s.url == "sqlite:///x"


def test_a_bad_variable_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="smtp_port"):
        Settings(environ={"ITSM_SMTP_PORT": "twenty-five"})


def test_the_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITSM_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    assert Settings().webhook_url == "http://127.0.0.1:9/hook"
