from itsm_tui.common.textsafe import one_line, visible

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
