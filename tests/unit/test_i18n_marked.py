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
MAKEFILE = PACKAGE.parent / "Makefile"


def error_keywords() -> set[str]:
    """The calls ``make translations`` extracts like ``_()``: the typed errors (and Phrase),
    named by ``--keyword=`` in the Makefile's ERROR_KEYWORDS."""
    text = MAKEFILE.read_text(encoding="utf-8")
    return set(re.findall(r"--keyword=(\w+)", text))


#: Their first argument is a message id: a literal there is marked by being there.
ERRORS = error_keywords()

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
    "screens/problems.py",
    "screens/knowledge.py",
    "screens/rounds.py",
    "screens/runner.py",
    "screens/inspection_history.py",
    "screens/callbacks.py",
    "screens/scorecard.py",
    "screens/complaints.py",
    "cli/__init__.py",
    "cli/callers.py",
    "cli/cmdb.py",
    "cli/common.py",
    "cli/db.py",
    "cli/failure.py",
    "cli/groups.py",
    "cli/ids.py",
    "cli/output.py",
    "cli/settings.py",
    "cli/setup.py",
    "cli/sla.py",
    "cli/staff.py",
    "cli/tickets.py",
    "cli/report.py",
    "screens/changes.py",
    "screens/change.py",
    "screens/approvals.py",
    "screens/fsc.py",
    "console/change_form.py",
    "cli/inspect.py",
    "cli/kb.py",
    "cli/problems.py",
    "cli/surveys.py",
    "cli/complaints.py",
    "cli/scores.py",
    "cli/changes.py",
)
#: Still English: the workflow's journal sentences (the next part of the work). The
#: workflow's refusals are checked for every module below
#: (test_no_error_message_is_formatted_before_it_is_raised).
NOT_YET = ("workflow/",)

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
    *ERRORS,
    "Op",
    "Key",
    "Column",
    "say",
    "complain",
    "echo",
    "BadParameter",
}
SHOWN_KEYWORDS = {"title", "placeholder", "description", "help", "tooltip", "label", "message"}
SHOWN_ATTRIBUTES = {"border_title", "border_subtitle", "sub_title", "title", "placeholder"}
#: The first argument of these is a key, an id or an action, never shown.
NOT_SHOWN_FIRST = {"bind", "Binding", "Field", "Key", "Op", "update"}
MARKERS = {"_", "N_", "ngettext"}
#: Literals that are codes, ids, key names or CSS: shown as they are in every language.
ALLOWED = re.compile(
    r"^(P|P\d|#.*|--[a-z][a-z-]*(/--[a-z-]+)?=?|[a-z0-9_-]+\(.*\)|app\.\w+|f\d+|ctrl\+\w|[a-z]+(_[a-z]+)+|[a-z]+(-[a-z]+)+|"
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
            if name in ERRORS and args and isinstance(args[0], ast.Constant):
                args = args[1:]  # the message id: extracted by its keyword
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
        for folder in ("console", "screens", "widgets", "dialogs", "cli")
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


#: Where the typed errors are raised: every module of the package.
ERROR_MODULES = sorted(
    p.relative_to(PACKAGE).as_posix()
    for p in PACKAGE.rglob("*.py")
    if "migrations" not in p.parts and "locale" not in p.parts
)


def formatted_errors(source: str) -> list[tuple[int, str]]:
    """(line, code) of each typed error whose message is built before it is raised: an
    f-string, a ``+`` or ``%`` of strings, or ``.format()``: its English would reach people
    in every language (the catalogue holds templates, filled in by the error itself)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and _call_name(node) in ERRORS and node.args):
            continue
        first = node.args[0]
        if isinstance(first, ast.Call) and _call_name(first) in MARKERS and first.args:
            first = first.args[0]
        built = (
            isinstance(first, ast.JoinedStr)
            or (isinstance(first, ast.BinOp) and isinstance(first.op, ast.Add | ast.Mod))
            or (isinstance(first, ast.Call) and _call_name(first) in ("format", "join"))
        )
        if built:
            found.append((node.lineno, ast.unparse(first)[:80]))
    return found


def test_the_makefile_extracts_every_typed_error() -> None:
    from itsm_tui.common import errors

    classes = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.DomainError)
    }
    assert classes <= ERRORS, f"add --keyword= to ERROR_KEYWORDS: {sorted(classes - ERRORS)}"


@pytest.mark.parametrize("module", ERROR_MODULES)
def test_no_error_message_is_formatted_before_it_is_raised(module: str) -> None:
    found = formatted_errors((PACKAGE / module).read_text(encoding="utf-8"))
    assert not found, (
        f"{module}: give a template and its arguments, "
        'Invalid("Ticket {number} is closed.", number=n), not: '
        + "; ".join(f"line {line}: {code}" for line, code in found)
    )


def test_the_error_scan_finds_an_f_string_and_passes_a_template() -> None:
    source = (
        "raise Invalid(f'Ticket {n} is closed.', field='ticket')\n"
        "raise Invalid('Ticket {number} is closed.', field='ticket', number=n)\n"
        "raise Forbidden('Refused ' + login)\n"
        "raise NotFound(N_('No ticket {number}.'), number=n)\n"
        "raise Conflict('{} was changed'.format(n))\n"
    )
    assert [line for line, _code in formatted_errors(source)] == [1, 3, 5]


def _unknown_cli_labels() -> list[str]:
    """Column headings and field labels the commands print (``print_table``, ``print_fields``)
    that are missing from the catalogue: those functions translate them, but only a message
    the extractor found has a translation."""
    from babel.messages.pofile import read_po

    with open(PACKAGE / "locale" / "itsm.pot", "rb") as pot:
        known = {m.id for m in read_po(pot) if m.id}
    missing = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node.func, "id", None) if isinstance(node, ast.Call) else None
            if name not in ("print_table", "print_fields") or not node.args:
                continue
            first = node.args[0]
            for item in first.elts if isinstance(first, ast.List | ast.Tuple) else []:
                label = item.elts[0] if isinstance(item, ast.Tuple) and item.elts else item
                text = label.value if isinstance(label, ast.Constant) else None
                if isinstance(text, str) and re.search("[a-z]", text) and text not in known:
                    missing.append(f"{path.name}:{label.lineno}: {text!r}")
    return missing


def test_every_cli_heading_and_label_is_in_the_catalogue() -> None:
    assert _unknown_cli_labels() == [], "mark them with N_() and run `make translations`"
