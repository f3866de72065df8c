"""Import files that used to be misread or crash: each is refused, naming the file and line,
and writes nothing — on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from itsm_tui.common.errors import Invalid
from itsm_tui.storage.tables import CIRelation, ConfigurationItem
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.cmdb.exporting import export, neutralise
from itsm_tui.workflow.cmdb.files import unneutralise
from itsm_tui.workflow.cmdb.importing import ImportRejected, import_file
from itsm_tui.workflow.site import Actor, Site

WESTERN = "class,name,kind\nserver,Hélène-Sérveur,virtual\nserver,Müller-Straße,physical\n"
CHINESE = "class,name,kind\nserver,门户-WEB-01,virtual\nserver,核心交换机-A-01,physical\n"


def _file(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return str(path)


def _cis(site: Site) -> int:
    with Session(site.engine) as s:
        return s.exec(select(func.count()).select_from(ConfigurationItem)).one()


def _names(site: Site) -> set[str]:
    with Session(site.engine) as s:
        return set(s.exec(select(ConfigurationItem.name)).all())


def _refused(site: Site, admin: Actor, path: str) -> Invalid:
    """The refusal of importing ``path``, after checking nothing was written."""
    with pytest.raises(Invalid) as err:
        import_file(site, admin, path)
    assert _cis(site) == 0
    return err.value


def _refused_again(site: Site, admin: Actor, path: str) -> Invalid:
    """The refusal of importing ``path``, after checking it wrote nothing more."""
    before = _names(site)
    with pytest.raises(Invalid) as err:
        import_file(site, admin, path)
    assert _names(site) == before
    return err.value


# --- encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "encoding", "read_as"),
    [
        (CHINESE, "utf-8", "utf-8"),
        (CHINESE, "utf-8-sig", "utf-8-sig"),
        (CHINESE, "gb18030", "gb18030"),
        (CHINESE, "utf-16", "utf-16"),  # with a byte-order mark: no guess involved
        (WESTERN, "utf-8", "utf-8"),
        # Chinese that looks least Chinese: traditional and rare ideographs, Latin mixed in.
        (
            "class,name,kind\nserver,龍華機房閘門,virtual\nserver,A区B栋-张昇,virtual\n",
            "gb18030",
            "gb18030",
        ),
    ],
)
def test_files_of_each_encoding_read_as_written(
    site: Site, admin: Actor, tmp_path: Path, content: str, encoding: str, read_as: str
) -> None:
    summary = import_file(site, admin, _file(tmp_path, "cis.csv", content, encoding))
    assert (summary.encoding, summary.created) == (read_as, 2)
    assert _names(site) == {line.split(",")[1] for line in content.splitlines()[1:]}


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_a_western_file_is_refused_not_read_as_gb18030(
    site: Site, admin: Actor, tmp_path: Path, encoding: str
) -> None:
    # Both files decode as GB18030 (Hélène → H閘鑞e); the import used to report success.
    content = WESTERN + ("server,Zoë’s-box,virtual\n" if encoding == "cp1252" else "")
    path = _file(tmp_path, "cis.csv", content, encoding)
    content.encode(encoding).decode("gb18030")  # the trap this test is about
    error = _refused(site, admin, path)
    assert "looks like Latin-1/Windows-1252; give --encoding" in error.message
    assert error.field == "encoding"
    import_file(site, admin, path, encoding=encoding)
    assert "Hélène-Sérveur" in _names(site)


def test_a_western_file_gb18030_cannot_read_says_so_too(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    path = _file(tmp_path, "cis.csv", "class,name,kind\nserver,Café Noël,virtual\n", "latin-1")
    assert "looks like Latin-1/Windows-1252" in _refused(site, admin, path).message


def test_an_unknown_encoding_is_named(site: Site, admin: Actor, tmp_path: Path) -> None:
    path = _file(tmp_path, "cis.csv", CHINESE)
    with pytest.raises(Invalid, match="Unknown encoding 'klingon'") as err:
        import_file(site, admin, path, encoding="klingon")
    assert err.value.field == "encoding" and _cis(site) == 0


@pytest.mark.parametrize("order", ["le", "be"])
def test_utf16_without_a_byte_order_mark_is_named(
    site: Site, admin: Actor, tmp_path: Path, order: str
) -> None:
    # It used to read as UTF-8 with a NUL after every letter: "name must not be empty".
    path = _file(tmp_path, "cis.csv", CHINESE, f"utf-16-{order}")
    error = _refused(site, admin, path)
    assert f"UTF-16 without a byte-order mark; give --encoding utf-16-{order}" in error.message
    assert import_file(site, admin, path, encoding=f"utf-16-{order}").created == 2


# --- quotes, repeats and types ------------------------------------------------------------------


def test_an_unclosed_quote_is_refused_at_the_line_it_opened(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    rows = 'class,name,kind,model\nserver,ok-1,virtual,a\nserver,swallow-1,virtual,"x\n'
    rows += "server,swallow-2,virtual,y\nserver,swallow-3,virtual,z\n"
    error = _refused(site, admin, _file(tmp_path, "cis.csv", rows))
    assert "line 3: a quote opened in this row is never closed" in error.message
    # Closed further down, the quote still swallowed a row: refused, naming both lines.
    closed = (
        'class,name,kind,model\nserver,swallow-1,virtual,"x\nserver,swallow-2,virtual,y\nend"\n'
    )
    error = _refused(site, admin, _file(tmp_path, "closed.csv", closed))
    assert "line 2: the quote opened in column model" in error.message
    assert "takes in line 3 ('server,swallow-2,virtual,y')" in error.message
    assert error.field == "model"


def test_a_value_meant_to_span_lines_is_kept(site: Site, admin: Actor, tmp_path: Path) -> None:
    rows = 'class,name,kind,model\nserver,s1,virtual,"Inspur NF5280\nRack A, slot 3"\n'
    rows += "server,s2,virtual,plain\n"
    summary = import_file(site, admin, _file(tmp_path, "cis.csv", rows))
    assert summary.created == 2
    assert cmdb.show_ci(site, admin, "s1").ci.attributes["model"] == "Inspur NF5280\nRack A, slot 3"
    assert cmdb.show_ci(site, admin, "s2").ci.attributes["model"] == "plain"


def test_a_repeated_column_is_refused(site: Site, admin: Actor, tmp_path: Path) -> None:
    path = _file(tmp_path, "cis.csv", "class,name,Name ,kind\nserver,a,b,virtual\n")
    error = _refused(site, admin, path)
    assert "line 1: column 'name' appears twice (columns 2 and 3)" in error.message


@pytest.mark.parametrize("second", ["name", "Name", "NAME"])
def test_a_repeated_json_key_is_refused(
    site: Site, admin: Actor, tmp_path: Path, second: str
) -> None:
    text = '[\n{"class": "server", "kind": "virtual", "name": "a"},\n{"class": "server", '
    text += f'"kind": "virtual", "name": "b", "{second}": "c"}}\n]'
    error = _refused(site, admin, _file(tmp_path, "cis.json", text))
    assert f"line 3: key '{second}' repeats 'name'" in error.message


def test_an_attribute_given_twice_in_json_is_refused(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    item = {"class": "server", "name": "a", "kind": "virtual", "attributes": {"kind": "physical"}}
    error = _refused(site, admin, _file(tmp_path, "cis.json", json.dumps([item])))
    assert "'kind' is given both on its own and under attributes" in error.message


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        (
            "criticality",
            2.5,
            "criticality must be a whole number, 1 (critical) … 4 (low), not the number 2.5",
        ),
        (
            "criticality",
            True,
            "criticality must be a whole number, 1 (critical) … 4 (low), not true",
        ),
        ("name", ["a", "b"], "name must be text, not a list"),
        ("asset_tag", {"a": 1}, "asset_tag must be text, not an object"),
        ("cpu_cores", True, "cpu_cores must be a whole number, not true"),
        ("cpu_cores", 2.5, "cpu_cores must be a whole number, not the number 2.5"),
        ("os", 7.10, "os must be text, not the number 7.1"),
        ("attributes", ["os"], "attributes must be an object, not a list"),
    ],
)
def test_json_values_are_not_bent_to_fit(
    site: Site, admin: Actor, tmp_path: Path, field: str, value: object, says: str
) -> None:
    item = {"class": "server", "name": "s", "kind": "virtual", field: value}
    text = json.dumps([{"class": "server", "name": "ok", "kind": "virtual"}, item], indent=1)
    error = _refused(site, admin, _file(tmp_path, "cis.json", text))
    assert isinstance(error, ImportRejected)
    [row] = error.summary.errors
    assert (row.line, row.column, row.message) == (7, field, says + ".")


def test_json_numbers_still_do_what_they_say(site: Site, admin: Actor, tmp_path: Path) -> None:
    item = {"class": "server", "name": "s", "kind": "virtual", "criticality": 2, "asset_tag": 1024}
    item |= {"cpu_cores": 16, "attributes": {"memory_gb": 64}}
    printer = {"class": "printer", "name": "p", "network": False}
    import_file(site, admin, _file(tmp_path, "cis.json", json.dumps([item, printer])))
    server = cmdb.show_ci(site, admin, "1024").ci
    assert (server.criticality, server.attributes["cpu_cores"]) == (2, 16)
    assert cmdb.show_ci(site, admin, "p").ci.attributes == {"network": False}


# --- export, then import: nothing changes ------------------------------------------------------

#: Every lead export neutralises, and values that really start with an apostrophe.
FORMULA_LIKE = ["=1+1", "+86 10 1234", "-5 dBm", "@home", "'=already", "'plain", "''two", "it's"]


@pytest.mark.parametrize("value", [*FORMULA_LIKE, "\tx", "\rx", "'\tx", "'"])
def test_import_takes_off_exactly_what_export_added(value: str) -> None:
    assert unneutralise(neutralise(value)) == value


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_changes_nothing(
    site: Site, admin: Actor, tmp_path: Path, fmt: str
) -> None:
    for n, value in enumerate(FORMULA_LIKE):
        cmdb.add_ci(site, admin, value, "software", attributes={"vendor": value, "version": f"{n}"})
    out = io.StringIO()
    assert export(site, admin, out, fmt=fmt) == len(FORMULA_LIKE)
    again = import_file(site, admin, _file(tmp_path, f"export.{fmt}", out.getvalue()))
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(FORMULA_LIKE))
    assert _names(site) == set(FORMULA_LIKE)


def test_json_apostrophes_are_data(site: Site, admin: Actor, tmp_path: Path) -> None:
    # JSON is never neutralised, so nothing is taken off it: this used to store '=x as =x.
    items = [{"class": "software", "name": "'=x", "vendor": "'+y"}]
    import_file(site, admin, _file(tmp_path, "cis.json", json.dumps(items)))
    assert cmdb.show_ci(site, admin, "software:'=x").ci.attributes == {"vendor": "'+y"}


# --- sizes, nesting, NUL: clean refusals, short messages ----------------------------------------


def test_a_field_over_the_csv_limit_is_a_refusal(site: Site, admin: Actor, tmp_path: Path) -> None:
    rows = f"class,name,kind\nserver,ok,virtual\nserver,{'x' * 200_000},virtual\n"
    error = _refused(site, admin, _file(tmp_path, "cis.csv", rows))
    assert "line 3: a field is longer than 131,072 characters" in error.message
    assert len(error.message) < 300


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_huge_value_is_not_echoed(site: Site, admin: Actor, tmp_path: Path, fmt: str) -> None:
    huge = "服" * 100_000
    items = [{"class": "server", "name": huge, "kind": "virtual", "status": huge}]
    if fmt == "json":
        content = json.dumps(items, ensure_ascii=False)
    else:
        content = f"class,name,kind,status\nserver,{huge},virtual,{huge}\n"
    error = _refused(site, admin, _file(tmp_path, f"cis.{fmt}", content))
    assert isinstance(error, ImportRejected)
    shown = json.dumps(error.to_dict(), ensure_ascii=False)
    assert error.message.startswith(f"{tmp_path}") and "100,000 characters" in shown
    assert len(error.message) < 400 and len(shown) < 1_500


def test_deep_json_is_a_refusal(site: Site, admin: Actor, tmp_path: Path) -> None:
    deep = '[\n{"class": "server", "name": "a", "kind": "virtual"},\n{"class": "server", "name": '
    deep += "[" * 200_000 + "]" * 200_000 + "}\n]"
    error = _refused(site, admin, _file(tmp_path, "cis.json", deep))
    assert "line 3: the item is nested too deeply to be a CI" in error.message


def test_json_about_as_deep_as_the_stack_is_a_refusal(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    # Somewhere here the decoder gives up (where depends on the stack already in use): on
    # either side, a short refusal and no traceback.
    for depth in range(850, 1_001, 10):
        for inner in ("[" * depth + "]" * depth, '{"a":' * depth + '"\\u00e9"' + "}" * depth):
            item = f'[{{"class": "server", "name": "a", "kind": "virtual", "os": {inner}}}]'
            error = _refused(site, admin, _file(tmp_path, "cis.json", item))
            assert len(error.message.replace(str(tmp_path), "")) < 300


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        (
            "cis.csv",
            "class,name,kind\nserver,ok,virtual\nserver,a\x00b,virtual\n",
            "line 3, column name",
        ),
        (
            "cis.json",
            '[{"class": "server", "kind": "virtual",\n "name": "a\\u0000b"}]',
            "line 1, column name",
        ),
        (
            "cis.json",
            '[\n{"class": "server", "name": "a", "attributes": {"os": "\\u0000"}}]',
            "line 2, column os",
        ),
        (
            "cis.json",
            '[\n{"class": "server", "name": "a\\ud800", "kind": "virtual"}]',
            "line 2, column name",
        ),
        ("rel.csv", "source,type,target\nA\x00,runs_on,B\n", "line 2, column source"),
    ],
)
def test_nul_and_lone_surrogates_are_refused_on_every_database(
    site: Site, admin: Actor, tmp_path: Path, name: str, content: str, where: str
) -> None:
    # SQLite stored a NUL, PostgreSQL crashed on it: both now refuse alike.
    error = _refused(site, admin, _file(tmp_path, name, content))
    assert where in error.message and "which is not text" in error.message
    with Session(site.engine) as s:
        assert s.exec(select(func.count()).select_from(CIRelation)).one() == 0


def test_nul_is_refused_in_a_single_edit_too(site: Site, admin: Actor) -> None:
    with pytest.raises(Invalid, match="name holds a NUL character"):
        cmdb.add_ci(site, admin, "a\x00b", "software")
    with pytest.raises(Invalid, match="vendor holds a NUL character"):
        cmdb.add_ci(site, admin, "ab", "software", attributes={"vendor": "x\x00"})
    assert _cis(site) == 0


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_nan_and_infinity_are_refused_on_every_database(
    site: Site, admin: Actor, tmp_path: Path, fmt: str
) -> None:
    # float() reads "nan" and "inf"; SQLite stored them, PostgreSQL's JSON refused them.
    if fmt == "csv":
        content = "class,name,capacity_tb\nstorage,s1,12.5\nstorage,s2,nan\nstorage,s3,-inf\n"
    else:
        content = '[\n{"class": "storage", "name": "s1", "capacity_tb": 12.5},\n'
        content += '{"class": "storage", "name": "s2", "capacity_tb": NaN},\n'
        content += '{"class": "storage", "name": "s3", "capacity_tb": "-inf"}\n]'
    error = _refused(site, admin, _file(tmp_path, f"s.{fmt}", content))
    assert isinstance(error, ImportRejected)
    assert [(e.line, e.column) for e in error.summary.errors] == [
        (3, "capacity_tb"),
        (4, "capacity_tb"),
    ]
    assert "line 3, column capacity_tb (value 'nan'" in error.message or fmt == "json"
    assert "finite number, not nan (and 1 more error); nothing was imported" in error.message
    with pytest.raises(Invalid, match="capacity_tb must be a finite number, not inf"):
        cmdb.add_ci(site, admin, "s4", "storage", attributes={"capacity_tb": "inf"})


def test_a_workbook_is_named_for_what_it_is(site: Site, admin: Actor, tmp_path: Path) -> None:
    path = _file(tmp_path, "cis.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)
    assert (
        "is a zip file (an Excel workbook?); save it as CSV" in _refused(site, admin, path).message
    )


def test_windows_line_ends_and_a_multi_line_value(site: Site, admin: Actor, tmp_path: Path) -> None:
    rows = 'class,name,kind,model\r\nserver,s1,virtual,"two\r\nlines"\r\nserver,s2,virtual,"x\r\n'
    rows += "server,s3,virtual,y\r\n"
    error = _refused(site, admin, _file(tmp_path, "cis.csv", rows + 'z"\r\n'))
    assert "line 4: the quote opened in column model" in error.message
    assert "takes in line 5 ('server,s3,virtual,y')" in error.message
    assert (
        import_file(
            site, admin, _file(tmp_path, "ok.csv", rows.rsplit('"x', 1)[0] + "x\r\n")
        ).created
        == 2
    )
    assert cmdb.show_ci(site, admin, "s1").ci.attributes["model"] == "two\r\nlines"


def test_nameless_columns_may_repeat_but_must_be_empty(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    # A spreadsheet saves trailing empty columns: "class,name,kind,,".
    rows = "class,name,kind,,\nserver,s1,virtual,,\n"
    assert import_file(site, admin, _file(tmp_path, "ok.csv", rows)).created == 1
    error = _refused_again(site, admin, _file(tmp_path, "bad.csv", rows + "server,s2,virtual,,x\n"))
    assert "line 3: column 5 has a value but no name on line 1" in error.message


def test_a_csv_attributes_column_is_refused_not_a_crash(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    rows = 'class,name,kind,attributes\nserver,s1,virtual,"{""os"": ""x""}"\n'
    error = _refused(site, admin, _file(tmp_path, "cis.csv", rows))
    assert "line 2, column attributes" in error.message
    assert "attributes must be an object, not text" in error.message
