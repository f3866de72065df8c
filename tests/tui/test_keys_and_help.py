"""One meaning per key, the key map's overrides, help, the footer's "More", the keys panel and
the kept theme — checked over every binding the console declares, and with Pilot at 80×24 and
120×40."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict
from pathlib import Path
from typing import Any, ClassVar

import pytest
from rich.console import Console as RichConsole
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static, TextArea
from textual.widgets._footer import FooterKey

import itsm_tui
from itsm_tui.common import locations
from itsm_tui.common.config import read_console_file, save_console_setting
from itsm_tui.console.app import ItsmApp
from itsm_tui.console.keymap import KEYMAP, SHARED, check_overrides, markdown, split_keys
from itsm_tui.dialogs.form import FormDialog
from itsm_tui.screens.dashboard import DashboardScreen
from itsm_tui.screens.help import HelpScreen
from itsm_tui.screens.intake import IntakeScreen
from itsm_tui.screens.ticket import TicketScreen
from itsm_tui.widgets.footer import MORE, KeyFooter
from tests.tui.conftest import Console

SIZES = [(80, 24), (120, 40)]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "keys.md"


# --- The map, over every binding declared --------------------------------------------------


def _declared() -> list[tuple[str, Binding]]:
    """(class, binding) for every binding a console class declares, every module imported."""
    found: list[tuple[str, Binding]] = []
    for package in ("console", "screens", "widgets", "dialogs"):
        path = Path(itsm_tui.__file__).parent / package
        for module in pkgutil.iter_modules([str(path)]):
            loaded = importlib.import_module(f"itsm_tui.{package}.{module.name}")
            for name, cls in inspect.getmembers(loaded, inspect.isclass):
                if cls.__module__ != loaded.__name__ or "BINDINGS" not in vars(cls):
                    continue
                for binding in vars(cls)["BINDINGS"]:
                    assert isinstance(binding, Binding), f"{name}: declare with bind()"
                    found.append((f"{cls.__module__}.{name}", binding))
    return found


def test_every_binding_has_an_id_and_its_key_from_the_map() -> None:
    declared = _declared()
    assert len(declared) > 40  # the walk found the screens, widgets and dialogs
    for where, binding in declared:
        assert binding.id, f"{where}: {binding.key} → {binding.action} has no id"
        assert binding.id in KEYMAP, f"{where}: id {binding.id!r} is not in console/keymap.py"
        assert binding.key == KEYMAP[binding.id].keys, f"{where}: {binding.id} key not the map's"


def test_one_key_means_one_thing_on_every_screen() -> None:
    """Across every screen, widget and dialog — and in the map itself, bindings still to come
    included — a key has one id, but for the few shared on purpose (Esc, Enter, arrows, y/n)."""
    meanings: defaultdict[str, set[str]] = defaultdict(set)
    for where, binding in _declared():
        for key in split_keys(binding.key):
            meanings[key].add(f"{binding.id} ({where.rsplit('.', 1)[-1]})")
    for binding_id, entry in KEYMAP.items():
        for key in split_keys(entry.keys):
            meanings[key].add(binding_id)
    ids = {key: {m.split(" ")[0] for m in found} for key, found in meanings.items()}
    clashes = {key: sorted(found) for key, found in ids.items() if len(found) > 1}
    assert {key: found for key, found in clashes.items() if key not in SHARED} == {}
    # The letters the console used to give two meanings each.
    assert ids["r"] == {"refresh"}
    # f and p also answer an inspection item in the runner, which has no ticket (SHARED).
    assert ids["f"] == {"flag", "fail-item"}
    assert ids["p"] == {"pending", "pass-item"}
    assert ids["l"] == {"ci-lookup"}


def test_form_keys_are_no_text_box_editing_keys() -> None:
    """A text box has focus in the call form and the dialogs: their keys must not be one a
    text box or list uses (Ctrl+A selected all and attached the call)."""
    editing: set[str] = set()
    for widget in (Input, TextArea, Select, OptionList):
        editing |= set(widget._merged_bindings.key_to_bindings)  # type: ignore[union-attr]
    for screen in (IntakeScreen, FormDialog):
        for binding in vars(screen)["BINDINGS"]:
            for key in split_keys(binding.key):
                assert key not in editing or key == "escape", f"{screen.__name__}: {key}"


def test_docs_list_the_default_map() -> None:
    assert DOCS.read_text(encoding="utf-8") == markdown(), (
        "docs/keys.md is stale: python -m itsm_tui.console.keymap > docs/keys.md"
    )


def test_overrides_are_checked_one_by_one() -> None:
    good, problems = check_overrides(
        {
            "claim": "ctrl+k",
            "help": "f1,?",  # Textual names ? question_mark: still help's own
            "refresh": "n",  # note's key
            "nonsense": "z",
            "quit": 3,
            "back": "escape",  # escape is shared on purpose: unchanged is fine
        }
    )
    assert good == {"claim": "ctrl+k", "help": "f1,question_mark", "back": "escape"}
    assert problems == [
        "[keys] nonsense: no binding has this id (see docs/keys.md).",
        '[keys] quit: give the key(s) as text, e.g. "r" or "r,f5".',
        "[keys] refresh: 'n' is already the key of no, note; not rebound.",
    ]
    swapped, none = check_overrides({"claim": "a", "assign": "c"})  # a swap
    assert swapped == {"claim": "a", "assign": "c"} and none == []


# --- The settings file ---------------------------------------------------------------------


def test_saving_a_setting_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "itsm-tui" / "config.toml"
    path.parent.mkdir()
    path.write_text('# mine\ntheme = "old"\n\n[keys]\nclaim = "ctrl+k"\n', encoding="utf-8")
    path.chmod(0o600)
    save_console_setting("theme", 'nord "x"', path)
    assert path.read_text(encoding="utf-8") == (
        '# mine\ntheme = "nord \\"x\\""\n\n[keys]\nclaim = "ctrl+k"\n'
    )
    assert path.stat().st_mode & 0o777 == 0o600
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    fresh = tmp_path / "new" / "config.toml"
    save_console_setting("theme", "nord", fresh)
    assert fresh.read_text(encoding="utf-8") == 'theme = "nord"\n'


def test_a_broken_settings_file_is_reported_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("theme = \n", encoding="utf-8")
    assert read_console_file([path]).problems[0].startswith(f"{path}: not read")
    with pytest.raises(Exception, match="not valid TOML"):
        save_console_setting("theme", "nord", path)
    assert path.read_text(encoding="utf-8") == "theme = \n"


def test_the_operators_file_wins_over_the_machines() -> None:
    site = locations.site_config_file_paths()[-1]
    site.parent.mkdir(parents=True)
    site.write_text('theme = "nord"\n[keys]\nclaim = "ctrl+k"\nnote = "N"\n', encoding="utf-8")
    own = locations.config_file_path()
    own.parent.mkdir(parents=True)
    own.write_text('[keys]\nclaim = "K"\n', encoding="utf-8")
    settings = read_console_file()
    assert settings.theme == "nord"
    assert dict(settings.keys) == {"claim": "K", "note": "N"}


# --- Pilot --------------------------------------------------------------------------------


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text(widget: Static) -> str:
    out = RichConsole(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    out.print(widget.content)
    return out.export_text()


def footer_keys(app: ItsmApp) -> list[tuple[str, str]]:
    footer = app.screen.query_one(KeyFooter)
    return [(k.key_display, k.description) for k in footer.query(FooterKey)]


@pytest.mark.parametrize("size", SIZES)
async def test_f1_and_question_mark_open_help_and_escape_closes_it(
    console: Console, size: tuple[int, int]
) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        here = text(app.screen.query_one("#help-screen-keys", Static))
        assert "Refresh" in here and "Open" in here
        assert any("5" in line and "Breached" in line for line in here.splitlines())
        everywhere = text(app.screen.query_one("#help-global-keys", Static))
        for key, does in [("i", "New call"), ("^g", "Go to ticket"), ("q", "Quit"), ("?", "Help")]:
            assert any(key in line and does in line for line in everywhere.splitlines()), does
        how = text(app.screen.query_one("#help-how-to", Static))
        for task in ("Log a call", "Find a ticket", "Escalate", "Resolve"):
            assert task in how
        assert "e Escalate" not in how and "e: choose the group" in how
        assert "Dashboard" not in everywhere  # it is the dashboard
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)

        app.open_ticket(console.numbers[1])  # claimed by agent1 in the seed
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        here = text(app.screen.query_one("#help-screen-keys", Static))
        for does in ("Back", "Note", "Resolve", "Escalate", "Refresh", "Link CI"):
            assert does in here
        # Only what can be done is listed: it is theirs already, and it has no CI.
        assert "Claim" not in here and "Impact" not in here
        await pilot.press("question_mark")  # the help key closes help too
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_f1_in_a_dialog_shows_its_keys_and_escape_returns_to_it(
    console: Console, size: tuple[int, int]
) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_ticket(console.numbers[1])
        await settle(pilot)
        await pilot.press("n")  # a note: a dialog with a text box
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        here = text(app.screen.query_one("#help-screen-keys", Static))
        assert "Save" in here and "Cancel" in here and "Resolve" not in here
        everywhere = text(app.screen.query_one("#help-global-keys", Static))
        assert "once this dialog is closed" in everywhere and "New call" in everywhere
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dialog


#: Screens help never opens over as themselves: help itself, Textual's command palette, and
#: the bases only their subclasses are shown as (a ticket screen, the change list, approvals).
NOT_BENEATH_HELP = {"HelpScreen", "ConsolePalette", "TicketActions", "ChangeTableScreen"}


def test_every_screen_has_a_name_in_help_in_chinese_too() -> None:
    """Help's title names the screen beneath it from ``SCREEN_NAMES``: a screen or dialog
    missing there is titled by its English class name even under zh_CN."""
    from textual.screen import Screen

    from itsm_tui.common import i18n
    from itsm_tui.screens.help import SCREEN_NAMES

    for module in pkgutil.walk_packages(itsm_tui.__path__, "itsm_tui."):
        if module.name.split(".")[1] in ("console", "screens", "dialogs"):
            importlib.import_module(module.name)
    found: set[type[Screen[Any]]] = set()
    pending: list[type[Screen[Any]]] = [Screen]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("itsm_tui.") and sub.__name__ not in NOT_BENEATH_HELP:
                found.add(sub)
    names = {c.__name__.removesuffix("Screen").removesuffix("Dialog") for c in found}
    assert {"Reports", "Knowledge", "Choice", "TextView", "ActionMenu", "Runner"} <= names
    assert sorted(names - set(SCREEN_NAMES)) == []
    assert i18n.install("zh_CN") == "zh_CN", i18n.problem
    try:
        untranslated = sorted(n for n in SCREEN_NAMES if i18n._(n) == n)
    finally:
        i18n.install("en")
    assert untranslated == []


async def test_help_over_a_dialog_is_titled_in_chinese(console: Console) -> None:
    """Help over a text view (on the dashboard) names it in the operator's language."""
    from itsm_tui.common import i18n
    from itsm_tui.dialogs.text_edit import TextViewDialog

    assert i18n.install("zh_CN") == "zh_CN", i18n.problem
    try:
        app = ItsmApp(console.site, console.desk.agent1)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            dialog = TextViewDialog("摘要", ["第一行", "第二行"])
            app.push_screen(dialog)
            await settle(pilot)
            await pilot.press("f1")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            title = text(app.screen.query_one("#help-title", Static))
            assert "文本查看" in title and "TextView" not in title
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is dialog
    finally:
        i18n.install("en")


