"""Add a hot-wash or evaluator note, about the whole exercise or one team."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from textual.widget import Widget
from textual.widgets import Input, Select

from ui.tui.screens.form import FormScreen, Invalid, labelled, team_choices
from ui.tui.widgets.find_select import FindSelect
from ui.tui.widgets.plain import plain


@dataclass(frozen=True)
class NoteForm:
    text: str
    kind: str
    team: str | None
    objective: str | None = None


class NoteScreen(FormScreen[NoteForm]):
    HEADING = "Add a note"

    def __init__(self, teams: Sequence[tuple[str, str]], kind: str = "hotwash",
                 submit: Callable[[NoteForm], str | None] | None = None,
                 objectives: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(submit)
        self.teams, self.kind, self.objectives = list(teams), kind, list(objectives)

    def fields(self) -> Iterable[Widget]:
        yield labelled("Kind", FindSelect([("Hot wash (players' own words)", "hotwash"),
                                           ("Evaluator note", "note")],
                                          value=self.kind, allow_blank=False, id="kind"))
        yield labelled("About", FindSelect(team_choices(self.teams),
                                           prompt="the whole exercise", id="team"))
        objectives = [(plain(f"{t} ({i})"), i) for i, t in self.objectives]
        yield labelled("Objective", FindSelect(objectives, prompt="none in particular",
                                               id="objective"),
                       "the objective this is evidence for, in the AAR")
        yield labelled("Text", Input(id="text", placeholder="what was said or seen"))

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    def collect(self) -> NoteForm:
        text = self.query_one("#text", Input).value.strip()
        if not text:
            raise Invalid("a note needs some text")
        kind = self.query_one("#kind", Select).value
        team = self.query_one("#team", Select).value
        objective = self.query_one("#objective", Select).value
        return NoteForm(text, kind if isinstance(kind, str) else "note",
                        team if isinstance(team, str) else None,
                        objective if isinstance(objective, str) else None)
