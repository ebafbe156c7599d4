"""Before a session starts from the launcher: the seed, and who plays which team
(facilitated: which teams bots play; solo: the player's team)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.widget import Widget
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from ui.controller import ExerciseInfo
from ui.tui.screens.form import FormScreen, Invalid, labelled
from ui.tui.widgets.checklist import Checklist
from ui.tui.widgets.plain import plain


@dataclass(frozen=True)
class SetupForm:
    seed: int | None
    team: str | None
    bots: tuple[str, ...]


class SetupScreen(FormScreen[SetupForm]):
    def __init__(self, exercise: ExerciseInfo, solo: bool) -> None:
        super().__init__()
        self.exercise, self.solo = exercise, solo

    def heading(self) -> str:
        how = "Play solo" if self.solo else "Facilitate"
        return f"{how}: {self.exercise.title}"

    def fields(self) -> Iterable[Widget]:
        ex = self.exercise
        if self.solo:
            rows = [Option(plain(f"{t.name} ({t.id})" + (f" — {t.role}" if t.role else "")),
                           id=t.id) for t in ex.teams if t.playable]
            yield labelled("Your team", OptionList(*rows, id="team"),
                           "bots play every other team, each by its policy")
        else:
            yield labelled("Teams played by bots", Checklist(
                *[(plain(f"{t.name} ({t.id})"), t.id, not t.playable) for t in ex.teams],
                id="bots"), "space toggles; people (through you) play the others")
        yield labelled("Seed", Input(id="seed", placeholder="blank: the script's seed",
                                     type="integer"),
                       "the same seed and the same decisions replay the same exercise")
        yield Static("Enter starts (from any field); tab moves between fields.",
                     classes="field-hint")

    def on_mount(self) -> None:
        if self.solo:  # enter on a team starts
            self.query_one("#team", OptionList).highlighted = 0
            self.query_one("#team", OptionList).focus()
        else:  # enter starts with the defaults; shift+tab reaches the bots
            self.query_one("#seed", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_submit()

    def collect(self) -> SetupForm:
        raw = self.query_one("#seed", Input).value.strip()
        try:
            seed = int(raw) if raw else None
        except ValueError:
            raise Invalid("the seed is a whole number") from None
        if self.solo:
            picked = self.query_one("#team", OptionList).highlighted_option
            if picked is None or picked.id is None:
                raise Invalid("no team in this exercise may be played solo")
            return SetupForm(seed, picked.id, ())
        bots = tuple(self.query_one("#bots", SelectionList).selected)
        return SetupForm(seed, None, bots)