@pytest.mark.parametrize("size", SIZES)
async def test_escape_closes_the_keys_panel_and_only_that(
    console: Console, size: tuple[int, int]
) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_ticket(console.numbers[1])
        await settle(pilot)
        assert ("esc", "Back") in footer_keys(app)
        app.action_show_help_panel()  # the palette's "Keys"
        await settle(pilot)
        assert app.screen.query("HelpPanel")
        await pilot.press("escape")
        await settle(pilot)
        assert not app.screen.query("HelpPanel")
        assert isinstance(app.screen, TicketScreen)  # the panel closed, the screen stayed
        assert ("esc", "Back") in footer_keys(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_the_footer_says_more_keys_exist_when_they_do_not_fit(console: Console) -> None:
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = narrow = footer_keys(app)
        assert keys[:4] == [("⏎", "Open"), ("i", "New call"), ("^g", "Go to ticket"), ("q", "Quit")]
        assert keys[-2:] == [("F1", MORE), ("^p", "palette")]
        footer = app.screen.query_one(KeyFooter)
        palette = footer.query_one(".-command-palette", FooterKey)
        shown = [k for k in footer.query(FooterKey) if k is not palette]
        assert all(k.region.right <= palette.region.x for k in shown)  # none hidden under it
        assert palette.region.right <= 80
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        keys = footer_keys(app)
        assert keys[:4] == narrow[:4]  # the most used still first
        assert len(keys) > len(narrow)  # wider: more of them, the reassign and escalate too
        assert ("a", "Reassign") in keys and ("e", "Escalate") in keys
        await pilot.press("f1")  # "More" leads to help
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


class _WideLabels(App[None]):
    """A footer whose labels are Chinese, as they may become: two cells a character."""

    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "key(0)", "新建来电", id="intake"),
        Binding("ctrl+g", "key(1)", "转到工单", id="goto"),
        Binding("q", "key(2)", "退出", id="quit"),
        Binding("r", "key(3)", "刷新", id="refresh"),
        Binding("f1", "key(4)", "帮助", id="help"),
    ]

    def compose(self) -> ComposeResult:
        yield KeyFooter()

    def action_key(self, n: int) -> None:
        self.bell()


