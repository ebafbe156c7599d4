"""Metrics per team and global, each with its value now, its change this turn and a
sparkline of its history. Renders any `State` (live or a review checkpoint).

Each metric's name is a line of its own, wrapped at the pane's width, with its rows
(one per team, or one global) under it: a long name ("Partner trust (confidence in,
and standing with, the other teams)") is read whole at any width instead of being
cut or squeezed into a narrow column. `MetricLines` (the review) draws the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text

from engine.script import Exercise, Metric
from engine.state import MetricKey, State
from ui.tui.widgets.sparkline import sparkline
from ui.tui.widgets.themed import ThemedStatic

TREND = 12  # turns a sparkline shows at most


def recent(state: State, key: MetricKey, count: int = TREND) -> list[int]:
    """The last `count` points of a metric's history: the value at the end of each
    finished turn, then now if the turn is still open (only the points drawn are
    read, so a late turn costs no more than an early one)."""
    values = [h[key] for h in state.history[-count:] if key in h]
    if len(state.history) <= state.turn and key in state.metrics:
        values.append(state.metrics[key])
    return values[-count:]


@dataclass(frozen=True)
class Styles:
    """Rich styles for the parts of a line (the theme's colours, resolved by the widget)."""

    header: str | Style = "bold"
    up: str | Style = ""
    down: str | Style = ""
    trend: str | Style = ""
    mine: str | Style = "bold"


def team_width(ex: Exercise) -> int:
    return min(max(max((len(t) for t in ex.team_ids), default=6), 6), 12)


def header_line(ex: Exercise, styles: Styles) -> Text:
    return Text(f"  {'Team':<{team_width(ex)}} {'Now':>4} {'Δ':>4}  Trend", style=styles.header)


def value_line(ex: Exercise, state: State, metric: Metric, team: str | None,
               mine: bool, width: int, styles: Styles) -> Text:
    """One row under a metric's name: team (or global), value, change, trend."""
    team_w = team_width(ex)
    key = (metric.id, team)
    now = state.metrics.get(key)
    before = state.history[-1].get(key, now) if state.history else now
    line = Text("  ")
    line.append(f"{(team or 'global')[:team_w]:<{team_w}} ",
                style=styles.mine if mine else "dim" if not team else "")
    line.append(f"{'' if now is None else now:>4} ", style="bold")
    delta = (now - before) if now is not None and before is not None else 0
    line.append(f"{f'{delta:+d}' if delta else '·':>4}  ",
                style=styles.up if delta > 0 else styles.down if delta < 0 else "")
    trend_w = max(0, min(TREND, width - len(line)))
    if trend_w:
        line.append(sparkline(recent(state, key, trend_w), metric.min, metric.max),
                    style=styles.trend)
    return line


def rows_of(ex: Exercise, team: str | None) -> list[tuple[Metric, list[str | None]]]:
    """Each metric with the teams of its rows; `team` (the player's, or a filter) first."""
    teams = ex.team_ids
    if team in teams:
        teams = [team, *[t for t in teams if t != team]]
    return [(m, [None] if m.scope == "global" else list(teams)) for m in ex.metrics]


class MetricsTable(ThemedStatic):
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
        styles = Styles(up=self.tone("text-success"), down=self.tone("text-error"),
                        trend=self.tone("text-primary"))
        width = self.content_size.width or 80
        lines: list[RenderableType] = [header_line(ex, styles)]
        for metric, teams in rows_of(ex, self._team):
            lines.append(Text(metric.name, style="bold", overflow="fold"))
            lines += [value_line(ex, state, metric, t, t is not None and t == self._team,
                                 width, styles)
                      for t in teams if (metric.id, t) in state.metrics]
        return Group(*lines)
