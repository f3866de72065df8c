"""The report's worst survey comments are read one overall score at a time, lowest first: the
list must be the period's answered, commented surveys sorted by score, then latest answer
first, then id — recomputed here from every survey — for the site and a group, over several
periods and list lengths (a length that ends inside a score and one that spans several)."""

from __future__ import annotations

from datetime import UTC

from sqlmodel import Session, select

from itsm_tui.storage.tables import AssignmentGroup, Survey, Ticket
from itsm_tui.workflow.kpi.periods import parse_period
from itsm_tui.workflow.quality.figures import worst_comments
from itsm_tui.workflow.site import Site
from tests.unit import reporting_site

#: The report tests' site and its "now" (pytest finds a fixture by the module's attribute).
clock, seeded = reporting_site.clock, reporting_site.seeded


def test_worst_comments_are_the_lowest_scored_latest_first(seeded: Site) -> None:
    zone = seeded.settings.zone
    with Session(seeded.engine) as session:
        surveys = session.exec(select(Survey)).all()
        numbers = dict(session.exec(select(Ticket.id, Ticket.number)).all())
        groups = list(session.exec(select(AssignmentGroup.id)).all())
        compared, spans = 0, False
        for key in ("2026-11", "2026-Q3", "2026"):
            start, end = parse_period(key).bounds(zone)
            for group_id in (None, groups[0]):
                expected_all = sorted(
                    (
                        s
                        for s in surveys
                        if start <= s.created_at.replace(tzinfo=UTC) < end
                        and s.status == "answered"
                        and s.comment
                        and (group_id is None or s.group_id == group_id)
                    ),
                    key=lambda s: (
                        s.overall,
                        -(s.answered_at.replace(tzinfo=UTC).timestamp() if s.answered_at else 0),
                        s.id,
                    ),
                )
                for limit in (1, 3, 10, 40):
                    got = worst_comments(session, start, end, group_id, limit)
                    expected = [
                        {"ticket": numbers[s.ticket_id], "overall": s.overall, "comment": s.comment}
                        for s in expected_all[:limit]
                    ]
                    assert got == expected, (key, group_id, limit)
                    compared += len(got)
                spans = spans or len({s.overall for s in expected_all[:40]}) > 1
    assert compared > 50 and spans  # some list runs on from one score into the next
