"""The console's failure log is the operator's own, and holds no database password."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from itsm_tui.console.failures import log_failure


def test_the_console_log_is_private_and_masks_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    failure = RuntimeError("cannot reach postgresql+psycopg://itsm:s3cret@db.example/itsm")
    path = log_failure("load the queue", failure)
    assert path == tmp_path / "state" / "itsm-tui" / "console.log"
    text = path.read_text(encoding="utf-8")
    assert "could not load the queue" in text and "itsm:***@db.example" in text
    assert "s3cret" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
