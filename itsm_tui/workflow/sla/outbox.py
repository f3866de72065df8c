"""Delivering queued notifications (e-mail, webhook) with retry and exponential back-off.

The alert itself is already in the in-app inbox when its outbox rows are written (same
transaction), so a channel that is down loses nothing and never holds up the scan: a failed
send only moves ``next_attempt_at`` on (1 min, 2, 4 … capped at 1 h) until ``MAX_ATTEMPTS``,
then the row is given up with its last error kept for the operator.

Each row is first *leased* with a conditional UPDATE (``next_attempt_at`` moved past the send's
time-out, committed), so two delivery jobs never send the same row at once; a process killed
mid-send retries after the lease. Delivery is therefore at-least-once on the wire, once in the
database. Senders are plain callables ``send(address, payload)`` that raise on failure
(``itsm_tui.scheduler.channels`` has SMTP and webhook ones); the workflow does not know how
they work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, update
from sqlmodel import col, select

from itsm_tui.storage.engine import read_session, write_session
from itsm_tui.storage.tables import NotificationOutbox
from itsm_tui.storage.tables.sla import DELIVERY_ERROR_MAX
from itsm_tui.workflow.site import Site

log = logging.getLogger("itsm.notify")

Sender = Callable[[str, Mapping[str, Any]], None]

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)
LEASE = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most an hour."""
    return min(BASE_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    given_up: int = 0


def deliver(site: Site, senders: Mapping[str, Sender], *, limit: int = 200) -> DeliveryReport:
    """Send every outbox row whose time has come (``ix_outbox_next``)."""
    report = DeliveryReport()
    now = site.clock.now()
    with read_session(site.engine) as session:
        rows = session.exec(
            select(NotificationOutbox)
            .where(col(NotificationOutbox.next_attempt_at) <= now)
            .order_by(col(NotificationOutbox.next_attempt_at))
            .limit(limit)
        ).all()
    for row in rows:
        if not _lease(site, row, now):
            continue
        sender = senders.get(row.channel)
        try:
            if sender is None:
                raise RuntimeError(f"channel {row.channel!r} is not configured")
            sender(row.address, row.payload)
        except Exception as exc:  # any channel failure is retried, never raised into the job
            gave_up = _failed(site, row, now, f"{type(exc).__name__}: {exc}")
            report.given_up += gave_up
            report.failed += not gave_up
            log.warning(
                "%s to %s failed (attempt %d): %s", row.channel, row.address, row.attempts + 1, exc
            )
            continue
        _done(site, row, site.clock.now())
        report.sent += 1
    return report


def _lease(site: Site, row: NotificationOutbox, now: datetime) -> bool:
    with write_session(site.engine) as session:
        result = session.execute(
            update(NotificationOutbox)
            .where(
                col(NotificationOutbox.id) == row.id,
                col(NotificationOutbox.next_attempt_at) == row.next_attempt_at,
            )
            .values(next_attempt_at=now + LEASE)
        )
        session.commit()
    assert isinstance(result, CursorResult)  # an UPDATE's result, which counts its rows
    return result.rowcount == 1


def _failed(site: Site, row: NotificationOutbox, now: datetime, error: str) -> bool:
    attempts = row.attempts + 1
    give_up = attempts >= MAX_ATTEMPTS
    with write_session(site.engine) as session:
        session.execute(
            update(NotificationOutbox)
            .where(col(NotificationOutbox.id) == row.id)
            .values(
                attempts=attempts,
                last_error=error[:DELIVERY_ERROR_MAX],
                next_attempt_at=None if give_up else now + backoff(attempts),
            )
        )
        session.commit()
    return give_up


def _done(site: Site, row: NotificationOutbox, now: datetime) -> None:
    with write_session(site.engine) as session:
        session.execute(
            update(NotificationOutbox)
            .where(col(NotificationOutbox.id) == row.id)
            .values(attempts=row.attempts + 1, sent_at=now, next_attempt_at=None, last_error=None)
        )
        session.commit()
