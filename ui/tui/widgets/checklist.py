"""A selection list whose boxes read without colour: ✓ when ticked, blank when not
(Textual's draws an X in both states and tells them apart by colour alone)."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist


class Checklist(SelectionList[str]):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if len(segments) > 1 and segments[1].text == ToggleButton.BUTTON_INNER:
            mark = "✓" if option.value in self.selected else " "
            segments[1] = Segment(mark, segments[1].style)
        return Strip(segments, strip.cell_length)
