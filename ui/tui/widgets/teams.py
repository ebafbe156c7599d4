"""Who plays the other teams in solo play (bots, by policy) and what they did in the
last turn that ended: their choices show once the turn is over, like the player's."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from engine import wording
from engine.events import DecisionRecorded
from ui.tui.widgets.themed import TeamView


class OtherTeams(TeamView):
    DEFAULT_CLASSES = "other-teams"

    def build(self) -> RenderableType:
        if self._view is None:
            return ""
        ex, state, me = self._view
        last = state.turn if state.ended else state.turn - 1
        parts: list[RenderableType] = []
        for team in ex.teams:
            if team.id == me:
                continue
            parts.append(Text.assemble((team.name, "bold"), (
                f"  a bot that {wording.policy_words(ex, team.policy)}", "dim")))
            did = [(d, x) for d in state.deliveries if d.turn == last
                   for t, x in d.decisions.items() if t == team.id]
            for d, made in did:
                line = Text(f"  {wording.title(ex, d)}: ", style="dim")
                line.append(wording.decision(ex, made).removesuffix(" (bot)"))
                if isinstance(made, DecisionRecorded) and made.outcome is not None:
                    line.append(f" (outcome {made.outcome + 1})", style="dim")
                parts.append(line)
        if last >= 1:
            parts.insert(0, Text(f"In turn {last}:", style=f"bold {self.tone('text-primary')}"))
        return Group(*parts)
