"""The base of every modal form: fields, an inline error line, OK and Cancel.

A form is given a `submit` callback that carries the result out (usually one engine
command through the controller) and returns an error message or None; the form
closes only when it succeeded, so a refused command never loses what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Select, SelectionList, Static, TextArea

from ui.tui.widgets.find_select import SelectOverlay  # an open drop-down: enter picks
from ui.tui.widgets.footer import TTXFooter
from ui.tui.widgets.plain import plain

T = TypeVar("T")


class Invalid(Exception):
    """A field the person has to fix; the message says how."""


class FormScreen(ModalScreen[T], Generic[T]):
    CSS_PATH = "forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Submit", priority=True),
        # Enter submits from any field; an open drop-down and a text area keep theirs.
        Binding("enter", "submit_from_field", "Submit", show=False, priority=True),
    ]
    HEADING = ""

    def __init__(self, submit: Callable[[T], str | None] | None = None) -> None:
        super().__init__()
        self._submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(plain(self.heading()), id="form-title")
            yield from self.fields()
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons"):
                ok = Button("OK (ctrl+s)", variant="primary", id="ok", compact=True)
                cancel = Button("Cancel (esc)", id="cancel", compact=True)
                ok.can_focus = cancel.can_focus = False  # Tab goes field to field
                yield ok
                yield cancel
        yield TTXFooter()

    def heading(self) -> str:
        return self.HEADING

    def fields(self) -> Iterable[Widget]:
        return ()

    def collect(self) -> T:
        """Read the fields into a result; raise Invalid to keep the form open."""
        raise NotImplementedError

    # ------------------------------------------------------------ plumbing

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(plain(message))
        self.query_one("#form-error").set_class(bool(message), "shown")

    def action_submit(self) -> None:
        try:
            result = self.collect()
        except Invalid as exc:
            self.show_error(str(exc))
            return
        if self._submit is not None:
            problem = self._submit(result)
            if problem:
                self.show_error(problem)
                return
        self.dismiss(result)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit_from_field":
            return not isinstance(self.focused, TextArea | SelectOverlay)
        return True

    def action_submit_from_field(self) -> None:
        self.action_submit()

    def on_mount(self) -> None:
        self.call_after_refresh(self._remember)

    def _remember(self) -> None:
        self._initial = self._entered()

    def _entered(self) -> list[object]:
        """What the fields hold now, to tell a half-filled form from an untouched one."""
        values: list[object] = []
        for widget in self.query("Input, TextArea, Select, SelectionList"):
            if isinstance(widget, Input):
                values.append(widget.value)
            elif isinstance(widget, TextArea):
                values.append(widget.text)
            elif isinstance(widget, Select):
                values.append(widget.value)
            elif isinstance(widget, SelectionList):
                values.append(tuple(widget.selected))
        return values

    def action_cancel(self) -> None:
        """Close; a form someone has typed into asks first (one Esc loses nothing)."""
        if self._entered() == getattr(self, "_initial", None):
            self.dismiss(None)
            return
        from ui.tui.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard what you entered?", yes="Discard"),
                             answered)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.action_cancel()


def team_choices(teams: Iterable[tuple[str, str]]) -> list[tuple[Content, str]]:
    """(name (id), id) for a Select or SelectionList: names are shown, never parsed."""
    return [(plain(f"{name} ({tid})"), tid) for tid, name in teams]


def labelled(label: str, widget: Widget, hint: str = "") -> Horizontal:
    """A field in one row: its label on the left, the widget (compact) and a dim hint
    under it on the right, so a whole form fits in 24 lines."""
    if hasattr(widget, "compact"):
        widget.compact = True
    parts: list[Widget] = [widget]
    if hint:
        parts.append(Static(plain(hint), classes="field-hint"))
    return Horizontal(Static(plain(label), classes="field-label"),
                      Vertical(*parts, classes="field-input"), classes="field")
