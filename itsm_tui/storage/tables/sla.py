"""SLA bookkeeping: thresholds crossed, the alert inbox, and the notification outbox.

Exactly-once is enforced here, by unique constraints, not by the scanner's memory: a threshold
is handled once per ticket and kind (``uq_sla_event``), an alert raised once per ticket, kind and
target (``uq_sla_alert``), and a notification queued once per alert, channel and address
(``uq_outbox``). Two schedulers racing, or one killed mid-scan and restarted, therefore cannot
alert twice: the loser's INSERT conflicts and its transaction does nothing.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field

from itsm_tui.storage.tables.base import Table
from itsm_tui.storage.types import UTCDateTime

#: Longest stored alert message and delivery error: the writers cut their text to these.
ALERT_MESSAGE_MAX = 500
DELIVERY_ERROR_MAX = 500


class SlaEvent(Table, table=True):
    """One threshold of one ticket that was reached and handled (alerts raised, escalated).

    ``kind`` is ``response:50``, ``resolution:100``, ``tier1_budget`` …; ``due_at`` is when it
    fell due, ``fired_at`` when the scan handled it.
    """

    __tablename__ = "sla_event"
    __table_args__ = (UniqueConstraint("ticket_id", "kind", name="uq_sla_event"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    kind: str = Field(max_length=40)
    due_at: datetime = Field(sa_type=UTCDateTime)
    fired_at: datetime = Field(sa_type=UTCDateTime)


class SlaAlert(Table, table=True):
    """One alert in one staff member's inbox ("INC000012 is at 75 % of its resolution time").

    An alert is about a ticket, about an inspection round not completed in time
    (``round_id``), or about a change (``change_id``: an approval request, an overrun, a review
    that is late), never two of them: each unique per kind and person.
    """

    __tablename__ = "sla_alert"
    __table_args__ = (
        UniqueConstraint("ticket_id", "kind", "staff_id", name="uq_sla_alert"),
        UniqueConstraint("round_id", "kind", "staff_id", name="uq_sla_alert_round"),
        UniqueConstraint("change_id", "kind", "staff_id", name="uq_sla_alert_change"),
        # The console's live inbox: "alerts for me since id N".
        Index("ix_sla_alert_staff", "staff_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", ondelete="CASCADE")
    round_id: int | None = Field(
        default=None, foreign_key="inspection_round.id", ondelete="CASCADE"
    )
    change_id: int | None = Field(default=None, foreign_key="change_request.id", ondelete="CASCADE")
    kind: str = Field(max_length=40)
    staff_id: int = Field(foreign_key="staff.id")
    target: str = Field(max_length=20)  # the ladder target that named them: assignee, manager …
    message: str = Field(max_length=ALERT_MESSAGE_MAX)
    due_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)


class NotificationOutbox(Table, table=True):
    """One message to send through a channel (e-mail, webhook), retried with back-off.

    ``next_attempt_at`` is None once the message is sent (``sent_at``) or given up; the delivery
    job reads only rows whose ``next_attempt_at`` has come (``ix_outbox_next``).
    """

    __tablename__ = "notification_outbox"
    __table_args__ = (
        UniqueConstraint("alert_id", "channel", "address", name="uq_outbox"),
        # A KPI report is mailed once per supervisor and channel, like an alert.
        UniqueConstraint("report_id", "channel", "address", name="uq_outbox_report"),
        Index("ix_outbox_next", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # What the message is about: an alert, or (alert None) a stored KPI report.
    alert_id: int | None = Field(default=None, foreign_key="sla_alert.id", ondelete="CASCADE")
    report_id: int | None = Field(
        default=None, foreign_key="stored_report.id", ondelete="CASCADE"
    )
    channel: str = Field(max_length=20)  # email | webhook
    address: str = Field(max_length=500)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=DELIVERY_ERROR_MAX)
    created_at: datetime = Field(sa_type=UTCDateTime)
