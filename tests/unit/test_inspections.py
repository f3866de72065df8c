"""Inspection checklists, rounds, answers and the incidents failures open: on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.errors import Conflict, Forbidden, Invalid, NotFound
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.inspections import rounds, templates
from itsm_tui.workflow.inspections.spec import TemplateRejected, dump, dump_yaml, parse
from itsm_tui.workflow.tickets import queries as ticket_queries
from tests.conftest import Desk

DATA = Path(__file__).parent / "data"
SMALL = DATA / "inspection_small.toml"


def _estate(desk: Desk) -> None:
    cmdb.add_ci(desk.site, desk.admin, "核心机房A", "machine_room", criticality=1)
    cmdb.add_ci(
        desk.site, desk.admin, "UPS-01", "facility", criticality=1, attributes={"kind": "ups"}
    )


@pytest.fixture
def room(desk: Desk) -> Desk:
    """The desk with a machine room, a UPS and the small checklist imported."""
    _estate(desk)
    templates.import_template(desk.site, desk.sup, SMALL)
    return desk


def _count(desk: Desk, sql: str) -> int:
    with desk.site.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


# ---------------------------------------------------------------------- templates
def test_a_checklist_round_trips_through_its_file(room: Desk) -> None:
    exported = templates.export_template(room.site, room.insp, "mr-daily")
    assert parse(exported).same_content(parse(SMALL.read_text()))
    again = templates.import_template(room.site, room.sup, "x.toml", text=exported)
    assert (again.version, again.created) == (1, False)  # unchanged: no new version


def test_editing_a_checklist_makes_a_new_version_and_rounds_keep_theirs(room: Desk) -> None:
    first = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    edited = SMALL.read_text().replace("normal = [18, 27]", "normal = [18, 26]")
    result = templates.import_template(room.site, room.sup, "v2.toml", text=edited)
    assert (result.version, result.created) == (2, True)
    second = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    assert first.template_version == 1 and second.template_version == 2
    reopened = rounds.open_round(room.site, room.insp, first.number)
    assert reopened.template_version == 1
    assert reopened.checks[0].limits.normal_max == 27
    # One item's readings are one history across versions.
    rounds.answer(room.site, room.insp, first.number, "temp_a", "22")
    view = rounds.open_round(room.site, room.insp, second.number)
    assert view.checks[0].readings == (22.0,)


def test_each_reading_item_shows_its_own_last_readings_oldest_first(
    room: Desk, clock: FrozenClock
) -> None:
    """Opening a round reads every item's last readings at once: each item gets its own, in
    time order, at most SPARK_READINGS of them, none from the round being opened."""
    for n in range(rounds.SPARK_READINGS + 2):
        rnd = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
        rounds.answer(room.site, room.insp, rnd.number, "temp_a", f"{20 + n % 5}")
        rounds.answer(room.site, room.insp, rnd.number, "ups_load", f"{n}")
        clock.advance(minutes=10)
    current = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    rounds.answer(room.site, room.insp, current.number, "ups_load", "69")
    view = rounds.open_round(room.site, room.insp, current.number)
    by_key = {c.key: c.readings for c in view.checks}
    assert by_key["ups_load"] == tuple(float(n) for n in range(2, rounds.SPARK_READINGS + 2))
    assert by_key["temp_a"] == tuple(
        float(20 + n % 5) for n in range(2, rounds.SPARK_READINGS + 2)
    )
    assert by_key["leak"] == () and by_key["remark"] == ()


def test_a_bad_checklist_reports_every_problem_with_its_line(room: Desk) -> None:
    bad = SMALL.read_text().replace('key = "leak"', 'key = "temp_a"')
    bad = bad.replace('failing = ["红"]', 'failing = ["紫"]')
    with pytest.raises(TemplateRejected) as refused:
        templates.import_template(room.site, room.sup, "bad.toml", text=bad)
    errors = refused.value.errors
    lines = bad.splitlines()
    assert [(e.field, lines[e.line - 1].split("=")[0].strip()) for e in errors] == [
        ("key", "key"),
        ("failing", "failing"),
    ]
    assert "Duplicate key temp_a" in errors[0].message
    assert refused.value.message.startswith("bad.toml line ")
    assert _count(room, "SELECT COUNT(*) FROM inspection_template") == 1  # nothing written


def test_an_unknown_ci_is_refused_with_its_line(room: Desk) -> None:
    bad = SMALL.read_text().replace('ci = "UPS-01"', 'ci = "UPS-09"', 1)
    with pytest.raises(TemplateRejected) as refused:
        templates.import_template(room.site, room.sup, "bad.toml", text=bad)
    (error,) = refused.value.errors
    assert error.field == "ci" and "UPS-09" in error.message
    assert bad.splitlines()[error.line - 1].strip() == "[[sections.items]]"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("normal = [18, 27]", "normal = [27, 18]"), "normal"),
        (('unit = "°C"\n', ""), "unit"),
        (("warn = [15, 30]", "warn = [20, 30]"), "warn"),
        (('kind = "text"', 'kind = "photo"'), "kind"),
        (("severity = 1", "severity = 5"), "severity"),
        (('key = "leak"', 'key = "Leak Sensor"'), "key"),
    ],
)
def test_each_bad_field_is_named(desk: Desk, change: tuple[str, str], field: str) -> None:
    with pytest.raises(TemplateRejected) as refused:
        parse(SMALL.read_text().replace(*change), "bad.toml")
    assert refused.value.errors[0].field == field


def test_a_file_that_is_not_toml_names_its_line() -> None:
    with pytest.raises(TemplateRejected) as refused:
        parse('code = "x"\nname = \n', "broken.toml")
    assert refused.value.errors[0].line == 2


def test_a_checklist_round_trips_through_yaml(room: Desk) -> None:
    """TOML in, YAML out, the YAML read back is the same checklist (no new version)."""
    exported = templates.export_template(room.site, room.insp, "mr-daily", format="yaml")
    assert "key: ups_load" in exported and "warn: [null, 80]" in exported
    assert parse(exported, "x.yaml").same_content(parse(SMALL.read_text()))
    again = templates.import_template(room.site, room.sup, "x.yml", text=exported)
    assert (again.version, again.created) == (1, False)
    # and back to TOML, the same again
    toml = templates.export_template(room.site, room.insp, "mr-daily")
    assert parse(toml).same_content(parse(exported, format="yaml"))


def test_a_bad_yaml_checklist_names_each_field_and_its_line(room: Desk) -> None:
    yaml_text = dump_yaml(parse(SMALL.read_text()))
    bad = yaml_text.replace("key: leak", "key: temp_a").replace("failing: [红]", "failing: [紫]")
    bad = bad.replace("severity: 1", "severity: 5")
    assert bad.count("temp_a") == 2 and "紫" in bad and "severity: 5" in bad
    with pytest.raises(TemplateRejected) as refused:
        templates.import_template(room.site, room.sup, "bad.yaml", text=bad)
    lines = bad.splitlines()
    found = [(e.field, lines[e.line - 1].strip(" -").split(":")[0]) for e in refused.value.errors]
    assert found == [("key", "key"), ("severity", "severity"), ("failing", "failing")]
    assert refused.value.message.startswith(f"bad.yaml line {refused.value.errors[0].line}, key:")
    assert _count(room, "SELECT COUNT(*) FROM inspection_template") == 1  # nothing written
    unknown_ci = yaml_text.replace("ci: UPS-01", "ci: UPS-09", 1)
    with pytest.raises(TemplateRejected) as refused:
        templates.import_template(room.site, room.sup, "ci.yaml", text=unknown_ci)
    (error,) = refused.value.errors
    assert error.field == "ci" and "UPS-09" in error.message
    assert unknown_ci.splitlines()[error.line - 1].lstrip().startswith("- key: ups_load")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("code: x\nname: [a, b\nsections: []\n", 3),  # an unclosed list
        ("code: x\n  name: y\n", 2),  # bad indentation
        ("code: x\nname: y\n---\ncode: z\n", 3),  # two documents
        ("- code\n- name\n", 1),  # not a mapping
    ],
)
def test_a_file_that_is_not_yaml_is_one_line_with_its_line(text: str, line: int) -> None:
    with pytest.raises(TemplateRejected) as refused:
        parse(text, "broken.yaml")
    (error,) = refused.value.errors
    assert error.line == line
    assert "\n" not in refused.value.message
    assert refused.value.message.startswith(f"broken.yaml line {line}")


def test_open_ranges_round_trip() -> None:
    spec = parse(SMALL.read_text())
    assert spec.checks[2].warn == (None, 80.0)
    assert parse(dump(spec)) == spec or parse(dump(spec)).same_content(spec)


def test_inspectors_run_rounds_but_do_not_edit_checklists(room: Desk) -> None:
    with pytest.raises(Forbidden):
        templates.import_template(room.site, room.insp, SMALL)
    with pytest.raises(Forbidden):
        rounds.start_round(room.site, room.sup, "mr-daily")


# ---------------------------------------------------------------------- answers
def test_answers_are_judged_and_saved_at_once(room: Desk) -> None:
    rnd = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    assert [
        r.outcome
        for r in (
            rounds.answer(room.site, room.insp, rnd.number, "temp_a", "26.5"),
            rounds.answer(room.site, room.insp, rnd.number, "leak", "p"),
            rounds.answer(room.site, room.insp, rnd.number, "ups_light", "绿"),
        )
    ] == ["pass", "pass", "pass"]
    view = rounds.open_round(room.site, room.insp, rnd.number)
    assert view.first_unanswered() == 2  # resumes at ups_load
    assert view.checks[0].answer is not None and view.checks[0].answer.value == 26.5
    assert _count(room, "SELECT COUNT(*) FROM journal_entry WHERE action = 'answer'") == 3


@pytest.mark.parametrize(
    ("value", "field"),
    [("abc", "value"), ("31.5 °F", "unit"), ("", "value")],
)
def test_a_bad_reading_is_refused_and_nothing_is_saved(room: Desk, value: str, field: str) -> None:
    rnd = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    with pytest.raises(Invalid) as refused:
        rounds.answer(room.site, room.insp, rnd.number, "temp_a", value)
    assert refused.value.field == field
    assert _count(room, "SELECT COUNT(*) FROM inspection_answer") == 0


def test_a_choice_not_on_the_list_and_an_unknown_item_are_refused(room: Desk) -> None:
    rnd = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    with pytest.raises(Invalid):
        rounds.answer(room.site, room.insp, rnd.number, "ups_light", "紫")
    with pytest.raises(NotFound):
        rounds.answer(room.site, room.insp, rnd.number, "nope", "p")


def test_answering_again_needs_replace(room: Desk) -> None:
    rnd = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    rounds.answer(room.site, room.insp, rnd.number, "leak", "p")
    with pytest.raises(Conflict):
        rounds.answer(room.site, room.agent1, rnd.number, "leak", "f")
    changed = rounds.answer(room.site, room.agent1, rnd.number, "leak", "f", replace=True)
    assert changed.outcome == "fail"


# ---------------------------------------------------------------------- incidents
def test_an_out_of_range_reading_opens_one_incident_and_repeats_add_notes(room: Desk) -> None:
    first = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    warned = rounds.answer(
        room.site, room.insp, first.number, "temp_a", "28.5", note="空调出风口温度偏高"
    )
    assert (warned.outcome, warned.incident_event) == ("warn", "opened")
    ticket = ticket_queries.show_ticket(room.site, room.sup, warned.incident or "").ticket
    assert ticket.group == "hotline" and "核心机房A" in ticket.cis
    assert "28.5" in ticket.description and first.number in ticket.description
    # criticality 1 → impact 1; severity 2 → urgency 2
    assert (ticket.impact, ticket.urgency) == (1, 2)
    second = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    again = rounds.answer(room.site, room.insp, second.number, "temp_a", "31")
    assert (again.outcome, again.incident, again.incident_event) == (
        "fail",
        warned.incident,
        "repeat",
    )
    third = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    ok = rounds.answer(room.site, room.insp, third.number, "temp_a", "24")
    assert (ok.incident, ok.incident_event) == (warned.incident, "recovered")
    fourth = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    quiet = rounds.answer(room.site, room.insp, fourth.number, "temp_a", "24")
    assert quiet.incident is None  # recovered once, not at every pass
    assert _count(room, "SELECT COUNT(*) FROM ticket") == 1
    notes = _count(room, "SELECT COUNT(*) FROM ticket_note")
    assert notes == 2  # failed again, recovered
    status = ticket_queries.show_ticket(room.site, room.sup, warned.incident or "").ticket.status
    assert status != "resolved"  # a passing reading does not resolve it


def _incident_texts(room: Desk) -> tuple[list[str], list[str], list[str]]:
    """A warn, a fail and a pass of one item in three rounds: the rounds' numbers, the
    incident's title and description, and its two notes (failed again, recovered), as stored."""
    numbers = [
        rounds.start_round(room.site, room.insp, "mr-daily", group="hotline").number
        for _ in range(3)
    ]
    for number, reading in zip(numbers, ("28.5", "31", "24"), strict=True):
        rounds.answer(room.site, room.insp, number, "temp_a", reading)
    with room.site.engine.connect() as conn:
        ticket = conn.execute(text("SELECT title, description FROM ticket")).one()
        notes = conn.execute(text("SELECT body FROM ticket_note ORDER BY id")).scalars().all()
    return numbers, [ticket.title, ticket.description], list(notes)


