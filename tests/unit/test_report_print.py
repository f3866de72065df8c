"""The KPI report printed by a real headless Chromium (Debian's ``chromium``): a screenshot of
the first page, and a PDF whose page count follows the page breaks between sections."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from itsm_tui.common.clock import FrozenClock
from itsm_tui.reports.render import render_html
from itsm_tui.workflow.kpi.periods import parse_period
from itsm_tui.workflow.kpi.report import kpi_report
from itsm_tui.workflow.site import Actor, Site
from tests.unit.reporting_site import seed_site

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on PATH (Debian: apt install chromium; .ci/run installs it)",
)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 12, 2, 1, 0, tzinfo=UTC))


def _chromium(*args: str) -> None:
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         *args],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def test_chromium_prints_the_report_a_section_a_page(
    site: Site, admin: Actor, db_url: str, tmp_path: Path
) -> None:
    if "postgresql" in db_url:
        pytest.skip("the page is the same on either database: printed once, from SQLite")
    seed_site(site, admin)
    page = tmp_path / "nov.html"
    page.write_text(render_html(kpi_report(site, admin, parse_period("2026-11")).to_json()))
    shot, pdf = tmp_path / "first.png", tmp_path / "nov.pdf"
    _chromium(f"--screenshot={shot}", "--window-size=794,1123", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    _chromium(f"--print-to-pdf={pdf}", page.as_uri())
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    # The header and summary on the first page, then each of the nine sections from a page
    # of its own (the long ones run over: volume's tables, the breaches list).
    assert 10 <= pages <= 40, pages
