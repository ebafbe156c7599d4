"""Text captures of every screen at 80x24 and 160x50, kept in
`__snapshots__/captures/<size>/<screen>.txt`: a tour of each part of the app (the
launcher, the facilitator's console and each of its forms, solo play from briefing to
debrief, the review, a live session's seats) compares what the terminal shows with the
stored capture.

After a deliberate change, `pytest tests/ui/test_screen_captures.py --snapshot-update`
rewrites them; read the diff (`git diff`) as you would a screenshot. Being text, a
capture shows exactly which words moved, and a cut-off line is plain to see.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.ui.scenes import busy_console, drill_save, session, with_saves
from tests.ui.support import BROKEN, app_for, run_async, screen_text, settle
from ui.controller import SessionController
from ui.live.remote import SeatLink
from ui.live.seats import Seat, view_for
from ui.tui.app import TTXApp
from ui.tui.messages import OpenRequest
from ui.tui.screens.join import JoinScreen
from ui.tui.screens.seat import SeatScreen
from ui.tui.screens.timer import TimerScreen

CAPTURES = Path(__file__).parent / "__snapshots__" / "captures"
SIZES = {"80x24": (80, 24), "160x50": (160, 50)}
Capture = Callable[[str], None]


def normalised(text: str) -> str:
    """The screen without what changes from run to run: clock times and stamps."""
    text = re.sub(r"\b\d{2}:\d{2}:\d{2}\b", "HH:MM:SS", text)
    text = re.sub(r"\b\d{8}T\d{6}Z\b", "YYYYMMDDTHHMMSSZ", text)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


class Captures:
    def __init__(self, app: TTXApp, size: str, update: bool) -> None:
        self.app, self.size, self.update = app, size, update
        self.names: list[str] = []
        self.differences: list[str] = []

    def __call__(self, name: str) -> None:
        assert name not in self.names, f"two captures named {name}"
        self.names.append(name)
        shown = normalised(screen_text(self.app))
        path = CAPTURES / self.size / f"{name}.txt"
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(shown, encoding="utf-8")
            return
        stored = path.read_text(encoding="utf-8") if path.is_file() else ""
        if shown != stored:
            self.differences.append("".join(difflib.unified_diff(
                stored.splitlines(keepends=True), shown.splitlines(keepends=True),
                f"{path.relative_to(CAPTURES)} (stored)", "on screen now")))

    def verdict(self) -> None:
        assert not self.differences, (
            f"{len(self.differences)} screen(s) differ from their capture (run with "
            "--snapshot-update after a deliberate change):\n" + "\n".join(self.differences))


Tour = Callable[[Pilot[None], Capture], Awaitable[None]]


async def visit(pilot: Pilot[None], capture: Capture, name: str, *keys: str,
                back: tuple[str, ...] = ("escape",)) -> None:
    """Press `keys`, capture the screen they open, and go back."""
    await pilot.press(*keys)
    await settle(pilot)
    capture(name)
    await pilot.press(*back)
    await settle(pilot)


async def launcher_tour(pilot: Pilot[None], capture: Capture) -> None:
    capture("launcher")
    await visit(pilot, capture, "setup-facilitate", "f")
    await visit(pilot, capture, "setup-solo", "p")
    await visit(pilot, capture, "help-launcher", "question_mark")
    await visit(pilot, capture, "quit-confirm", "q")


async def console_tour(pilot: Pilot[None], capture: Capture) -> None:
    capture("console")
    await visit(pilot, capture, "console-log-zoomed", "shift+tab", "z", back=("z",))
    for name, key in (("deliver", "d"), ("adhoc", "a"), ("decide", "c"), ("rate", "r"),
                      ("note", "n"), ("fix", "w"), ("module", "m"),
                      ("next-turn-confirm", "t"), ("end-exercise", "e"),
                      ("help-console", "question_mark"), ("messages", "ctrl+l")):
        # (not the palette: its providers answer concurrently, in no fixed order)
        await visit(pilot, capture, name, key)
    await visit(pilot, capture, "score-card", "s", back=("b",))


async def solo_tour(pilot: Pilot[None], capture: Capture) -> None:
    await visit(pilot, capture, "solo-briefing", back=("enter",))
    capture("solo-turn-1")
    await visit(pilot, capture, "solo-choose-confirm", "2", back=("y",))
    capture("solo-chosen")
    await pilot.press("t")
    await settle(pilot)
    capture("solo-turn-2")
    await visit(pilot, capture, "solo-respond", "w")
    await visit(pilot, capture, "solo-end-turn-confirm", "t", back=("y",))
    await visit(pilot, capture, "help-solo", "question_mark")
    await pilot.press("t")
    await settle(pilot)
    await visit(pilot, capture, "solo-last-turn-results", back=("enter",))
    capture("solo-score-card-and-debrief")
    await pilot.press("end")
    await settle(pilot)
    capture("solo-score-card-and-debrief-end")


async def review_tour(pilot: Pilot[None], capture: Capture) -> None:
    await pilot.press("down", "down", "down")
    await settle(pilot)
    capture("review")
    await visit(pilot, capture, "review-search", "slash")
    await visit(pilot, capture, "review-report", "x")
    await visit(pilot, capture, "help-review", "question_mark")


def facilitated(workdir: Path) -> TTXApp:
    """The busy console of the snapshots, with a rating in this turn to correct."""
    controller = busy_console()
    controller.rate("south", "comms", "M", "fell back to national circuits")
    app = app_for(workdir)
    app.call_later(app.opened, controller)
    return app


def solo_session(workdir: Path) -> TTXApp:
    app = app_for(workdir)
    app.call_later(app.opened, session("play", "north"))
    return app


def scripted_errors(workdir: Path) -> TTXApp:
    (workdir / "broken.yaml").write_bytes(BROKEN.read_bytes())
    return app_for(workdir, OpenRequest("facilitate", script="broken.yaml"))


async def errors_tour(pilot: Pilot[None], capture: Capture) -> None:
    capture("script-errors")


def seat(c: SessionController, role: str, team: str | None = None) -> SeatScreen:
    """A live session's seat showing the view a host would send for this session (the
    link is handed the view; nothing connects)."""
    link = SeatLink("ws://127.0.0.1:8765/", "unused")
    link.view = view_for(Seat(role, team), c.exercise, c.state,  # type: ignore[arg-type]
                         len(c.records), True)
    link.status = "connected"
    return SeatScreen(link)


async def seats_tour(pilot: Pilot[None], capture: Capture) -> None:
    app, c = pilot.app, busy_console()
    await app.push_screen(JoinScreen("ws://127.0.0.1:8765/",
                                     "this join code opens no seat of this session"))
    await settle(pilot)
    capture("join-code-refused")
    await app.switch_screen(seat(c, "team", "south"))
    await settle(pilot)
    capture("seat-team-briefing")
    await pilot.press("down")
    await settle(pilot)
    capture("seat-team-inject")
    await visit(pilot, capture, "seat-team-decide", "down", "down", "d")
    await app.switch_screen(seat(c, "observer"))
    await settle(pilot)
    await pilot.press("down")
    await settle(pilot)
    capture("seat-observer")
    await app.push_screen(TimerScreen(30, False))
    await settle(pilot)
    capture("timer-form")


TOURS: dict[str, tuple[Callable[[Path], TTXApp], Tour]] = {
    "launcher": (lambda w: (with_saves(w), app_for(w, broken=True))[1], launcher_tour),
    "console": (facilitated, console_tour),
    "solo": (solo_session, solo_tour),
    "review": (lambda w: app_for(w, OpenRequest("review", save=drill_save(w))), review_tour),
    "errors": (scripted_errors, errors_tour),
    "seats": (app_for, seats_tour),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tour", TOURS)
@run_async
async def test_every_screen_matches_its_capture(tour: str, size: str, workdir: Path,
                                                request: pytest.FixtureRequest) -> None:
    make, walk = TOURS[tour]
    app = make(workdir)
    captures = Captures(app, size, bool(request.config.getoption("--snapshot-update")))
    async with app.run_test(size=SIZES[size]) as pilot:
        await settle(pilot)
        await walk(pilot, captures)
    captures.verdict()
