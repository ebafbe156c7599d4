"""The metrics board of the review screen: the columns of `MetricsTable` (metric, team,
value now, change this turn, sparkline of its history so far), drawn a line at a time.

`MetricsTable` renders every row as one Rich table, which is right for a live
session's few metrics but takes half a second for an exercise of 20 teams and 30
metrics (about 500 rows); a review repaints the board on every step, so this one
draws only the rows on screen and a step costs the same for any exercise.
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
from ui.widgets.metrics import TREND, recent
from ui.widgets.sparkline import sparkline


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
        self._rows: list[tuple[Metric, str | None, bool]] = []  # metric, team, first of it
        self._lines: LRUCache[tuple[int, int], Strip] = LRUCache(256)

    def show(self, exercise: Exercise, state: State, team: str | None = None) -> None:
        """Draw `state`; `team` (a team filter) is shown first and bold."""
        if exercise is not self._exercise or team != self._team:
            self._exercise, self._team = exercise, team
            teams = exercise.team_ids
            if team in teams:
                teams = [team, *[t for t in teams if t != team]]
            self._rows = []
            for metric in exercise.metrics:
                keys: list[str | None] = [None] if metric.scope == "global" else list(teams)
                self._rows += [(metric, t, i == 0) for i, t in enumerate(keys)]
        self._state = state
        self._lines.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows) + 1)
        self.refresh()

    def on_resize(self) -> None:
        self._lines.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows) + 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    # ------------------------------------------------------------ drawing

    def _widths(self, width: int) -> tuple[int, int, int]:
        """Widths of the metric, team and trend columns (now and change are fixed): the
        names first, then as much of the trend as fits, up to `TREND` turns."""
        ex = self._exercise
        team = min(max(max((len(t) for t in ex.team_ids), default=6) if ex else 6, 6), 12)
        longest = max((len(m.name) for m in ex.metrics), default=6) if ex else 6
        room = width - team - 13  # the spaces, now (4) and change (4)
        name = max(6, min(longest, room - 5))
        return name, team, max(0, min(TREND, room - name))

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
        name_w, team_w, trend_w = self._widths(width)
        style = self.get_component_rich_style
        if row == 0:
            return Text.assemble(
                (f"{'Metric':<{name_w}} {'Team':<{team_w}} {'Now':>4} {'Δ':>4}  "
                 f"{'Trend'[:trend_w]}",
                 style("metric-lines--header")))
        assert self._state is not None
        state = self._state
        metric, team, first = self._rows[row - 1]
        key = (metric.id, team)
        now = state.metrics.get(key)
        before = state.history[-1].get(key, now) if state.history else now
        name = metric.name if first else ""
        if len(name) > name_w:
            name = name[:name_w - 1] + "…"
        line = Text()
        line.append(f"{name:<{name_w}} ", style="bold" if first else "")
        mine = team is not None and team == self._team
        line.append(f"{(team or 'global')[:team_w]:<{team_w}} ",
                    style=style("metric-lines--mine") if mine else "dim" if not team else "")
        line.append(f"{'' if now is None else now:>4} ", style="bold")
        delta = (now - before) if now is not None and before is not None else 0
        line.append(f"{f'{delta:+d}' if delta else '·':>4}  ",
                    style=style("metric-lines--up") if delta > 0 else
                    style("metric-lines--down") if delta < 0 else "")
        if trend_w:
            line.append(sparkline(recent(state, key, trend_w), metric.min, metric.max),
                        style=style("metric-lines--trend"))
        return line
