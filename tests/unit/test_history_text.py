"""Journaled values in words: only the fields that hold instants are read as instants."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from itsm_tui.workflow.history_text import describe

ZONE = ZoneInfo("Asia/Shanghai")


def test_an_instant_field_reads_in_the_site_zone_and_other_text_as_typed() -> None:
    changes = {
        "resolved_at": [None, "2026-12-04T02:00:00+00:00"],
        "title": ["2026-12-04T10:00:00+00:00", "2026-12-04T10:00 mail down"],
    }
    assert describe("update", changes, ZONE, {}) == [
        "resolved at: — → 2026-12-04 10:00",
        "title: 2026-12-04T10:00:00+00:00 → 2026-12-04T10:00 mail down",
    ]


def test_an_instant_field_that_does_not_parse_is_shown_rather_than_breaking_the_history() -> None:
    assert describe("update", {"due_at": ["2026-13-45T99:00", "soon"]}, ZONE, {}) == [
        "due at: 2026-13-45T99:00 → soon"
    ]
