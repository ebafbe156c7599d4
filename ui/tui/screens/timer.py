"""Set a hosted session's turn timer: minutes from now, and whether the host ends
the turn by itself at zero."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from textual.widget import Widget
from textual.widgets import Checkbox, Input

from ui.tui.screens.form import FormScreen, Invalid, labelled


@dataclass(frozen=True)
class TimerForm:
    minutes: float
    auto_advance: bool


class TimerScreen(FormScreen[TimerForm]):
    HEADING = "Set the turn's timer"

    def __init__(self, minutes: float | None, auto_advance: bool,
                 submit: Callable[[TimerForm], str | None] | None = None) -> None:
        super().__init__(submit)
        self.minutes, self.auto_advance = minutes, auto_advance

    def fields(self) -> Iterable[Widget]:
        shown = "" if self.minutes is None else f"{self.minutes:g}"
        yield labelled("Minutes", Input(shown, id="minutes", placeholder="e.g. 20",
                                        type="number"),
                       "from now; 0 stops the timer. Every seat sees the countdown")
        yield labelled("At zero", Checkbox("end the turn", self.auto_advance, id="auto"),
                       "otherwise every seat is told and the turn goes on")

    def on_mount(self) -> None:
        self.query_one("#minutes", Input).focus()

    def collect(self) -> TimerForm:
        raw = self.query_one("#minutes", Input).value.strip()
        try:
            minutes = float(raw)
        except ValueError:
            raise Invalid("minutes: a number, such as 20 (0 stops the timer)") from None
        if not 0 <= minutes <= 24 * 60:
            raise Invalid("minutes: from 0 to 1440")
        return TimerForm(minutes, self.query_one("#auto", Checkbox).value)
