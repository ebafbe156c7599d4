"""Sessions and saves in known states, shared by the SVG snapshots and the text
captures: fixed paths and dates, so what is drawn is the same on every run."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from engine.commands import Advance, Decide, End, Note, Rate
from tests.ui.support import BROKEN, make_save, settle
from ui.controller import SessionController
from ui.tui.app import TTXApp


def with_saves(workdir: Path) -> None:
    (workdir / "saves").mkdir()
    make_save(workdir / "saves" / "morning.jsonl", [Note("Liaison officers arrived late"),
                                                    Advance()],
              created="2025-03-01T09:00:00+00:00")
    make_save(workdir / "saves" / "afternoon.jsonl", [End("Called off for weather")],
              created="2025-03-01T14:00:00+00:00")
    damaged = make_save(workdir / "saves" / "damaged.jsonl",
                        created="2025-03-01T08:00:00+00:00")
    damaged.write_bytes(damaged.read_bytes().replace(b'"turn":1', b'"turn":5', 1))
    (workdir / "more").mkdir()
    shutil.copy(BROKEN, workdir / "more" / "broken.yaml")


def session(mode: str = "facilitate", team: str | None = None) -> SessionController:
    return SessionController.start("exercises/drill.yaml", mode=mode,  # type: ignore[arg-type]
                                   team=team, path=f"saves/{mode}.jsonl", fsync=False)


def show(controller: SessionController) -> Any:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, TTXApp)
        await settle(pilot)
        app.opened(controller)
        await settle(pilot)

    return run_before


def busy_console() -> SessionController:
    c = session()
    c.decide("south", 1, "patrol")
    c.rate("north", "share", "S", "shared on request only")
    c.note("Harbour Control briefed well", "hotwash")
    c.advance()
    c.adhoc("Minister calls", "Brief me by noon.", "phone", "Defence minister", ("north",),
            [("trust", "north", "add", -5)])
    return c


def drill_save(workdir: Path) -> str:
    (workdir / "saves").mkdir()
    make_save(workdir / "saves" / "drill.jsonl",
              [Decide("south", delivery=1, option="patrol"),
               Note("Liaison officers arrived late"),
               Rate("south", "share", "M", "kept its tracks to itself"), Advance(), Advance(),
               Note("The patrol plan was never briefed", "hotwash", "south"), Advance()],
              bots=frozenset({"north", "coast"}))
    return "saves/drill.jsonl"
