"""The report's words for the codes the figures carry (channels, ticket types, weekdays)."""

from __future__ import annotations

from itsm_tui.common.i18n import N_, _

CHANNELS: dict[str, str] = {
    "phone": N_("phone"),
    "walk_in": N_("walk-in"),
    "email": N_("e-mail"),
    "web": N_("web"),
    "monitoring": N_("monitoring"),
}
TYPES: dict[str, str] = {"incident": N_("incident"), "request": N_("service request")}
WEEKDAYS: tuple[str, ...] = (
    N_("Mon"),
    N_("Tue"),
    N_("Wed"),
    N_("Thu"),
    N_("Fri"),
    N_("Sat"),
    N_("Sun"),
)


def word(table: dict[str, str], code: str) -> str:
    """The code's word in the language in force; the code itself when it has none."""
    return _(table[code]) if code in table else code
