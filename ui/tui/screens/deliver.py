"""Pick a scripted inject to deliver now, in or out of its schedule; type to filter."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from ui.tui.screens.form import FormScreen, Invalid, labelled


@dataclass(frozen=True)
class InjectRow:
    id: str
    title: str
    when: str  # "turn 3", "follow-up", "triggered"
    delivered: int


class DeliverScreen(FormScreen[str]):
    HEADING = "Deliver a scripted inject now"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next", show=False, priority=True),
        Binding("up", "move(-1)", "Previous", show=False, priority=True),
    ]

    def __init__(self, injects: Sequence[InjectRow], selected: str | None = None,
                 submit: Callable[[str], str | None] | None = None) -> None:
        super().__init__(submit)
        self.injects, self.selected = list(injects), selected

    def fields(self) -> Iterable[Widget]:
        yield labelled("Filter", Input(id="filter", placeholder="type part of a title or id"))
        yield labelled("Inject", OptionList(id="injects"),
                       "↑↓ to pick, enter to deliver; once-only injects already "
                       "delivered are refused")

    def on_mount(self) -> None:
        self._fill("")
        if self.selected:
            try:
                ol = self.query_one("#injects", OptionList)
                ol.highlighted = ol.get_option_index(self.selected)
            except OptionDoesNotExist:
                pass
        self.query_one("#filter", Input).focus()

    def _fill(self, text: str) -> None:
        self._shown_for = text
        words = text.lower().split()
        rows = []
        for row in self.injects:
            hay = f"{row.id} {row.title} {row.when}".lower()
            if all(w in hay for w in words):
                seen = (f"  delivered {row.delivered}×", "$text-warning") if row.delivered \
                    else ""
                rows.append(Option(Content.assemble((f"{row.when:<10} ", "dim"), row.title,
                                                    (f"  [{row.id}]", "dim"), seen),
                                   id=row.id))
        ol = self.query_one("#injects", OptionList)
        ol.set_options(rows)
        if rows:
            ol.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self._fill(event.value)

    def action_move(self, step: int) -> None:
        ol = self.query_one("#injects", OptionList)
        if ol.option_count:
            ol.highlighted = max(0, min((ol.highlighted or 0) + step, ol.option_count - 1))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_submit()

    def collect(self) -> str:
        typed = self.query_one("#filter", Input).value
        if typed != self._shown_for:  # enter came before the filter's change was handled
            self._fill(typed)
        picked = self.query_one("#injects", OptionList).highlighted_option
        if picked is None or picked.id is None:
            raise Invalid("no inject matches the filter")
        return picked.id
