"""The per-file CSV checker must be check_ci, only faster: same values, same errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itsm_tui.common.errors import DomainError, Invalid
from itsm_tui.workflow.cmdb.fields import References, check_ci, row_checker
from tests.conftest import Desk

REFS = References({"srv": 1, "dba": 2}, {"B1": 1, "MR1": 2})
COLUMNS = (
    "asset_tag",
    "class",
    "name",
    "status",
    "criticality",
    "ip",
    "owner_group",
    "location",
    "serial",
    "kind",
    "os",
    "units",
    "engine",
    "network",
)
# Each column's cells: what a site's file holds, then what the checks must refuse (drawn
# less often, so that most rows get past every other check to the one under test).
CELLS = {
    "asset_tag": (["", "AT1", " AT2 "], ["T" * 61]),
    "class": (["server", "rack", "database", "printer", "business_system", " desktop"], ["x", ""]),
    "name": (["门户-WEB-01", " spaced ", 'q"x\\y'], ["", " ", "n" * 201]),
    "status": (["", "in_use", " retired ", "maintenance"], ["broken"]),
    "criticality": (["", "1", " 4"], ["9", "x"]),
    "ip": (
        ["", "10.0.0.1", " 10.1.1.1 ", "::1", "2001:DB8::1"],
        ["010.0.0.1", "300.1.1.1", "no", "fe80::1%" + "e" * 40],
    ),
    "owner_group": (["", "srv", " dba "], ["nope"]),
    "location": (["", "B1", "MR1 "], ["nope"]),
    "serial": (["", "SN1"], ["S" * 81]),
    "kind": (["", "virtual", "physical", " "], ["quantum", " switch"]),
    "os": (["", "麒麟V10", " "], ["o" * 201]),
    "units": (["", "42"], ["0", "abc", "1.5"]),
    "engine": (["", "达梦 DM8"], []),
    "network": (["", "yes", "no"], ["maybe"]),
}


def _cells(column: str) -> st.SearchStrategy[str]:
    good, bad = CELLS[column]
    return st.sampled_from(good * 8 + bad)


def _outcome(check: Any, record: dict[str, str]) -> tuple[Any, ...]:
    try:
        values = check(record)
    except DomainError as exc:
        return ("refused", type(exc).__name__, exc.message, exc.field)
    return ("ok", list(values.items()), list(values["attributes"].items()))


@st.composite
def _files(draw: st.DrawFn) -> tuple[list[str], list[dict[str, str]]]:
    # Most files have class and name (the fast path's case); a few lack one or both.
    must = draw(st.sampled_from([("class", "name")] * 4 + [("name",), ()]))
    others = draw(st.lists(st.sampled_from([c for c in COLUMNS if c not in must]), unique=True))
    columns = draw(st.permutations([*must, *others]))
    if not columns:
        columns = ["name"]
    rows = draw(st.lists(st.tuples(*(_cells(c) for c in columns)), max_size=8))
    # Now and then a short row: dict(zip(header, cells)) then lacks the last keys.
    cuts = draw(st.lists(st.sampled_from([None] * 6 + list(range(len(columns)))), min_size=8))
    return columns, [
        dict(zip(columns, row[:cut], strict=False)) for row, cut in zip(rows, cuts, strict=False)
    ]


@settings(max_examples=400, deadline=None)
@given(_files())
def test_row_checker_agrees_with_check_ci(file: tuple[list[str], list[dict[str, str]]]) -> None:
    columns, records = file
    fast = row_checker(columns, REFS)
    for record in records:  # one checker per file: what it remembers must not leak across rows
        assert _outcome(fast, record) == _outcome(lambda r: check_ci(r, REFS), record)


BASE = {
    "asset_tag": "AT1",
    "class": "server",
    "name": "WEB-01",
    "status": "in_use",
    "criticality": "2",
    "ip": "10.0.0.1",
    "owner_group": "srv",
    "location": "B1",
    "serial": "SN1",
    "kind": "virtual",
    "os": "麒麟V10",
    "units": "",
    "engine": "",
    "network": "",
}


def test_row_checker_agrees_with_check_ci_cell_by_cell() -> None:
    """Every cell above, good or bad, in an otherwise good row of each class: the one check
    under test is the only one that can refuse it."""
    for ci_class, fill in (
        ("server", {}),
        ("rack", {"kind": "", "os": "", "units": "42"}),
        ("database", {"kind": "", "os": "", "engine": "达梦 DM8"}),
        ("printer", {"kind": "", "os": "", "network": "yes"}),
    ):
        good = {**BASE, "class": ci_class, **fill}
        fast = row_checker(list(good), REFS)
        for column, (fine, bad) in CELLS.items():
            for cell in (*fine, *bad):
                record = {**good, column: cell}
                expected = _outcome(lambda r: check_ci(r, REFS), record)
                assert _outcome(fast, record) == expected, (ci_class, column, cell)
        assert _outcome(fast, good)[0] == "ok"


@pytest.mark.parametrize("name", ["x\x00y", "x\udc9b"])  # NUL; a byte that was not UTF-8
def test_a_ci_name_that_is_not_text_is_refused_by_name(desk: Desk, name: str) -> None:
    from itsm_tui.workflow import cmdb

    with pytest.raises(Invalid) as refused:
        cmdb.add_ci(desk.site, desk.admin, name, "server")
    assert refused.value.field == "name"
