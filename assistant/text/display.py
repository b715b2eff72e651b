"""Text made safe to show: no control or escape characters in a terminal or app view.

A transcript can carry ANSI escape sequences (set the window title, clear the screen),
other C0/C1 controls, DEL, or bidirectional overrides that reorder what the reader sees.
:func:`safe_display` drops them (newlines and tabs stay) before anything is printed or
rendered; :func:`plain_words` turns an error message into one short plain line.
"""

from __future__ import annotations

import re

__all__ = ["has_control_characters", "plain_words", "safe_display"]

# ESC/CSI/OSC sequences first (so their parameters go too), then single control characters
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]{0,32}[ -/]{0,8}[@-~]"  # CSI ... final byte
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]{0,512}(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL / ST
    r"|\x1b[@-Z\\-_]"  # two-character escapes
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe_display(text: str) -> str:
    """``text`` without escape sequences and control characters (newline and tab kept)."""
    if not text:
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds a control character other than newline, tab and carriage return."""
    return any((ord(char) < 32 and char not in "\n\r\t") or 0x7F <= ord(char) <= 0x9F for char in text)


def plain_words(message: str, limit: int = 200) -> str:
    """One plain line: controls dropped, whitespace runs collapsed, cut at ``limit`` characters."""
    line = " ".join(safe_display(str(message)).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
