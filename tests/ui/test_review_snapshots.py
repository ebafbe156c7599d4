"""Snapshots of the review screen at fixed points of a fixed save, to catch layout
regressions (`pytest --snapshot-update` after a deliberate change, then look at the
SVGs): the triggered inject explained at 120x35, a rolled decision at 80x24, and the
inject pane beside the explanation at 200x60."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.ui.scenes import drill_save
from tests.ui.support import app_for, settle
from ui.tui.messages import OpenRequest
from ui.tui.screens.review import ReviewScreen


def at(seq: int) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen) and screen.loaded
        screen.goto(seq)
        await pilot.pause()

    return run_before


def test_a_triggered_inject_explained(workdir: Path, snap_compare: Any) -> None:
    app = app_for(workdir, OpenRequest("review", save=drill_save(workdir)))
    assert snap_compare(app, terminal_size=(120, 35), run_before=at(14))  # `grumble`


def test_a_rolled_decision_at_80x24(workdir: Path, snap_compare: Any) -> None:
    app = app_for(workdir, OpenRequest("review", save=drill_save(workdir)))
    assert snap_compare(app, terminal_size=(80, 24), run_before=at(4))  # south's patrol


def test_the_inject_beside_the_explanation_at_200x60(workdir: Path, snap_compare: Any
                                                      ) -> None:
    app = app_for(workdir, OpenRequest("review", save=drill_save(workdir)))
    assert snap_compare(app, terminal_size=(200, 60), run_before=at(13))  # the follow-up
