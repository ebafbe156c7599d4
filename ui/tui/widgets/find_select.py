"""A drop-down that finds as you type, even while closed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.content import Content
from textual.widgets import Select
from textual.widgets._select import SelectOverlay  # the list Select opens; no public name

T = TypeVar("T")

__all__ = ["FindSelect", "SelectOverlay"]


def _searchable(prompt: RenderableType) -> RenderableType:
    """Textual searches str and rich Text prompts only; our names come as Content (so
    they are never markup): hand them over as Text, which is not markup either."""
    return Text(prompt.plain) if isinstance(prompt, Content) else prompt


class FindSelect(Select[T]):
    """Typing a letter on the closed field opens its list at the first option that
    contains what was typed; more letters narrow the search (Textual's own type-to-
    search, which otherwise works only once the list is open). Enter is left to the
    form (it submits); down, up or space open the list as in any Select."""

    def __init__(self, options: Iterable[tuple[RenderableType, T]], **kwargs: Any) -> None:
        super().__init__([(_searchable(p), v) for p, v in options], **kwargs)

    def set_options(self, options: Iterable[tuple[RenderableType, T]]) -> None:
        super().set_options([(_searchable(p), v) for p, v in options])

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable or event.character in (None, " "):
            return
        event.stop()
        event.prevent_default()
        if not self.expanded:
            self.action_show_overlay()
        # Handed on after the list takes focus (focus is deferred, and gaining it resets
        # a search), in order: keys typed fast reach this field until the list has it.
        self.app.call_later(self.query_one(SelectOverlay).post_message,
                            events.Key(event.key, event.character))
