r"""Text from users and files, made safe to print on a terminal and to store.

A name or note holding control characters can move the cursor, rewrite what is on screen or
retitle the terminal (``ESC ] 0 ; title BEL``).  :func:`printable` shows such characters as
Python-style escapes (``\x1b``), so they are seen rather than obeyed; :func:`control_characters`
finds them, for refusing them where text is stored.

Control characters are C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F); an escape
sequence starts with one (ESC or CSI), so escaping the characters disarms the sequences.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def control_characters(text: str, allowed: str = "") -> list[tuple[int, str]]:
    r"""Find the control characters in ``text`` other than those in ``allowed``.

    Parameters
    ----------
    text : str
        The text to look through.
    allowed : str
        Control characters that are fine here (``"\t\n"`` for notes).

    Returns
    -------
    list of (int, str)
        Each control character's position (0-based) and the character.
    """
    return [(m.start(), m.group()) for m in _CONTROL.finditer(text) if m.group() not in allowed]


def escape_character(char: str) -> str:
    r"""Write one character as a Python-style escape: ``\x1b``, ``\t``, ``\n``, ``\r``."""
    return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(char, f"\\x{ord(char):02x}")


def printable(text: object, keep: str = "") -> str:
    r"""Show ``text`` with its control characters escaped (``"\x1b]0;t\x07"`` -> ``r"\x1b]0;t\x07"``).

    Characters in ``keep`` (for example ``"\n"`` where a caller lays out lines itself) are
    left as they are.  Everything else, letters of any script included, is unchanged.
    """
    text = str(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else escape_character(m.group()), text)
