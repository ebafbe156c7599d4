"""What stopped a session from opening: a script's `file:line:col` diagnostics or a
save's damage, one per line, instead of a traceback. Nothing here writes anything."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ui.controller import OpenError
from ui.tui.app import ttx
from ui.tui.widgets.footer import TTXFooter


class ErrorScreen(Screen[None]):
    CSS_PATH = "errors.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,b", "back", "Back"),
        Binding("r", "read_only", "Open read-only"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, error: OpenError, hint: str = "") -> None:
        super().__init__()
        self.error, self.hint = error, hint

    def compose(self) -> ComposeResult:
        yield Static(f"⚠ {self.error.title}", id="error-title", markup=False)
        with VerticalScroll(id="error-details"):
            yield Static("\n".join(self.error.details) or "(no details)", id="error-lines",
                         markup=False)
        default = ("Nothing was written. Press r to open the save read-only."
                   if self.error.read_only else
                   "Fix the problem, then try again. Nothing was written.")
        yield Static(self.hint or default, id="error-hint", markup=False)
        yield TTXFooter()

    def on_mount(self) -> None:
        self.query_one("#error-details").border_title = f"{self.error.count} problem(s)"

    def action_quit(self) -> None:
        """Quit `ttx`; exit status 1 when this is what the command line asked for."""
        if ttx(self).has_launcher:
            self.app.exit()
        else:
            self.app.exit(return_code=1, message=Text(str(self.error)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.error.read_only is not None if action == "read_only" else True

    def action_read_only(self) -> None:
        """Open the save in review: reading needs no lock and writes nothing."""
        from ui.tui.screens.review import ReviewScreen

        if self.error.read_only is not None:
            self.app.switch_screen(ReviewScreen(self.error.read_only))

    def action_back(self) -> None:
        """Back to the launcher; started straight from the command line, quit (exit 1)."""
        if ttx(self).has_launcher:
            self.app.pop_screen()
        else:
            self.app.exit(return_code=1, message=Text(str(self.error)))
