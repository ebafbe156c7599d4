"""Metrics per team and global, each with its value now, its change this turn and a
sparkline of its history. Renders any `State` (live or a review checkpoint)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from engine.script import Exercise
from engine.state import MetricKey, State
from ui.widgets.sparkline import sparkline
from ui.widgets.themed import ThemedStatic

TREND = 12  # turns a sparkline shows at most


def recent(state: State, key: MetricKey, count: int = TREND) -> list[int]:
    """The last `count` points of a metric's history: the value at the end of each
    finished turn, then now if the turn is still open (only the points drawn are
    read, so a late turn costs no more than an early one)."""
    values = [h[key] for h in state.history[-count:] if key in h]
    if len(state.history) <= state.turn and key in state.metrics:
        values.append(state.metrics[key])
    return values[-count:]


class MetricsTable(ThemedStatic):
    """One row per (metric, team); global metrics have one row with no team."""

    DEFAULT_CLASSES = "metrics-table"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._exercise: Exercise | None = None
        self._state: State | None = None
        self._team: str | None = None

    def on_resize(self) -> None:
        self.rerender()

    def show(self, exercise: Exercise, state: State, team: str | None = None) -> None:
        """Draw `state`; `team` (solo play) is the player's team, shown first and bold."""
        self._exercise, self._state, self._team = exercise, state, team
        self.rerender()

    def build(self) -> RenderableType:
        ex, state = self._exercise, self._state
        if ex is None or state is None:
            return ""
        if not ex.metrics:
            return Text("This exercise has no metrics.", style="dim")
        up, down = self.tone("text-success"), self.tone("text-error")
        table = Table(box=None, expand=True, pad_edge=False, padding=(0, 1),
                      header_style="bold")
        table.add_column("Metric", ratio=1, overflow="fold", min_width=8)  # long names wrap
        table.add_column("Team", no_wrap=True, overflow="ellipsis", max_width=12)
        table.add_column("Now", justify="right", no_wrap=True)
        table.add_column("Δ", justify="right", no_wrap=True)
        table.add_column("Trend", no_wrap=True)
        before = state.history[-1] if state.history else {}
        teams = ex.team_ids
        if self._team in teams:
            teams = [self._team, *[t for t in teams if t != self._team]]
        for metric in ex.metrics:
            rows: list[str | None] = [None] if metric.scope == "global" else list(teams)
            for i, team in enumerate(rows):
                key = (metric.id, team)
                now = state.metrics.get(key)
                if now is None:
                    continue
                delta = now - before.get(key, now)
                shade = up if delta > 0 else down if delta < 0 else ""
                mine = team is not None and team == self._team
                table.add_row(
                    Text(metric.name if i == 0 else "", style="bold" if i == 0 else ""),
                    Text(team or "global", style="bold" if mine else "dim" if not team else ""),
                    Text(str(now), style="bold"),
                    Text(f"{delta:+d}" if delta else "·", style=shade),
                    Text(sparkline(recent(state, key), metric.min, metric.max),
                         style=self.tone("text-primary")))
        return table
