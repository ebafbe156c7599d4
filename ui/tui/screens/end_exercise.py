"""End the exercise now, with an optional outcome statement for the record."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.widget import Widget
from textual.widgets import Input, Static

from ui.tui.screens.form import FormScreen, labelled


class EndExerciseScreen(FormScreen[str]):
    HEADING = "End the exercise now?"

    def __init__(self, pending: int, submit: Callable[[str], str | None] | None = None) -> None:
        super().__init__(submit)
        self.pending = pending

    def fields(self) -> Iterable[Widget]:
        if self.pending:
            yield Static(f"{self.pending} decision(s) are still pending; they stay "
                         "unrecorded.", classes="field-hint")
        yield labelled("Outcome (optional)", Input(id="outcome",
                       placeholder="e.g. Stopped at STARTEX+3h for the hot wash"),
                       "ratings and hot-wash notes can still be added afterwards")

    def collect(self) -> str:
        return self.query_one("#outcome", Input).value.strip()
