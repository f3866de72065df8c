"""China's official days come from a table shipped with the package, made from the pinned
``holidays`` release; the package itself (which imports every country's module to build
China's calendar, ~0.1 s) is asked only for another release or a year outside the table.

The first SLA computation of a fresh process runs here as an ``itsm`` call's does, with the
site's overrides in force.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from itsm_tui.workflow import official_days
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.sla import service

#: The site works 7 October, an official day off. A P2 ticket (450 business minutes to resolve)
#: opened on Wednesday 30 September 2026 at 16:00 then falls due at 16:00 on 7 October, after
#: the National Day holidays: on 8 October without the override, on 1 October without the
#: official days.
OVERRIDES = "not_holidays = [2026-10-07]\n"
DUE = "2026-10-07T08:00:00+00:00"


def _first_deadline(url: str, actor: Actor) -> tuple[str, list[str]]:
    """The P2 resolution due time, computed as a fresh ``itsm`` process's first SLA work, and
    the ``holidays`` modules that process imported for it."""
    code = f"""
import sys
from itsm_tui.common.config import Settings
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.sla import service
site = Site.open(Settings(database_url={url!r}))
d = service.deadline(site, Actor(*{(actor.id, actor.login, actor.display_name, actor.tier)!r},
                                 frozenset()), 2, "2026-09-30T16:00")
print(repr(d.resolution_due_at.isoformat()))
print(sorted(m for m in sys.modules if m.split(".")[0] == "holidays"))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    due, modules = done.stdout.strip().splitlines()
    return ast.literal_eval(due), ast.literal_eval(modules)


@pytest.fixture
def overridden(site: Site, admin: Actor, tmp_path: Path) -> Site:
    path = tmp_path / "calendar.toml"
    path.write_text(OVERRIDES, encoding="utf-8")
    service.import_calendar(site, admin, path)
    return site


def test_the_first_deadline_of_a_process_imports_no_holidays_module(
    overridden: Site, admin: Actor
) -> None:
    url = str(overridden.engine.url.render_as_string(False))
    assert _first_deadline(url, admin) == (DUE, [])


def test_the_shipped_table_is_what_the_installed_package_says() -> None:
    """Upgrading ``holidays`` (a new State Council notice) fails here until ``make
    official-days`` remakes the table; a hand-edited table fails here too."""
    assert official_days.TABLE.read_text(encoding="utf-8") == official_days.table_text()


def test_another_release_of_the_package_is_asked_instead_of_the_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped = official_days.china_official_days(2026)
    official_days.china_official_days.cache_clear()
    official_days._shipped.cache_clear()
    asked: list[int] = []
    real = official_days.from_package

    def from_package(year: int) -> official_days.DayTables:
        asked.append(year)
        return real(year)

    monkeypatch.setattr(official_days, "package_release", lambda: "holidays 0.1")
    monkeypatch.setattr(official_days, "from_package", from_package)
    try:
        assert official_days.china_official_days(2026) == shipped
        assert asked == [2026]
    finally:
        official_days.china_official_days.cache_clear()
        official_days._shipped.cache_clear()


def test_the_release_is_read_without_importing_the_package() -> None:
    code = (
        "import sys; from itsm_tui.workflow.official_days import package_release as r; "
        "print(r(), 'holidays' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    import holidays

    assert out == ["holidays", holidays.__version__, "False"]
