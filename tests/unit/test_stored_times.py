"""Stored instants come back as aware UTC whatever text SQLite holds for them: a queue reads
them through a one-step parse (``UTCDateTime.result_processor``), a raw ``text()`` read
through ``process_result_value``, and both must agree with what was written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from itsm_tui.common.ticket_rows import TicketRow
from itsm_tui.storage.types import UTCDateTime

_T = sa.Table(
    "stored_time",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime),
)


def test_times_read_back_aware_utc_from_every_stored_form(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 't.db'}")
    _T.metadata.create_all(engine)
    shanghai = timezone(timedelta(hours=8))
    written = datetime(2026, 12, 6, 17, 30, 5, 123456, tzinfo=shanghai)
    with engine.begin() as conn:
        conn.execute(_T.insert(), [{"id": 1, "at": written}, {"id": 2, "at": None}])
        # Text as other writers leave it: no fraction (CURRENT_TIMESTAMP), a bulk load's.
        conn.execute(sa.text("INSERT INTO stored_time VALUES (3, '2026-12-06 09:30:05')"))
        conn.execute(sa.text("INSERT INTO stored_time VALUES (4, '2026-12-06 09:30:05.000001')"))
    with Session(engine) as s:
        got = dict(s.execute(sa.select(_T.c.id, _T.c.at)).all())
        raw = s.execute(sa.text("SELECT at FROM stored_time WHERE id = 1")).scalar_one()
    assert got[1] == written and got[1].tzinfo is UTC
    assert got[2] is None
    assert got[3] == datetime(2026, 12, 6, 9, 30, 5, tzinfo=UTC) and got[3].tzinfo is UTC
    assert got[4] == datetime(2026, 12, 6, 9, 30, 5, 1, tzinfo=UTC)
    assert UTCDateTime().process_result_value(raw, engine.dialect) == written


def test_a_row_built_from_columns_equals_one_built_field_by_field() -> None:
    now = datetime(2026, 12, 6, 1, 0, tzinfo=UTC)
    values = (
        7,
        "INC-7",
        2,
        "assigned",
        None,
        1,
        "打印机卡纸",
        "张三",
        "HD",
        "李四",
        now,
        now,
        now + timedelta(hours=8),
        None,
        3,
        now,
        "P2",
        30,
        "PRN-01",
        "lisi",
    )
    row = TicketRow.of(values)
    assert row == TicketRow(*values)
    assert row.title == "打印机卡纸" and row.assignee_login == "lisi"
    with pytest.raises(ValueError):
        TicketRow.of(values[:-1])  # a column missing: refused, not a row without it
