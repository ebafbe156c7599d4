"""The metrics board of the review screen: the lines of `MetricsTable` (each metric's
name, wrapped, then a row per team with its value now, change this turn and trend),
drawn a line at a time.

`MetricsTable` renders every line as one Rich group, which is right for a live
session's few metrics but slow for an exercise of 20 teams and 30 metrics (about 500
rows); a review repaints the board on every step, so this one draws only the lines on
screen and a step costs the same for any exercise.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from engine.script import Exercise, Metric
from engine.state import State
from ui.tui.widgets.metrics import Styles, header_line, rows_of, value_line

Row = tuple[Metric, str | None] | str  # a value row, or a line of a metric's name


class MetricLines(ScrollView, can_focus=False):
    DEFAULT_CLASSES = "metric-lines"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"metric-lines--header", "metric-lines--up",
                                             "metric-lines--down", "metric-lines--trend",
                                             "metric-lines--mine"}
    DEFAULT_CSS = """
    MetricLines {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    MetricLines > .metric-lines--header { text-style: bold; }
    MetricLines > .metric-lines--up { color: $text-success; }
    MetricLines > .metric-lines--down { color: $text-error; }
    MetricLines > .metric-lines--trend { color: $text-primary; }
    MetricLines > .metric-lines--mine { text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._exercise: Exercise | None = None
        self._state: State | None = None
        self._team: str | None = None
        self._rows: list[Row] = []
        self._width = 0
        self._lines: LRUCache[tuple[int, int], Strip] = LRUCache(256)

    def show(self, exercise: Exercise, state: State, team: str | None = None) -> None:
        """Draw `state`; `team` (a team filter) is shown first and bold."""
        if exercise is not self._exercise or team != self._team:
            self._exercise, self._team = exercise, team
            self._width = 0  # lay the rows out again
        self._state = state
        self._layout()

    def on_resize(self) -> None:
        self._layout()

    def _layout(self) -> None:
        """The rows at this width: names wrap, so their line count depends on it."""
        width = self.scrollable_content_region.width
        if self._exercise is not None and width != self._width:
            self._width = width
            self._rows = []
            for metric, teams in rows_of(self._exercise, self._team):
                self._rows += [line.plain for line in Text(metric.name).wrap(
                    self.app.console, max(width, 8))]
                self._rows += [(metric, t) for t in teams]
        self._lines.clear()
        self.virtual_size = Size(width, len(self._rows) + 1)
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    # ------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = round(self.scroll_y) + y
        if self._exercise is None or self._state is None or row > len(self._rows):
            return Strip.blank(width, self.rich_style)
        if not self._rows:
            text = Text("This exercise has no metrics." if row == 0 else "", style="dim")
            return self._strip(text, width)
        strip = self._lines.get((row, width))
        if strip is None:
            strip = self._strip(self._line(row, width), width)
            self._lines[(row, width)] = strip
        return strip

    def _strip(self, text: Text, width: int) -> Strip:
        text.no_wrap = True
        text.truncate(width, overflow="ellipsis", pad=True)
        return Strip(text.render(self.app.console), width).apply_style(self.rich_style)

    def _line(self, row: int, width: int) -> Text:
        assert self._exercise is not None and self._state is not None
        style = self.get_component_rich_style
        styles = Styles(header=style("metric-lines--header"), up=style("metric-lines--up"),
                        down=style("metric-lines--down"), trend=style("metric-lines--trend"),
                        mine=style("metric-lines--mine"))
        if row == 0:
            return header_line(self._exercise, styles)
        item = self._rows[row - 1]
        if isinstance(item, str):
            return Text(item, style="bold")
        metric, team = item
        return value_line(self._exercise, self._state, metric, team,
                          team is not None and team == self._team, width, styles)