async def test_the_footer_measures_wide_labels_in_cells() -> None:
    """Counted in characters the first three keys and "More" would fit in 40 columns; in
    cells (what the terminal draws) only two do, and nothing runs off the edge."""
    app = _WideLabels()
    async with app.run_test(size=(40, 5)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        keys = [(k.key_display, k.description) for k in footer.query(FooterKey)]
        assert keys == [("i", "新建来电"), ("^g", "转到工单"), ("f1", MORE)]
        assert all(k.region.right <= 40 for k in footer.query(FooterKey))
        await pilot.resize_terminal(60, 5)
        await settle(pilot)
        keys = [(k.key_display, k.description) for k in footer.query(FooterKey)]
        assert keys[-1] == ("f1", "帮助") and len(keys) == 5


async def test_a_key_overridden_in_the_settings_file_rebinds_it(
    console: Console, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = locations.config_file_path()
    path.parent.mkdir(parents=True)
    path.write_text('[keys]\nintake = "f5"\nrefresh = "n"\nnonsense = "z"\n', encoding="utf-8")
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        told = [n.message for n in app._notifications]
        assert any("refresh: 'n' is already the key of no, note" in m for m in told), told
        assert any("nonsense: no binding has this id" in m for m in told), told
        assert ("F5", "New call") in footer_keys(app)
        await pilot.press("i")  # the old key no longer
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("f1")
        await settle(pilot)
        everywhere = text(app.screen.query_one("#help-global-keys", Static))
        assert any("F5" in line and "New call" in line for line in everywhere.splitlines())
        how = text(app.screen.query_one("#help-how-to", Static))
        assert "F5 New call" in how
        await pilot.press("escape", "f5")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
    logged = locations.console_log_path().read_text(encoding="utf-8")
    assert "nonsense: no binding has this id" in logged


async def test_the_theme_chosen_in_the_palette_is_kept(console: Console) -> None:
    path = locations.config_file_path()
    path.parent.mkdir(parents=True)
    path.write_text('# site keys\n[keys]\nclaim = "ctrl+k"\n', encoding="utf-8")
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme != "nord"
        await pilot.press("ctrl+p", *"theme")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"nord", "enter")
        await settle(pilot)
        assert app.theme == "nord"
    kept = '# site keys\ntheme = "nord"\n[keys]\nclaim = "ctrl+k"\n'
    assert path.read_text(encoding="utf-8") == kept
    again = ItsmApp(console.site, console.desk.agent1)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"
        assert again.key_overrides == {"claim": "ctrl+k"}


async def test_an_unknown_saved_theme_is_reported_and_the_console_opens(console: Console) -> None:
    path = locations.config_file_path()
    path.parent.mkdir(parents=True)
    path.write_text('theme = "no-such-theme"\n', encoding="utf-8")
    app = ItsmApp(console.site, console.desk.agent1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert any("no-such-theme" in n.message for n in app._notifications)
