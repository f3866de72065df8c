import pytest

from itsm_tui.cli.output import to_json
from itsm_tui.common.errors import Invalid
from itsm_tui.common.textsafe import one_line, visible
from itsm_tui.widgets import cells
from itsm_tui.workflow import text_input

#: What ``str.splitlines`` breaks at, found by asking it: the oracle for "a line break".
BREAKS = [chr(c) for c in range(0x3000) if len(f"a{chr(c)}b".splitlines()) == 2] + ["\r\n"]

#: What an attacker or a clumsy paste puts in a title: ESC/OSC retitling, BEL, a screen clear,
#: the 8-bit CSI, NUL, DEL and the bidi override that makes text read backwards.
PAYLOADS = (
    "ctl\x1b]0;pwned\x07\x1b[2J",
    "\x9b2J",
    "a\x00b\x7fc",
    "invoice \u202egpj.exe",
    "\u2066iso\u2069 \u200emark\u200f \u202aemb\u202c",
)
UNSAFE = ("\x1b", "\x07", "\x9b", "\x00", "\x7f", "\u202e", "\u2066", "\u200e", "\u202a")


def test_control_characters_become_visible_escapes() -> None:
    assert visible("a\x1b[31mb\x07") == "a\\x1b[31mb\\x07"
    assert visible("行一\n行二\t[bold]x[/]") == "行一\n行二\t[bold]x[/]"
    assert visible("\x9b2J") == "\\x9b2J"  # the 8-bit CSI too


def test_bidi_controls_are_shown_not_obeyed() -> None:
    assert visible("invoice \u202egpj.exe") == "invoice \\u202egpj.exe"
    for payload in PAYLOADS:
        shown = visible(payload)
        assert not any(c in shown for c in UNSAFE), shown


def test_one_line_folds_breaks_escapes_and_cuts() -> None:
    assert one_line("OA系统\r\n登录缓慢\n\n请处理", 100) == "OA系统 登录缓慢 请处理"
    assert one_line("a\tb\x1b[2J", 100) == "a b\\x1b[2J"
    assert one_line("x" * 300, 20) == "x" * 19 + "…"
    assert one_line("Bcc: all@x\r\nSubject: spoof", 200) == "Bcc: all@x Subject: spoof"


@pytest.mark.parametrize("brk", BREAKS, ids=[repr(b) for b in BREAKS])
def test_what_a_one_line_field_refuses_every_one_line_display_folds(brk: str) -> None:
    """A table cell and a mail subject put a line break (U+2028 too) on one line, exactly
    where a title would be refused for holding one."""
    with pytest.raises(Invalid, match="one line"):
        text_input.one_line("title", f"a{brk}b")
    assert cells.one_line(f"a {brk} b") == "a b"
    assert one_line(f"a{brk}b", 10) == "a b"


def test_json_output_escapes_every_control_the_terminal_would_obey() -> None:
    controls = [chr(c) for c in range(0x2100) if visible(chr(c)) != chr(c)]
    shown = to_json({"title": "".join(controls)})
    assert controls and not any(c in shown for c in controls)
