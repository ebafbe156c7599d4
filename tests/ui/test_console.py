"""The facilitator console: every action reaches the engine and the save, and shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, OptionList, Select, SelectionList, Static, TextArea

from engine.events import Adhoc, ByHand, DecisionRecorded, NoDecision, NoteAdded, Rated
from engine.store import read
from tests.ui.support import facilitate, run_async, screen_text, settle
from ui.controller import SessionController
from ui.tui.app import TTXApp
from ui.tui.commands import TTXCommands
from ui.tui.messages import SessionUpdated
from ui.tui.screens.adhoc import AdhocScreen, parse_effects
from ui.tui.screens.confirm import ConfirmScreen
from ui.tui.screens.console import ConsoleScreen
from ui.tui.screens.correction import CorrectionScreen
from ui.tui.screens.decision import NO_OPTION, DecisionScreen
from ui.tui.screens.deliver import DeliverScreen
from ui.tui.screens.end import EndScreen
from ui.tui.screens.end_exercise import EndExerciseScreen
from ui.tui.screens.form import Invalid
from ui.tui.screens.help import HelpScreen
from ui.tui.screens.note import NoteScreen
from ui.tui.screens.rating import RatingScreen
from ui.tui.widgets.eventlog import EventLog
from ui.tui.widgets.inject_detail import InjectDetail

SIZE = (160, 45)


def controller(app: TTXApp) -> SessionController:
    assert app.controller is not None
    return app.controller


def log_text(app: TTXApp) -> str:
    return "\n".join(line.text for line in app.screen.query_one(EventLog).lines)


def detail_text(app: TTXApp) -> str:
    """The detail pane's words, with its line wrapping undone."""
    detail = app.screen.query_one(InjectDetail)
    lines = detail.body.render_lines(detail.body.region.reset_offset)
    return " ".join(" ".join(s.text for s in lines).split())


def offered(screen: object) -> list[Binding]:
    """The console's bindings this exercise has a use for (`m` needs modules)."""
    assert isinstance(screen, ConsoleScreen)
    return [b for b in ConsoleScreen.BINDINGS if isinstance(b, Binding)
            and screen.check_action(b.action, ()) is not False]


def saved_events(app: TTXApp) -> list[object]:
    return [r.event for r in read(controller(app).path).records]


@run_async
async def test_opens_on_turn_one_with_the_turn_and_its_deliveries(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        text = screen_text(app)
        assert "Harbour Drill · H 0800 · turn 1/3 · 3 to decide ·" in text
        assert "Radar gap in the approaches" in text and "Press asks about the drill" in text
        assert "Coming in turn 2 (1)" in text and "Common radio net fails" in text
        assert "On call (deliver by hand) (2)" in text and "Patrol boat aground" in text
        # the selected delivery in full, with each addressed team's status
        detail = detail_text(app)
        assert "Channel: intel" in detail and "From: Harbour Control" in detail
        assert "To: North Navy, South Navy" in detail
        assert "Expected action: Teams share their own radar tracks" in detail
        assert "share: Share the maritime picture" in detail
        assert "north … awaiting decision" in detail
        # metrics with history, and the ratings board
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if "global" in line)
        assert "Interoperability" in lines[at - 1]  # the name, then its row
        assert "35" in lines[at] and "-5" in lines[at]
        assert "share ×2" in text and "Total" in text


@run_async
async def test_the_header_counts_open_decisions_as_the_end_turn_dialog_does(
        workdir: Path) -> None:
    app = facilitate(workdir, bots=("south",))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = screen_text(app).splitlines()[0]
        people = sum(1 for t, _ in controller(app).pending() if t != "south")
        assert f"· {people} to decide (+" in header and " by bots) ·" in header


