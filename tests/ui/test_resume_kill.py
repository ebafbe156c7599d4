"""A facilitated session killed with SIGKILL mid-turn resumes with every recorded action.

The session runs as a real `ttx facilitate` in a pseudo-terminal, driven by keystrokes;
each action is confirmed in the save file before the next key is sent, and the process
is killed with decisions still pending in turn 2. The save is then resumed in the TUI.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

from engine.events import Adhoc, ByHand, DecisionRecorded, NoteAdded, Rated
from engine.store import SaveError, SaveFile, read
from tests.ui.support import app_for, run_async, screen_text, settle
from ui.messages import OpenRequest
from ui.screens.console import ConsoleScreen
from ui.widgets.eventlog import EventLog

ROOT = Path(__file__).resolve().parents[2]


class Terminal:
    """`ttx` in a pseudo-terminal: keys in, output drained (a full pty would block it)."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen([sys.executable, "-m", "ui.cli", *args], cwd=cwd,
                                        stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True)
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                if self.process.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def press(self, key: str, then: str) -> None:
        """Press `key` and wait for the screen titled `then` to open."""
        start = len(self.output)
        self.type(key)
        wait_for(f"{then!r} on screen", lambda: then.encode() in self.output[start:], self)

    def type(self, keys: str) -> None:
        for key in keys:
            os.write(self.master, key.encode())
            time.sleep(0.02)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        os.close(self.master)


def wait_for(what: str, check: Callable[[], bool], term: Terminal, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        assert term.process.poll() is None, f"ttx exited: {term.output[-2000:]!r}"
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; screen tail: {term.output[-1500:]!r}")


def save_in(saves: Path) -> SaveFile | None:
    found = sorted(saves.glob("*.jsonl"))
    if not found:
        return None
    try:
        return read(found[0])
    except SaveError:
        return None  # the header line is being written


def count(saves: Path, kind: type) -> int:
    save = save_in(saves)
    return 0 if save is None else sum(isinstance(r.event, kind) for r in save.records)


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
        log = [line.text for line in app.screen.query_one(EventLog).lines]
        assert len(log) == len(recorded) and "note: Kill test note" in log[3]
        await pilot.press("n", *"after the crash", "enter")
        await settle(pilot)
    resumed = read(before.path)
    assert resumed.records[-1].event.text == "after the crash"  # type: ignore[union-attr]
    assert [r.event for r in resumed.records[:len(recorded)]] == recorded
