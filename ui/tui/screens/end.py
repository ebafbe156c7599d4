"""The end of an exercise (or the score card at any time, for a facilitator): how it
ended, each team's ratings per objective and weighted total, and where the save is."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from engine import wording
from engine.scoring import scale_max
from ui.controller import SessionPort, shown_path
from ui.tui.app import ttx
from ui.tui.widgets.debrief import Debrief
from ui.tui.widgets.footer import TTXFooter
from ui.tui.widgets.metrics import MetricsTable
from ui.tui.widgets.plain import plain
from ui.tui.widgets.ratings import RatingsBoard
from ui.tui.widgets.scorecard import ScoreCard


class EndScreen(Screen[None]):
    CSS_PATH = "end.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b,escape", "back", "Back"),
        Binding("l", "launcher", "Launcher"),
    ]
    ABOUT = "The score card. Ratings can still be added from the console afterwards."

    def __init__(self, controller: SessionPort) -> None:
        super().__init__()
        self.controller = controller

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="end-body"):
            yield Static(id="end-title", markup=False)
            yield Static(id="end-outcome", markup=False)
            yield Static(id="end-summary", markup=False)
            yield Static(id="end-save", markup=False)
            yield Static("Ratings board", classes="end-heading board")
            yield RatingsBoard(id="end-board", classes="board")
            yield ScoreCard(id="scorecard")
            yield Static("Debrief: your choices and the expected actions",
                         classes="end-heading debrief")
            yield Debrief(id="end-debrief", classes="debrief")
            yield Static("Metrics", classes="end-heading")
            yield MetricsTable(id="end-metrics")
        yield TTXFooter()

    def on_mount(self) -> None:
        self.paint()

    def on_screen_resume(self) -> None:
        self.paint()

    def paint(self) -> None:
        c = self.controller
        ex, state = c.exercise, c.state
        who = wording.team_name(ex, c.player) if c.player else "facilitated"
        self.query_one("#end-title", Static).update(plain(f"{ex.title} — {who}"))
        if state.end_event is not None:
            how = wording.ended_reason(state.end_event)
            said = f"Ended after turn {state.turn} ({how})"
            if state.outcome:
                said += f"\nOutcome: {state.outcome}"
        else:
            said = (f"In progress: turn {state.turn} of {ex.turns}. This is the score card "
                    "so far.")
        self.query_one("#end-outcome", Static).update(plain(said))
        teams = [c.player] if c.player else ex.team_ids
        top = scale_max(ex)
        totals = [(wording.team_name(ex, t), c.total(t)) for t in teams]
        self.query_one("#end-summary", Static).update(plain("\n".join(
            f"{name}: weighted total " + ("– (not rated)" if total is None else
                                          f"{total:.2f} of {top}")
            for name, total in totals)))
        for board in self.query(".board"):
            board.display = c.player is None  # every team at a glance, then each card
        for part in self.query(".debrief"):
            part.display = c.player is not None and state.ended  # never mid-exercise
        if c.player is not None:
            self.query_one(Debrief).show(ex, state, c.player)
        self.query_one(RatingsBoard).show(ex, state)
        self.query_one(ScoreCard).show(ex, state, teams)
        self.query_one(MetricsTable).show(ex, state, c.player)
        path = shown_path(c.path)
        self.query_one("#end-save", Static).update(plain(
            f"Saved to {path} ({len(c.records)} events, seed {c.seed}).\n"
            f"Replay it: ttx replay {path}    Check it: ttx verify {path}"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            # Solo play has nothing to go back to once it ended.
            return not (self.controller.mode == "play" and self.controller.state.ended)
        if action == "launcher":
            return ttx(self).has_launcher
        return True

    def action_back(self) -> None:
        if self.check_action("back", ()):
            self.app.pop_screen()

    def action_launcher(self) -> None:
        ttx(self).back_to_launcher()
