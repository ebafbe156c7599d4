"""A solo player's answer in their own words, instead of (or with no) option."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.widget import Widget
from textual.widgets import Input

from ui.tui.screens.form import FormScreen, Invalid, labelled


class ResponseScreen(FormScreen[str]):
    def __init__(self, title: str, submit: Callable[[str], str | None] | None = None) -> None:
        super().__init__(submit)
        self.title_text = title

    def heading(self) -> str:
        return f"Your response to {self.title_text}"

    def fields(self) -> Iterable[Widget]:
        yield labelled("Response", Input(id="response", placeholder="what your team does"))

    def collect(self) -> str:
        text = self.query_one("#response", Input).value.strip()
        if not text:
            raise Invalid("write something, or press esc")
        return text
