"""Twelve injection payloads, a desk that holds them, and the check that none reaches a
terminal unescaped: shared by the CLI and console terminal-safety tests.

Each payload goes into a ticket title, a note, a caller name and a CI name twice: once through
the workflow (which refuses NUL everywhere and line breaks in one-line fields, so those are left
out there), and once written around it — as an old row, another tool or a direct import could
hold it — so the views are tested against every payload whatever entry refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col

from itsm_tui.storage.tables import Caller, ConfigurationItem, Ticket, TicketNote
from itsm_tui.workflow import callers, cmdb
from itsm_tui.workflow import tickets as t
from tests.conftest import Desk

PAYLOADS = {
    "markup": "[bold red]x[/]",  # first: it must show literally, so keep it in view
    "osc-retitle": "\x1b]0;pwned\x07",
    "csi-clear": "\x1b[2J",
    "bel": "\x07",
    "8-bit-csi": "\u009b2J",
    "other-c1": "\u0085\u0090\u009d",
    "nul": "\x00",
    "del": "\x7f",
    "rlo": "\u202e",
    "bidi": "\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069",
    "cr": "\r",
    "lf": "\n",
}
HOSTILE = "".join(PAYLOADS.values())
#: What the workflow takes in any field (no NUL), and in one-line fields (no line break either:
#: CR, LF and NEL, which ``str.splitlines`` breaks at).
MULTI_LINE = HOSTILE.replace("\x00", "")
ONE_LINE = re.sub("[\r\n\x85]", "", MULTI_LINE)

#: What must never reach a terminal raw: C0 controls but tab and newline, DEL, C1, bidi.
_DANGEROUS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: The styling a view writes itself on a real terminal (SGR only): not user text.
_OWN_STYLE = re.compile(r"\x1b\[[0-9;]*m")


def leaks(output: str) -> list[str]:
    """The dangerous characters in ``output`` (after taking off the view's own SGR styling)."""
    return [f"U+{ord(c):04X}" for c in _DANGEROUS.findall(_OWN_STYLE.sub("", output))]


@dataclass(frozen=True)
class Hostile:
    """References to the records carrying the payloads: made through the workflow (``made``)
    and written around it (``legacy``)."""

    made_ticket: str
    legacy_ticket: str
    made_caller: int
    legacy_caller: int
    made_ci: int
    legacy_ci: int


def seed_hostile(desk: Desk) -> Hostile:
    site, admin, agent = desk.site, desk.admin, desk.agent1
    made_caller = callers.add_caller(site, admin, "Hx" + ONE_LINE, department=ONE_LINE)
    legacy_caller = callers.add_caller(site, admin, "Hy")
    server = {"kind": "virtual"}
    made_ci = cmdb.add_ci(site, admin, "ctl" + ONE_LINE, "server", attributes=server)
    legacy_ci = cmdb.add_ci(site, admin, "legacy", "server", attributes=server)
    made = t.create_ticket(
        site,
        agent,
        t.TicketDraft(
            title=ONE_LINE, description=MULTI_LINE, caller=f"#{made_caller.id}", cis=[made_ci.name]
        ),
    ).number
    t.add_note(site, agent, made, MULTI_LINE)
    legacy = t.create_ticket(
        site,
        agent,
        t.TicketDraft(title="legacy", caller=f"#{legacy_caller.id}", cis=[legacy_ci.name]),
    ).number
    t.add_note(site, agent, legacy, "legacy")
    with Session(site.engine) as s:  # written around the workflow (SQLite stores NUL)
        for statement in (
            update(Ticket).where(col(Ticket.number) == legacy).values(title=HOSTILE),
            update(TicketNote).where(col(TicketNote.body) == "legacy").values(body=HOSTILE),
            update(Caller).where(col(Caller.id) == legacy_caller.id).values(name="Hy" + HOSTILE),
            update(ConfigurationItem)
            .where(col(ConfigurationItem.id) == legacy_ci.id)
            .values(name=HOSTILE),
        ):
            s.execute(statement)
        s.commit()
    return Hostile(made, legacy, made_caller.id, legacy_caller.id, made_ci.id, legacy_ci.id)
