"""Every string a person reads in the converted modules is marked for translation.

The scan reads each module's syntax tree and looks at the string literals in the places that
put text on screen: binding labels, notifications, widget text (``Static``, ``Text``,
``Option``, ``append``, ``update``), titles, placeholders, table columns, dialog titles and
field labels, and the messages of the typed errors. A literal there must sit inside ``_()``,
``ngettext()`` or ``N_()``; an f-string there is unmarked unless its fixed parts have no
words. Codes, keys and symbols are allowed (:data:`ALLOWED`, and anything without a letter).

Scope, honestly: :data:`CONVERTED` lists the modules done; :data:`NOT_YET` the ones still in
English (their owners are changing them, or they come in the next part). A module moves from
the second list to the first when it is translated; a new UI module goes in the first.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "itsm_tui"

CONVERTED = (
    "console/app.py",
    "console/goto.py",
    "console/keymap.py",
    "console/palette.py",
    "console/queue_titles.py",
    "console/ticket_actions.py",
    "screens/ci_detail.py",
    "screens/ci_lookup.py",
    "screens/dashboard.py",
    "screens/help.py",
    "screens/impact.py",
    "screens/reports.py",
    "screens/queue.py",
    "screens/ticket.py",
    "widgets/alert_inbox.py",
    "widgets/cells.py",
    "widgets/ci_search.py",
    "widgets/footer.py",
    "widgets/sla_bar.py",
    "widgets/ticket_table.py",
    "dialogs/person_picker.py",
    "screens/intake.py",
    "dialogs/form.py",
    "dialogs/ci_picker.py",
    "dialogs/choice.py",
    "dialogs/fields.py",
    "dialogs/new_caller.py",
    "console/unsaved.py",
    "console/failures.py",
)
#: Still English: the command line, and the workflow's refusals and journal sentences (the
#: next part of the work).
NOT_YET = (
    "cli/",
    "workflow/",
)

#: Calls whose string arguments are shown (any position, and these keywords).
SHOWN_CALLS = {
    "Binding",
    "bind",
    "notify",
    "Static",
    "Text",
    "Option",
    "append",
    "update",
    "add_column",
    "add_columns",
    "add_row",
    "add_leaf",
    "add",
    "set_label",
    "FormDialog",
    "ConfirmDialog",
    "CIPickDialog",
    "ImpactPickDialog",
    "Field",
    "SlaBar",
    "Hit",
    "DiscoveryHit",
    "SystemCommand",
    "_status",
    "_show_bar",
    "Invalid",
    "Forbidden",
    "NotFound",
    "Conflict",
    "DomainError",
    "Op",
    "Key",
    "Column",
}
SHOWN_KEYWORDS = {"title", "placeholder", "description", "help", "tooltip", "label", "message"}
SHOWN_ATTRIBUTES = {"border_title", "border_subtitle", "sub_title", "title", "placeholder"}
#: The first argument of these is a key, an id or an action, never shown.
NOT_SHOWN_FIRST = {"bind", "Binding", "Field", "Key", "Op", "update"}
MARKERS = {"_", "N_", "ngettext"}
#: Literals that are codes, ids, key names or CSS: shown as they are in every language.
ALLOWED = re.compile(
    r"^(P|P\d|#.*|[a-z0-9_-]+\(.*\)|app\.\w+|f\d+|ctrl\+\w|[a-z]+(_[a-z]+)+|[a-z]+(-[a-z]+)+|"
    r"bold|bold red|bold underline|bold yellow|bold white on red|dim|italic|green|red|yellow|"
    r"not bold|first|last|next|previous)$"
)
#: Names never shown: the columns of help's tables, which have no header row.
HIDDEN = {"key", "does", "task", "how"}


def _text_of(node: ast.AST) -> list[str]:
    """The fixed text of a literal or f-string (empty for anything else)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    return []


def _words(text: str) -> bool:
    plain = text.strip()
    if plain in HIDDEN or ALLOWED.match(plain):
        return False
    return bool(re.search(r"[A-Za-z]{2,}", text))


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def unmarked(source: str) -> list[tuple[int, str]]:
    """(line, text) of each shown literal not inside a translation marker."""
    tree = ast.parse(source)
    marked: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in MARKERS:
            for inner in ast.walk(node):
                marked.add(id(inner))
    found: list[tuple[int, str]] = []

    def check(node: ast.AST) -> None:
        # A conditional or a sum: each branch or operand is shown.
        if isinstance(node, ast.IfExp):
            check(node.body)
            check(node.orelse)
            return
        if isinstance(node, ast.BinOp):
            check(node.left)
            check(node.right)
            return
        if id(node) in marked:
            return
        for text in _text_of(node):
            if _words(text):
                found.append((getattr(node, "lineno", 0), text))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in SHOWN_CALLS:
            name = _call_name(node)
            args = node.args[1:] if name in NOT_SHOWN_FIRST else node.args
            if name in ("Key", "Binding", "bind"):
                args = args[:2] if name == "Key" else args[1:2]
            if name == "Op":
                args = node.args[1:2]
            if name == "Field":
                args = node.args[1:2]
            for arg in args:
                check(arg)
            for keyword in node.keywords:
                if keyword.arg in SHOWN_KEYWORDS:
                    check(keyword.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in SHOWN_ATTRIBUTES:
                    check(node.value)
    return found


@pytest.mark.parametrize("module", CONVERTED)
def test_every_shown_string_of_a_converted_module_is_marked(module: str) -> None:
    found = unmarked((PACKAGE / module).read_text(encoding="utf-8"))
    assert not found, f"{module}: mark these with _() or N_(): " + "; ".join(
        f"line {line}: {text!r}" for line, text in found
    )


def test_the_scan_finds_an_unmarked_label_and_passes_a_marked_one() -> None:
    source = (
        "self.notify(f'{n} saved')\n"
        "self.notify(_('{n} saved').format(n=n))\n"
        "bind('claim', \"op('claim')\", 'Take it')\n"
        "bind('claim', \"op('claim')\", _('Take it'))\n"
        "x.border_title = 'Backlog' if a else _('Backlog')\n"
        "Text('Backlog', style='bold red')\n"
        "Text('P1', style='bold red')\n"
    )
    assert sorted(line for line, _text in unmarked(source)) == [1, 3, 5, 6]


def test_every_module_is_either_converted_or_listed_as_not_yet() -> None:
    """A new console module is translated from the start: it goes in CONVERTED."""
    front = [
        p.relative_to(PACKAGE).as_posix()
        for folder in ("console", "screens", "widgets", "dialogs")
        for p in (PACKAGE / folder).glob("*.py")
        if p.name != "__init__.py"
    ]
    unlisted = [
        m
        for m in front
        if m not in CONVERTED and not any(m.startswith(n) for n in NOT_YET) and _has_shown(m)
    ]
    assert not unlisted, f"add to CONVERTED (translated) or NOT_YET: {unlisted}"


def _has_shown(module: str) -> bool:
    return bool(unmarked((PACKAGE / module).read_text(encoding="utf-8")))
