from itsm_tui.common.textsafe import visible


def test_control_characters_become_visible_escapes() -> None:
    assert visible("a\x1b[31mb\x07") == "a\\x1b[31mb\\x07"
    assert visible("行一\n行二\t[bold]x[/]") == "行一\n行二\t[bold]x[/]"
    assert visible("\x9b2J") == "\\x9b2J"  # the 8-bit CSI too
