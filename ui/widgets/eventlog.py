"""The event log: one entry per record, oldest first, following the newest; a long
entry wraps at the pane's width (and is laid out again when the pane is resized or
zoomed), so nothing is cut off.

It takes records, not a session, so it can show any prefix of a save.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.widgets import RichLog

from engine.events import Withdrawn
from engine.script import Exercise
from engine.session import Record
from ui.widgets.describe import describe

INDENT = 9  # "   14 T2 ": the width of an entry's number and turn


class EventLog(RichLog):
    DEFAULT_CLASSES = "event-log"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, wrap=False, markup=False, highlight=False, auto_scroll=True)
        self.shown = 0  # how many records are on screen
        self.withdrawn: dict[int, str] = {}  # seq -> why a correction withdrew it
        self._exercise: Exercise | None = None
        self._records: list[Record] = []  # what is shown, to lay it out again
        self._laid_out_at = 0  # the width the entries were wrapped for

    def show(self, exercise: Exercise, records: Sequence[Record]) -> None:
        """Replace the log with `records`; what corrections withdrew is marked."""
        self.clear()
        self.shown = 0
        self._exercise, self._records = exercise, list(records)
        self._laid_out_at = self.scrollable_content_region.width
        self.withdrawn = {r.event.event: r.event.reason for r in records
                          if isinstance(r.event, Withdrawn)}
        self._write(exercise, records)

    def append(self, exercise: Exercise, records: Sequence[Record]) -> None:
        self._records.extend(records)
        self._write(exercise, records)

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if self._exercise is not None and width != self._laid_out_at:
            self.show(self._exercise, self._records)

    def _write_wrapped(self, line: Text) -> None:
        """Wrapped lines hang under the entry's text, clear of its number and turn."""
        width = self._laid_out_at = self.scrollable_content_region.width
        if width < 2 * INDENT:
            self.write(line, scroll_end=False)  # not laid out yet: on_resize redraws
            return
        first = line.wrap(self.app.console, width)[0]
        rest = line[len(first.plain):]
        rest = rest[len(rest.plain) - len(rest.plain.lstrip(" ")):]
        pieces = [first, *(rest.wrap(self.app.console, width - INDENT) if rest.plain else [])]
        for i, piece in enumerate(pieces):
            self.write(piece if i == 0 else Text(" " * INDENT) + piece, scroll_end=False)

    def _write(self, exercise: Exercise, records: Sequence[Record]) -> None:
        for record in records:
            line = describe(exercise, record)
            reason = self.withdrawn.get(record.seq)
            if reason is not None:
                line.stylize("strike")
                line = Text.assemble(("✗ ", "bold"), line,
                                     (f"  withdrawn: {' '.join(reason.split())}", "italic"))
            self._write_wrapped(line)
        self.shown += len(records)
        if self.auto_scroll:
            self.scroll_end(animate=False, immediate=False, x_axis=False)
