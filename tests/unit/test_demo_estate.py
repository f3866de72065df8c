"""The demo estate: customer-sized, consistent with the CMDB's own rules, useful for impact."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine, text

from itsm_tui.common.clock import FrozenClock
from itsm_tui.storage import migrate
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.cmdb.classes import ALLOWED_PAIRS, CLASSES, RelationType, check_attributes
from itsm_tui.workflow.demo.epoch import epoch_stamper
from itsm_tui.workflow.demo.estate import load_estate
from itsm_tui.workflow.site import Actor, Site
from tests.conftest import T0


def _load(engine: Engine, seed: int = 7) -> dict[str, int]:
    with engine.begin() as conn:
        estate = load_estate(conn, random.Random(seed), int(T0.timestamp()), epoch_stamper(conn))
    return estate.counts


def test_estate_has_the_customers_scale_and_obeys_the_rules(
    site: Site, admin: Actor, clock: FrozenClock
) -> None:
    counts = _load(site.engine)
    with site.engine.connect() as conn:
        classes = Counter(
            dict(
                conn.execute(
                    text("SELECT ci_class, COUNT(*) FROM configuration_item GROUP BY ci_class")
                ).all()
            )
        )
        pairs = conn.execute(
            text(
                "SELECT r.type, s.ci_class, t.ci_class FROM ci_relation r "
                "JOIN configuration_item s ON s.id = r.source_id "
                "JOIN configuration_item t ON t.id = r.target_id"
            )
        ).all()
        attrs = conn.execute(text("SELECT ci_class, attributes FROM configuration_item")).all()
    assert classes["server"] >= 100 and classes["desktop"] >= 1000
    assert classes["business_service"] >= 30 and counts["ci_documents"] >= 90
    assert all((s, t) in ALLOWED_PAIRS[RelationType(k)] for k, s, t in pairs)
    for ci_class, values in attrs:
        values = values if isinstance(values, dict) else json.loads(values)
        check_attributes(CLASSES[ci_class], values)
    # A machine-room outage reaches the critical services, with an explaining path.
    report = cmdb.analyse(site, admin, ["核心机房A"])
    names = {s.name for s in report.services}
    assert {"公众服务门户", "行政执法系统", "OA办公系统", "电子政务交换平台"} <= names
    assert report.major_suggested
    # The identity platform is a shared dependency: its failure spreads.
    assert len(cmdb.analyse(site, admin, ["统一身份认证平台"]).services) > 15
    # Ids continue normally after the bulk load.
    extra = cmdb.add_ci(site, admin, "新机柜", "rack")
    assert extra.id == counts["configuration_items"] + 1


def test_estate_is_deterministic_per_seed(engine: Engine, tmp_path: Path) -> None:
    other = make_engine(f"sqlite:///{tmp_path / 'again.db'}")
    migrate.upgrade(other)
    rows = []
    for eng in (engine, other):
        _load(eng, seed=3)
        with eng.connect() as conn:
            rows.append(
                conn.execute(text("SELECT name, serial FROM configuration_item ORDER BY id")).all()
            )
    other.dispose()
    assert rows[0] == rows[1] and len(rows[0]) > 1000
