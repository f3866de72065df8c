"""Where report files go: the reports folder (``ITSM_REPORTS_DIR``, default ``reports`` in the
XDG data folder), one file per report, written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def report_path(folder: Path, period_key: str, schedule: str | None, suffix: str = ".html") -> Path:
    """``kpi-monthly-2026-11.html``, ``kpi-2026-11.html`` for one rendered by hand."""
    name = f"kpi-{schedule}-{period_key}" if schedule else f"kpi-{period_key}"
    return folder / (name.replace("..", "_to_") + suffix)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place, so a
    reader (or a mail sent meanwhile) never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
