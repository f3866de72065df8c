"""Bulk import and export of CIs and relationships, on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from itsm_tui.common.errors import Invalid
from itsm_tui.storage.tables import CIRelation, ConfigurationItem, JournalEntry
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.cmdb.exporting import export
from itsm_tui.workflow.cmdb.importing import ImportRejected, dry_run, import_file
from itsm_tui.workflow.site import Actor, Site

CIS = """asset_tag,class,name,status,criticality,ip,kind,engine,os
ZC-001,server,门户-WEB-01,in_use,2,10.1.1.1,virtual,,麒麟V10
ZC-002,server,门户-DB-01,in_use,2,10.1.1.2,physical,,
,business_service,公众服务门户,in_use,1,,,,
,database,门户库,,1,,,达梦 DM8,
"""
RELATIONS = """source,type,target
business_service:公众服务门户,runs_on,ZC-001
business_service:公众服务门户,depends_on,门户库
门户库,runs on,ZC-002
"""


def _file(tmp_path: Path, name: str, content: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return str(path)


def _count(site: Site, table: type) -> int:
    with Session(site.engine) as s:
        return s.exec(select(func.count()).select_from(table)).one()


def test_import_creates_then_is_idempotent(site: Site, admin: Actor, tmp_path: Path) -> None:
    path = _file(tmp_path, "cis.csv", CIS)
    first = import_file(site, admin, path)
    assert (first.created, first.updated, first.unchanged, first.errors) == (4, 0, 0, [])
    again = import_file(site, admin, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    rels = _file(tmp_path, "rels.csv", RELATIONS)
    assert import_file(site, admin, rels).created == 3
    assert import_file(site, admin, rels).unchanged == 3
    assert _count(site, ConfigurationItem) == 4 and _count(site, CIRelation) == 3
    report = cmdb.analyse(site, admin, ["ZC-002"])
    assert [s.name for s in report.services] == ["公众服务门户"]
    assert report.services[0].via == ["runs_on", "depends_on"]
    server = cmdb.show_ci(site, admin, "ZC-001").ci
    assert server.attributes == {"kind": "virtual", "os": "麒麟V10"} and server.ip == "10.1.1.1"
    with Session(site.engine) as s:
        journal = s.exec(select(JournalEntry.entity, JournalEntry.action)).all()
    assert journal.count(("ci", "create")) == 4 and journal.count(("ci_relation", "create")) == 3
    assert journal.count(("ci_import", "import")) == 4


def test_update_by_asset_tag_journals_old_and_new(site: Site, admin: Actor, tmp_path: Path) -> None:
    import_file(site, admin, _file(tmp_path, "a.csv", CIS))
    changed = "asset_tag,class,name,status,kind\nZC-001,server,门户-WEB-01改,maintenance,virtual\n"
    dry = dry_run(site, admin, _file(tmp_path, "b.csv", changed))
    assert (dry.created, dry.updated, dry.dry_run) == (0, 1, True)
    assert cmdb.show_ci(site, admin, "ZC-001").ci.name == "门户-WEB-01"  # dry run wrote nothing
    done = import_file(site, admin, _file(tmp_path, "b.csv", changed))
    assert done.updated == 1
    view = cmdb.show_ci(site, admin, "ZC-001").ci
    assert (view.name, view.status, view.version) == ("门户-WEB-01改", "maintenance", 2)
    assert view.ip == "10.1.1.1" and view.attributes["os"] == "麒麟V10"  # columns absent: kept
    with Session(site.engine) as s:
        entry = s.exec(
            select(JournalEntry).where(JournalEntry.action == "update", JournalEntry.entity == "ci")
        ).one()
    assert entry.changes["status"] == ["in_use", "maintenance"]


def test_one_bad_row_writes_nothing(site: Site, admin: Actor, tmp_path: Path) -> None:
    bad = CIS + "ZC-009,server,坏服务器,in_use,2,10.1.1.999,virtual,,\nZC-010,toaster,x,,,,,,\n"
    path = _file(tmp_path, "bad.csv", bad)
    with pytest.raises(ImportRejected) as err:
        import_file(site, admin, path)
    errors = err.value.summary.errors
    assert [(e.line, e.column, e.value) for e in errors] == [
        (6, "ip", "10.1.1.999"),
        (7, "class", "toaster"),
    ]
    assert "line 6, column ip" in err.value.message
    assert _count(site, ConfigurationItem) == 0
    dry = dry_run(site, admin, path)
    assert (dry.created, len(dry.errors)) == (4, 2)
    skipped = import_file(site, admin, path, skip_invalid=True)
    assert (skipped.created, skipped.skipped) == (4, 2)
    assert _count(site, ConfigurationItem) == 4


def test_relation_errors_name_line_and_column(site: Site, admin: Actor, tmp_path: Path) -> None:
    import_file(site, admin, _file(tmp_path, "a.csv", CIS))
    bad = "source,type,target\nZC-001,runs_on,门户库\nnobody,runs_on,ZC-001\n"
    with pytest.raises(ImportRejected) as err:
        import_file(site, admin, _file(tmp_path, "r.csv", bad))
    assert [(e.line, e.column) for e in err.value.summary.errors] == [(2, "type"), (3, "source")]
    assert _count(site, CIRelation) == 0


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")],
)
def test_encodings_are_detected(
    site: Site, admin: Actor, tmp_path: Path, encoding: str, expected: str
) -> None:
    # Excel on a Chinese Windows desktop saves GB18030 with ; or , — and sometimes tabs.
    content = CIS.replace(",", "\t") if encoding == "gb18030" else CIS
    summary = import_file(site, admin, _file(tmp_path, "x.csv", content, encoding))
    assert (summary.encoding, summary.created) == (expected, 4)
    assert summary.delimiter == ("\t" if encoding == "gb18030" else ",")
    assert cmdb.show_ci(site, admin, "门户库").ci.attributes == {"engine": "达梦 DM8"}


def test_given_encoding_mismatch_names_the_line(site: Site, admin: Actor, tmp_path: Path) -> None:
    path = _file(tmp_path, "x.csv", CIS, "gb18030")
    with pytest.raises(Invalid, match="line 2") as err:
        import_file(site, admin, path, encoding="utf-8")
    assert err.value.field == "encoding"


def test_json_import_reports_item_lines(site: Site, admin: Actor, tmp_path: Path) -> None:
    items = [
        {"class": "rack", "name": "A-01", "attributes": {"units": 42}},
        {"class": "rack", "name": "A-02", "units": 0},
    ]
    path = _file(tmp_path, "r.json", json.dumps(items, ensure_ascii=False, indent=2))
    with pytest.raises(ImportRejected) as err:
        import_file(site, admin, path)
    [error] = err.value.summary.errors
    assert (error.line, error.column, error.value) == (
        9,
        "units",
        0,
    )  # the line its object starts on


def test_export_round_trips_and_neutralises_formulas(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    import_file(site, admin, _file(tmp_path, "a.csv", CIS))
    cmdb.add_ci(site, admin, '=HYPERLINK("http://x")', "software", attributes={"vendor": "@evil"})
    out = io.StringIO()
    assert export(site, admin, out) == 5
    text = out.getvalue()
    assert "'=HYPERLINK" in text and "'@evil" in text
    assert "\n=" not in text and ",=" not in text and ",@" not in text
    again = import_file(site, admin, _file(tmp_path, "export.csv", text))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    as_json = io.StringIO()
    export(site, admin, as_json, fmt="json")
    names = [r["name"] for r in json.loads(as_json.getvalue())]
    assert '=HYPERLINK("http://x")' in names  # JSON stays plain
    import_file(site, admin, _file(tmp_path, "rels.csv", RELATIONS))
    rels = io.StringIO()
    assert export(site, admin, rels, kind="relations") == 3
    again = import_file(site, admin, _file(tmp_path, "rels-export.csv", rels.getvalue()))
    assert again.unchanged == 3


def test_journal_entries_are_written_in_bulk_and_read_back_whole(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    # The import writes its journal rows set-based, splicing JSON it already encoded for the
    # row; what an auditor reads back must be the same as one entry written at a time.
    import_file(site, admin, _file(tmp_path, "a.csv", CIS))
    import_file(site, admin, _file(tmp_path, "r.csv", RELATIONS))
    with Session(site.engine) as s:
        entries = s.exec(select(JournalEntry).where(JournalEntry.action == "create")).all()
    changes = {(e.entity, e.entity_id): e.changes for e in entries}
    web = cmdb.show_ci(site, admin, "ZC-001").ci
    assert changes[("ci", web.id)] == {
        "name": "门户-WEB-01",
        "class": "server",
        "status": "in_use",
        "criticality": 2,
        "asset_tag": "ZC-001",
        "ip": "10.1.1.1",
        "attributes": {"kind": "virtual", "os": "麒麟V10"},
    }
    portal = cmdb.show_ci(site, admin, "公众服务门户").ci
    assert changes[("ci", portal.id)] == {
        "name": "公众服务门户",
        "class": "business_service",
        "status": "in_use",
        "criticality": 1,
    }
    relations = [v for (kind, _), v in changes.items() if kind == "ci_relation"]
    assert len(relations) == 3
    assert {
        "source": "business_service:公众服务门户",
        "type": "runs_on",
        "target": "server:门户-WEB-01",
    } in relations


def test_ip_fast_path_still_refuses_leading_zeros(site: Site, admin: Actor, tmp_path: Path) -> None:
    bad = "class,name,ip,kind\nserver,S1,010.1.1.1,virtual\nserver,S2,10.1.1.01,virtual\n"
    with pytest.raises(ImportRejected) as err:
        import_file(site, admin, _file(tmp_path, "ip.csv", bad))
    assert [(e.line, e.column) for e in err.value.summary.errors] == [(2, "ip"), (3, "ip")]


def test_garbage_collector_is_back_on_after_an_import(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    # The import pauses the cyclic collector for speed; a refused file must not leave it off
    # for the rest of the process (the console runs for days).
    assert gc.isenabled()
    import_file(site, admin, _file(tmp_path, "a.csv", CIS))
    assert gc.isenabled()
    with pytest.raises(ImportRejected):
        import_file(site, admin, _file(tmp_path, "bad.csv", CIS + ",toaster,x,,,,,,\n"))
    assert gc.isenabled()
    dry_run(site, admin, _file(tmp_path, "a.csv", CIS))
    assert gc.isenabled()
    gc.disable()
    try:
        import_file(site, admin, _file(tmp_path, "a.csv", CIS))
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_relation_errors_come_by_line_then_repeats(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    # Checks and repeats are found in one pass; the report keeps its order: every failed
    # check by line, then every repeat (a repeat is only a repeat of a row that passed).
    import_file(site, admin, _file(tmp_path, "a.csv", CIS))
    rels = (
        "source,type,target\n"
        "ZC-001,runs_on,ZC-002\n"
        "门户库,runs_on,ZC-001\n"
        "ZC-001,runs on,ZC-002\n"
        "nobody,runs_on,ZC-001\n"
        "门户库,runs_on,ZC-001\n"
        "nobody,runs_on,ZC-001\n"
    )
    path = _file(tmp_path, "r.csv", rels)
    with pytest.raises(ImportRejected) as err:
        import_file(site, admin, path)
    assert [(e.line, e.column, e.message) for e in err.value.summary.errors] == [
        (5, "source", "no CI 'nobody' (give an asset tag or class:name)."),
        (7, "source", "no CI 'nobody' (give an asset tag or class:name)."),
        (4, "target", "repeats line 2"),
        (6, "target", "repeats line 3"),
    ]
    assert err.value.summary.errors[2].value == "server:门户-DB-01"
    assert "line 5, column source" in err.value.message
    done = import_file(site, admin, path, skip_invalid=True)
    assert (done.created, done.unchanged, done.skipped) == (2, 0, 4)
    again = import_file(site, admin, path, skip_invalid=True)
    assert (again.created, again.unchanged, again.skipped) == (0, 2, 4)


def test_a_reference_that_is_a_tag_is_not_also_looked_up_as_a_name(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    # One switch's asset tag is another switch's name: the plain reference means the tag,
    # class:name means the name, and neither is "several CIs".
    cis = (
        "asset_tag,class,name,kind\n"
        "SW-1,network_device,core-1,switch\n"
        ",network_device,SW-1,switch\n"
        ",desktop,PC-1,\n"
    )
    import_file(site, admin, _file(tmp_path, "a.csv", cis))
    rels = "source,type,target\nPC-1,connects_to,SW-1\nPC-1,connects_to,network_device:SW-1\n"
    assert import_file(site, admin, _file(tmp_path, "r.csv", rels)).created == 2
    with Session(site.engine) as s:
        targets = s.exec(
            select(ConfigurationItem.name)
            .join(CIRelation, col(CIRelation.target_id) == ConfigurationItem.id)
            .order_by(col(CIRelation.id))
        ).all()
    assert targets == ["core-1", "SW-1"]


def test_a_big_load_refreshes_postgresql_statistics(
    site: Site, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without statistics, the look-ups of a re-import right after a load ran on generic
    # plans that scan the table per batch (minutes at 100,000 CIs).
    if site.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL statistics")
    from itsm_tui.storage import bulk

    monkeypatch.setattr(bulk, "ANALYZE_AFTER", 3)
    import_file(site, admin, _file(tmp_path, "a.csv", CIS))
    import_file(site, admin, _file(tmp_path, "r.csv", RELATIONS))
    with site.engine.connect() as conn:
        counts: dict[str, float] = dict(
            conn.exec_driver_sql(
                "SELECT relname, reltuples FROM pg_class "
                "WHERE relname IN ('configuration_item', 'ci_relation') "
                "AND relnamespace = to_regnamespace(current_schema())::oid"
            ).all()
        )
    assert counts == {"configuration_item": 4, "ci_relation": 3}


AWKWARD = [
    "tab\there",
    'quote"d',
    "back\\slash",
    "new\nline",
    "ctl\x01\x1f\x7f",
    "\u2028sep",
    "😀𠀀",
    "null",
]


def test_journal_json_built_in_sql_is_what_python_writes(
    site: Site, admin: Actor, tmp_path: Path
) -> None:
    """Created CIs' and relationships' journal entries are built by the database; their text
    must be, byte for byte, what Python's encoder writes for the same values."""
    from itsm_tui.workflow import groups

    groups.add_group(site, admin, "srv", "服务器运维", tier=2)
    items: list[dict[str, object]] = [
        {"class": "server", "name": name, "kind": "virtual", "os": name, "asset_tag": f"A{n}"}
        for n, name in enumerate(AWKWARD)
    ]
    items += [
        {"class": "rack", "name": "R1", "units": 42, "owner_group": "srv", "serial": "S/1"},
        {"class": "storage", "name": "SAN", "capacity_tb": 1.5, "ip": "fe80::1"},
        {"class": "printer", "name": "P1", "network": True, "criticality": 4},
        {"class": "business_service", "name": "SVC"},
    ]
    import_file(site, admin, _file(tmp_path, "a.json", json.dumps(items)))
    links = [{"source": f"A{n}", "type": "located_in", "target": "R1"} for n in range(len(AWKWARD))]
    links.append({"source": "business_service:SVC", "type": "runs on", "target": AWKWARD[0]})
    import_file(site, admin, _file(tmp_path, "r.json", json.dumps(links)))
    as_text = "::text" if site.engine.dialect.name == "postgresql" else ""
    columns = "id, name, ci_class, status, criticality, owner_group_id, location_id, asset_tag"
    with site.engine.connect() as conn:
        cis = conn.exec_driver_sql(
            f"SELECT {columns}, serial, ip, attributes{as_text} FROM configuration_item"
        ).all()
        labels = {r[0]: f"{r[2]}:{r[1]}" for r in cis}
        rels = {
            r[0]: r[1:]
            for r in conn.exec_driver_sql("SELECT id, source_id, type, target_id FROM ci_relation")
        }
        written = conn.exec_driver_sql(
            f"SELECT entity, entity_id, changes{as_text} FROM journal_entry "
            "WHERE action = 'create' AND entity IN ('ci', 'ci_relation')"
        ).all()
    keys = ("name", "class", "status", "criticality", "owner_group", "location", "asset_tag")
    expected = {}
    for row in cis:
        values = dict(zip((*keys, "serial", "ip"), row[1:-1], strict=True))
        if row[-1] != "{}":
            values["attributes"] = json.loads(row[-1])
        changes = {k: v for k, v in values.items() if v is not None}
        expected[("ci", row[0])] = changes
    for rel_id, (source, kind, target) in rels.items():
        changes = {"source": labels[source], "type": kind, "target": labels[target]}
        expected[("ci_relation", rel_id)] = changes
    assert len(written) == len(expected) == len(items) + len(links)
    for entity, entity_id, text in written:
        assert text == json.dumps(
            expected[(entity, entity_id)], ensure_ascii=False, separators=(",", ":")
        ), (entity, entity_id)
