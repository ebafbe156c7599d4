"""Feel: with a 2,000-event session, each keypress in the events list repaints the list
and the detail pane; the save opens with a progress bar. How fast the repaint is, is
measured by the benchmark (`python -m tests.bench`), not asserted here: a timed test
flakes on a busy machine."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from textual.screen import Screen
from textual.widgets import ProgressBar

from engine.commands import Advance
from tests.ui.support import app_for, make_save, run_async, settle, synthetic_script
from ui.tui.messages import OpenRequest
from ui.tui.screens.console import ConsoleScreen
from ui.tui.screens.loading import LoadingScreen


def big_save(workdir: Path) -> Path:
    script = synthetic_script(workdir / "synthetic.yaml")
    path = make_save(workdir / "big.jsonl", [Advance()] * 20, script=script,
                     bots=frozenset(f"t{i}" for i in range(8)))
    return path


@run_async
async def test_every_keypress_repaints_the_list_and_the_detail(workdir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    painted: list[float] = []
    paint = Screen._compositor_refresh

    def timed_paint(self: Screen[object]) -> None:
        paint(self)
        painted.append(time.perf_counter())

    monkeypatch.setattr(Screen, "_compositor_refresh", timed_paint)
    save = big_save(workdir)
    seen_loading: list[bool] = []
    app = app_for(workdir, OpenRequest("resume", save=str(save)))
    async with app.run_test(size=(120, 35)) as pilot:
        seen_loading.append(isinstance(app.screen, LoadingScreen)
                            and bool(app.screen.query(ProgressBar)))
        await settle(pilot)
        await pilot.pause(0.5)  # let the app settle its long-lived objects
        screen = app.screen
        assert isinstance(screen, ConsoleScreen) and len(screen.controller.records) >= 2000
        latencies = []
        for i in range(30):
            painted.clear()
            shown = screen.selected
            pressed = time.perf_counter()
            await pilot.press("down" if (i // 5) % 2 == 0 else "up")
            assert screen.selected != shown  # the detail pane follows the list
            assert painted, "no repaint after a keypress"
            latencies.append((painted[0] - pressed) * 1000)
    median = statistics.median(latencies)
    print(f"keypress to first repaint: median {median:.1f} ms, max {max(latencies):.1f} ms")
    assert seen_loading == [True]
