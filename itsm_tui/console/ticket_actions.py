"""The ticket actions as the console offers them: key, label, the dialog that asks for input,
and the workflow call — shared by the ticket screen and the supervisor's dashboard.

An action is offered (footer, palette, key) exactly when the workflow would let this operator
take it: ``TicketRef.allowed`` is the ticket's ``allowed`` list, which ``workflow.tickets.offered``
computes for the reading operator by the same rule the operation refuses by.

Every call runs in a thread worker. A refusal (``Invalid``, ``Forbidden``, ``NotFound``) is
shown with the workflow's own message, and any other failure reported, by the console's one
handler (``console.failures``); a ``Conflict`` (someone else changed the ticket) names who and
offers a reload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.screen import Screen

from itsm_tui.common.domain import (
    IMPACT_LABELS,
    IMPACT_LEVELS,
    PRIORITY_LEVELS,
    URGENCY_LABELS,
    URGENCY_LEVELS,
)
from itsm_tui.common.errors import Conflict
from itsm_tui.common.i18n import N_, _
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.console.loading import load_database_code
from itsm_tui.console.messages import TicketChanged
from itsm_tui.dialogs.form import ConfirmDialog, Field, FormDialog
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.tickets.states import PENDING_REASONS, RESOLUTION_CODES

if TYPE_CHECKING:
    from itsm_tui.workflow.groups import GroupView


#: The labels the dialogs show from ``common.domain`` and ``workflow.tickets.states`` (English
#: there: the workflow's words are translated in its own part), marked here, translated shown.
DOMAIN_WORDS = (
    N_("enterprise-wide"),
    N_("department"),
    N_("one person"),
    N_("work stopped"),
    N_("work impaired"),
    N_("can wait"),
    N_("waiting for the caller"),
    N_("waiting for a vendor"),
    N_("waiting for a change to be implemented"),
    N_("fixed permanently"),
    N_("workaround applied"),
    N_("advice or how-to given"),
    N_("request fulfilled"),
    N_("could not reproduce"),
    N_("duplicate of another ticket"),
    N_("withdrawn by the caller"),
    N_("resolved by the vendor"),
)


@dataclass(frozen=True)
class TicketRef:
    """Enough of a ticket to act on it: the version guards against lost updates."""

    number: str
    version: int
    tier: int
    group: str | None
    allowed: tuple[str, ...] = ()  # what this operator may do now (``tickets.offered``)
    cis: tuple[str, ...] = ()  # the linked CIs, as refs (``class:name``)
    title: str = ""  # what the correction dialogs start from
    priority: int = 0
    impact: int = 0
    urgency: int = 0


Values = dict[str, str]
Dialog = Callable[[TicketRef, "list[GroupView]"], FormDialog]


@dataclass(frozen=True)
class Op:
    key: str
    label: str
    rule_op: str  # the operation in ``tickets.offered`` (decides when it is offered)
    call: Callable[[Site, Actor, TicketRef, Values], Any]
    dialog: Dialog | None = None
    picks_ci: bool = False  # asks for a CI with the CMDB search instead of a form
    #: The field the dialog starts in, when the choices before it have a usual answer: a
    #: resolve is most often "fixed", so the cursor waits in "What was done" (Shift+Tab: code).
    starts_in: str | None = None


def _reason(title: str) -> Dialog:
    """A dialog asking for a reason; ``title`` is a catalogue id with ``{number}`` in it."""
    return lambda ref, groups: FormDialog(
        _(title).format(number=ref.number), [Field("reason", _("Reason"))]
    )


def _tier_dialog(title: str, operation: str) -> Dialog:
    def build(ref: TicketRef, groups: list[GroupView]) -> FormDialog:
        # The groups the workflow would accept, by its own rule (loaded with the groups).
        from itsm_tui.workflow.tickets.assignment import tier_move_allowed

        wanted = [g for g in groups if tier_move_allowed(operation, ref.tier, g.tier)]
        choices = [
            (
                _("{code} · {name} (tier {tier})").format(code=g.code, name=g.name, tier=g.tier),
                g.code,
            )
            for g in wanted
        ]
        group = Field("group", _("Group"), choices or [(_("(no group)"), "")])
        return FormDialog(_(title).format(number=ref.number), [group, Field("reason", _("Reason"))])

    return build


def _assign_dialog(ref: TicketRef, groups: list[GroupView]) -> FormDialog:
    from itsm_tui.workflow.tickets.assignment import tier_move_allowed

    choices: list[tuple[str, str]] = []
    for g in sorted(groups, key=lambda g: g.code != ref.group):
        if not tier_move_allowed("assign", ref.tier, g.tier):
            continue
        choices.append(
            (_("{code} · {name} (group queue)").format(code=g.code, name=g.name), f"{g.code}/")
        )
        choices += [(f"{g.code} · {login}", f"{g.code}/{login}") for login in g.members]
    return FormDialog(
        _("Assign {number}").format(number=ref.number),
        [Field("target", _("To"), choices or [("—", "")])],
    )


def _priority_dialog(ref: TicketRef, groups: list[GroupView]) -> FormDialog:
    levels = [(f"P{n}", str(n)) for n in PRIORITY_LEVELS]
    return FormDialog(
        _("Override the priority of {number} (now P{priority})").format(
            number=ref.number, priority=ref.priority
        ),
        [
            Field("priority", _("Priority"), levels, value=str(ref.priority or "")),
            Field("reason", _("Reason")),
        ],
    )


def _update_dialog(ref: TicketRef, groups: list[GroupView]) -> FormDialog:
    impacts = [(f"{n} {_(IMPACT_LABELS[n])}", str(n)) for n in IMPACT_LEVELS]
    urgencies = [(f"{n} {_(URGENCY_LABELS[n])}", str(n)) for n in URGENCY_LEVELS]
    return FormDialog(
        _("Correct {number}").format(number=ref.number),
        [
            Field("title", _("Title"), value=ref.title),
            Field("impact", _("Impact"), impacts, value=str(ref.impact or "")),
            Field("urgency", _("Urgency"), urgencies, value=str(ref.urgency or "")),
        ],
    )


def _update(site: Site, actor: Actor, ref: TicketRef, v: Values) -> Any:
    """Send only what changed: an unchanged impact must not re-derive an overridden priority
    (the workflow keeps an override anyway) nor journal a change that is none."""
    impact, urgency = int(v["impact"]), int(v["urgency"])
    return t.update_ticket(
        site,
        actor,
        ref.number,
        title=v["title"] if v["title"] != ref.title else None,
        impact=impact if impact != ref.impact else None,
        urgency=urgency if urgency != ref.urgency else None,
        expected_version=ref.version,
    )


def _assign(site: Site, actor: Actor, ref: TicketRef, v: Values) -> Any:
    group, _slash, login = v["target"].partition("/")
    return t.assign(
        site, actor, ref.number, group=group, assignee=login or None, expected_version=ref.version
    )


OPS: dict[str, Op] = {
    op.key: op
    for op in [
        Op("claim", N_("Claim"), "claim", lambda s, a, r, v: t.claim(s, a, r.number)),
        Op("assign", N_("Assign"), "assign", _assign, _assign_dialog),
        Op(
            "escalate",
            N_("Escalate"),
            "escalate",
            lambda s, a, r, v: t.escalate(
                s, a, r.number, group=v["group"], reason=v["reason"], expected_version=r.version
            ),
            _tier_dialog(N_("Escalate {number}"), "escalate"),
        ),
        Op(
            "return",
            N_("Return"),
            "return",
            lambda s, a, r, v: t.return_ticket(
                s, a, r.number, group=v["group"], reason=v["reason"], expected_version=r.version
            ),
            _tier_dialog(N_("Return {number}"), "return"),
        ),
        Op(
            "pending",
            N_("Pending"),
            "pending",
            lambda s, a, r, v: t.set_pending(
                s, a, r.number, reason=v["reason"], note=v["note"], expected_version=r.version
            ),
            lambda r, g: FormDialog(
                _("Set {number} pending").format(number=r.number),
                [
                    Field(
                        "reason", _("Waiting for"), [(_(d), k) for k, d in PENDING_REASONS.items()]
                    ),
                    Field("note", _("Note"), required=False),
                ],
            ),
        ),
        Op(
            "resume",
            N_("Resume"),
            "resume",
            lambda s, a, r, v: t.resume(s, a, r.number, expected_version=r.version),
        ),
        Op(
            "note",
            N_("Note"),
            "note",
            lambda s, a, r, v: t.add_note(s, a, r.number, v["body"]),
            lambda r, g: FormDialog(
                _("Work note on {number}").format(number=r.number), [Field("body", _("Note"))]
            ),
        ),
        Op(
            "reply",
            N_("Reply"),
            "reply",
            lambda s, a, r, v: t.add_note(s, a, r.number, v["body"], public=True),
            lambda r, g: FormDialog(
                _("Reply to the caller on {number}").format(number=r.number),
                [Field("body", _("Reply"))],
            ),
        ),
        Op("update", N_("Correct"), "update", _update, _update_dialog),
        Op(
            "priority",
            N_("Override priority"),
            "priority",
            lambda s, a, r, v: t.override_priority(
                s,
                a,
                r.number,
                priority=int(v["priority"]),
                reason=v["reason"],
                expected_version=r.version,
            ),
            _priority_dialog,
        ),
        Op(
            "resolve",
            N_("Resolve"),
            "resolve",
            lambda s, a, r, v: t.resolve(
                s, a, r.number, code=v["code"], text=v["text"], expected_version=r.version
            ),
            lambda r, g: FormDialog(
                _("Resolve {number}").format(number=r.number),
                [
                    Field(
                        "code", _("Resolution"), [(_(d), k) for k, d in RESOLUTION_CODES.items()]
                    ),
                    Field("text", _("What was done")),
                ],
            ),
            starts_in="text",
        ),
        Op(
            "close",
            N_("Close"),
            "close",
            lambda s, a, r, v: t.close(s, a, r.number, expected_version=r.version),
        ),
        Op(
            "reopen",
            N_("Reopen"),
            "reopen",
            lambda s, a, r, v: t.reopen(
                s, a, r.number, reason=v["reason"], expected_version=r.version
            ),
            _reason(N_("Reopen {number}")),
        ),
        Op(
            "cancel",
            N_("Cancel ticket"),
            "cancel",
            lambda s, a, r, v: t.cancel(
                s, a, r.number, reason=v["reason"], expected_version=r.version
            ),
            _reason(N_("Cancel {number}")),
        ),
        Op(
            "flag",
            N_("Flag to supervisor"),
            "flag",
            lambda s, a, r, v: t.flag(
                s, a, r.number, reason=v["reason"], expected_version=r.version
            ),
            _reason(N_("Flag to the supervisor: {number}")),
        ),
        Op(
            "link_ci",
            N_("Link CI"),
            "update",
            lambda s, a, r, v: t.link_ci(s, a, r.number, v["ci"], expected_version=r.version),
            picks_ci=True,
        ),
        Op(
            "unlink_ci",
            N_("Unlink CI"),
            "update",
            lambda s, a, r, v: t.unlink_ci(s, a, r.number, v["ci"], expected_version=r.version),
            lambda r, g: FormDialog(
                _("Unlink a CI from {number}").format(number=r.number),
                [Field("ci", _("CI"), [(ci, ci) for ci in r.cis] or [(_("(none linked)"), "")])],
            ),
        ),
    ]
}

#: The ticket screen's actions: operation → binding id (its key is in console/keymap.py).
TICKET_KEYS = {
    "claim": "claim",
    "assign": "assign",
    "escalate": "escalate",
    "return": "return",
    "pending": "pending",
    "resume": "resume",
    "note": "note",
    "reply": "reply",
    "update": "correct",
    "priority": "priority-override",
    "resolve": "resolve",
    "close": "close-ticket",
    "reopen": "reopen",
    "cancel": "cancel-ticket",
    "flag": "flag",
    "link_ci": "link-ci",
    "unlink_ci": "unlink-ci",
}


def op_bindings(ids: dict[str, str]) -> list[Binding]:
    """One binding per action, its key from the key map (a site may rebind it by id)."""
    return [
        bind(binding_id, f"op('{name}')", _(OPS[name].label)) for name, binding_id in ids.items()
    ]


def _doing(screen: TicketActions, name: str, ref: TicketRef, values: Values) -> str:
    """What a failed ticket action was doing, as "Could not …" reads it: "claim INC000123"."""
    label = _(OPS[name].label)  # Chinese has no capitals: only English is lowered
    return f"{label[0].lower()}{label[1:]} {ref.number}"


class TicketActions(ReportsFailures, Screen[None]):
    """A screen that acts on tickets; subclasses say which ticket and how to refresh."""

    site: Site
    actor: Actor
    #: The groups the dialogs offer, read when the first dialog opens (not with every ticket).
    groups: list[GroupView]

    def ticket_ref(self) -> TicketRef | None:
        raise NotImplementedError

    def after_change(self, number: str) -> None:
        raise NotImplementedError

    def op_offered(self, name: str) -> bool:
        ref = self.ticket_ref()
        return ref is not None and OPS[name].rule_op in ref.allowed

    def action_op(self, name: str) -> None:
        ref = self.ticket_ref()
        if ref is None:
            return
        op = OPS[name]
        if op.dialog is None and not op.picks_ci:
            self._perform(name, ref, {})
            return

        if self.groups or op.picks_ci:
            self._ask(name, ref)
        else:
            self._read_groups_then_ask(name, ref)

    def _ask(self, name: str, ref: TicketRef) -> None:
        def submitted(values: Values | None) -> None:
            if values is not None:
                self._perform(name, ref, values)

        op = OPS[name]
        if op.picks_ci:
            # The CMDB search comes with the CMDB workflow: not worth importing before it is used.
            load_database_code()
            from itsm_tui.dialogs.ci_picker import CIPickDialog

            dialog: Any = CIPickDialog(
                self.site,
                self.actor,
                _("{action} to {number}").format(action=_(op.label), number=ref.number),
            )
        else:
            assert op.dialog is not None
            dialog = op.dialog(ref, self.groups)
            if op.starts_in:
                dialog.AUTO_FOCUS = f"#field-{op.starts_in}"
        self.app.push_screen(dialog, submitted)

    @background(
        N_("read the assignment groups"), retry=N_("press the key again"), group="ticket-groups"
    )
    def _read_groups_then_ask(self, name: str, ref: TicketRef) -> None:
        load_database_code()
        from itsm_tui.workflow.groups import list_groups

        groups = list_groups(self.site, self.actor)
        self.app.call_from_thread(self._groups_read, groups, name, ref)

    def _groups_read(self, groups: list[GroupView], name: str, ref: TicketRef) -> None:
        self.groups = groups
        self._ask(name, ref)

    @background(_doing, retry=N_("reload the ticket and try again"), group="ticket-op")
    def _perform(self, name: str, ref: TicketRef, values: Values) -> None:
        load_database_code()
        try:
            OPS[name].call(self.site, self.actor, ref, values)
        except Conflict as error:
            self.app.call_from_thread(self._conflict, ref, error)
        else:
            self.app.call_from_thread(self._done, name, ref)

    def _done(self, name: str, ref: TicketRef) -> None:
        self.notify(
            _("{number}: {action} done.").format(number=ref.number, action=_(OPS[name].label)),
            timeout=3,
        )
        self.app.post_message(TicketChanged(ref.number))
        self.after_change(ref.number)

    def _conflict(self, ref: TicketRef, error: Conflict) -> None:
        def answered(reload: bool | None) -> None:
            if reload:
                self.after_change(ref.number)

        self.app.push_screen(ConfirmDialog(error.text(), _("Reload it?")), answered)
