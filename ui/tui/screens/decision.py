"""Record a team's decision on a delivery: one of its options, a free-text response,
or both. The teams offered are those the engine says may still decide."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from textual.widget import Widget
from textual.widgets import Input, OptionList, Select
from textual.widgets.option_list import Option

from ui.tui.screens.form import FormScreen, Invalid, labelled, team_choices
from ui.tui.widgets.find_select import FindSelect
from ui.tui.widgets.plain import plain

NO_OPTION = "-"


@dataclass(frozen=True)
class DecisionForm:
    team: str
    option: str | None
    response: str


class DecisionScreen(FormScreen[DecisionForm]):
    def __init__(self, title: str, teams: Sequence[tuple[str, str]],
                 options: Sequence[tuple[str, str]], team: str | None = None,
                 submit: Callable[[DecisionForm], str | None] | None = None) -> None:
        super().__init__(submit)
        self.title_text = title
        self.teams = list(teams)
        self.options = list(options)
        self.team = team if team in [t for t, _ in teams] else teams[0][0]

    def heading(self) -> str:
        return f"Record a decision on {self.title_text}"

    def fields(self) -> Iterable[Widget]:
        yield labelled("Team", FindSelect(team_choices(self.teams),
                                          value=self.team, allow_blank=False, id="team"))
        rows = [Option(plain(f"{i}. {label}"), id=oid)
                for i, (oid, label) in enumerate(self.options, start=1)]
        rows.append(Option("— no option: a free-text response only", id=NO_OPTION))
        yield labelled("Option", OptionList(*rows, id="option"),
                       "the outcome is rolled when the decision is recorded")
        yield labelled("Response", Input(id="response", placeholder="what the team said or did"),
                       "optional when an option is chosen")

    def on_mount(self) -> None:
        self.query_one("#option", OptionList).highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#response", Input).focus()

    def collect(self) -> DecisionForm:
        team = self.query_one("#team", Select).value
        picked = self.query_one("#option", OptionList).highlighted_option
        option = picked.id if picked is not None and picked.id != NO_OPTION else None
        response = self.query_one("#response", Input).value.strip()
        if not isinstance(team, str):
            raise Invalid("choose a team")
        if option is None and not response:
            raise Invalid("choose an option or write a response")
        return DecisionForm(team, option, response)
