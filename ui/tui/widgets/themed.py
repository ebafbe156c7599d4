"""A Static that builds a Rich renderable from the last data it was shown and the
theme's colours, and builds it again when the theme changes."""

from __future__ import annotations

from rich.console import RenderableType
from textual.widgets import Static

from engine.script import Exercise
from engine.state import State


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


class TeamView(ThemedStatic):
    """A ThemedStatic that draws one team's side of a session (`show(ex, state, team)`)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._view: tuple[Exercise, State, str] | None = None

    def show(self, exercise: Exercise, state: State, team: str) -> None:
        self._view = (exercise, state, team)
        self.rerender()
