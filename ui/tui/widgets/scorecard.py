"""A score card per team: latest rating per objective with its weight and note, and the
weighted total. Renders any `State`, for the end screen and after-action review."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from engine import wording
from engine.aar import rating_label
from engine.scoring import objective_score, scale_max, weighted_total
from engine.script import Exercise
from engine.state import RatingEntry, State
from ui.tui.widgets.ratings import score_tone
from ui.tui.widgets.themed import ThemedStatic


class ScoreCard(ThemedStatic):
    DEFAULT_CLASSES = "score-card"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._exercise: Exercise | None = None
        self._state: State | None = None
        self._teams: list[str] = []

    def show(self, exercise: Exercise, state: State, teams: Sequence[str]) -> None:
        self._exercise, self._state, self._teams = exercise, state, list(teams)
        self.rerender()

    def build(self) -> RenderableType:
        ex, state = self._exercise, self._state
        if ex is None or state is None:
            return ""
        return Group(*(self._card(ex, state, team) for team in self._teams))

    @staticmethod
    def _basis(ex: Exercise, state: State, entry: RatingEntry) -> str:
        """What the rating rests on, in names: the option chosen (a suggested rating's
        own note carries ids), or the evaluator's note."""
        if entry.delivery is None or not 1 <= entry.delivery <= len(state.deliveries):
            return entry.note
        delivery = state.delivery(entry.delivery)
        made = delivery.decisions.get(entry.team)
        option = getattr(made, "option", None)
        return (f"chose {wording.quoted(wording.option_label(ex, delivery.inject, option))} "
                f"on {wording.quoted(wording.title(ex, delivery))}") if option else entry.note

    def _card(self, ex: Exercise, state: State, team: str) -> RenderableType:
        top = scale_max(ex)
        info = ex.team(team)
        table = Table(title=Text(info.name if info else team, style="bold"),
                      title_justify="left", expand=True, header_style="bold",
                      box=None, pad_edge=False, padding=(0, 1))
        table.add_column("Objective", ratio=3, overflow="fold")
        table.add_column("Weight", justify="right", no_wrap=True)
        table.add_column("Rating", no_wrap=True)
        table.add_column("Note", ratio=2, overflow="fold")
        for objective in ex.objectives:
            entry = state.latest.get((team, objective.id))
            score = objective_score(ex, state, team, objective.id)
            rating = Text("not rated", style="dim") if entry is None or score is None else \
                Text.assemble((str(entry.rating), f"bold {self.tone(score_tone(score, top))}"),
                              (f" {rating_label(ex, entry.rating).lower()}", "dim"))
            table.add_row(Text(objective.title), f"{objective.weight:g}", rating,
                          Text(self._basis(ex, state, entry) if entry else ""))
        total = weighted_total(ex, state, team)
        line = Text("Weighted total: ", style="bold")
        if total is None:
            line.append("no ratings yet", style="dim")
        else:
            line.append(f"{total:.2f}", style=f"bold {self.tone(score_tone(total, top))}")
            scale = "P = 4, S = 3, M = 2, U = 1" if ex.scale == "hseep" else "0 to 10"
            line.append(f" of {top}: the ratings averaged ({scale}), each objective counted "
                        "as many times as its weight", style="dim")
        return Group(table, line, Text(""))
