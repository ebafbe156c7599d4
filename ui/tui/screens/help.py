"""`?`: every key binding of the screen underneath (and the app's), with what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ui.tui.commands import own_actions
from ui.tui.widgets.footer import TTXFooter

SECTIONS = ("On this screen", "Everywhere", "In the focused pane")


def binding_rows(screen: Screen[object]) -> list[tuple[int, str, str]]:
    """(section, keys, description) for every binding active on `screen`, each once:
    the screen's own first, then the app's and Textual's, then the focused widget's
    (moving around). Keys shown as a range ("1-9") stand for their hidden siblings."""
    ours = own_actions(screen) | own_actions(screen.app)
    active = list(screen.active_bindings.values())
    ranged = {a.binding.action.partition("(")[0] for a in active
              if a.binding.show and a.binding.key_display}
    seen: dict[tuple[int, str], list[str]] = {}
    for item in active:
        binding = item.binding
        if not binding.show and binding.action.partition("(")[0] in ranged:
            continue
        what = binding.tooltip or binding.description or binding.action.replace("_", " ")
        if not item.enabled:
            what += " (not now)"
        mine = binding.action in ours
        rank = 0 if item.node is screen and mine else 1 if item.node in (screen,
                                                                      screen.app) else 2
        seen.setdefault((rank, what), []).append(screen.app.get_key_display(binding))
    return [(rank, " / ".join(dict.fromkeys(keys)), what)
            for (rank, what), keys in sorted(seen.items(), key=lambda kv: kv[0][0])]


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
        section = -1
        for rank, keys, what in self.rows:
            if rank != section:
                section = rank
                table.add_row("", Text(SECTIONS[rank], style="italic"))
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
