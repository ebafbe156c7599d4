"""The trainee's briefing before turn 1 (and on `i` at any time): the exercise
briefing, the team's role and brief, the modules begun so far, the glossary and who
plays the other teams. Built only from the player view, so it shows nothing a team's
players may not see."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen

from engine import wording
from engine.script import Exercise
from engine.views import PlayerView
from ui.tui.widgets.footer import TTXFooter
from ui.tui.widgets.themed import ThemedStatic


class _Text(ThemedStatic):
    def __init__(self, exercise: Exercise, view: PlayerView) -> None:
        super().__init__(id="solo-briefing-text")
        self.exercise, self.view = exercise, view

    def on_mount(self) -> None:
        super().on_mount()
        self.rerender()

    def build(self) -> RenderableType:
        v, ex = self.view, self.exercise
        accent, primary = self.tone("text-accent"), self.tone("text-primary")

        def heading(words: str) -> list[RenderableType]:
            return [Text(""), Text(words, style=f"bold {primary}")]

        parts: list[RenderableType] = [
            Text(v.exercise, style=f"bold {accent}"),
            Text(f"You play {v.team_name}" + (f": {v.role}" if v.role else ""), style="bold"),
        ]
        if v.briefing.strip():
            parts += [*heading("The situation"), Text(wording.prose(v.briefing))]
        if v.brief and v.brief.strip():
            parts += [*heading(f"Your brief ({v.team_name} only)"),
                      Text(wording.prose(v.brief))]
        for module in v.modules:
            parts += heading(f"Turn {module.turn}: {module.title}")
            if module.situation.strip():
                parts.append(Text(wording.prose(module.situation)))
            if module.questions:
                parts.append(Text("To discuss:", style="italic"))
                parts += [Text(f"  • {q}") for q in module.questions]
        others = [t for t in ex.teams if t.id != v.team]
        if others:
            parts += heading("The other teams (played by bots)")
            parts += [Text.assemble(("  " + t.name, "bold"),
                                    (f": {wording.policy_words(ex, t.policy)}", "dim"))
                      for t in others]
        if v.glossary:
            parts += heading("Glossary")
            parts += [Text.assemble((f"  {term}", "bold"), f": {meaning}")
                      for term, meaning in v.glossary]
        parts += [Text(""), Text(
            f"{ex.turns} turns. Each turn, messages arrive in your inbox; choose among the "
            "options or answer in your own words, then end the turn to see what your "
            "choices did. Press i to read this briefing again.", style="dim")]
        return Group(*parts)


class SoloBriefingScreen(Screen[None]):
    """A full screen, not a dialog: the first thing a trainee reads, at any width."""

    CSS_PATH = "solo.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape,i", "play", "Play", tooltip="Close the briefing and play"),
    ]
    ABOUT = "Your briefing: read it, then press Enter to play."

    def __init__(self, exercise: Exercise, view: PlayerView) -> None:
        super().__init__()
        self.exercise, self.view = exercise, view

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="solo-briefing"):
            yield _Text(self.exercise, self.view)
        yield TTXFooter()

    def on_mount(self) -> None:
        self.query_one("#solo-briefing").focus()

    def action_play(self) -> None:
        self.dismiss(None)
