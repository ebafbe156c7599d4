"""Sessions backed by a save: start one, resume one, replay or verify one.

This is where the loader, the session and the store meet; the UI and the CLI call
these functions and never wire the pieces together themselves.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .audit import audit, boundaries, misfit
from .commands import Controllers, Start
from .gcpause import paused_gc
from .loader import LoadedScript
from .session import Session
from .store import (
    SaveError,
    SaveFile,
    SaveHeader,
    SaveWriter,
    StreamedSave,
    default_path,
    line_hashes,
    read,
)


class ScriptChanged(Exception):
    """The script's bytes differ from those the save was recorded with."""


@dataclass
class Live:
    """A session with the save it writes to."""

    session: Session
    writer: SaveWriter
    header: SaveHeader

    @property
    def path(self) -> str:
        return self.writer.path

    def close(self) -> None:
        self.writer.close()


def start(script: LoadedScript, *, seed: int | None, bots: frozenset[str], mode: str,
          saves_dir: str | Path = "saves", path: str | Path | None = None,
          fsync: bool = True, begin: bool = True) -> Live:
    """Create a save and start turn 1 (its events are on disk when this returns); with
    `begin` false, a lobby: the save holds only its header until `Start` is executed."""
    ex = script.exercise
    if seed is None:
        seed = ex.seed if ex.seed is not None else int.from_bytes(os.urandom(4), "big")
    header = SaveHeader(
        exercise=ex.id, script=str(Path(script.path).resolve()), script_sha256=script.sha256,
        seed=seed, teams={t: ("bot" if t in bots else "person") for t in ex.team_ids},
        mode=mode, created=datetime.now(UTC).isoformat(timespec="seconds"))
    target = Path(path) if path is not None else default_path(saves_dir, ex.id)
    writer = SaveWriter.create(target, header, fsync=fsync)
    session = Session(ex, seed, Controllers(bots), sink=writer)
    if begin:
        session.execute(Start())
    return Live(session, writer, header)


def controllers(header: SaveHeader) -> Controllers:
    return Controllers(frozenset(t for t, who in header.teams.items() if who == "bot"))


def _check_script(save: SaveFile, script: LoadedScript, force: bool) -> None:
    if script.sha256 != save.header.script_sha256 and not force:
        raise ScriptChanged(
            f"{script.path} has changed since {save.path} was recorded (SHA-256 "
            f"{script.sha256[:12]}... now, {save.header.script_sha256[:12]}... then); "
            "replaying it could tell a different story. Use --force to open it anyway.")
    if script.exercise.id != save.header.exercise:
        raise ScriptChanged(f"{save.path} is a save of {save.header.exercise!r}, "
                            f"not of {script.exercise.id!r}")


def replay(save: SaveFile, script: LoadedScript, force: bool = False,
           progress: Callable[[int, int], None] | None = None) -> Session:
    """Refold a save into a session (no writer attached)."""
    _check_script(save, script, force)
    session = Session(script.exercise, save.header.seed, controllers(save.header))
    total = len(save.records)
    ex = script.exercise
    for i in range(0, total, 2000):
        with paused_gc():
            for record in save.records[i:i + 2000]:
                problem = misfit(ex, session.state, record.event)
                if problem is not None:
                    raise SaveError(save.path, record.seq + 1, f"{problem}; this save does "
                                    "not fit its script (ttx verify checks it in full)")
                session.replay((record,))
        if progress is not None:
            progress(min(i + 2000, total), total)
    return session


def resume(path: str | Path, script: LoadedScript, force: bool = False,
           fsync: bool = True) -> tuple[Live, SaveFile]:
    """Reopen an unfinished save to continue playing where it stopped."""
    save = read(path)
    return reopen(save, script, force, fsync), save


def reopen(save: SaveFile, script: LoadedScript, force: bool = False, fsync: bool = True,
           progress: Callable[[int, int], None] | None = None, begin: bool = True) -> Live:
    """Continue a save already read (the TUI reads it first to find its script and
    reports the refold's `progress`); a save with no event yet starts unless `begin`
    is false (a host's lobby)."""
    session = replay(save, script, force, progress)
    if session.state.ended:
        raise SaveError(save.path, 0, "this session has ended; open it in review instead")
    writer = SaveWriter.reopen(save, fsync=fsync)
    session.attach(writer)
    if begin and not session.records:
        session.execute(Start())
    return Live(session, writer, save.header)


def branch(save: SaveFile, script: LoadedScript, at: int, *, path: str | Path | None = None,
           saves_dir: str | Path = "saves", fsync: bool = True) -> tuple[Live, int]:
    """A what-if branch: a new save that starts as `save` did, up to its `at`-th event
    (moved back to the start of the command it falls in), and plays on from there with
    the same seed, so untouched rolls repeat. Its header names the parent and the
    parent's head hash at the fork. Returns the live branch and the fork used."""
    session = replay(save, script)
    if not 0 <= at <= len(save.records):
        raise SaveError(save.path, 0, f"event {at} is not in this save (it has "
                        f"{len(save.records)} events)")
    fork = max(b for b in boundaries(script.exercise, save.header.seed, session.controllers,
                                     save.records) if b <= at)
    kept = save.records[:fork]
    state = session.state_at(fork)
    if state.ended:
        raise SaveError(save.path, 0, f"the session had ended by event {fork}: branch from "
                        "an earlier event")
    header = save.header.model_copy(update={
        "parent": str(Path(save.path).resolve()), "parent_head": line_hashes(save.path)[fork],
        "fork": fork, "created": datetime.now(UTC).isoformat(timespec="seconds")})
    target = Path(path) if path is not None else default_path(saves_dir, header.exercise)
    writer = SaveWriter.create(target, header, fsync=fsync)
    try:
        if kept:
            writer.append(kept)
    except BaseException:
        writer.close()
        raise
    live = Session(script.exercise, header.seed, session.controllers, sink=writer)
    live.replay(kept)
    if not kept:
        live.execute(Start())
    return Live(live, writer, header), fork


def verify(save: SaveFile | StreamedSave, script: LoadedScript) -> list[str]:
    """Decide every recorded command again, as the rules decide a live one: return the
    first event that does not follow, as `line N: ...` (empty: all good). Each line's
    seal and the hash chain are checked as the save is read: all at once (`SaveFile`),
    or as the audit goes (`StreamedSave`, which raises SaveError at a damaged line)."""
    problem = audit(script.exercise, save.header.seed, controllers(save.header),
                    save.records)
    return [] if problem is None else [problem]
