"""One SLA alert as the inbox shows it: a plain value, apart from the queries in ``alerts``
(the console's first frame draws these before any database code is loaded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AlertRow:
    id: int
    ticket: str
    kind: str
    staff: str
    target: str
    message: str
    due_at: datetime
    created_at: datetime
