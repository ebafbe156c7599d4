"""One event explained: why it happened and what it did (each metric before -> after,
each roll and what it chose), from `engine.explain`."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from engine.explain import Explanation
from engine.script import Exercise
from ui.tui.widgets.themed import ThemedStatic


def _indented(line: str, style: str = "") -> Padding:
    """A line indented under its heading, wrapped lines too (a follow-up's sources,
    already indented, stay one step further in)."""
    extra = len(line) - len(line.lstrip(" "))
    return Padding(Text(line.lstrip(" "), style=style), (0, 0, 0, 2 + extra))


class _Body(ThemedStatic):
    def __init__(self) -> None:
        super().__init__()
        self.view: tuple[Exercise, Explanation] | None = None

    def build(self) -> RenderableType:
        if self.view is None:
            return Text("Select an event in the timeline to see why it happened.",
                        style="dim")
        ex, e = self.view
        accent, primary = self.tone("text-accent"), self.tone("text-primary")
        parts: list[RenderableType] = [
            Text(f"Event {e.seq} · turn {e.turn}"
                 + (f" · {ex.turn_label(e.turn)}" if e.turn else ""), style="dim"),
            Text(e.headline, style=f"bold {accent}"),
            Text(""),
            Text("Why", style=f"bold {primary}"),
            *(_indented(line) for line in e.why),
            Text(""),
            Text("What it did", style=f"bold {primary}"),
            *(_indented(line) for line in e.did),
        ]
        if e.changes:
            parts.append(self._changes(e))
        for roll in e.rolls:
            parts.append(_indented(str(roll), "italic"))
        return Group(*parts)

    def _changes(self, e: Explanation) -> Table:
        up, down = self.tone("text-success"), self.tone("text-error")
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False,
                      padding=(0, 1), expand=False)
        # the numbers keep their width; long metric and team names give way
        table.add_column("  Metric", no_wrap=True, overflow="ellipsis", max_width=28)
        table.add_column("Team", no_wrap=True, overflow="ellipsis", max_width=16)
        table.add_column("Before", justify="right", no_wrap=True, min_width=6)
        table.add_column("", no_wrap=True, min_width=1)
        table.add_column("After", justify="right", no_wrap=True, min_width=5)
        table.add_column("Δ", justify="right", no_wrap=True, min_width=4)
        for moved in e.changes:
            delta = moved.delta
            table.add_row(Text(f"  {moved.metric}"), Text(moved.team or "global"),
                          str(moved.before), "→",
                          Text(str(moved.after), style="bold"),
                          Text(f"{delta:+d}" if delta else "·",
                               style=up if delta > 0 else down if delta < 0 else "dim"))
        return table


class ExplainPane(VerticalScroll):
    DEFAULT_CLASSES = "explain-pane"

    def compose(self) -> ComposeResult:
        yield _Body()

    @property
    def body(self) -> _Body:
        return self.query_one(_Body)

    def show(self, exercise: Exercise, explanation: Explanation) -> None:
        body = self.body
        if body.view is not None and body.view[1] == explanation:
            return
        body.view = (exercise, explanation)
        body.rerender()
        self.scroll_home(animate=False)

    def clear(self) -> None:
        self.body.view = None
        self.body.rerender()
