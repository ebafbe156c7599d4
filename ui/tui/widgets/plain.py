"""Data shown as data: text from a script, a save or a user is never markup.

Textual and Rich read `[...]` in a plain `str` as markup, so a team called
`[@click=app.quit]x[/]` would become a link that quits the app. Every widget that
shows such text gets it through these functions, which also escape control
characters (a save is not trusted: its text could otherwise drive the terminal).
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from engine.controls import escape_controls


def plain(text: str, style: str = "") -> Content:
    """Literal Textual content (for Static, Option, Select, SelectionList, titles)."""
    safe = escape_controls(text)
    return Content.styled(safe, style) if style else Content(safe)


def plain_text(text: str, style: str = "") -> Text:
    """Literal Rich text (for Rich tables and DataTable cells)."""
    return Text(escape_controls(text), style=style)
