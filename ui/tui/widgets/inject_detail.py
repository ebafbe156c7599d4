"""One inject in full: channel, sender, addressees, text, expected action, objectives,
and each addressed team's decision. Shows a delivery from any `State`, or a scripted
inject not (yet) delivered."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from engine import wording
from engine.events import DecisionRecorded, NoDecision
from engine.script import Exercise, Inject
from engine.state import Delivery, State
from ui.tui.widgets.themed import ThemedStatic


@dataclass(frozen=True)
class DeliveryView:
    exercise: Exercise
    delivery: Delivery
    deciders: Collection[str]
    bots: Collection[str]


@dataclass(frozen=True)
class InjectView:
    exercise: Exercise
    state: State
    inject: Inject


class _Body(ThemedStatic):
    def __init__(self) -> None:
        super().__init__()
        self.view: DeliveryView | InjectView | None = None

    def build(self) -> RenderableType:
        view = self.view
        if isinstance(view, DeliveryView):
            return self._delivery(view.exercise, view.delivery, view.deciders, view.bots)
        if isinstance(view, InjectView):
            return self._inject(view.exercise, view.state, view.inject)
        return Text("Select an inject to see it here.", style="dim")

    # ------------------------------------------------------------ pieces

    def _heading(self, number: str, title: str, tag: str) -> Text:
        line = Text()
        if number:
            line.append(f"{number} ", style=f"bold {self.tone('text-accent')}")
        line.append(title, style="bold")
        line.append(f"  {tag}", style="dim")
        return line

    def _field(self, label: str, value: str) -> Text:
        line = Text()
        line.append(f"{label}: ", style=f"bold {self.tone('text-primary')}")
        line.append(value)
        return line

    def _objectives(self, ex: Exercise, ids: Collection[str]) -> list[RenderableType]:
        out: list[RenderableType] = []
        for oid in ids:
            obj = ex.objective(oid)
            out.append(Text(f"  • {oid}: {obj.title if obj else '?'}"))
        return out

    def _options(self, inject: Inject) -> list[RenderableType]:
        out: list[RenderableType] = [self._field("Options", "")]
        for i, option in enumerate(inject.options, start=1):
            line = Text(f"  {i}. {option.label}")
            bits = []
            if option.effects:
                bits.append(wording.effects(option.effects))
            if option.outcomes:
                bits.append("rolls: " + " / ".join(
                    f"{o.chance:.0%}" + (f" {wording.effects(o.effects)}" if o.effects else "")
                    for o in option.outcomes))
            if option.rating:
                bits.append("rates " + ", ".join(f"{k} {v}" for k, v in option.rating.items()))
            if bits:
                line.append(f"  [{'; '.join(bits)}]", style="dim")
            out.append(line)
        return out

    # ------------------------------------------------------------ a delivery

    def _delivery(self, ex: Exercise, d: Delivery, deciders: Collection[str],
                  bots: Collection[str]) -> RenderableType:
        msg = wording.message(ex, d)
        parts: list[RenderableType] = [
            self._heading(f"#{d.number}", msg.title,
                          f"turn {d.turn} · {wording.reason(d.event)}"),
            self._field("Channel", msg.channel or "—") + Text("   ") +
            self._field("From", msg.sender or "—"),
            self._field("To", ", ".join(wording.team_name(ex, t) for t in d.to)),
            Text(""),
            Text(wording.prose(msg.text) or "(no text)", style="" if msg.text.strip() else "dim"),
        ]
        if msg.expected:
            parts += [Text(""), self._field("Expected action", wording.prose(msg.expected))]
        scripted = ex.inject(d.inject) if d.adhoc is None else None
        if scripted is not None:
            parts += self._control(ex, scripted)
        if msg.objectives:
            parts += [self._field("Objectives", ""), *self._objectives(ex, msg.objectives)]
        if d.event.changes:
            parts.append(self._field("On delivery", wording.changes(d.event.changes)))
        parts += [Text(""), self._field("Decisions", ""),
                  self._decisions(ex, d, deciders, bots, bool(msg.options))]
        return Group(*parts)

    def _control(self, ex: Exercise, inject: Inject) -> list[RenderableType]:
        """What only control staff read: notes, questions to pose, each team's variant."""
        parts: list[RenderableType] = []
        if inject.facilitator_notes:
            parts.append(self._field("Facilitator notes",
                                     wording.prose(inject.facilitator_notes)))
        if inject.questions:
            parts.append(self._field("Questions to pose", ""))
            parts += [Text(f"  • {q}") for q in inject.questions]
        for team, text in inject.variants.items():
            parts.append(self._field(f"{wording.team_name(ex, team)} reads instead",
                                     wording.prose(text)))
        return parts

    def _decisions(self, ex: Exercise, d: Delivery, deciders: Collection[str],
                   bots: Collection[str], has_options: bool) -> Table:
        table = Table(box=None, show_header=False, expand=True, pad_edge=False,
                      padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        ok, warn, bad = (self.tone("text-success"), self.tone("text-warning"),
                         self.tone("text-error"))
        for team in d.to:
            made = d.decisions.get(team)
            if isinstance(made, DecisionRecorded):
                said = Text("✓ ", style=ok)
                said.append(wording.decision(ex, made))
                rolled = wording.outcome_text(ex, made)
                if rolled:
                    said.append(f"\n  {rolled}", style="italic")
                if made.changes:
                    said.append(f"\n  {wording.changes(made.changes)}", style="dim")
            elif isinstance(made, NoDecision):
                said = Text("✗ no decision", style=bad)
            elif team in deciders and has_options:
                said = Text("… awaiting decision", style=warn)
                if team in bots:
                    said.append(" (a bot decides when the turn ends)", style="dim")
            elif team in deciders:
                said = Text("for information (a response may be recorded)", style="dim")
            else:
                said = Text("—", style="dim")
            table.add_row(Text(team, style="bold"), said)
        return table

    # ------------------------------------------------------------ a scripted inject

    def _inject(self, ex: Exercise, state: State, inject: Inject) -> RenderableType:
        times = state.delivered.get(inject.id, 0)
        if inject.turn is not None:
            when = f"scheduled for turn {inject.turn}" + (" if its condition holds"
                                                          if inject.when else "")
        elif inject.follow_up:
            when = "follow-up (queued by a decision, or delivered by hand)"
        else:
            when = "triggered when its condition holds at a turn start"
        tag = f"{when} · delivered {times}×" if times else f"{when} · not delivered"
        to = inject.to if inject.to is not None else ex.team_ids
        parts: list[RenderableType] = [
            self._heading("", inject.title, f"[{inject.id}]"),
            Text(tag, style="dim"),
            self._field("Channel", inject.channel or "—") + Text("   ") +
            self._field("From", inject.from_ or "—"),
            self._field("To", ", ".join(wording.team_name(ex, t) for t in to)),
            Text(""),
            Text(wording.prose(inject.text) or "(no text)",
                 style="" if inject.text.strip() else "dim"),
        ]
        if inject.expected:
            parts += [Text(""), self._field("Expected action", wording.prose(inject.expected))]
        parts += self._control(ex, inject)
        if inject.objectives:
            parts += [self._field("Objectives", ""), *self._objectives(ex, inject.objectives)]
        if inject.effects:
            parts.append(self._field("On delivery", wording.effects(inject.effects)))
        if inject.options:
            parts += [Text(""), *self._options(inject)]
        parts += [Text(""), Text("Press d to deliver it now.", style="dim italic")]
        return Group(*parts)


class InjectDetail(VerticalScroll):
    """The detail pane; `show_delivery` / `show_inject` pick what it shows."""

    DEFAULT_CLASSES = "inject-detail"

    def compose(self) -> ComposeResult:
        yield _Body()

    @property
    def body(self) -> _Body:
        return self.query_one(_Body)

    def show_delivery(self, exercise: Exercise, delivery: Delivery,
                      deciders: Collection[str] = (), bots: Collection[str] = ()) -> None:
        """`deciders`: teams that may still decide on it now (empty in review)."""
        self.body.view = DeliveryView(exercise, delivery, deciders, bots)
        self.body.rerender()

    def show_inject(self, exercise: Exercise, state: State, inject: Inject) -> None:
        self.body.view = InjectView(exercise, state, inject)
        self.body.rerender()

    def clear(self) -> None:
        self.body.view = None
        self.body.rerender()
