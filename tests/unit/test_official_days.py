"""China's official days come from the ``holidays`` package once per release, then from a copy.

The package imports every country's module to build China's calendar (~0.1 s); a script that
claims tickets one ``itsm`` call at a time must not pay that on every call. These run the first
SLA computation of a fresh process, as such a call does, with the site's overrides in force.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from itsm_tui.workflow.official_days import CACHE_NAME, package_release
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.sla import service

#: The site works 7 October, an official day off. A P2 ticket (450 business minutes to resolve)
#: opened on Wednesday 30 September 2026 at 16:00 then falls due at 16:00 on 7 October, after
#: the National Day holidays: on 8 October without the override, on 1 October without the
#: official days.
OVERRIDES = "not_holidays = [2026-10-07]\n"
DUE = "2026-10-07T08:00:00+00:00"


def _first_deadline(url: str, actor: Actor, cache_home: Path) -> tuple[str, list[str]]:
    """The P2 resolution due time, computed as a fresh ``itsm`` process's first SLA work, and
    the ``holidays`` modules that process imported for it (all of them, or none)."""
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
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    due, modules = done.stdout.strip().splitlines()
    return ast.literal_eval(due), ast.literal_eval(modules)


@pytest.fixture
def overridden(site: Site, admin: Actor, tmp_path: Path) -> Site:
    path = tmp_path / "calendar.toml"
    path.write_text(OVERRIDES, encoding="utf-8")
    service.import_calendar(site, admin, path)
    return site


def test_after_the_first_call_no_holidays_module_is_imported(
    overridden: Site, admin: Actor, tmp_path: Path
) -> None:
    url, cache_home = str(overridden.engine.url.render_as_string(False)), tmp_path / "cache"
    first = _first_deadline(url, admin, cache_home)
    assert "holidays.countries.china" in first[1], "no copy yet: the package is asked"
    assert (cache_home / "itsm-tui" / CACHE_NAME).exists()
    second = _first_deadline(url, admin, cache_home)
    assert first[0] == DUE
    assert second == (DUE, [])


def test_a_copy_from_another_release_or_garbled_is_not_believed(
    overridden: Site, admin: Actor, tmp_path: Path
) -> None:
    url, cache_home = str(overridden.engine.url.render_as_string(False)), tmp_path / "cache"
    copy = cache_home / "itsm-tui" / CACHE_NAME
    copy.parent.mkdir(parents=True)
    # An older release that had no National Day: believed, the deadline would be days earlier.
    copy.write_text(
        json.dumps({"release": "holidays 0.1", "years": {"2026": {"holidays": {}, "workdays": {}}}})
    )
    due, modules = _first_deadline(url, admin, cache_home)
    assert due == DUE
    assert "holidays.countries.china" in modules
    assert json.loads(copy.read_text())["release"] == package_release()
    copy.write_text('{"release": "' + str(package_release()) + '", "years": {"2026": 7}}')
    due, modules = _first_deadline(url, admin, cache_home)
    assert due == DUE
    assert "holidays.countries.china" in modules


def test_the_copy_holds_what_the_package_says(tmp_path: Path) -> None:
    import holidays

    cache_home = tmp_path / "cache"
    code = (
        "from itsm_tui.workflow.official_days import china_official_days as f; "
        "[f(y) for y in (2025, 2026, 2027)]"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    kept = json.loads((cache_home / "itsm-tui" / CACHE_NAME).read_text(encoding="utf-8"))
    cn = holidays.China(years=range(2025, 2029), language="en_US")
    for year in (2025, 2026, 2027):
        days = kept["years"][str(year)]
        assert days["holidays"] == {
            d.isoformat(): str(n) for d, n in sorted(cn.items()) if d.year == year
        }
        assert sorted(days["workdays"]) == sorted(
            d.isoformat() for d in cn.weekend_workdays if d.year == year
        )
    assert "2026-10-01" in kept["years"]["2026"]["holidays"]
    assert date(2026, 9, 20).isoformat() in kept["years"]["2026"]["workdays"]


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


def test_an_unwritable_cache_folder_costs_speed_not_the_answer(
    overridden: Site, admin: Actor, tmp_path: Path
) -> None:
    url = str(overridden.engine.url.render_as_string(False))
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    due, modules = _first_deadline(url, admin, blocked)
    assert due == DUE
    assert modules, "the package was asked"
    assert _first_deadline(url, admin, blocked)[1], "nothing kept: the package is asked again"
