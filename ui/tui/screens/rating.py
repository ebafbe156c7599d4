"""Rate a team on an objective on the script's scale, with an evaluator's note."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from textual.widget import Widget
from textual.widgets import Input, Select, SelectionList

from engine.script import HSEEP_LABELS
from ui.tui.screens.form import FormScreen, Invalid, labelled, team_choices
from ui.tui.widgets.checklist import Checklist
from ui.tui.widgets.find_select import FindSelect
from ui.tui.widgets.plain import plain

# "P: performed without challenges": the letter first, as the rating is typed.
SCALE_WORDS = {k: f"{k}: {label[0].lower()}{label[1:]}" for k, label in HSEEP_LABELS.items()}


@dataclass(frozen=True)
class RatingForm:
    team: str
    objective: str
    rating: str | int
    note: str
    observed: tuple[str, ...] = ()  # critical tasks seen done


class RatingScreen(FormScreen[RatingForm]):
    HEADING = "Rate a team on an objective"

    def __init__(self, teams: Sequence[tuple[str, str]], objectives: Sequence[tuple[str, str]],
                 scale: Sequence[str | int], team: str | None = None,
                 objective: str | None = None,
                 submit: Callable[[RatingForm], str | None] | None = None,
                 tasks: Mapping[str, Sequence[tuple[str, str]]] | None = None) -> None:
        super().__init__(submit)
        self.teams, self.objectives, self.scale = list(teams), list(objectives), list(scale)
        self.tasks = dict(tasks or {})  # objective -> its critical tasks (id, text): the EEG
        self.team = team if team in [t for t, _ in teams] else teams[0][0]
        ids = [o for o, _ in objectives]
        self.objective = objective if objective in ids else (ids[0] if ids else None)

    def fields(self) -> Iterable[Widget]:
        yield labelled("Team", FindSelect(team_choices(self.teams),
                                          value=self.team, allow_blank=False, id="team"))
        yield labelled("Objective", FindSelect(
            [(plain(f"{title} ({oid})"), oid) for oid, title in self.objectives],
            value=self.objective if self.objective else Select.NULL, id="objective"))
        yield labelled("Rating", FindSelect(
            [(SCALE_WORDS.get(str(v), str(v)), v) for v in self.scale], id="rating"),
            "type the letter (or number) to jump to it")
        row = labelled("Observed", Checklist(id="observed"),
                       "the objective's critical tasks (its EEG): space marks one seen done")
        row.id = "observed-row"
        yield row
        yield labelled("Note", Input(id="note", placeholder="what the evaluator observed"))

    def on_mount(self) -> None:
        self._show_tasks(self.objective)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "objective":
            self._show_tasks(event.value if isinstance(event.value, str) else None)

    def _show_tasks(self, objective: str | None) -> None:
        tasks = self.tasks.get(objective or "", [])
        observed = self.query_one("#observed", SelectionList)
        observed.clear_options()
        observed.add_options([(plain(text), tid) for tid, text in tasks])
        self.query_one("#observed-row").display = bool(tasks)

    def collect(self) -> RatingForm:
        team = self.query_one("#team", Select).value
        objective = self.query_one("#objective", Select).value
        rating = self.query_one("#rating", Select).value
        if not isinstance(team, str):
            raise Invalid("choose a team")
        if not isinstance(objective, str):
            raise Invalid("choose an objective")
        if not isinstance(rating, str | int):
            raise Invalid("choose a rating")
        observed = tuple(self.query_one("#observed", SelectionList).selected)
        return RatingForm(team, objective, rating,
                          self.query_one("#note", Input).value.strip(), observed)
