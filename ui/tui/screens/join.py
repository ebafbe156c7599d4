"""A seat's first screen when `ttx join` (or a browser) was given no code: ask for
it, connect, and say plainly when the host refuses it or cannot be reached."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from ui.tui.widgets.footer import TTXFooter
from ui.tui.widgets.plain import plain


class JoinScreen(Screen[str]):
    """Dismissed with the code typed; the app connects and, if refused, shows the
    reason here again."""

    CSS_PATH = "forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.request_quit", "Quit", priority=True),
    ]
    ABOUT = "Type the join code your facilitator gave you, then Enter."

    def __init__(self, url: str, problem: str = "") -> None:
        super().__init__()
        self.url, self.problem = url, problem

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Join a live session", id="form-title")
            yield Static(plain(f"Host: {self.url}"), classes="field-hint")
            yield Input(id="code", placeholder="join code", password=True, max_length=64)
            yield Static(plain(self.problem), id="form-error",
                         classes="shown" if self.problem else "")
        yield TTXFooter()

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        code = event.value.strip()
        if code:
            self.dismiss(code)