def test_an_incidents_texts_are_in_the_sites_language_not_the_inspectors(room: Desk) -> None:
    """The inspector's console speaks English; the site's ``language`` is Chinese: what the
    rule writes into the record (read later by anyone) is in Chinese."""
    from itsm_tui.workflow.site_settings import set_setting

    set_setting(room.site, room.admin, "language", "zh_CN")
    (first, second, third), (title, description), (again, recovered) = _incident_texts(room)
    assert title == "巡检：核心机房A A列冷通道温度 warn"
    assert description.startswith(f"巡检轮次 {first}，巡检项 temp_a（")
    assert again == (
        f"巡检轮次 {second} 再次异常：A列冷通道温度：31 °C（正常范围 18–27 °C (15–30)），fail"
    )
    assert recovered.startswith(f"巡检轮次 {third} 已恢复：A列冷通道温度：24 °C（正常范围")


def test_an_english_site_gets_english_incident_texts_from_a_chinese_console(room: Desk) -> None:
    from itsm_tui.common.i18n import install
    from itsm_tui.workflow.site_settings import set_setting

    set_setting(room.site, room.admin, "language", "en")
    install("zh_CN")  # the inspector's console
    (first, second, third), (title, description), (again, recovered) = _incident_texts(room)
    assert title == "Inspection: 核心机房A A列冷通道温度 warn"
    assert description.startswith(f"Round {first}, item temp_a (")
    assert again == (
        f"Failed again in round {second}: A列冷通道温度: 31 °C (normal 18–27 °C (15–30)), fail"
    )
    assert recovered.startswith(f"Recovered in round {third}: A列冷通道温度: 24 °C (normal")


