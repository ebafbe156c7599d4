"""Text sparklines: a metric's history in block characters, on the metric's own range."""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int], lo: int, hi: int, width: int = 12) -> str:
    """The last `width` values, each drawn against the fixed range [lo, hi] so that
    two rows of the same metric compare at a glance."""
    shown = list(values)[-width:]
    span = hi - lo
    out = []
    for v in shown:
        frac = 0.0 if span <= 0 else (min(max(v, lo), hi) - lo) / span
        out.append(BLOCKS[min(int(frac * len(BLOCKS)), len(BLOCKS) - 1)])
    return "".join(out)
