"""A short list of the newest items up to the point under review (decisions so far,
notes so far), newest first; the screen hands it only as many as fit."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widget import Widget

from ui.tui.widgets.themed import ThemedStatic


class RecentList(ThemedStatic):
    DEFAULT_CLASSES = "recent-list"

    def __init__(self, empty: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._empty = empty
        self._lines: list[Text] = []

    def capacity(self, fallback: int = 20) -> int:
        """How many one-line items fit in the box around it (before the first layout:
        `fallback`)."""
        parent = self.parent
        height = parent.size.height if isinstance(parent, Widget) else 0
        return height or fallback

    def show(self, lines: Sequence[Text], *, wrap: bool = False) -> None:
        """`wrap`: long items wrap (notes) instead of ending in an ellipsis (log lines)."""
        self._lines = []
        for line in lines:
            line = line.copy()
            if not wrap:
                line.no_wrap, line.overflow = True, "ellipsis"
            self._lines.append(line)
        self.rerender()

    def build(self) -> RenderableType:
        if not self._lines:
            return Text(self._empty, style="dim")
        return Group(*self._lines)
