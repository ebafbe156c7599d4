"""The event log: one line per record, oldest first, following the newest.

It takes records, not a session, so a review timeline can show any prefix of a save.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import RichLog

from engine.script import Exercise
from engine.session import Record
from ui.widgets.describe import describe


class EventLog(RichLog):
    DEFAULT_CLASSES = "event-log"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, wrap=False, markup=False, highlight=False, auto_scroll=True)
        self.shown = 0  # how many records are on screen

    def show(self, exercise: Exercise, records: Sequence[Record]) -> None:
        """Replace the log with `records`."""
        self.clear()
        self.shown = 0
        self.append(exercise, records)

    def append(self, exercise: Exercise, records: Sequence[Record]) -> None:
        for record in records:
            self.write(describe(exercise, record), scroll_end=False)
        self.shown += len(records)
        if self.auto_scroll:
            self.scroll_end(animate=False, immediate=False, x_axis=False)
