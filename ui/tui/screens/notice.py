"""Something the user must read before going on, shown until dismissed: what a crash
cut from a save's end when it was resumed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ui.tui.widgets.footer import TTXFooter


class NoticeScreen(ModalScreen[None]):
    CSS_PATH = "forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "dismiss_notice", "Understood"),
    ]

    def __init__(self, title: str, lines: Sequence[str]) -> None:
        super().__init__()
        self.title_text, self.lines = title, list(lines)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, id="form-title", markup=False)
            yield Static("\n".join(self.lines), id="confirm-details", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("Understood (enter)", variant="primary", id="ok", compact=True)
        yield TTXFooter()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_dismiss_notice(self) -> None:
        self.dismiss(None)
