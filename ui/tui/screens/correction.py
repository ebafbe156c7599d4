"""Withdraw a decision, an evaluator's rating or a note of this turn, saying why (to
amend a decision: withdraw it, then record the right one)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from textual.widget import Widget
from textual.widgets import Input, Select

from ui.tui.screens.form import FormScreen, Invalid, labelled
from ui.tui.widgets.find_select import FindSelect
from ui.tui.widgets.plain import plain


@dataclass(frozen=True)
class CorrectionForm:
    event: int
    reason: str


class CorrectionScreen(FormScreen[CorrectionForm]):
    HEADING = "Correct a mistake: withdraw a decision, rating or note of this turn"

    def __init__(self, items: Sequence[tuple[int, str]],
                 submit: Callable[[CorrectionForm], str | None] | None = None) -> None:
        """`items`: (event number, the log line saying what it was), newest first."""
        super().__init__(submit)
        self.items = list(items)

    def fields(self) -> Iterable[Widget]:
        yield labelled("Withdraw", FindSelect([(plain(text), seq) for seq, text in self.items],
                                              value=self.items[0][0], allow_blank=False,
                                              id="event"),
                       "it stays in the log; what it did is undone")
        yield labelled("Because", Input(id="reason", placeholder="why it is withdrawn"),
                       "shown in the log, the review and the report")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def collect(self) -> CorrectionForm:
        event = self.query_one("#event", Select).value
        reason = self.query_one("#reason", Input).value.strip()
        if not isinstance(event, int):
            raise Invalid("choose what to withdraw")
        if not reason:
            raise Invalid("say why it is withdrawn")
        return CorrectionForm(event, reason)
