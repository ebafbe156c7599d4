"""The event log: one line per record, oldest first, following the newest. A line
longer than the pane scrolls sideways (the scrollbar shows it; `z` widens the pane).
Lines are not wrapped: RichLog renders each line as it is written, and wrapping them
again at every resize took 20 s for an 11,000-event session.

It takes records, not a session, so a review timeline can show any prefix of a save.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import RichLog

from engine.events import Withdrawn
from engine.script import Exercise
from engine.session import Record
from ui.tui.widgets.describe import describe

KEPT = 2000  # lines on screen: a line costs ~0.7 ms to render, the review has them all


class EventLog(RichLog):
    DEFAULT_CLASSES = "event-log"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, wrap=False, markup=False, highlight=False, auto_scroll=True,
                         max_lines=KEPT)
        self.shown = 0  # how many records were written
        self.withdrawn: dict[int, str] = {}  # seq -> why a correction withdrew it

    def show(self, exercise: Exercise, records: Sequence[Record]) -> None:
        """Replace the log with `records` (the last KEPT of a long session, after a line
        saying where the rest is); what corrections withdrew is marked."""
        self.clear()
        self.shown = 0
        self.withdrawn = {r.event.event: r.event.reason for r in records
                          if isinstance(r.event, Withdrawn)}
        earlier = max(0, len(records) - (KEPT - 1))
        if earlier:
            self.write(Text(f"… {earlier:,} earlier events: the review (ttx review SAVE) "
                            "shows them all", style="dim italic"), scroll_end=False)
            self.shown = earlier
        self.append(exercise, records[earlier:])

    def append(self, exercise: Exercise, records: Sequence[Record]) -> None:
        for record in records:
            line = describe(exercise, record)
            reason = self.withdrawn.get(record.seq)
            if reason is not None:
                line.stylize("strike")
                line = Text.assemble(("✗ ", "bold"), line,
                                     (f"  withdrawn: {' '.join(reason.split())}", "italic"))
            self.write(line, scroll_end=False)
        self.shown += len(records)
        if self.auto_scroll:
            self.scroll_end(animate=False, immediate=False, x_axis=False)
