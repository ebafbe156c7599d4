"""A Static that builds a Rich renderable from the last data it was shown and the
theme's colours, and builds it again when the theme changes."""

from __future__ import annotations

from rich.console import RenderableType
from textual.widgets import Static


class ThemedStatic(Static):
    """Subclasses keep their inputs in `show(...)` and draw them in `build()`."""

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _: self.rerender(), init=False)

    def tone(self, name: str) -> str:
        """A theme colour by its CSS variable name (e.g. `text-success`), as hex."""
        value = self.app.theme_variables.get(name, "")
        return value if value.startswith("#") else ""

    def build(self) -> RenderableType:
        return ""

    def rerender(self) -> None:
        self.update(self.build())
