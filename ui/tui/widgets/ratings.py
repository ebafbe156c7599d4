"""The ratings board: team x objective, each cell the team's latest rating on it,
and a weighted total per team. Renders any `State`."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from engine import wording
from engine.scoring import objective_score, scale_max, weighted_total
from engine.script import Exercise
from engine.state import State
from ui.tui.widgets.themed import ThemedStatic


def score_tone(score: float, top: int) -> str:
    """The theme variable for a score: success for the top quarter, error for the bottom."""
    frac = score / top
    if frac > 0.85:
        return "text-success"
    if frac > 0.6:
        return "text-primary"
    if frac > 0.35:
        return "text-warning"
    return "text-error"


class RatingsBoard(ThemedStatic):
    DEFAULT_CLASSES = "ratings-board"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._exercise: Exercise | None = None
        self._state: State | None = None

    def on_resize(self) -> None:
        self.rerender()

    def show(self, exercise: Exercise, state: State) -> None:
        self._exercise, self._state = exercise, state
        self.rerender()

    def build(self) -> RenderableType:
        ex, state = self._exercise, self._state
        if ex is None or state is None:
            return ""
        if not ex.objectives:
            return Text("This exercise has no objectives to rate.", style="dim")
        top = scale_max(ex)
        table = Table(box=None, expand=True, pad_edge=False, padding=(0, 1),
                      header_style="bold")
        table.add_column("Objective", ratio=1, overflow="fold", min_width=10)
        need = 14 + sum(min(len(t), 12) + 1 for t in ex.team_ids)
        short = abbreviations(ex.team_ids) if 0 < self.size.width < need else {}
        for team in ex.team_ids:  # narrow: a short unique code, explained under the table
            table.add_column(short.get(team, team), justify="center", no_wrap=True,
                             overflow="ellipsis", max_width=12)
        for objective in ex.objectives:
            cells: list[Text] = []
            for team in ex.team_ids:
                entry = state.latest.get((team, objective.id))
                score = objective_score(ex, state, team, objective.id)
                if entry is None or score is None:
                    cells.append(Text("·", style="dim"))
                    continue
                tone = self.tone(score_tone(score, top))
                # An evaluator's rating (final) is marked ✓; a bare one is an option's
                # suggestion, which the next evaluator rating replaces.
                mark = "✓" if entry.delivery is None else ""
                cells.append(Text(f"{entry.rating}{mark}", style=f"bold {tone}"))
            weight = f" ×{objective.weight:g}" if objective.weight != 1 else ""
            table.add_row(Text(objective.id + weight), *cells)  # ids stay short in a column
        totals: list[Text] = []
        for team in ex.team_ids:
            total = weighted_total(ex, state, team)
            totals.append(Text("–", style="dim") if total is None else
                          Text(f"{total:.2f}", style=f"bold {self.tone(score_tone(total, top))}"))
        table.add_row(Text("Total", style="bold"), *totals)  # weighted by objective
        legend = [Text("✓ rated by an evaluator (final)", style="dim")]
        if short:
            legend.insert(0, Text("  ".join(f"{code} = {wording.team_name(ex, team)}"
                                            for team, code in short.items()), style="dim"))
        return Group(table, *legend)


def abbreviations(teams: list[str], width: int = 3) -> dict[str, str]:
    """The shortest prefix (at least `width` letters) that tells each team from the
    others, so a narrow board still names every team."""
    out: dict[str, str] = {}
    for team in teams:
        n = width
        while n < len(team) and any(o != team and o[:n] == team[:n] for o in teams):
            n += 1
        out[team] = team[:n]
    return out