@run_async
async def test_deliver_a_scripted_inject_out_of_schedule(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, DeliverScreen)
        await pilot.press(*"aground", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        state = controller(app).state
        assert state.delivered["grounding"] == 1
        assert isinstance(state.deliveries[-1].event.reason, ByHand)
        assert any(getattr(e, "inject", None) == "grounding" for e in saved_events(app))
        assert "#3 Patrol boat aground" in screen_text(app)
        assert "by hand" in detail_text(app)  # the new delivery is selected
        assert "#3 Patrol boat aground → north, south, coast (by hand)" in log_text(app)


@run_async
async def test_a_refused_delivery_is_a_message_not_a_traceback(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d", *"radar gap", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DeliverScreen)  # stays open, with the reason
        assert "already delivered and is `once: true`" in screen_text(app)
        assert any("once: true" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        assert controller(app).state.delivered["radar-gap"] == 1


@run_async
async def test_write_an_ad_hoc_inject_with_effects(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, AdhocScreen)
        await pilot.press(*"Ministry calls", "tab", *"phone", "tab", *"Defence minister")
        form.query_one("#to", SelectionList).deselect("south")
        form.query_one("#to", SelectionList).deselect("coast")
        form.query_one("#text", TextArea).text = "The minister wants a briefing by noon."
        form.query_one("#effects", Input).value = "trust@north -5, interop +2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        state = controller(app).state
        d = state.deliveries[-1]
        assert isinstance(d.event.reason, Adhoc) and d.event.reason.title == "Ministry calls"
        assert d.to == ("north",) and d.event.reason.channel == "phone"
        assert state.value("trust", "north") == 55 and state.value("interop") == 37
        assert isinstance(saved_events(app)[-1].reason, Adhoc)  # type: ignore[attr-defined]
        detail = detail_text(app)
        assert "Ministry calls" in detail and "Channel: phone" in detail
        assert "From: Defence minister" in detail and "trust north 60→55 (-5)" in detail
        assert "Ministry calls → north (ad hoc)" in log_text(app)


@run_async
async def test_an_ad_hoc_inject_needs_a_title_and_readable_effects(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", "ctrl+s")
        assert "needs a title" in screen_text(app)
        app.screen.query_one("#title", Input).value = "Rumour"
        app.screen.query_one("#effects", Input).value = "trust@nobody -5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdhocScreen)
        assert "no team 'nobody'" in screen_text(app)  # the engine's refusal, inline
        assert len(controller(app).state.deliveries) == 2


def test_effect_notation() -> None:
    assert parse_effects("trust@north -5, interop +3, trust@all =50") == [
        ("trust", "north", "add", -5), ("interop", None, "add", 3),
        ("trust", "all", "set", 50)]
    assert parse_effects("  ") == []
    try:
        parse_effects("trust minus five")
    except Invalid as exc:
        assert "metric[@team]" in str(exc)
    else:
        raise AssertionError("bad notation accepted")


@run_async
async def test_record_a_decision_and_see_what_the_roll_gave(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, DecisionScreen)
        form.query_one("#team", Select).value = "south"
        form.query_one("#option", OptionList).highlighted = 1  # send a patrol (rolled)
        await pilot.press("ctrl+s")
        await settle(pilot)
        made = controller(app).state.delivery(1).decisions["south"]
        assert isinstance(made, DecisionRecorded)
        assert made.option == "patrol" and made.outcome is not None and made.rolls
        assert isinstance(saved_events(app)[3], DecisionRecorded)
        outcome = ["The patrol closes the gap.",
                   "The patrol boat runs aground on the bar."][made.outcome]
        assert any(outcome in str(n.message) for n in app._notifications)
        detail = detail_text(app)
        assert "south ✓ chose “Send a patrol boat to look”" in detail
        assert f"roll {made.rolls[0].r:.3f} → outcome {made.outcome + 1} of 2" in detail
        assert outcome in detail
        assert "north … awaiting decision" in detail


@run_async
async def test_record_a_free_text_response(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        form = app.screen
        options = form.query_one("#option", OptionList)
        options.highlighted = options.get_option_index(NO_OPTION)
        form.query_one("#response", Input).value = "We ask Harbour Control for raw plots"
        await pilot.press("ctrl+s")
        await settle(pilot)
        made = controller(app).state.delivery(1).decisions["north"]
        assert isinstance(made, DecisionRecorded) and made.option is None
        assert made.response == "We ask Harbour Control for raw plots"
        assert "responded “We ask Harbour Control for raw plots”" in detail_text(app)


@run_async
async def test_decide_only_for_teams_the_engine_says_may_decide(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        controller(app).decide("north", 1, "share-tracks")
        await settle(pilot)
        await pilot.press("c")
        teams = app.screen.query_one("#team", Select)
        assert [v for _, v in teams._options if isinstance(v, str)] == ["south"]


@run_async
async def test_rate_a_team_on_an_objective_with_a_note(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        form = app.screen
        assert isinstance(form, RatingScreen)
        assert form.query_one("#objective", Select).value == "share"  # the inject's
        form.query_one("#team", Select).value = "south"
        form.query_one("#rating", Select).value = "M"
        form.query_one("#note", Input).value = "shared late, only on request"
        await pilot.press("ctrl+s")
        await settle(pilot)
        entry = controller(app).state.latest[("south", "share")]
        assert entry.rating == "M" and entry.note == "shared late, only on request"
        assert isinstance(saved_events(app)[-1], Rated)
        assert "rated south on share: M — shared late, only on request" in log_text(app)
        board = next(line for line in screen_text(app).splitlines()
                     if "share ×2" in line)
        assert board.split("×2")[1].split()[:3] == ["·", "M✓", "·"]  # ✓: the evaluator's


@run_async
async def test_a_form_at_keyboard_speed_typing_finds_and_enter_submits(workdir: Path) -> None:
    """Type on a closed drop-down to find an option, tab between fields (never the
    buttons), and enter from any field submits."""
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        form = app.screen
        assert isinstance(form, RatingScreen) and form.focused is form.query_one("#team")
        await pilot.press(*"sou", "enter")  # opens the team list at South Navy; picks it
        assert form.query_one("#team", Select).value == "south"
        assert app.screen is form  # the enter that picked did not submit
        await pilot.press("tab", *"comms", "enter", "tab", *"m", "enter")
        assert form.query_one("#objective", Select).value == "comms"
        assert form.query_one("#rating", Select).value == "M"
        await pilot.press("tab")
        assert form.focused is form.query_one("#note")  # not the OK button
        await pilot.press("shift+tab", "enter")  # enter on a closed drop-down submits
        await settle(pilot)
        assert app.screen is not form
        assert controller(app).state.latest[("south", "comms")].rating == "M"


@run_async
async def test_add_a_hot_wash_note(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, NoteScreen)
        form.query_one("#kind", Select).value = "hotwash"
        await pilot.press(*"Nobody owned the picture", "enter")
        await settle(pilot)
        _, note = controller(app).state.notes[-1]
        assert note.kind == "hotwash" and note.text == "Nobody owned the picture"
        assert isinstance(saved_events(app)[-1], NoteAdded)
        assert "hot wash: Nobody owned the picture" in log_text(app)


@run_async
async def test_advancing_with_decisions_pending_asks_first(workdir: Path) -> None:
    app = facilitate(workdir, bots=("coast",))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "2 decision(s) are still pending. End turn 1 anyway?" in text
        assert "#2 Press asks about the drill: coast (bot decides)" in text
        await pilot.press("n")
        assert controller(app).state.turn == 1
        await pilot.press("t", "y")
        await settle(pilot)
        state = controller(app).state
        assert state.turn == 2
        first = state.delivery(1).decisions
        assert isinstance(first["north"], NoDecision) and isinstance(first["south"], NoDecision)
        bot = state.delivery(2).decisions["coast"]
        assert isinstance(bot, DecisionRecorded) and bot.by == "bot"
        assert "H 1200 · turn 2/3" in screen_text(app)
        assert "Common radio net fails" in detail_text(app)


@run_async
async def test_t_asks_even_with_nothing_pending_unless_turned_off(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        c = controller(app)
        for team, number, option in (("north", 1, "share-tracks"), ("south", 1, "share-tracks"),
                                     ("coast", 2, "refer")):
            c.decide(team, number, option)
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and c.state.turn == 1  # one key, no loss
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen) and c.state.turn == 2
        titles = [t for t, _, _ in TTXCommands(app.screen).commands()]
        assert "Ask before ending a turn: on (turn off)" in titles
        app.screen.toggle_confirm_turn()
        for team, delivery in c.pending():
            c.decide(team, delivery.number, response="noted")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen) and c.state.turn == 3


@run_async
async def test_end_the_exercise_then_rate_and_note_in_the_hot_wash(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, EndExerciseScreen)
        await pilot.press(*"Stopped for the hot wash", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EndScreen)
        state = controller(app).state
        assert state.ended and state.outcome == "Stopped for the hot wash"
        text = screen_text(app)
        assert "Ended after turn 1 (ended by the facilitator)" in text
        assert "Outcome: Stopped for the hot wash" in text
        await pilot.press("b")
        assert isinstance(app.screen, ConsoleScreen)
        screen = app.screen
        assert screen.check_action("deliver", ()) is None  # shown, but not now
        assert screen.check_action("advance", ()) is None
        await pilot.press("d")
        assert isinstance(app.screen, ConsoleScreen)  # nothing opened
        await pilot.press("n", *"Good liaison work", "enter")
        await settle(pilot)
        assert controller(app).state.notes[-1][1].text == "Good liaison work"


@run_async
async def test_every_action_is_in_the_save_before_the_screen_shows_it(workdir: Path) -> None:
    seen: list[tuple[int, int]] = []  # (last seq in the message, records on disk then)

    def hook(message: Message) -> None:
        if isinstance(message, SessionUpdated) and app.controller is not None:
            on_disk = len(read(app.controller.path).records)
            seen.append((message.records[-1].seq, on_disk))

    app = facilitate(workdir)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        await pilot.press("n", *"first", "enter")
        await pilot.press("d", *"aground", "enter")
        await pilot.press("t", "y")
        await settle(pilot)
    assert len(seen) == 3
    assert all(on_disk >= seq for seq, on_disk in seen)


@run_async
async def test_help_lists_every_binding(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        console = app.screen
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for binding in offered(console):
            assert binding.tooltip in text
        for what in ("Help", "Quit", "Light/dark theme", "Down", "Focus Next",
                     "On this screen", "Everywhere", "In the focused pane"):
            assert what in text
        listed = [key for _, keys, _ in app.screen.rows for key in keys.split(" / ")]
        assert {app.get_key_display(b.binding)
                for b in console.active_bindings.values()} <= set(listed)
        assert len(listed) == len(set(listed))  # each binding once
        described = [what for _, _, what in app.screen.rows]
        assert len(described) == len(set(described))
        await pilot.press("escape")
        assert app.screen is console


@run_async
async def test_every_action_is_in_the_command_palette(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [title for title, _, _ in TTXCommands(app.screen).commands()]
        for binding in offered(app.screen):
            assert any(t.startswith(binding.description) for t in titles)
        assert "Deliver: Patrol boat aground" in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"Deliver: Patrol boat")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert controller(app).state.delivered.get("grounding") == 1


@run_async
async def test_a_decision_for_the_wrong_team_is_withdrawn_and_recorded_again(
        workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        c = controller(app)
        c.decide("north", 1, "share-tracks")  # meant for south
        await settle(pilot)
        await pilot.press("w")
        form = app.screen
        assert isinstance(form, CorrectionScreen)
        wrong = max(c.state.correctable)
        assert form.query_one("#event", Select).value == wrong  # the newest first
        await pilot.press(*"north did not decide this", "ctrl+s")
        await settle(pilot)
        assert "north" not in c.state.delivery(1).decisions
        assert "correction: event" in log_text(app) and "north did not decide this" in log_text(app)
        assert f"✗ {wrong:>5} T1 #1 north" in log_text(app)  # the withdrawn line, marked
        c.decide("south", 1, "share-tracks")
        assert c.state.delivery(1).decisions["south"].option == "share-tracks"  # type: ignore[union-attr]


@run_async
async def test_a_correction_needs_a_reason(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        controller(app).note("a note")
        await settle(pilot)
        await pilot.press("w", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CorrectionScreen)
        assert "say why" in str(app.screen.query_one("#form-error", Static).render())


@run_async
async def test_q_goes_back_to_the_launcher_and_the_session_stays_resumable(
        workdir: Path) -> None:
    from ui.tui.screens.launcher import LauncherScreen

    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        path = controller(app).path
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, LauncherScreen) and app.controller is None
        assert app.is_running
        await pilot.press("q")  # on the launcher, q asks before quitting the app
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LauncherScreen) and app.is_running
    assert read(path).records  # the save is there to resume


@run_async
async def test_escape_on_a_half_filled_form_asks_before_discarding(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        await pilot.press("n", *"half a thought")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep it
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.query_one("#text", Input).value == "half a thought"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)


@run_async
async def test_the_palette_lists_actions_not_widget_keys(workdir: Path) -> None:
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = " | ".join(t for t, _, _ in TTXCommands(app.screen).commands())
        for widget_key in ("Cursor", "Page", "Scroll", "Select", "Focus", "Copy"):
            assert widget_key not in titles, widget_key
        assert "Rate (r)" in titles and "Light/dark theme" in titles
        assert "Zoom (z)" in titles and "Messages" in titles and "Fix (w)" in titles
        quit_ = next(c for c in app.get_system_commands(app.screen) if c.title == "Quit")
        quit_.callback()  # Textual's own Quit entry asks first, like q
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        await pilot.press("escape", "ctrl+q")  # and so does ctrl+q
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.is_running


@run_async
async def test_messages_outlive_their_toasts_and_panes_zoom(workdir: Path) -> None:
    from ui.tui.screens.notice import NoticeScreen

    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.notify("Something worth keeping", title="Report")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, NoticeScreen)
        assert any("Report: Something worth keeping" in line for line in app.screen.lines)
        await pilot.press("enter")
        await pilot.pause()
        console = app.screen
        assert isinstance(console, ConsoleScreen) and console.focused is not None
        await pilot.press("z")
        await pilot.pause()
        assert console.maximized is console.focused
        await pilot.press("z")
        await pilot.pause()
        assert console.maximized is None


@run_async
async def test_a_long_log_keeps_its_last_lines_and_says_where_the_rest_is(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.tui.widgets import eventlog

    monkeypatch.setattr(eventlog, "KEPT", 6)  # 2,000 in use: a line costs ~0.7 ms
    app = facilitate(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        c = controller(app)
        for n in range(8):
            c.note(f"note {n}")
        await settle(pilot)
        log = app.screen.query_one(eventlog.EventLog)
        log.show(c.exercise, c.records)  # as on opening a long session
        await pilot.pause()
        lines = [line.text.strip() for line in log.lines]
        assert lines[0].startswith(f"… {len(c.records) - 5} earlier events: the review")
        assert len(lines) == 6 and lines[-1].endswith("note: note 7")
