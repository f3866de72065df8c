"""Group and category names follow the one-line text rules, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from itsm_tui.common.errors import Invalid
from itsm_tui.workflow import catalog, groups
from itsm_tui.workflow.site import Actor, Site


@pytest.mark.parametrize(
    ("field", "code", "name"),
    [
        ("name", "g9", "G\nnine"),
        ("name", "g9", "G\rnine"),
        ("name", "g9", "G\udcffnine"),  # what Python makes of the argument $'G\xffnine'
        ("code", "g\udcff", "G nine"),
        ("code", "g\t9", "G nine"),
    ],
)
def test_group_text_is_one_line_of_text(
    site: Site, admin: Actor, field: str, code: str, name: str
) -> None:
    with pytest.raises(Invalid) as err:
        groups.add_group(site, admin, code, name, tier=1)
    assert err.value.field == field
    assert groups.list_groups(site, admin) == []


@pytest.mark.parametrize(
    ("field", "code", "name"),
    [
        ("name", "hw", "Hard\nware"),
        ("name", "hw", "Hard\udcffware"),
        ("code", "h\nw", "Hardware"),
        ("code", "h\udcffw", "Hardware"),
    ],
)
def test_category_text_is_one_line_of_text(
    site: Site, admin: Actor, field: str, code: str, name: str
) -> None:
    with pytest.raises(Invalid) as err:
        catalog.add_category(site, admin, code, name)
    assert err.value.field == field
    assert catalog.add_category(site, admin, "hw", "Hardware").name == "Hardware"
