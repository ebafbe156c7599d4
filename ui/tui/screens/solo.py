"""Solo play: one person plays one team against bots. The inbox holds what was sent to
the team; the player chooses among options whose effects stay hidden until the turn
ends, then reads what each option did and what the roll gave."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.widgets import OptionList, Static

from engine import wording
from engine.events import ExerciseEnded, InjectDelivered
from engine.state import Delivery
from engine.views import player_view
from ui.controller import SessionPort
from ui.tui.commands import PaletteCommand
from ui.tui.messages import SessionUpdated
from ui.tui.screens.confirm import ConfirmScreen
from ui.tui.screens.response import ResponseScreen
from ui.tui.screens.session import SessionScreen
from ui.tui.screens.solo_briefing import SoloBriefingScreen
from ui.tui.screens.turn_results import ResultsScreen
from ui.tui.widgets.briefing import Briefing
from ui.tui.widgets.events_list import delivery_id
from ui.tui.widgets.footer import TTXFooter
from ui.tui.widgets.inbox import Inbox
from ui.tui.widgets.metrics import MetricsTable
from ui.tui.widgets.plain import plain
from ui.tui.widgets.teams import OtherTeams


class SoloScreen(SessionScreen):
    CSS_PATH = "solo.tcss"
    ABOUT = ("Solo play. Read your inbox (↑↓), choose an option with its number, then end "
             "the turn: bots play the other teams, and what your choices did is revealed.")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(1)", "Choose", key_display="1-9",
                tooltip="Choose option 1-9 of the selected message"),
        *[Binding(str(i), f"choose({i})", f"Choose option {i}", show=False)
          for i in range(2, 10)],
        Binding("w", "respond", "Respond", tooltip="Answer in your own words"),
        Binding("t", "end_turn", "End turn", tooltip="End the turn: bots decide, results show"),
        Binding("i", "briefing", "Briefing", tooltip="Read your briefing again"),
    ]
    WHILE_RUNNING = frozenset({"choose", "respond", "end_turn"})

    def __init__(self, controller: SessionPort) -> None:
        super().__init__(controller)
        assert controller.player is not None
        self.team: str = controller.player
        self.selected: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="status", markup=False)
        with Container(id="body"):
            yield Inbox(id="inbox", on_select=self.select_delivery)
            with Container(id="center"):
                yield Briefing(id="briefing")
                yield OptionList(id="choices")
            with Container(id="side"):
                with VerticalScroll(id="metrics-box"):
                    yield MetricsTable(id="metrics")
                with VerticalScroll(id="teams-box"):
                    yield OtherTeams(id="teams")
        yield TTXFooter()

    def on_mount(self) -> None:
        for selector, title in (("#inbox", "Inbox"), ("#briefing", "Message"),
                                ("#choices", "Your options: 1-9 or enter"),
                                ("#metrics-box", "Metrics at the turn's start"),
                                ("#teams-box", "Other teams")):
            self.query_one(selector).border_title = title
        self.refresh_session()
        self.query_one(Inbox).focus()
        state = self.controller.state
        if state.ended:
            self.call_after_refresh(self.show_end)
        elif state.turn == 1 and not any(self.team in d.decisions for d in state.deliveries):
            self.call_after_refresh(self.action_briefing)  # read before the first choice

    # ------------------------------------------------------------ painting

    def open_numbers(self) -> list[int]:
        """Deliveries on which the player still has to choose among options."""
        return [d.number for t, d in self.controller.pending() if t == self.team]

    def refresh_session(self) -> None:
        c = self.controller
        ex, state = c.exercise, c.state
        waiting = self.open_numbers()
        me = wording.team_name(ex, self.team)
        self.query_one("#status", Static).update(plain(
            f"{self.status_text()} · playing {me} · "
            + (f"{len(waiting)} decision(s) waiting" if waiting else "no decision waiting")))
        select = delivery_id(self.selected) if self.selected is not None else None
        self.query_one(Inbox).show(ex, state, self.team, waiting, select)
        # As the turn began: the effects of this turn's choices show when it ends.
        self.query_one(MetricsTable).show(ex, c.turn_start_state(), self.team)
        self.query_one(OtherTeams).show(ex, state, self.team)
        self.show_selected()
        self.refresh_bindings()

    def show_selected(self) -> None:
        d = self.selected_delivery()
        if d is None:
            return
        self.query_one(Briefing).show(self.controller.exercise, self.controller.state, d,
                                      self.team, self.controller.may_decide(self.team, d))
        inject = self.controller.exercise.inject(d.inject)
        choices = self.query_one("#choices", OptionList)
        offered = inject.options_for(self.team) if inject is not None \
            and d.number in self.open_numbers() else []
        choices.set_options([plain(f"{i}. {o.label}") for i, o in enumerate(offered, start=1)])
        choices.display = bool(offered)  # labels only: effects show when the turn ends

    def selected_delivery(self) -> Delivery | None:
        if self.selected is None:
            return None
        return self.controller.state.delivery(self.selected)

    def on_session_updated(self, message: SessionUpdated) -> None:
        self.refresh_session()

    def select_delivery(self, number: int) -> None:
        """The inbox highlight moved (called in the same frame)."""
        if number != self.selected:
            self.selected = number
            self.show_selected()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "choices":
            event.stop()
            self.action_choose(event.option_index + 1)

    # ------------------------------------------------------------ actions

    def action_choose(self, number: int) -> None:
        c = self.controller
        d = self.selected_delivery()
        if d is None or d.number not in self.open_numbers():
            self.notify("Select a message marked ● : it awaits your decision.",
                        severity="warning")
            return
        inject = c.exercise.inject(d.inject)
        options = inject.options_for(self.team) if inject else []
        if not 1 <= number <= len(options):
            self.notify(f"There are {len(options)} options here.", severity="warning")
            return
        option = options[number - 1]

        def answered(yes: bool | None) -> None:
            if yes and self.attempt(partial(c.decide, self.team, d.number, option.id)):
                self.notify("Recorded. Its effects show when the turn ends.",
                            title=option.label)

        self.app.push_screen(ConfirmScreen(f"Choose “{option.label}”?",
                                           [f"On: {wording.title(c.exercise, d)}",
                                            "A decision cannot be taken back."], yes="Choose"),
                             answered)

    def action_respond(self) -> None:
        c = self.controller
        d = self.selected_delivery()
        if d is None or not c.may_decide(self.team, d):
            self.notify("Select a message from this turn that you have not answered yet.",
                        severity="warning")
            return
        self.app.push_screen(ResponseScreen(
            wording.title(c.exercise, d),
            self.submitter(lambda text: c.decide(self.team, d.number, response=text))))

    def action_end_turn(self) -> None:
        waiting = self.open_numbers()
        if not waiting:
            self._end_turn()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._end_turn()

        c = self.controller
        self.app.push_screen(ConfirmScreen(
            f"{len(waiting)} message(s) still await your decision. End the turn anyway?",
            [f"#{n} {wording.title(c.exercise, c.state.delivery(n))}" for n in waiting]
            + ["They will be recorded as no decision."], yes="End turn"), answered)

    def _end_turn(self) -> None:
        c = self.controller
        ended_turn = c.state.turn
        records = self.attempt(c.advance)
        if records is None:
            return
        if any(isinstance(r.event, ExerciseEnded) for r in records):
            self.app.push_screen(ResultsScreen(c.exercise, c.state, self.team),
                                 lambda _: self.show_end())
            return
        new = [r.event.delivery for r in records if isinstance(r.event, InjectDelivered)
               and self.team in r.event.to]
        self.selected = new[0] if new else self.selected
        self.notify(f"Turn {ended_turn} is over: select its messages to see what your "
                    f"choices did. {len(new)} new message(s).",
                    title=c.exercise.turn_label(c.state.turn))

    def action_briefing(self) -> None:
        c = self.controller
        self.app.push_screen(SoloBriefingScreen(c.exercise,
                                                player_view(c.exercise, c.state, self.team)))

    def show_end(self) -> None:
        from ui.tui.screens.end import EndScreen

        self.app.push_screen(EndScreen(self.controller))

    def palette_commands(self) -> list[PaletteCommand]:
        """Choose any option of the selected message by its label."""
        d = self.selected_delivery()
        inject = self.controller.exercise.inject(d.inject) if d else None
        if d is None or inject is None or d.number not in self.open_numbers():
            return []
        return [(f"Choose: {o.label}", f"option {i} of {inject.title}",
                 partial(self.action_choose, i))
                for i, o in enumerate(inject.options_for(self.team), 1)]
