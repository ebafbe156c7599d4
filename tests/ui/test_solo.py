"""Solo play: the inbox, hidden effects until the turn ends, bots, the end score card."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from engine.events import DecisionRecorded
from engine.store import read
from tests.ui.support import past_the_briefing, run_async, screen_text, settle, solo, widget_text
from ui.controller import SessionController
from ui.tui.app import TTXApp
from ui.tui.screens.confirm import ConfirmScreen
from ui.tui.screens.end import EndScreen
from ui.tui.screens.response import ResponseScreen
from ui.tui.screens.solo import SoloScreen
from ui.tui.screens.solo_briefing import SoloBriefingScreen
from ui.tui.screens.turn_results import ResultsScreen
from ui.tui.widgets.briefing import Briefing
from ui.tui.widgets.debrief import Debrief
from ui.tui.widgets.inbox import Inbox
from ui.tui.widgets.metrics import MetricsTable

SIZE = (160, 45)


def controller(app: TTXApp) -> SessionController:
    assert app.controller is not None
    return app.controller


def briefing(app: TTXApp) -> str:
    body = app.screen.query_one(Briefing).query_one("_Body")
    return " ".join(" ".join(s.text for s in body.render_lines(body.region.reset_offset)).split())


def inbox(app: TTXApp) -> str:
    return widget_text(app.screen.query_one(Inbox))


@run_async
async def test_the_inbox_holds_what_was_sent_to_the_team(workdir: Path) -> None:
    app = solo(workdir, "north")
    async with app.run_test(size=SIZE) as pilot:
        await past_the_briefing(pilot)
        assert isinstance(app.screen, SoloScreen)
        c = controller(app)
        assert c.player == "north" and not c.is_bot("north") and c.is_bot("south")
        box = inbox(app)
        assert "● Radar gap in the" in box and "intel · Harbour Control" in box
        assert "Press asks about the drill" not in box  # sent to the coast guard only
        text = screen_text(app)
        assert "playing North Navy · 1 decision(s) waiting" in text
        shown = " ".join(text.split())
        assert "South Navy a bot that plays to raise" in shown and "its Partner trust" in shown
        choices = app.screen.query_one("#choices", OptionList)
        labels = [str(o.prompt) for o in choices.options]
        assert labels == ["1. Share own tracks with all partners", "2. Send a patrol boat to look"]
        words = briefing(app) + " ".join(labels)
        assert "trust" not in words and "50%" not in words  # no effects, no chances


@run_async
async def test_a_choice_keeps_its_effects_hidden_until_the_turn_ends(workdir: Path) -> None:
    app = solo(workdir, "north")
    async with app.run_test(size=SIZE) as pilot:
        await past_the_briefing(pilot)
        await pilot.press("2")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        made = controller(app).state.delivery(1).decisions["north"]
        assert isinstance(made, DecisionRecorded) and made.option == "patrol"
        assert isinstance(read(controller(app).path).records[-1].event, DecisionRecorded)
        words = briefing(app)
        assert "You chose “Send a patrol boat to look”." in words
        assert "revealed when the turn ends" in words
        assert "The roll:" not in words and "closes the gap" not in words
        assert "aground" not in words and "What it did" not in words
        assert "no decision waiting" in screen_text(app)
        moved = controller(app).state
        assert (moved.value("interop"), moved.value("trust", "north")) != (35, 60)
        metrics = widget_text(app.screen.query_one(MetricsTable))
        assert "north 60 ·" in metrics and "global 35 -5" in metrics  # as the turn began

        await pilot.press("t")
        await settle(pilot)
        state = controller(app).state
        assert state.turn == 2
        bot = state.delivery(1).decisions["south"]
        assert isinstance(bot, DecisionRecorded) and bot.by == "bot"
        assert "Common radio net fails" in briefing(app)  # the new turn's message
        await pilot.press("down")  # back to turn 1's message, now revealed
        await settle(pilot)
        while "Radar gap" not in briefing(app):
            await pilot.press("down")
        words = briefing(app)
        outcome = ["The patrol closes the gap.",
                   "The patrol boat runs aground on the bar."][made.outcome or 0]
        assert f"Roll {made.rolls[0].r:.3f} → outcome" in words and outcome in words
        assert "What it did:" in words and "trust self +5" in words  # every option's effects
        assert "South Navy: chose “Share own tracks with all partners”" in words
        assert "In turn 1:" in screen_text(app)
        metrics = widget_text(app.screen.query_one(MetricsTable))
        assert f"north {state.value('trust', 'north')} " in metrics  # turn 1 revealed
        assert f"global {state.value('interop')} " in metrics


@run_async
async def test_an_unanswered_turn_end_asks_and_records_no_decision(workdir: Path) -> None:
    app = solo(workdir, "north")
    async with app.run_test(size=SIZE) as pilot:
        await past_the_briefing(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, ConfirmScreen)
        assert "1 message(s) still await your decision" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert controller(app).state.turn == 2
        assert controller(app).state.delivery(1).decisions["north"].type == "no_decision"


@run_async
async def test_answer_in_your_own_words(workdir: Path) -> None:
    app = solo(workdir, "north")
    async with app.run_test(size=SIZE) as pilot:
        await past_the_briefing(pilot)
        await pilot.press("w")
        assert isinstance(app.screen, ResponseScreen)
        await pilot.press(*"We ask the port for radar plots", "enter")
        await settle(pilot)
        made = controller(app).state.delivery(1).decisions["north"]
        assert isinstance(made, DecisionRecorded) and made.option is None
        assert made.response == "We ask the port for radar plots"


@run_async
async def test_playing_to_the_end_shows_the_score_card(workdir: Path) -> None:
    app = solo(workdir, "north")
    async with app.run_test(size=SIZE) as pilot:
        await past_the_briefing(pilot)
        await pilot.press("1", "y", "t")  # turn 1: share tracks (rated P on share)
        await settle(pilot)
        await pilot.press("1", "y", "t")  # turn 2: fallback net (rated S on comms)
        await settle(pilot)
        await pilot.press("t")  # turn 3: information only
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen)  # the last turn's results first
        shown = " ".join(screen_text(app).split())
        assert "Turn 3 is over: the results" in shown
        assert "Harbour master asks for a summary For information: no decision was asked" \
            in shown
        assert "The other teams" in shown and "Your metrics now" in shown
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EndScreen)
        state = controller(app).state
        assert state.ended and state.latest[("north", "share")].rating == "P"
        text = screen_text(app)
        assert "Harbour Drill — North Navy" in text
        assert "Ended after turn 3 (last turn played)" in text
        share = next(line for line in text.splitlines() if "Share the maritime picture" in line)
        comms = next(line for line in text.splitlines() if "Keep coalition comms" in line)
        # in words: the rating's meaning, and the option and inject by name, not by id
        assert "picture 2 P performed without challenges chose “Share own tracks" in \
            " ".join(share.split())
        assert "working 1 S performed with some challenges chose" in " ".join(comms.split())
        assert "'share-tracks'" not in text
        assert "Weighted total: 3.67 of 4: the ratings averaged (P = 4" in text  # (2×4+1×3)/3
        saved_at = Path(controller(app).path)
        assert saved_at.resolve().parent == workdir / "saves" and saved_at.is_file()
        assert f"Saved to saves/{saved_at.name}" in text
        assert app.screen.check_action("back", ()) is False  # nothing to go back to
        debrief = " ".join(widget_text(app.screen.query_one(Debrief)).split())
        assert debrief.startswith("0 of 2 choices differed from what the script expects")
        # each choice with what was expected (the engine's tests judge the differences)
        assert ("✓ as expected turn 1: Radar gap in the approaches You chose “Share own "
                "tracks with all partners”. Expected: Teams share their own radar tracks "
                "with every partner.") in debrief


@run_async
async def test_the_briefing_comes_first_and_holds_only_what_the_team_may_see(
        workdir: Path) -> None:
    app = solo(workdir, "north")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SoloBriefingScreen)
        shown = " ".join(screen_text(app).split())
        assert "Harbour Drill You play North Navy: Lead nation" in shown
        assert "South Navy: plays to raise its Partner trust" in shown
        assert "Coast Guard" in shown
        assert "3 turns." in shown
        assert "Teams share their own radar tracks" not in shown  # `expected` stays hidden
        assert "Radar gap" not in shown  # nothing delivered is read here
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SoloScreen)
        await pilot.press("i")  # again, at any time
        await settle(pilot)
        assert isinstance(app.screen, SoloBriefingScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SoloScreen)
        await pilot.press("question_mark")  # help: "1-9" once, not nine rows
        rows = [keys for _, keys, _ in app.screen.rows]  # type: ignore[attr-defined]
        assert "1-9" in rows and "2" not in rows and "i" in rows
