"""Text sparklines: a metric's history in block characters, on the metric's own range."""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int], lo: int, hi: int) -> str:
    """One block per value, each drawn against the fixed range [lo, hi] (the metric's,
    not the values'), so that two rows of the same metric compare at a glance."""
    span = hi - lo
    out = []
    for v in values:
        frac = 0.0 if span <= 0 else (min(max(v, lo), hi) - lo) / span
        out.append(BLOCKS[min(int(frac * len(BLOCKS)), len(BLOCKS) - 1)])
    return "".join(out)
