"""Messages the TUI's screens and widgets send each other."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.message import Message

from engine.session import Record


class SessionUpdated(Message):
    """New records reached the save and the state: every view of the session repaints."""

    bubble = False  # for the screen that subscribed, not its app

    def __init__(self, records: Sequence[Record]) -> None:
        super().__init__()
        self.records = list(records)


@dataclass(frozen=True)
class OpenRequest:
    """What to open: a new facilitated or solo session from a script, or a save."""

    kind: str  # facilitate | play | resume | review
    script: str | None = None
    save: str | None = None
    seed: int | None = None
    team: str | None = None
    bots: tuple[str, ...] = ()
    force: bool = False


class OpenSession(Message):
    """The launcher asks the app to open a session (the app shows progress, then it)."""

    def __init__(self, request: OpenRequest) -> None:
        super().__init__()
        self.request = request
