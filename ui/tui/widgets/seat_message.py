"""What a team or observer seat reads in its right pane: the briefing and this turn's
module, or one inject as the host let the seat see it. Drawn only from the view the
host sent (`PlayerView`, `CommonView`), which holds nothing the seat may not see."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from engine import wording
from engine.controls import escape_controls
from engine.views import CommonInject, CommonView, PlayerInject, PlayerView
from ui.tui.widgets.themed import ThemedStatic

Shown = PlayerView | CommonView


def _t(text: str, style: str = "") -> Text:
    return Text(escape_controls(text), style=style)


class SeatMessage(ThemedStatic):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[Shown, PlayerInject | CommonInject | None] | None = None

    def show(self, view: Shown, inject: PlayerInject | CommonInject | None) -> None:
        self._shown = (view, inject)
        self.rerender()

    def build(self) -> RenderableType:
        if self._shown is None:
            return _t("Waiting for the host…", "dim")
        view, inject = self._shown
        return self._inject(view, inject) if inject is not None else self._briefing(view)

    def _heading(self, words: str) -> list[RenderableType]:
        return [Text(""), _t(words, f"bold {self.tone('text-primary')}")]

    def _briefing(self, view: Shown) -> RenderableType:
        parts: list[RenderableType] = [_t(view.exercise, f"bold {self.tone('text-accent')}")]
        if isinstance(view, PlayerView):
            parts.append(_t(f"You are {view.team_name}" + (f": {view.role}" if view.role
                                                            else ""), "bold"))
        else:
            parts.append(_t("Observer: the players' common picture (read-only)", "bold"))
        for module in view.modules[-1:]:  # this turn's module leads: it is read out now
            parts += self._heading(f"Turn {module.turn}: {module.title}")
            if module.situation.strip():
                parts.append(_t(wording.prose(module.situation)))
            if module.questions:
                parts.append(_t("To discuss:", "italic"))
                parts += [_t(f"  • {q}") for q in module.questions]
        if view.briefing.strip():
            parts += [*self._heading("The situation"), _t(wording.prose(view.briefing))]
        if isinstance(view, PlayerView) and view.brief and view.brief.strip():
            parts += [*self._heading(f"Your brief ({view.team_name} only)"),
                      _t(wording.prose(view.brief))]
        if isinstance(view, CommonView):
            parts += self._heading("Teams")
            parts += [_t(f"  {name}" + (f": {role}" if role else "")) for _, name, role
                      in view.teams]
        for module in view.modules[:-1]:
            parts += self._heading(f"Earlier, turn {module.turn}: {module.title}")
            if module.situation.strip():
                parts.append(_t(wording.prose(module.situation), "dim"))
        if view.glossary:
            parts += self._heading("Glossary")
            parts += [Text.assemble((escape_controls(f"  {term}"), "bold"),
                                    escape_controls(f": {meaning}"))
                      for term, meaning in view.glossary]
        return Group(*parts)

    def _inject(self, view: Shown, msg: PlayerInject | CommonInject) -> RenderableType:
        where = " · ".join(x for x in (msg.channel, f"from {msg.sender}" if msg.sender
                                       else None, f"turn {msg.turn}") if x)
        parts: list[RenderableType] = [
            _t(msg.title, f"bold {self.tone('text-accent')}"), _t(where, "dim"), Text(""),
            _t(wording.prose(msg.text) or "(no text)")]
        if isinstance(msg, CommonInject):
            return Group(*parts)
        if msg.attachments:
            parts += self._heading("Attached")
            parts += [_t(f"  {a.title} ({a.file})") for a in msg.attachments]
        decision = msg.decision
        if msg.options:
            parts += self._heading("Your options")
            chosen = decision.option if decision else None
            parts += [_t(f"  {'▶' if o.id == chosen else ' '} {i}. {o.label}",
                         "bold" if o.id == chosen else "")
                      for i, o in enumerate(msg.options, start=1)]
        if decision is None:
            parts += [Text(""), _t(
                "The turn ended with no decision from your team." if msg.turn < view.turn
                else "Press d to decide, or to answer in your own words." if msg.options
                else "For information: press d to answer in your own words if your team "
                "has something to say.", "italic")]
        else:
            parts += self._heading("Your team's decision")
            if decision.label:
                parts.append(_t(f"  {decision.label}"))
            if decision.response:
                parts.append(_t(f"  “{decision.response}”"))
            parts.append(_t(f"  {decision.outcome}" if decision.outcome else
                            "  What came of it is told when the turn ends.", "dim"))
        return Group(*parts)
