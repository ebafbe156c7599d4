"""The review timeline: one line per event of a save, a cursor on the event reviewed.

A Line API widget: it draws only the lines on screen (each from its record, through
`log_line`, cached), so a 50,000-event save costs no more to show, scroll or step
through than a 500-event one. It shows any subset of the records (a team's story,
search matches) as a list of their sequence numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from engine.events import Withdrawn
from engine.script import Exercise
from engine.session import Record
from ui.tui.widgets.describe import log_line

CONTEXT = 2  # lines kept visible above and below the cursor while stepping


class Timeline(ScrollView, can_focus=True, inherit_bindings=False):
    """The screen owns the keys; the timeline draws, scrolls, and reports clicks."""

    DEFAULT_CLASSES = "timeline"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"timeline--cursor", "timeline--match"}
    DEFAULT_CSS = """
    Timeline {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    Timeline > .timeline--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    Timeline:blur > .timeline--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    Timeline > .timeline--match {
        background: $warning 40%;
    }
    """

    class Picked(Message):
        """A row was clicked: the screen moves the review there."""

        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._exercise: Exercise | None = None
        self._records: Sequence[Record] = ()
        self._withdrawn: dict[int, str] = {}  # seq -> why it was withdrawn
        self._rows: Sequence[int] = ()
        self._query = ""
        self.cursor = 0
        self._lines: LRUCache[tuple[int, int], Strip] = LRUCache(1024)
        self.drawn = 0  # lines drawn from records so far (a measure of the work done)

    @property
    def rows(self) -> Sequence[int]:
        return self._rows

    def show(self, exercise: Exercise, records: Sequence[Record], rows: Sequence[int],
             cursor: int, query: str = "") -> None:
        """Show `rows` (sequence numbers, ascending) with the cursor on row `cursor`;
        `query` is highlighted where it appears."""
        if records is not self._records:  # which events corrections withdrew, and why
            self._withdrawn = {r.event.event: r.event.reason for r in records
                               if isinstance(r.event, Withdrawn)}
        self._exercise, self._records, self._rows = exercise, records, rows
        self._query = query.strip()
        self._lines.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        self.move_to(cursor)

    def move_to(self, row: int) -> None:
        """Put the cursor on `row` and scroll just enough to keep it in view."""
        if not self._rows:
            self.cursor = 0
            self.refresh()
            return
        self.cursor = min(max(row, 0), len(self._rows) - 1)
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        margin = min(CONTEXT, max((height - 1) // 2, 0))
        if self.cursor < top + margin:
            top = self.cursor - margin
        elif height and self.cursor >= top + height - margin:
            top = self.cursor - height + margin + 1
        top = min(max(top, 0), max(len(self._rows) - height, 0))
        if top != round(self.scroll_y):
            self.scroll_to(y=top, animate=False, immediate=True)
        self.refresh()

    # ------------------------------------------------------------ drawing

    def on_resize(self) -> None:
        self._lines.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))
        self.move_to(self.cursor)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # the theme changed

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = round(self.scroll_y) + y
        if row >= len(self._rows) or self._exercise is None:
            return Strip.blank(width, self.rich_style)
        seq = self._rows[row]
        strip = self._lines.get((seq, width))
        if strip is None:
            strip = self._draw(self._records[seq - 1], width)
            self._lines[(seq, width)] = strip
        if row == self.cursor:
            return strip.apply_style(self.get_component_rich_style("timeline--cursor"))
        return strip.apply_style(self.rich_style)

    def _draw(self, record: Record, width: int) -> Strip:
        assert self._exercise is not None
        self.drawn += 1
        text = log_line(self._exercise, record)
        reason = self._withdrawn.get(record.seq)
        if reason is not None:  # marked first (a narrow pane cuts the end), and why
            text.stylize("strike")
            text = Text.assemble(("✗ ", "bold"), text,
                                 (f"  withdrawn: {' '.join(reason.split())}", "italic"))
        if self._query:
            text.highlight_words([self._query], self.get_component_rich_style(
                "timeline--match", partial=True), case_sensitive=False)
        text.no_wrap = True
        text.truncate(width, overflow="ellipsis", pad=True)
        return Strip(text.render(self.app.console), width).simplify()

    # ------------------------------------------------------------ mouse

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = round(self.scroll_y) + offset.y
        if 0 <= row < len(self._rows):
            self.post_message(self.Picked(row))
