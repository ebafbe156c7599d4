"""Control characters: refused in scripts, escaped wherever text reaches a screen.

C0 and C1 controls and DEL, but not tab and newline: an ESC sequence, BEL or a
cursor move in a title or a note could drive the terminal that shows it (clear it,
retitle it, fake a prompt). Scripts may not hold them; saves are not trusted, so
every output escapes them too.
"""

from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_message(text: str) -> str | None:
    """Say which control character `text` holds, if any."""
    found = CONTROL.search(text)
    return None if found is None else describe(ord(found.group()))


def describe(code: int) -> str:
    return f"control character U+{code:04X} is not allowed (only newline and tab are)"


def escape_controls(text: str) -> str:
    """`text` with each control character shown as `\\xNN`, so it cannot act."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
