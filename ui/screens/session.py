"""What the console and solo screens share: the controller, the subscription that
turns new records into `SessionUpdated`, and refused commands as notifications."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from textual.screen import Screen

from engine.session import Record
from ui.controller import CommandError, SessionController
from ui.messages import SessionUpdated

T = TypeVar("T")


class SessionScreen(Screen[None]):
    def __init__(self, controller: SessionController) -> None:
        super().__init__()
        self.controller = controller
        self._unsubscribe: Callable[[], None] | None = None

    def on_mount(self) -> None:
        self._unsubscribe = self.controller.subscribe(self._heard)

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
            self.notify(str(exc), title="Not done", severity="error")
            return None

    def submitter(self, do: Callable[[T], object]) -> Callable[[T], str | None]:
        """A form's submit callback: the refusal's message keeps the form open."""

        def submit(value: T) -> str | None:
            try:
                do(value)
            except CommandError as exc:
                self.notify(str(exc), title="Not done", severity="error")
                return str(exc)
            return None

        return submit

    def status_text(self) -> str:
        c = self.controller
        ex, state = c.exercise, c.state
        labelled = state.turn <= len(ex.turn_labels)
        where = ("ended" if state.ended else
                 (f"{ex.turn_label(state.turn)} · " if labelled else "")
                 + f"turn {state.turn}/{ex.turns}")
        short = ex.title.split(":")[0].strip() or ex.title
        return f"{short} · {where}"
