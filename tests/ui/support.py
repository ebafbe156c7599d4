"""Helpers for the TUI tests: a small exercise, an app wired to a temporary saves
directory, the screen as text, and saves built directly with the engine (fixed dates,
for snapshots)."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import ParamSpec

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable

from engine.commands import Command, Controllers, Start
from engine.loader import load
from engine.session import Session
from engine.store import SaveHeader, SaveWriter
from ui.tui.app import Launch, Settings, TTXApp
from ui.tui.messages import OpenRequest

P = ParamSpec("P")

DATA = Path(__file__).parent / "data"
DRILL = DATA / "drill.yaml"
BROKEN = DATA / "broken.yaml"


def run_async(test: Callable[P, Awaitable[None]]) -> Callable[P, None]:
    """Run an async test function to completion (no async plugin needed)."""

    @functools.wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(test(*args, **kwargs))  # type: ignore[arg-type]

    return run


def settings(workdir: Path, *, broken: bool = False) -> Settings:
    dirs = [Path("exercises")]
    if broken:
        (workdir / "more").mkdir(exist_ok=True)
        shutil.copy(BROKEN, workdir / "more" / "broken.yaml")
        dirs.append(Path("more"))
    return Settings(exercise_dirs=tuple(dirs), saves_dir=Path("saves"), fsync=False)


def app_for(workdir: Path, request: OpenRequest | None = None, *,
            broken: bool = False) -> TTXApp:
    return TTXApp(Launch(request, settings(workdir, broken=broken)))


def facilitate(workdir: Path, bots: tuple[str, ...] = ()) -> TTXApp:
    return app_for(workdir, OpenRequest("facilitate", script="exercises/drill.yaml", bots=bots))


def solo(workdir: Path, team: str = "north") -> TTXApp:
    return app_for(workdir, OpenRequest("play", script="exercises/drill.yaml", team=team))


async def settle(pilot: Pilot[None]) -> None:
    """Wait until workers (loading, listing) are done and the screen has caught up,
    including the column widths a DataTable computes only when the app is idle (on a
    loaded machine that can come after a plain pause)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for _ in range(100):
        if not any(t._require_update_dimensions for t in pilot.app.screen.query(DataTable)):
            break
        await pilot.pause(0.02)


async def past_the_briefing(pilot: Pilot[None]) -> None:
    """Solo play opens on the trainee's briefing; read it and go to the inbox."""
    from ui.tui.screens.solo_briefing import SoloBriefingScreen

    await settle(pilot)
    assert isinstance(pilot.app.screen, SoloBriefingScreen)
    await pilot.press("enter")
    await settle(pilot)


def screen_text(app: TTXApp) -> str:
    """What the terminal shows now, as plain text (one line per row)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def widget_text(widget: Widget) -> str:
    """A widget's words as rendered, with line wrapping undone."""
    lines = widget.render_lines(widget.region.reset_offset)
    return " ".join(" ".join(strip.text for strip in lines).split())


def make_save(path: Path, commands: Iterable[Command] = (), *, created: str =
              "2025-03-01T09:00:00+00:00", mode: str = "facilitate",
              bots: frozenset[str] = frozenset(), script: Path = DRILL,
              seed: int = 7) -> Path:
    """A save written by the engine directly, with a fixed creation date."""
    loaded = load(script)
    ex = loaded.exercise
    header = SaveHeader(exercise=ex.id, script=str(script.resolve()),
                        script_sha256=loaded.sha256, seed=seed,
                        teams={t: ("bot" if t in bots else "person") for t in ex.team_ids},
                        mode=mode, created=created)
    writer = SaveWriter.create(path, header, fsync=False)
    session = Session(ex, seed, Controllers(bots), sink=writer)
    session.execute(Start())
    for command in commands:
        session.execute(command)
    writer.close()
    stamp = 1_700_000_000 + int(created[11:13]) * 3600
    os.utime(path, (stamp, stamp))
    return path


def synthetic_script(path: Path, *, teams: int = 8, turns: int = 40, injects: int = 6) -> Path:
    """A large exercise for timing: every inject goes to every team, bots play them all,
    and every option carries a rating, so each turn adds about injects x teams x 2
    events."""
    lines = ["format: ttx/1", "id: synthetic", "title: Synthetic load", f"turns: {turns}",
             "teams:"]
    lines += [f"  - {{id: t{i}, name: Team {i}, policy: random}}" for i in range(teams)]
    lines += ["metrics:", "  - {id: trust, initial: 50}", "  - {id: tempo, scope: global}",
              "objectives:", "  - {id: share, title: Share}", "  - {id: act, title: Act}",
              "injects:"]
    for turn in range(1, turns + 1):
        for k in range(injects):
            lines += [f"  - id: i{turn}-{k}", f"    title: Inject {k} of turn {turn}",
                      f"    turn: {turn}", "    channel: email", "    options:"]
            lines += [f"      - {{id: o{j}, label: Option {j}, rating: {{share: {r}}}, "
                      f"effects: [{{metric: trust, team: self, add: {j - 1}}}]}}"
                      for j, r in enumerate("PSM")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
