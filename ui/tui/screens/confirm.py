"""Yes or no before something that cannot be undone (advancing with decisions pending,
ending the exercise, an irreversible choice in solo play)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ui.tui.widgets.footer import TTXFooter


class ConfirmScreen(ModalScreen[bool]):
    CSS_PATH = "forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, details: Sequence[str] = (), yes: str = "Yes") -> None:
        super().__init__()
        self.question, self.details, self.yes = question, list(details), yes

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="form-title", markup=False)
            if self.details:
                yield Static("\n".join(self.details), id="confirm-details", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button(f"{self.yes} (y)", variant="primary", id="yes", compact=True)
                yield Button("No (n)", id="no", compact=True)
        yield TTXFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
