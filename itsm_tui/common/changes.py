"""The vocabulary of change management: change types, the states of a request for change
(RFC), what an implementation came to, a CAB member's decision and the risk levels.

Apart from ``domain`` so the change tables, the workflow and the screens read one set without
the ticket vocabulary growing; stored as the values, refused otherwise by the CHECK
constraints of ``storage.tables.checks``.
"""

from __future__ import annotations

from enum import StrEnum

from itsm_tui.common.i18n import N_


class ChangeType(StrEnum):
    STANDARD = "standard"  # pre-approved, from a template: no CAB
    NORMAL = "normal"  # assessed, then approved by the CAB
    EMERGENCY = "emergency"  # approved by the emergency CAB, reviewed afterwards


class ChangeStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ASSESSED = "assessed"
    AWAITING_APPROVAL = "awaiting_approval"
    SCHEDULED = "scheduled"
    IMPLEMENTING = "implementing"
    IMPLEMENTED = "implemented"
    IN_REVIEW = "in_review"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    FAILED = "failed"  # failed or backed out: ``outcome`` says which


class ChangeOutcome(StrEnum):
    SUCCESS = "success"
    FAILED = "failed"
    BACKED_OUT = "backed_out"


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


#: The change number series: CHG000123.
CHANGE_PREFIX = "CHG"

#: States in which a change is still live (lists, the approvals queue, the conflict check).
OPEN_CHANGE_STATUSES: tuple[ChangeStatus, ...] = (
    ChangeStatus.DRAFT,
    ChangeStatus.SUBMITTED,
    ChangeStatus.ASSESSED,
    ChangeStatus.AWAITING_APPROVAL,
    ChangeStatus.SCHEDULED,
    ChangeStatus.IMPLEMENTING,
    ChangeStatus.IMPLEMENTED,
    ChangeStatus.IN_REVIEW,
)

#: The changes that hold their window: the conflict check and the calendar read these.
HOLDING_WINDOW: tuple[ChangeStatus, ...] = (ChangeStatus.SCHEDULED, ChangeStatus.IMPLEMENTING)

#: How people read each state (translated where shown).
STATUS_LABELS: dict[str, str] = {
    ChangeStatus.DRAFT: N_("draft"),
    ChangeStatus.SUBMITTED: N_("submitted"),
    ChangeStatus.ASSESSED: N_("assessed"),
    ChangeStatus.AWAITING_APPROVAL: N_("awaiting approval"),
    ChangeStatus.SCHEDULED: N_("scheduled"),
    ChangeStatus.IMPLEMENTING: N_("implementing"),
    ChangeStatus.IMPLEMENTED: N_("implemented"),
    ChangeStatus.IN_REVIEW: N_("in review"),
    ChangeStatus.CLOSED: N_("closed"),
    ChangeStatus.REJECTED: N_("rejected"),
    ChangeStatus.CANCELLED: N_("cancelled"),
    ChangeStatus.FAILED: N_("failed / backed out"),
}

TYPE_LABELS: dict[str, str] = {
    ChangeType.STANDARD: N_("standard"),
    ChangeType.NORMAL: N_("normal"),
    ChangeType.EMERGENCY: N_("emergency"),
}

RISK_LABELS: dict[str, str] = {
    RiskLevel.LOW: N_("low"),
    RiskLevel.MEDIUM: N_("medium"),
    RiskLevel.HIGH: N_("high"),
    RiskLevel.VERY_HIGH: N_("very high"),
}

#: How each factor of a change's risk reads (translated where shown; ``workflow.changes.risk``).
FACTOR_LABELS: dict[str, str] = {
    "service_critical": N_("critical business services at stake"),
    "service_major": N_("major business services at stake"),
    "service_other": N_("other business services at stake"),
    "ci_reach": N_("CIs reached by the impact walk (per 10)"),
    "recent_incident": N_("incidents on these CIs in the last 90 days"),
    "failed_change": N_("past changes on these CIs that failed or caused incidents"),
    "type_normal": N_("a normal change"),
    "type_emergency": N_("an emergency change"),
    "business_hours": N_("the window falls in business hours"),
}
