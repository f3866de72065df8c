"""The console's keys, all in one place: binding id → default key(s), what it does, and where it
stands in the footer.

One key means one thing on every screen: ``r`` refreshes wherever it is bound, ``f`` flags,
``p`` puts a ticket pending — a queue's status filter is ``S``, never ``f``. Screens, widgets and
dialogs declare their bindings with :func:`bind`, which takes the key from :data:`KEYMAP`, so a
key is written once, here; ``tests/tui/test_keys_and_help.py`` walks every binding and fails when
one key means two things, when a binding has no id, or when ``docs/keys.md`` differs from this
map (``python -m itsm_tui.console.keymap`` prints that page again).

A site or an operator remaps keys by binding id in the XDG config file, as Posting and Harlequin
do (``~/.config/itsm-tui/config.toml``, or ``/etc/xdg/itsm-tui/config.toml`` for every user)::

    [keys]
    claim = "Q"
    refresh = "r,f5"

The overrides go to Textual's ``App.set_keymap``, which rebinds every binding with that id on
every screen. An override that names no binding, or that gives a key another binding already
has, is refused — reported on screen and in the console log — and the rest still apply.

Adding a binding: one line in :data:`KEYMAP`, then ``bind("the-id", "action")`` where the
bindings are declared; regenerate ``docs/keys.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.keys import _normalize_key_list

from itsm_tui.common.i18n import N_, _

if TYPE_CHECKING:
    from textual.app import App


@dataclass(frozen=True)
class Key:
    """One meaning: the default key(s) (Textual names, comma-separated), what it does, and its
    rank in the footer (lower first: when the footer is too narrow, the highest ranks give way
    to "F1 More")."""

    keys: str
    description: str
    rank: int = 50
    where: str = ""


#: Every binding the console has, by id. The order is the order of docs/keys.md.
KEYMAP: dict[str, Key] = {
    # Everywhere (the app's own bindings).
    "help": Key("f1,question_mark", N_("Help: this screen's keys and how to do things"), 99, "all"),
    "intake": Key("i", N_("New call"), 8, "all"),
    "goto": Key("ctrl+g", N_("Go to ticket"), 30, "all"),
    "ci-lookup": Key("l", N_("CI lookup"), 60, "all"),
    "dashboard": Key("d", N_("Dashboard"), 65, "all"),
    "quit": Key("q", N_("Quit"), 32, "all"),
    "problems": Key("B", N_("Problems"), 66, "all"),
    "knowledge": Key("K", N_("Knowledge base"), 67, "all"),
    "palette": Key("ctrl+p", N_("palette: every screen, queue and action by name"), 50, "all"),
    "keys-panel-close": Key("escape", N_("Close the keys panel"), 0, "keys panel"),
    # Change management: the list and my approvals from anywhere (the palette names them).
    "changes": Key("C", N_("Changes"), 62, "all"),
    "approvals": Key("M", N_("My approvals"), 63, "all"),
    # Moving around: the same on every screen.
    "back": Key("escape", N_("Back"), 1, "screens"),
    "close": Key("escape", N_("Close"), 1, "help"),
    "open": Key("enter,o", N_("Open"), 5, "lists"),
    "search": Key("slash", N_("Search"), 20, "lists"),
    "refresh": Key("r", N_("Refresh"), 34, "screens"),
    "cursor-up": Key("up,k", N_("Up"), 90, "lists"),
    "cursor-down": Key("down,j", N_("Down"), 90, "lists"),
    "page-up": Key("pageup", N_("Page up"), 90, "lists"),
    "page-down": Key("pagedown,space", N_("Page down"), 90, "lists"),
    "first": Key("home", N_("First"), 90, "lists"),
    "last": Key("end", N_("Last"), 90, "lists"),
    # Dashboard: one digit per queue card (the card's title shows it).
    "queue-mine": Key("1", N_("Mine"), 30, "dashboard"),
    "queue-group": Key("2", N_("My group"), 30, "dashboard"),
    "queue-unassigned": Key("3", N_("Unassigned"), 30, "dashboard"),
    "queue-at_risk": Key("4", N_("At risk"), 30, "dashboard"),
    "queue-breached": Key("5", N_("Breached"), 30, "dashboard"),
    "queue-open": Key("6", N_("Open"), 30, "dashboard"),
    "all-groups": Key("g", N_("All groups / my groups"), 40, "dashboard"),
    # Queues.
    "sort": Key("s", N_("Sort"), 22, "queue"),
    "status-filter": Key("S", N_("Status"), 24, "queue"),
    "priority-filter": Key("P", N_("Priority"), 26, "queue"),
    # Several tickets at once: mark them (the mark survives paging), then act on the marked.
    "mark": Key("z", N_("Mark"), 27, "queue"),
    "problem-from-marked": Key("Q", N_("Problem from the marked tickets"), 28, "queue"),
    # Ticket actions (the ticket screen; the dashboard's overdue list offers some of them).
    "claim": Key("c", N_("Claim"), 10, "ticket"),
    "note": Key("n", N_("Note"), 11, "ticket"),
    "resolve": Key("v", N_("Resolve"), 12, "ticket"),
    "escalate": Key("e", N_("Escalate"), 13, "ticket"),
    "assign": Key("a", N_("Assign"), 14, "ticket"),
    "reply": Key("y", N_("Reply"), 15, "ticket"),
    "pending": Key("p", N_("Pending"), 16, "ticket"),
    "resume": Key("u", N_("Resume"), 16, "ticket"),
    "return": Key("t", N_("Return"), 17, "ticket"),
    "close-ticket": Key("x", N_("Close"), 18, "ticket"),
    "reopen": Key("R", N_("Reopen"), 18, "ticket"),
    "flag": Key("f", N_("Flag"), 19, "ticket"),
    "cancel-ticket": Key("X", N_("Cancel"), 45, "ticket"),
    "priority-override": Key("O", N_("Override priority"), 46, "ticket"),
    "correct": Key("E", N_("Correct"), 47, "ticket"),
    "link-ci": Key("L", N_("Link CI"), 48, "ticket"),
    "unlink-ci": Key("U", N_("Unlink CI"), 49, "ticket"),
    "impact": Key("m", N_("Impact"), 40, "ticket, CI"),
    # Impact report.
    "deeper": Key("plus,equals_sign", N_("Deeper"), 20, "impact"),
    "shallower": Key("minus", N_("Shallower"), 21, "impact"),
    # The change list: the calendar of what is planned.
    "change-calendar": Key("H", N_("Change calendar"), 30, "changes"),
    "change-new": Key("A", N_("New change"), 31, "changes, CI, problems"),
    # A change (the CAB's decision).
    "change-approve": Key("Y", N_("Approve"), 10, "change"),
    "change-reject": Key("D", N_("Reject"), 11, "change"),
    # KPI reports (the dashboard opens them; the period keys are the scorecard's).
    "reports": Key("f9", N_("KPI reports"), 70, "dashboard"),
    "report-render": Key("f6", N_("Write HTML"), 10, "reports"),
    "report-mail": Key("f7", N_("Mail"), 11, "reports"),
    # The call form and dialogs (text boxes have focus: control keys that no text box uses).
    "save": Key("ctrl+s", N_("Save"), 2, "forms"),
    "intake-attach": Key("f4", N_("Attach to open ticket"), 3, "call form"),
    "intake-new-caller": Key("ctrl+n", N_("New caller"), 4, "call form"),
    # Not Ctrl+L: terminal users press it by habit to redraw the screen.
    "intake-clear": Key("f8", N_("Clear"), 40, "call form"),
    "intake-open-last": Key("ctrl+o", N_("Open saved"), 41, "call form"),
    "intake-reload": Key("ctrl+r", N_("Reload the lists"), 42, "call form"),
    # A problem's or an article's operations, listed for the one highlighted (not a letter:
    # the knowledge screen's search box has the focus while one types).
    "record-actions": Key("ctrl+l", N_("Actions"), 9, "problems, knowledge"),
    # The call form's suggestion panel: the highlighted known error or article (the panel's
    # border names these keys, so they may give way in the footer).
    "intake-link-suggestion": Key("f2", N_("Save linked to the suggestion"), 43, "call form"),
    "intake-resolve-suggestion": Key(
        "f3", N_("Save resolved with the suggestion"), 44, "call form"
    ),
    "intake-read-suggestion": Key("ctrl+b", N_("Read the suggestion"), 45, "call form"),
    "next-field": Key("down", N_("Next"), 90, "call form"),
    "previous-field": Key("up", N_("Previous"), 90, "call form"),
    "results": Key("down", N_("Results"), 90, "CI search"),
    "cancel": Key("escape", N_("Cancel"), 1, "dialogs"),
    "yes": Key("y,enter", N_("Yes"), 1, "questions"),
    "no": Key("n,escape", N_("No"), 2, "questions"),
    # Inspections: the rounds from anywhere; the runner's answers (n notes, j/k move as above).
    "inspections": Key("w", N_("Inspection rounds"), 62, "all"),
    "pass-item": Key("p", N_("Pass"), 10, "runner"),
    "fail-item": Key("f", N_("Fail"), 11, "runner"),
    "complete-round": Key("F", N_("Complete (finish) the round"), 20, "runner"),
    "item-history": Key("h", N_("History of the item"), 21, "runner"),
    "open-round": Key("Z", N_("Open the inspection round"), 44, "ticket"),
    # Control and function keys: the runner's letters are answers, and no text box has focus.
    "round-section": Key(
        "ctrl+e", N_("Section: split the round between engineers"), 52, "runner, rounds"
    ),
    "inspection-history": Key("ctrl+y", N_("History of a CI or item"), 53, "runner, rounds, CI"),
    "round-start": Key("ctrl+t", N_("Start a round now (ad hoc)"), 54, "rounds"),
    "punctuality": Key("f10", N_("Rounds on time and late, per group"), 55, "rounds"),
    # Service quality: satisfaction callbacks and scorecards.
    "callbacks": Key("b", N_("Surveys to call back"), 62, "all"),
    "scorecard": Key("G", N_("My scorecard"), 63, "all"),
    "next-callback": Key("N", N_("Next caller"), 6, "callbacks"),
    "period-previous": Key(
        "less_than_sign", N_("Previous period"), 30, "scorecard, ranking, reports"
    ),
    "period-next": Key("greater_than_sign", N_("Next period"), 31, "scorecard, ranking, reports"),
    "period-kind": Key("T", N_("Month / year / week"), 32, "scorecard, ranking, reports"),
    "score-person": Key("W", N_("Whose scorecard"), 33, "scorecard"),
    "group-ranking": Key("f11", N_("Group ranking"), 34, "scorecard"),
    "ranking-group": Key("f12", N_("Which group"), 35, "ranking"),
    "complaints": Key("J", N_("Complaints to review"), 64, "all"),
    "complaint-valid": Key("V", N_("Valid"), 10, "complaints"),
    "complaint-invalid": Key("I", N_("Invalid"), 11, "complaints"),
    "complaint-follow-up": Key("ctrl+f", N_("Follow up"), 12, "complaints"),
    "complaint-close": Key("ctrl+d", N_("Close the complaint"), 13, "complaints"),
}

#: The short labels ``bind`` takes from the descriptions above that have a second clause.
SHORT_LABELS = (N_("Help"), N_("palette"))

#: Keys that deliberately mean more than one thing, and why. Every other key has one id.
SHARED: dict[str, str] = {
    "escape": "leaves what is on top: back, cancel, no, close",
    "enter": "goes ahead with what is highlighted: open, yes",
    "up": "moves up: in a list, between fields",
    "down": "moves down: in a list, between fields, into the results",
    "y": "yes in a question; reply on a ticket (never both on one screen)",
    "n": "no in a question; note on a ticket (never both on one screen)",
    "p": "pending on a ticket; pass on an inspection item (never both on one screen)",
    "f": "flag on a ticket; fail on an inspection item (never both on one screen)",
}

#: The key the footer's last item shows, and the binding it stands for when keys do not fit.
HELP_ID = "help"


def keys_of(binding_id: str) -> str:
    """The default key(s) of ``binding_id`` (KeyError for an id not in the map)."""
    return KEYMAP[binding_id].keys


def bind(
    binding_id: str,
    action: str,
    description: str | None = None,
    *,
    show: bool = True,
    priority: bool = False,
) -> Binding:
    """A Binding for ``binding_id`` with its key from the map (``description`` defaults to the
    map's, first clause), its label translated (the language is installed before the
    console's modules are imported; the footer and help translate again where they show it,
    for a language put in force later)."""
    entry = KEYMAP[binding_id]
    text = description if description is not None else entry.description.split(":")[0]
    return Binding(entry.keys, action, _(text), show=show, priority=priority, id=binding_id)


def label(binding: Binding) -> str:
    """``binding``'s label in the language in force (the footer, help and palette show this)."""
    return _(binding.description)


