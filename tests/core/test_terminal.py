"""Text made safe for the terminal: control characters found and shown as escapes."""

from __future__ import annotations

from sprintlens.core.terminal import control_characters, printable


def test_control_characters_are_shown_as_escapes_and_everything_else_is_kept():
    assert printable("Eve\x1b]0;pwned\x07") == "Eve\\x1b]0;pwned\\x07"
    assert printable("a\x00b\x7fc\x9bd\x85") == "a\\x00b\\x7fc\\x9bd\\x85"
    assert printable("tab\tline\nend\r") == "tab\\tline\\nend\\r"
    assert printable("line\nnext", keep="\n") == "line\nnext"
    assert printable("Zoë Ōkubo 李 – ok \\x1b") == "Zoë Ōkubo 李 – ok \\x1b"
    assert printable(12) == "12"


def test_control_characters_are_found_with_their_positions():
    assert control_characters("ok") == []
    assert control_characters("a\tb\x1b[2J", allowed="\t") == [(3, "\x1b")]
    assert control_characters("\x9b") == [(0, "\x9b")]
