"""Chart geometry for reports: where each axis, tick, line and point goes.

The templates draw what this computes (inline SVG in HTML, a table and a sparkline
in Markdown), so the report needs no script, no network and no charting library:
it opens offline and prints. The y axis spans the metrics' declared ranges (a
trust of 60 reads as "60 out of 100", as the script defines it).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.aar_timeline import Chart

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442",
           "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3")  # a second cue besides colour


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Line:
    metric: str
    label: str
    color: str
    dash: str
    points: tuple[tuple[float, float, int], ...]  # (x, y, value)

    @property
    def path(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.points)


@dataclass(frozen=True)
class Layout:
    chart: Chart
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    lines: tuple[Line, ...]
    legend_top: float


def layout(chart: Chart, width: int = 680, plot_height: int = 220) -> Layout:
    lo = min(s.lo for s in chart.series)
    hi = max(s.hi for s in chart.series)
    if hi == lo:
        hi = lo + 1
    left, top, right = 48.0, 16.0, width - 44.0  # room for the last x label
    bottom = top + plot_height
    n = len(chart.x_labels)
    step = (right - left) / max(n - 1, 1)

    def x(i: int) -> float:
        return left + i * step if n > 1 else (left + right) / 2

    def y(v: int) -> float:
        return bottom - (v - lo) / (hi - lo) * (bottom - top)

    lines = tuple(
        Line(s.metric, s.label, PALETTE[k % len(PALETTE)], DASHES[(k // len(PALETTE) + k)
                                                                  % len(DASHES)],
             tuple((x(i), y(v), v) for i, v in enumerate(s.values)))
        for k, s in enumerate(chart.series))
    every = max(1, (n + 9) // 10)  # at most about ten x labels
    x_ticks = tuple(Tick(x(i), label) for i, label in enumerate(chart.x_labels)
                    if i % every == 0 or i == n - 1)
    y_ticks = tuple(Tick(y(v), str(v)) for v in _nice_ticks(lo, hi))
    legend_top = bottom + 40
    height = int(legend_top + 18 * len(lines) + 8)
    return Layout(chart, width, height, left, top, right, bottom, x_ticks, y_ticks, lines,
                  legend_top)


def _nice_ticks(lo: int, hi: int) -> list[int]:
    span = hi - lo
    step = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        step = candidate
        if span / candidate <= 5:
            break
    else:
        step = max(1, span // 5)
    first = lo + (-lo) % step
    return [v for v in range(first, hi + 1, step)] or [lo, hi]