def test_a_resolved_incident_lets_the_next_failure_open_another(room: Desk) -> None:
    from itsm_tui.workflow.tickets import lifecycle

    rnd = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    first = rounds.answer(room.site, room.insp, rnd.number, "ups_light", "红")
    assert first.incident_event == "opened"
    lifecycle.resolve(room.site, room.sup, first.incident or "", code="fixed", text="更换指示灯")
    rnd2 = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    second = rounds.answer(room.site, room.insp, rnd2.number, "ups_light", "红")
    assert second.incident_event == "opened" and second.incident != first.incident


# ---------------------------------------------------------------------- completing
def test_a_round_completes_only_with_a_reason_per_skipped_item(
    room: Desk, clock: FrozenClock
) -> None:
    rnd = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    rounds.answer(room.site, room.insp, rnd.number, "temp_a", "28")
    rounds.answer(room.site, room.insp, rnd.number, "leak", "f")
    rounds.answer(room.site, room.insp, rnd.number, "ups_load", "50")
    with pytest.raises(Invalid) as refused:
        rounds.complete_round(room.site, room.insp, rnd.number, skipped={"remark": "无"})
    assert refused.value.field == "skipped" and "ups_light" in refused.value.message
    clock.advance(minutes=30)
    summary = rounds.complete_round(
        room.site, room.insp, rnd.number, skipped={"remark": "无", "ups_light": "UPS间门禁故障"}
    )
    assert (summary.answered, summary.passed, summary.warnings, summary.failed) == (3, 1, 1, 1)
    assert summary.skipped == {"ups_light": "UPS间门禁故障", "remark": "无"}
    assert summary.completed_by == "insp" and summary.on_time
    assert len(summary.incidents) == 2
    with pytest.raises(Invalid) as closed:
        rounds.answer(room.site, room.insp, rnd.number, "remark", "补充")
    assert "completed" in closed.value.message


def test_a_sensor_reading_answers_the_current_round(room: Desk) -> None:
    rnd = rounds.start_round(room.site, room.insp, "mr-daily", group="hotline")
    result = rounds.add_reading(room.site, room.insp, "UPS-01", "ups_load", "75 %")
    assert (result.round, result.outcome) == (rnd.number, "warn")
    with pytest.raises(Invalid):
        rounds.add_reading(room.site, room.insp, "UPS-01", "ups_light", "红")
