"""A facilitated session killed with SIGKILL mid-turn resumes with every recorded action.

The session runs as a real `ttx facilitate` in a pseudo-terminal, driven by keystrokes;
each action is confirmed in the save file before the next key is sent, and the process
is killed with decisions still pending in turn 2. The save is then resumed in the TUI.
"""

from __future__ import annotations

from pathlib import Path

from engine.events import Adhoc, ByHand, DecisionRecorded, NoteAdded, Rated
from engine.store import read
from tests.ui.support import app_for, run_async, screen_text, settle
from tests.ui.terminal import Terminal, count, save_in, wait_for
from ui.tui.messages import OpenRequest
from ui.tui.screens.console import ConsoleScreen
from ui.tui.widgets.eventlog import EventLog


@run_async
async def test_a_killed_session_resumes_with_every_recorded_action(workdir: Path) -> None:
    saves = workdir / "saves"
    term = Terminal(["--saves", str(saves), "facilitate", "exercises/drill.yaml"], workdir)
    try:
        wait_for("the session to start", lambda: count(saves, NoteAdded) == 0
                 and save_in(saves) is not None and b"Radar gap" in term.output, term)
        term.press("n", then="Add a note")
        term.type("Kill test note\r")
        wait_for("the note", lambda: count(saves, NoteAdded) == 1, term)
        term.press("c", then="Record a decision")  # first team, first option
        term.type("\x13")  # ctrl+s
        wait_for("the decision", lambda: count(saves, DecisionRecorded) == 1, term)
        term.press("d", then="Deliver a scripted inject")
        term.type("aground\r")
        wait_for("the hand delivery", lambda: count(saves, Adhoc) == 0
                 and any(isinstance(r.event.reason, ByHand) for r in save_in(saves).records
                         if r.event.type == "inject_delivered"), term)
        term.press("a", then="Write an ad-hoc inject")
        term.type("Port closed by fog\x13")
        wait_for("the ad-hoc inject", lambda: any(
            isinstance(getattr(r.event, "reason", None), Adhoc)
            for r in save_in(saves).records), term)
        term.press("t", then="End turn 1 anyway")
        term.type("y")  # pending decisions: end the turn anyway
        wait_for("turn 2", lambda: save_in(saves).records[-1].turn == 2, term)
        before = save_in(saves)
    finally:
        term.kill()  # SIGKILL, mid-turn 2
    assert before is not None
    recorded = [r.event for r in before.records]
    assert any(isinstance(e, Rated) for e in recorded)  # the option's rating came with it

    app = app_for(workdir, OpenRequest("resume", save=before.path))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        c = app.screen.controller
        assert [r.event for r in c.records[:len(recorded)]] == recorded
        state = c.state
        assert state.turn == 2 and not state.ended
        assert state.notes[0][1].text == "Kill test note"
        assert state.delivery(1).decisions["north"].option == "share-tracks"  # type: ignore[union-attr]
        assert state.delivered["grounding"] == 1
        assert any(d.adhoc and d.adhoc.title == "Port closed by fog" for d in state.deliveries)
        assert "H 1200 · turn 2/3" in screen_text(app)
        log = app.screen.query_one(EventLog)
        assert log.shown == len(recorded)
        assert "4 T1 note: Kill test note" in " ".join(line.text for line in log.lines)
        await pilot.press("n", *"after the crash", "enter")
        await settle(pilot)
    resumed = read(before.path)
    assert resumed.records[-1].event.text == "after the crash"  # type: ignore[union-attr]
    assert [r.event for r in resumed.records[:len(recorded)]] == recorded