def rank(binding: Binding) -> int:
    """Where ``binding`` stands in the footer (unknown ids in the middle)."""
    entry = KEYMAP.get(binding.id or "")
    return entry.rank if entry is not None else 50


def key_text(app: App[Any], binding_id: str) -> str:
    """How ``binding_id``'s key reads now: the site's override (``app.key_overrides``, set
    by the console from the settings file) or the default, as the footer shows keys."""
    overrides: Mapping[str, str] = getattr(app, "key_overrides", {})
    keys = overrides.get(binding_id, KEYMAP[binding_id].keys)
    return " / ".join(app.get_key_display(Binding(key, "")) for key in split_keys(keys))


def split_keys(keys: str) -> list[str]:
    return [k.strip() for k in keys.split(",") if k.strip()]


def check_overrides(overrides: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """The overrides that may apply, and a sentence for each one refused.

    Refused: an id the map does not have, a value that is not a key string, and a key that
    would then mean two things (given to two ids, or to one id while another keeps it by
    default) — unless it is one of the :data:`SHARED` keys and every id involved shares it
    by default."""
    good: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, value in overrides.items():
        if binding_id not in KEYMAP:
            problems.append(
                _("[keys] {id}: no binding has this id (see docs/keys.md).").format(id=binding_id)
            )
        elif not isinstance(value, str) or not split_keys(value):
            problems.append(
                _('[keys] {id}: give the key(s) as text, e.g. "r" or "r,f5".').format(id=binding_id)
            )
        else:
            good[binding_id] = ",".join(_long_name(k) for k in split_keys(value))
    while True:
        clash = _first_clash(good)
        if clash is None:
            return good, problems
        key, ids = clash
        loser = next(i for i in ids if i in good)
        others = ", ".join(sorted(set(ids) - {loser}))
        problems.append(
            _("[keys] {id}: {key!r} is already the key of {others}; not rebound.").format(
                id=loser, key=key, others=others
            )
        )
        del good[loser]


def effective(overrides: Mapping[str, str]) -> dict[str, str]:
    """Every id's key(s) once ``overrides`` apply."""
    return {i: overrides.get(i, k.keys) for i, k in KEYMAP.items()}


def _first_clash(overrides: Mapping[str, str]) -> tuple[str, list[str]] | None:
    users: dict[str, list[str]] = {}
    for binding_id, keys in effective(overrides).items():
        for key in split_keys(keys):
            users.setdefault(key, []).append(binding_id)
    for key, ids in users.items():
        if len(ids) < 2 or not any(i in overrides for i in ids):
            continue
        shared_by_default = key in SHARED and all(key in split_keys(KEYMAP[i].keys) for i in ids)
        if not shared_by_default:
            return key, ids
    return None


def _long_name(key: str) -> str:
    """Textual's name for a key written as its character ("?" → "question_mark"), as
    ``App.set_keymap`` names it, so that a clash is found whichever way it is written."""
    return _normalize_key_list(key)


def markdown() -> str:
    """docs/keys.md: the default map, as the test checks it."""
    lines = [
        "# Keys",
        "",
        "One key means one thing on every screen. This page is generated from",
        "`itsm_tui/console/keymap.py` (`python -m itsm_tui.console.keymap > docs/keys.md`); a test",
        "fails when the two differ. Press `F1` or `?` in the console for the keys of the screen",
        "you are on, as they are bound now.",
        "",
        "## Changing a key",
        "",
        "Put the binding's id and the new key(s) under `[keys]` in",
        "`~/.config/itsm-tui/config.toml` (`$XDG_CONFIG_HOME/itsm-tui/config.toml`; for every",
        "user of a machine, `/etc/xdg/itsm-tui/config.toml`, which the user's file overrides):",
        "",
        "```toml",
        "[keys]",
        'claim = "C"',
        'refresh = "r,f5"',
        "```",
        "",
        "Keys use Textual's names: `ctrl+s`, `f5`, `slash`, `question_mark`, or the character.",
        "An unknown id, or a key that another binding already has, is refused: the console says",
        "so when it starts (and writes it to its log), and keeps that binding's default.",
        "",
        "## Adding a binding",
        "",
        "Add one line to `KEYMAP` in `itsm_tui/console/keymap.py`, declare the binding with",
        '`bind("the-id", "action")`, and regenerate this page.',
        "",
        "## The default map",
        "",
        "| key | id | does | where |",
        "| --- | --- | --- | --- |",
    ]
    for binding_id, entry in KEYMAP.items():
        keys = " ".join(f"`{k}`" for k in split_keys(entry.keys))
        lines.append(f"| {keys} | `{binding_id}` | {entry.description} | {entry.where} |")
    lines += ["", "## Keys that mean more than one thing, on purpose", ""]
    lines += [f"- `{key}` {why}." for key, why in SHARED.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
