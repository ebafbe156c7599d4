"""The results of the turn that ended the exercise, before the score card: what each of
the trainee's decisions did, what the other teams did, and where the metrics ended."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from engine.debrief import turn_results
from engine.script import Exercise
from engine.state import State
from ui.tui.widgets.footer import TTXFooter
from ui.tui.widgets.metrics import MetricsTable
from ui.tui.widgets.plain import plain
from ui.tui.widgets.teams import OtherTeams
from ui.tui.widgets.themed import ThemedStatic


class _Results(ThemedStatic):
    def __init__(self, exercise: Exercise, state: State, team: str, turn: int) -> None:
        super().__init__(id="results-text")
        self.exercise, self.state, self.team, self.turn = exercise, state, team, turn

    def on_mount(self) -> None:
        super().on_mount()
        self.rerender()

    def build(self) -> RenderableType:
        results = turn_results(self.exercise, self.state, self.team, self.turn)
        if not results:
            return Text("No message reached your team in this turn.", style="dim")
        ok = self.tone("text-success")
        parts: list[RenderableType] = []
        for r in results:
            parts.append(Text(r.title, style="bold"))
            parts.append(Text(f"  You {r.decision}." if r.asked else "  For information: "
                              "no decision was asked.", style="" if r.asked else "dim"))
            if r.outcome:
                parts.append(Text(f"  {r.outcome[0].upper()}{r.outcome[1:]}",
                                  style=f"italic {ok}"))
            if r.asked:
                parts.append(Text(f"  What it did: {r.changes or 'nothing measurable'}",
                                  style="dim"))
        return Group(*parts)


class ResultsScreen(Screen[None]):
    CSS_PATH = "solo.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "score_card", "Score card"),
    ]
    ABOUT = "What the last turn's decisions did. Press Enter for the score card."

    def __init__(self, exercise: Exercise, state: State, team: str) -> None:
        super().__init__()
        self.exercise, self.state, self.team = exercise, state, team

    def compose(self) -> ComposeResult:
        turn = self.state.turn
        with VerticalScroll(id="results"):
            yield Static(plain(f"Turn {turn} is over: the results"), classes="results-heading")
            yield _Results(self.exercise, self.state, self.team, turn)
            yield Static("The other teams", classes="results-heading")
            yield OtherTeams(id="results-teams")
            yield Static("Your metrics now (change over the turn)", classes="results-heading")
            yield MetricsTable(id="results-metrics")
        yield TTXFooter()

    def on_mount(self) -> None:
        self.query_one(OtherTeams).show(self.exercise, self.state, self.team)
        self.query_one(MetricsTable).show(self.exercise, self.state, self.team)
        self.query_one("#results").focus()

    def action_score_card(self) -> None:
        self.dismiss(None)
