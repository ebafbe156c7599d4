"""A record's log line (`engine.wording.log_parts`) as Rich text: the words are the
engine's, the styles are the terminal's."""

from __future__ import annotations

from rich.text import Text

from engine.script import Exercise
from engine.session import Record
from engine.wording import Emphasis, log_parts

STYLES: dict[Emphasis, str] = {"": "", "strong": "bold", "quiet": "dim", "effect": "italic"}


def describe(ex: Exercise, record: Record) -> Text:
    """The console log's line: dim as a whole, under the panes above it, with the
    event's ids and values in bold."""
    line = Text(style="dim")
    for text, emphasis in log_parts(ex, record):
        line.append(text, style=STYLES[emphasis])
    return line


def log_line(ex: Exercise, record: Record) -> Text:
    """The timeline's line: only the record's number and turn dimmed, so the event
    stands out, and on one line whatever the note or response holds."""
    line = Text()
    for text, emphasis in log_parts(ex, record):
        line.append(text.replace("\n", " "), style=STYLES[emphasis])
    return line
