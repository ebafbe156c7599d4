"""The footer every screen shows: compact key bindings, and the command palette's key
only where there is room for it (at 80 columns the screen's own keys come first)."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

ROOM_FOR_PALETTE = 100  # columns


class TTXFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= ROOM_FOR_PALETTE
        if wide != self.show_command_palette:
            self.show_command_palette = wide
