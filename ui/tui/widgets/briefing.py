"""What a solo player reads about one delivery: the message, then either the options
(labels only while the turn runs) or, once the turn is over, every option's effects
and what the roll gave, with what the other teams did."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from engine import wording
from engine.events import DecisionRecorded, NoDecision
from engine.script import Exercise
from engine.state import Delivery, State
from engine.views import player_inject
from ui.tui.widgets.themed import ThemedStatic


@dataclass(frozen=True)
class BriefingView:
    exercise: Exercise
    state: State
    delivery: Delivery
    team: str
    can_decide: bool


def turn_over(state: State, delivery: Delivery) -> bool:
    """Effects and rolls are revealed once the delivery's turn has ended."""
    return state.ended or delivery.turn < state.turn


class _Body(ThemedStatic):
    def __init__(self) -> None:
        super().__init__()
        self.view: BriefingView | None = None

    def build(self) -> RenderableType:
        v = self.view
        if v is None:
            return Text("Your inbox is empty.", style="dim")
        ex, d = v.exercise, v.delivery
        msg = player_inject(ex, d, v.team)  # what this team may read, its variant
        accent, primary = self.tone("text-accent"), self.tone("text-primary")
        parts: list[RenderableType] = [
            Text(msg.title, style=f"bold {accent}"),
            Text(" · ".join(x for x in (msg.channel, f"from {msg.sender}" if msg.sender
                                        else None, f"turn {d.turn}") if x), style="dim"),
            Text(""),
            Text(wording.prose(msg.text) or "(no text)"),
            Text(""),
        ]
        mine = d.decisions.get(v.team)
        over = turn_over(v.state, d)
        if not msg.options:
            parts.append(Text("For your information: no decision is asked. Press w to "
                              "record a response." if v.can_decide else "For information.",
                              style="dim"))
            if isinstance(mine, DecisionRecorded) and mine.response:
                parts.append(Text(f"Your response: {mine.response}"))
            return Group(*parts)
        if not over:
            if v.can_decide:
                parts.append(Text(f"{len(msg.options)} options below: press a number to "
                                  "choose (their effects show when the turn ends), or w to "
                                  "answer in your own words.", style=f"italic {primary}"))
            elif isinstance(mine, DecisionRecorded):
                parts.append(Text(f"You {wording.decision(ex, mine)}.", style="bold"))
                parts.append(Text("Its effects and any roll are revealed when the turn ends.",
                                  style="dim"))
            return Group(*parts)
        parts += self._revealed(v, mine)
        return Group(*parts)

    def _revealed(self, v: BriefingView, mine: DecisionRecorded | NoDecision | None
                  ) -> list[RenderableType]:
        ex, d = v.exercise, v.delivery
        ok, primary = self.tone("text-success"), self.tone("text-primary")
        out: list[RenderableType] = []
        if isinstance(mine, DecisionRecorded):
            out.append(Text(f"You {wording.decision(ex, mine)}.", style="bold"))
            rolled = wording.outcome_text(ex, mine)
            if rolled:
                out.append(Text(rolled[0].upper() + rolled[1:], style=f"italic {ok}"))
            out.append(Text("What it did: " + (wording.changes(mine.changes) or "nothing "
                                               "measurable")))
        elif isinstance(mine, NoDecision):
            out.append(Text("You made no decision on this one.", style="bold"))
        out += [Text(""), Text("The options and their effects:", style=f"bold {primary}")]
        inject = ex.inject(d.inject)
        for i, option in enumerate(inject.options_for(v.team) if inject else [], start=1):
            chosen = isinstance(mine, DecisionRecorded) and mine.option == option.id
            line = Text(f"  {i}. {option.label}", style="bold" if chosen else "")
            if chosen:
                line.append("  ← yours", style=ok)
            out.append(line)
            if option.effects:
                out.append(Text(f"       {wording.effects(option.effects)}", style="dim"))
            for outcome in option.outcomes:
                said = f"       {outcome.chance:.0%}: {outcome.text or ''}"
                if outcome.effects:
                    said += f" ({wording.effects(outcome.effects)})"
                out.append(Text(said, style="dim"))
        others = [(t, x) for t, x in d.decisions.items() if t != v.team]
        if others:
            out += [Text(""), Text("The other teams:", style=f"bold {primary}")]
            for team, made in others:
                line = Text(f"  {wording.team_name(ex, team)}: {wording.decision(ex, made)}")
                if isinstance(made, DecisionRecorded):
                    rolled = wording.outcome_text(ex, made)
                    if rolled:
                        line.append(f"; {rolled}", style="dim")
                out.append(line)
        return out


class Briefing(VerticalScroll):
    DEFAULT_CLASSES = "briefing"

    def compose(self) -> ComposeResult:
        yield _Body()

    def show(self, exercise: Exercise, state: State, delivery: Delivery, team: str,
             can_decide: bool) -> None:
        body = self.query_one(_Body)
        body.view = BriefingView(exercise, state, delivery, team, can_decide)
        body.rerender()
