"""Snapshots of each screen, to catch layout regressions (`pytest --snapshot-update`
after a deliberate change, then look at the SVGs)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.ui.scenes import busy_console, session, show, with_saves
from tests.ui.support import BROKEN, app_for, settle
from ui.live.remote import SeatLink
from ui.live.seats import Seat, view_for
from ui.tui.messages import OpenRequest
from ui.tui.screens.seat import SeatScreen
from ui.tui.widgets.events_list import delivery_id
from ui.tui.widgets.inbox import Inbox


def test_launcher(workdir: Path, snap_compare: Any) -> None:
    with_saves(workdir)
    app = app_for(workdir, broken=True)
    assert snap_compare(app, terminal_size=(120, 35), run_before=settle)


def test_launcher_at_80x24(workdir: Path, snap_compare: Any) -> None:
    with_saves(workdir)
    assert snap_compare(app_for(workdir), terminal_size=(80, 24), run_before=settle)


def test_console(workdir: Path, snap_compare: Any) -> None:
    app = app_for(workdir)
    assert snap_compare(app, terminal_size=(120, 35), run_before=show(busy_console()))


def test_console_at_80x24(workdir: Path, snap_compare: Any) -> None:
    app = app_for(workdir)
    assert snap_compare(app, terminal_size=(80, 24), run_before=show(busy_console()))


def test_console_at_200x60_light(workdir: Path, snap_compare: Any) -> None:
    app = app_for(workdir)
    app.theme = "textual-light"
    assert snap_compare(app, terminal_size=(200, 60), run_before=show(busy_console()))


def test_solo_after_a_turn(workdir: Path, snap_compare: Any) -> None:
    c = session("play", "north")
    c.decide("north", 1, "patrol")
    c.advance()

    async def run_before(pilot: Pilot[None]) -> None:
        await show(c)(pilot)
        inbox = pilot.app.screen.query_one(Inbox)
        inbox.highlighted = inbox.get_option_index(delivery_id(1))  # turn 1, revealed
        await settle(pilot)

    assert snap_compare(app_for(workdir), terminal_size=(120, 35), run_before=run_before)


def test_solo_end(workdir: Path, snap_compare: Any) -> None:
    c = session("play", "north")
    c.decide("north", 1, "share-tracks")
    c.advance()
    c.decide("north", 3, "fallback")
    c.advance()
    c.advance()
    assert snap_compare(app_for(workdir), terminal_size=(120, 35), run_before=show(c))


def test_script_errors(workdir: Path, snap_compare: Any) -> None:
    shutil.copy(BROKEN, workdir / "broken.yaml")
    app = app_for(workdir, OpenRequest("facilitate", script="broken.yaml"))
    assert snap_compare(app, terminal_size=(100, 24), run_before=settle)


def seat_scene(seat: Seat, select: int = 0) -> Any:
    """A live session's team or observer seat, showing the view a host would send for
    this session (no host: the link is given the view as if it had arrived)."""
    c = busy_console()
    view = view_for(seat, c.exercise, c.state, len(c.records), True)
    link = SeatLink("ws://127.0.0.1:8765/", "unused")
    link.view, link.status = view, "connected"

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(SeatScreen(link))
        await settle(pilot)
        for _ in range(select):
            await pilot.press("down")
        await settle(pilot)

    return run_before


def test_team_seat(workdir: Path, snap_compare: Any) -> None:
    assert snap_compare(app_for(workdir), terminal_size=(120, 35),
                        run_before=seat_scene(Seat("team", "south"), select=1))


def test_team_seat_at_80x24(workdir: Path, snap_compare: Any) -> None:
    assert snap_compare(app_for(workdir), terminal_size=(80, 24),
                        run_before=seat_scene(Seat("team", "north")))


def test_observer_seat(workdir: Path, snap_compare: Any) -> None:
    assert snap_compare(app_for(workdir), terminal_size=(120, 35),
                        run_before=seat_scene(Seat("observer"), select=1))
