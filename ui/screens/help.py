"""`?`: every key binding of the screen underneath (and the app's), with what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ui.widgets.footer import TTXFooter


def binding_rows(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, description) for every binding active on `screen`: the screen's own first,
    then the app's, then those of the focused widget (moving around)."""
    seen: dict[tuple[int, str], list[str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        what = binding.tooltip or binding.description or binding.action.replace("_", " ")
        if not active.enabled:
            what += " (not now)"
        rank = 0 if active.node is screen else 1 if active.node is screen.app else 2
        seen.setdefault((rank, what), []).append(screen.app.get_key_display(binding))
    return [(" / ".join(dict.fromkeys(keys)), what)
            for (_, what), keys in sorted(seen.items(), key=lambda kv: kv[0][0])]


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close"),
    ]

    def __init__(self, under: Screen[object], title: str, about: str = "") -> None:
        super().__init__()
        self.rows = binding_rows(under)
        self.title_text, self.about = title, about

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("Key", no_wrap=True, style="bold")
        table.add_column("Action", ratio=1)
        for keys, what in self.rows:
            table.add_row(keys, what)
        with Vertical(id="dialog"):
            yield Static(f"Keys: {self.title_text}", id="form-title")
            if self.about:
                yield Static(self.about, classes="field-hint")
            with VerticalScroll(id="help-table"):
                yield Static(table)
        yield TTXFooter()

    def action_close(self) -> None:
        self.dismiss(None)
