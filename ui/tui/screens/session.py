"""What the console and solo screens share: the controller, the subscription that
turns new records into `SessionUpdated`, refused commands as notifications, the
widths at which their panes rearrange, and the keys that only work while the
exercise runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import Screen

from engine.session import Record
from ui.controller import CommandError, SaveFailed, SessionPort
from ui.tui.app import ttx
from ui.tui.messages import SessionUpdated

T = TypeVar("T")

# The screen gets the class -narrow, -normal or -wide by its width in columns; the
# .tcss files lay the panes out for each.
BREAKPOINTS = [(0, "-narrow"), (110, "-normal"), (170, "-wide")]


def short_title(title: str) -> str:
    """The title up to its first colon, for a status line: "Pacific Shield"."""
    return title.split(":")[0].strip() or title


class SessionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "leave", "Back", tooltip="Back to the launcher (the session stays "
                "resumable)"),
        Binding("z", "zoom", "Zoom", show=False, tooltip="Fill the screen with the focused "
                "pane (z again restores it)"),
    ]
    HORIZONTAL_BREAKPOINTS = BREAKPOINTS
    WHILE_RUNNING: ClassVar[frozenset[str]] = frozenset()  # actions hidden once it ended

    def __init__(self, controller: SessionPort) -> None:
        super().__init__()
        self.controller = controller
        self._unsubscribe: Callable[[], None] | None = None

    def on_mount(self) -> None:
        self._unsubscribe = self.controller.subscribe(self._heard)
        if self.controller.cut:  # a crash cut the save's end: say what, until dismissed
            from ui.tui.screens.notice import NoticeScreen

            cut, self.controller.cut = self.controller.cut, []
            self.call_after_refresh(self.app.push_screen,
                                    NoticeScreen("Resumed after a crash", cut))

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif self.focused is None or not self.maximize(self.focused):
            self.notify("Move to a pane first (tab), then z fills the screen with it.")

    def action_leave(self) -> None:
        ttx(self).leave_session()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _heard(self, records: Sequence[Record]) -> None:
        # Called by the session after the records are on disk and folded in.
        self.post_message(SessionUpdated(records))

    def attempt(self, do: Callable[[], T]) -> T | None:
        """Run one controller call; a refusal becomes an error notification."""
        try:
            return do()
        except CommandError as exc:
            self.refused(exc)
            return None

    def submitter(self, do: Callable[[T], object]) -> Callable[[T], str | None]:
        """A form's submit callback: the refusal's message keeps the form open."""

        def submit(value: T) -> str | None:
            try:
                do(value)
            except CommandError as exc:
                self.refused(exc)
                return str(exc)
            return None

        return submit

    def refused(self, exc: CommandError) -> None:
        """Say why a command was not done; a save that failed turns the screen read-only
        (the session stays on screen, the keys that write are disabled)."""
        if isinstance(exc, SaveFailed):
            self.notify(str(exc), title="Save failed: read-only", severity="error",
                        timeout=60)
            self.refresh_bindings()
            self.refresh_session()
        else:
            self.notify(str(exc), title="Not done", severity="error")

    def refresh_session(self) -> None:
        """Paint the session as it is now (each screen its own panes)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.WHILE_RUNNING:
            c = self.controller
            return None if c.state.ended or c.read_only is not None else True
        return True

    def status_text(self) -> str:
        c = self.controller
        ex, state = c.exercise, c.state
        labelled = state.turn <= len(ex.turn_labels)
        where = ("ended" if state.ended else
                 (f"{ex.turn_label(state.turn)} · " if labelled else "")
                 + f"turn {state.turn}/{ex.turns}")
        read_only = " · READ-ONLY: the save cannot be written" if c.read_only else ""
        spent, planned = c.turn_minutes()
        module = ex.module(state.turn)
        timing = "" if state.ended else f" · {spent}/{planned} min" if planned else ""
        title = f" · {module.title}" if module and not state.ended else ""
        return f"{short_title(ex.title)} · {where}{title}{timing}{read_only}"
