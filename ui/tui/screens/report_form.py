"""Where to write the after-action report: a path, next to the save unless changed;
`.html` writes the self-contained HTML report, `.md` the Markdown one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input

from ui.tui.screens.form import FormScreen, Invalid, labelled

SUFFIXES = (".html", ".htm", ".md", ".markdown")


class ReportScreen(FormScreen[Path]):
    HEADING = "Export the after-action report"

    def __init__(self, default: Path, submit: Callable[[Path], str | None] | None = None
                 ) -> None:
        super().__init__(submit)
        self.default = default

    def fields(self) -> Iterable[Widget]:
        yield labelled("Write to", Input(str(self.default), id="report-path"),
                       "a .html file (opens in any browser) or .md (Markdown)")

    def on_mount(self) -> None:
        self.query_one("#report-path", Input).focus()

    def collect(self) -> Path:
        text = self.query_one("#report-path", Input).value.strip()
        if not text:
            raise Invalid("say where to write the report")
        path = Path(text).expanduser()
        if path.suffix.lower() not in SUFFIXES:
            raise Invalid("end the file name in .html or .md: that picks the format")
        if path.is_dir():
            raise Invalid(f"{text} is a directory; name a file in it")
        return path
