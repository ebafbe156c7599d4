"""The one place the TUI talks to the engine.

Screens and widgets never load files, build commands or ask the rules anything:
they call this facade and render the `State` it hands back. Everything here is
plain synchronous Python, so screens call the slow parts (listing saves, opening
a big save) from Textual workers and the rest directly.
"""

from __future__ import annotations

import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from engine import saved, wording
from engine.commands import (
    Advance,
    Command,
    CommandError,
    Decide,
    Deliver,
    DeliverAdhoc,
    End,
    Note,
    Rate,
    Start,
    Withdraw,
)
from engine.controls import escape_controls
from engine.diagnostics import Diagnostic, ScriptError
from engine.events import DecisionRecorded, ExerciseEnded, InjectDelivered, Rated, TurnStarted
from engine.files import Unreadable, read_capped
from engine.loader import LoadedScript, load
from engine.saved import Live, ScriptChanged
from engine.savelock import SaveLocked, held_by
from engine.scoring import objective_score, weighted_total
from engine.script import Effect, Exercise, Inject, Rating, scale_values
from engine.session import Record, Session
from engine.state import Delivery, State
from engine.store import SaveError, SaveFile, SaveHeader, read
from ui.paths import BUNDLED, exercise_files, script_for

__all__ = ["CommandError", "OpenError", "SaveFailed", "SessionController", "SessionPort"]

Mode = Literal["facilitate", "play"]
Progress = Callable[[int, int], None]


class SaveFailed(CommandError):
    """The save could not record a command; the session is read-only from now on."""


class OpenError(Exception):
    """A session that cannot be opened: what went wrong, and every detail line
    (`file:line:col: message` for a script, `file:line: message` for a save)."""

    def __init__(self, title: str, details: Sequence[str] = (), count: int | None = None,
                 *, read_only: str | None = None, open_read_only: bool = False) -> None:
        self.title = title
        self.details = list(details)
        self.count = len(self.details) if count is None else count  # problems, not lines
        self.read_only = read_only  # a save that can still be opened read-only (review)
        self.open_read_only = open_read_only  # ... and should be, at once, with a note
        super().__init__("\n".join([title, *self.details]))


def torn_words(save: SaveFile) -> list[str]:
    """What resuming a save with a torn tail dropped, in words."""
    torn = save.torn
    assert torn is not None
    events = (f" and the {torn.events} complete event line(s) of the same command"
              if torn.events else "")
    return [f"{shown_path(save.path)} ended in a write a crash cut short: from line "
            f"{torn.line}, {torn.size:,} bytes (the unfinished line{events}) were dropped.",
            "That command was never confirmed on screen, so nothing acknowledged is lost; "
            "if it was a decision, a note or a rating, enter it again.",
            f"The session continues from event #{len(save.records)}."]


def _check_writable(save_path: str | Path) -> None:
    holder = held_by(save_path)
    if holder is not None:
        raise _locked(save_path, holder)
    if Path(save_path).is_file() and not os.access(save_path, os.W_OK):
        raise OpenError("This save is read-only for you",
                        [f"{save_path}: you may read this save but not write it, so it is "
                         "open read-only: review it, report it, or copy it to resume it."],
                        count=1, read_only=str(save_path), open_read_only=True)


def _locked(save_path: str | Path, holder: str) -> OpenError:
    return OpenError("This save is open in another session",
                     [f"{save_path} is being written by {holder}.",
                      "A save has one writer at a time, so this console cannot write it. "
                      "Open it read-only (r) to follow it, or resume it once that session "
                      "has closed."], count=1, read_only=str(save_path))


# ------------------------------------------------------------------ the catalog


def shown_path(path: str | Path) -> str:
    """A file's path as short as it can be and still be found from here (a hosted
    session's address, which a seat's console shows where a save's path would be,
    as it is)."""
    if "://" in str(path):
        return str(path)
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


@dataclass(frozen=True)
class TeamInfo:
    id: str
    name: str
    role: str | None
    playable: bool


@dataclass(frozen=True)
class ExerciseInfo:
    """A script as the launcher lists it; `problems` is non-empty when it does not load."""

    path: str
    id: str = ""
    title: str = ""
    summary: str = ""
    turns: int = 0
    teams: tuple[TeamInfo, ...] = ()
    objectives: int = 0
    injects: int = 0
    problems: tuple[str, ...] = ()  # diagnostics, each followed by its source line
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class SaveInfo:
    """A save as the launcher lists it; `problem` is set when it cannot be read."""

    path: str
    exercise: str = ""
    created: str = ""
    mode: str = ""
    turn: int = 0
    events: int = 0
    finished: bool = False
    outcome: str | None = None
    teams: tuple[tuple[str, str], ...] = ()  # (team, person|bot)
    torn: bool = False
    problem: str | None = None

    @property
    def resumable(self) -> bool:
        return self.problem is None and not self.finished

    @property
    def date(self) -> str:
        try:
            when = datetime.fromisoformat(self.created)
            return (when.astimezone() if when.tzinfo else when).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return self.created


def script_of_save(header: SaveHeader, save_path: str | Path, script: str | None,
                   search: Sequence[Path], force: bool, hint: Sequence[str] = ()
                   ) -> LoadedScript:
    """The script a save was played with (`paths.script_for`), or OpenError in the
    user's words; `hint` says how to get past a script that is not as it was."""
    try:
        return script_for(header, script, tuple(search), force)
    except ScriptError as exc:
        raise OpenError(f"The script of {shown_path(save_path)} cannot be loaded",
                        diagnostic_lines(exc.diagnostics),
                        len(exc.diagnostics) + exc.omitted) from None
    except ScriptChanged as exc:
        raise OpenError("The script of this save cannot be found as it was",
                        [str(exc), *hint]) from None


def diagnostic_lines(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """Each diagnostic as `file:line:col: message`, then its source line with a caret,
    so an author sees the spot without opening the file."""
    lines: dict[str, list[str]] = {}
    out = []
    for d in diagnostics:
        out.append(str(d))
        if d.path not in lines:
            try:
                lines[d.path] = read_capped(d.path).decode("utf-8", "replace").splitlines()
            except Unreadable:
                lines[d.path] = []
        source = lines[d.path]
        if 1 <= d.line <= len(source):
            out.append(f"  {d.line:>4} | {escape_controls(source[d.line - 1])}")
            out.append(f"  {'':>4} | {' ' * (d.col - 1)}^")
    return out


def list_exercises(dirs: Sequence[Path]) -> list[ExerciseInfo]:
    """Every script in `dirs`, loaded and checked (a broken one carries its diagnostics)."""
    found = []
    for found_at in exercise_files(*[d for d in dirs if d.is_dir()]):
        path = Path(shown_path(found_at))  # diagnostics name the file as people see it
        try:
            ex = load(path).exercise
        except ScriptError as exc:
            found.append(ExerciseInfo(str(path), id=path.stem, title=path.name,
                                      problems=tuple(diagnostic_lines(exc.diagnostics)),
                                      problem_count=len(exc.diagnostics) + exc.omitted))
            continue
        teams = tuple(TeamInfo(t.id, t.name, t.role, t.playable) for t in ex.teams)
        found.append(ExerciseInfo(str(path), ex.id, ex.title, ex.summary, ex.turns, teams,
                                  len(ex.objectives), len(ex.injects)))
    return found


def save_info(path: Path) -> SaveInfo:
    try:
        save = read(path)
    except SaveError as exc:
        return SaveInfo(str(path), problem=str(exc))
    records = save.records
    end = next((r.event for r in reversed(records) if isinstance(r.event, ExerciseEnded)),
               None)
    return SaveInfo(
        str(path), save.header.exercise, save.header.created, save.header.mode,
        turn=records[-1].turn if records else 0, events=len(records),
        finished=end is not None, outcome=end.outcome if end else None,
        teams=tuple(save.header.teams.items()), torn=save.torn is not None)


def list_saves(directory: Path) -> list[SaveInfo]:
    """Every `*.jsonl` save in `directory`, newest first, each fully read and checked."""
    if not directory.is_dir():
        return []
    paths = sorted(directory.glob("*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)
    return [save_info(p) for p in paths]


def load_script(path: str | Path) -> LoadedScript:
    try:
        return load(path)
    except ScriptError as exc:
        raise OpenError(f"{path} has problems; fix them and try again",
                        diagnostic_lines(exc.diagnostics),
                        len(exc.diagnostics) + exc.omitted) from None


# ------------------------------------------------------------------ turn plan


@dataclass(frozen=True)
class TurnPlan:
    """The master scenario events list around this turn, for the facilitator.

    `waiting`: scripted for this turn but not delivered (their condition did not
    hold); `on_call`: injects with no turn (follow-ups and triggered ones) not yet
    delivered, or repeatable; `queued`: follow-ups queued for next turn;
    `upcoming`: scheduled for the next turn (the deliver form lists them all).
    """

    waiting: tuple[Inject, ...]
    on_call: tuple[Inject, ...]
    queued: tuple[Inject, ...]
    upcoming: tuple[Inject, ...]


# ------------------------------------------------------------------ sessions


class SessionPort(ABC):
    """What a screen may ask of a session and do to it, whether the session lives in
    this process (`SessionController`) or in a host this console is a seat of
    (`ui.live.remote.RemoteSession`): one method per thing a person can do, and the
    queries the screens render. Each method sends one engine command; a refused
    command raises `CommandError`, whose message is for the user.
    """

    role: str = "facilitator"  # a seat's role: which keys it shows (the host checks)

    def __init__(self, mode: Mode, player: str | None = None) -> None:
        self.mode: Mode = mode
        self.player = player
        self.read_only: str | None = None  # why nothing more can be written, if so
        self.cut: list[str] = []  # what resuming cut from a torn save, to show once
        self._clock = (self.state.turn, time.monotonic())  # turn, seen starting

    @property
    @abstractmethod
    def session(self) -> Session:
        """The session as this process knows it (a seat's mirrors its host's)."""

    @property
    @abstractmethod
    def path(self) -> str:
        """Where the session lives: its save, or its host's address."""

    @abstractmethod
    def _execute(self, command: Command) -> list[Record]:
        """Carry out one command; its records are folded in when this returns."""

    @abstractmethod
    def close(self) -> None:
        """Let go of the save or the connection."""

    def may(self, action: str) -> bool:
        """Whether this console's role may do `action` (a console key's action name);
        a local console may do everything but set a hosted session's turn timer."""
        return action != "timer"

    def set_timer(self, minutes: float, auto_advance: bool) -> None:
        """Set a hosted session's turn timer (0 minutes: stop it)."""
        raise CommandError("a turn timer is kept by a host: use ttx host")

    def seat_status(self) -> str:
        """Who is connected and how long the turn has left, for a seat's status line
        ("" for a local console)."""
        return ""

    # ---------------------------------------------------------- reading

    @property
    def exercise(self) -> Exercise:
        return self.session.exercise

    @property
    def state(self) -> State:
        return self.session.state

    @property
    def records(self) -> list[Record]:
        return self.session.records

    @property
    def seed(self) -> int:
        return self.session.seed

    def is_bot(self, team: str) -> bool:
        return self.session.controllers.is_bot(team)

    def open_deliveries(self, team: str) -> list[Delivery]:
        return self.session.open_deliveries(team)

    def pending(self) -> list[tuple[str, Delivery]]:
        return self.session.pending()

    def may_decide(self, team: str, delivery: Delivery) -> bool:
        """Whether `team` may still decide on `delivery` now."""
        return any(d.number == delivery.number for d in self.open_deliveries(team))

    def deciders(self, delivery: Delivery) -> list[str]:
        """Teams that may still decide on `delivery` now, in script order."""
        return [t for t in self.exercise.team_ids if self.may_decide(t, delivery)]

    def scale(self) -> list[Rating]:
        return scale_values(self.exercise.scale)

    def score(self, team: str, objective: str) -> int | None:
        return objective_score(self.exercise, self.state, team, objective)

    def total(self, team: str) -> float | None:
        return weighted_total(self.exercise, self.state, team)

    def turn_plan(self) -> TurnPlan:
        ex, state = self.exercise, self.state
        turn = state.turn
        fresh = [i for i in ex.injects if not (i.once and state.delivered.get(i.id))]
        queued_ids = {inject for inject, _ in state.queued.get(turn + 1, [])}
        now = {d.inject for d in state.this_turn()}
        return TurnPlan(
            waiting=tuple(i for i in fresh if i.turn == turn and i.id not in now),
            on_call=tuple(i for i in fresh if i.turn is None),
            queued=tuple(i for i in fresh if i.id in queued_ids),  # a once-only
            # follow-up already delivered will not come again: not shown as queued
            upcoming=tuple(i for i in fresh if i.turn == turn + 1))

    def turn_start_state(self) -> State:
        """The state once this turn's injects were delivered and before anyone decided:
        what a solo player sees while the effects of the turn's choices stay hidden."""
        state, records = self.state, self.records
        if state.ended:
            return state
        start = next((k for k in range(len(records) - 1, -1, -1)
                      if isinstance(records[k].event, TurnStarted)), None)
        if start is None:
            return state
        end = start + 1
        while end < len(records) and isinstance(records[end].event, InjectDelivered):
            end += 1
        return self.session.state_at(end)

    def turn_minutes(self) -> tuple[int, int | None]:
        """Minutes this console has spent on the current turn (since it started here,
        or since the session was opened or resumed here), and the module's plan."""
        turn, since = self._clock
        if turn != self.state.turn:
            self._clock = (self.state.turn, time.monotonic())
            turn, since = self._clock
        module = self.exercise.module(turn)
        return int((time.monotonic() - since) // 60), module.minutes if module else None

    def subscribe(self, listener: Callable[[Sequence[Record]], None]) -> Callable[[], None]:
        return self.session.subscribe(listener)

    # ---------------------------------------------------------- acting

    def _run(self, command: Command) -> list[Record]:
        if self.read_only is not None:
            raise SaveFailed(self.read_only)
        return self._execute(command)

    def execute(self, command: Command) -> list[Record]:
        """Carry out any engine command: a host runs its seats' commands through here."""
        return self._run(command)

    def begin(self) -> list[Record]:
        """Start turn 1 of a session opened in a lobby."""
        return self._run(Start())

    def deliver(self, inject: str) -> list[Record]:
        return self._run(Deliver(inject))

    def adhoc(self, title: str, text: str = "", channel: str | None = None,
              sender: str | None = None, to: Sequence[str] = (),
              effects: Sequence[tuple[str, str | None, str, int]] = ()) -> list[Record]:
        """`effects` are (metric, team or None, "add" | "set", value)."""
        built = []
        for metric, team, op, value in effects:
            try:
                built.append(Effect(metric=metric, team=team, **{op: value}))
            except ValueError as exc:
                raise CommandError(f"effect on {metric!r}: {exc}") from None
        return self._run(DeliverAdhoc(title=title, text=text, channel=channel or None,
                                      sender=sender or None, to=tuple(to),
                                      effects=tuple(built)))

    def decide(self, team: str, delivery: int, option: str | None = None,
               response: str | None = None) -> list[Record]:
        return self._run(Decide(team=team, delivery=delivery, option=option,
                                response=response or None))

    def rate(self, team: str, objective: str, rating: Rating, note: str = "",
             observed: Sequence[str] = ()) -> list[Record]:
        return self._run(Rate(team, objective, rating, note, tuple(observed)))

    def note(self, text: str, kind: str = "note", team: str | None = None,
             objective: str | None = None) -> list[Record]:
        return self._run(Note(text, kind, team, objective))

    def withdraw(self, event: int, reason: str) -> list[Record]:
        return self._run(Withdraw(event, reason))

    def correctable(self) -> list[tuple[int, str]]:
        """What a correction may withdraw now, newest first: (event number, what it was
        in a few words, to pick from a list)."""
        out = []
        for seq in sorted(self.state.correctable, reverse=True):
            event = self.state.correctable[seq]
            if isinstance(event, DecisionRecorded):
                what = f"#{event.delivery} {event.team}: {wording.decision(self.exercise, event)}"
            elif isinstance(event, Rated):
                what = f"rating of {event.team} on {event.objective}: {event.rating}"
            else:
                what = f"{'hot wash' if event.kind == 'hotwash' else 'note'}: {event.text}"
            what = " ".join(what.split())
            out.append((seq, f"{seq}  {what if len(what) <= 64 else what[:63] + '…'}"))
        return out

    def advance(self) -> list[Record]:
        return self._run(Advance())

    def end(self, outcome: str | None = None) -> list[Record]:
        return self._run(End(outcome or None))



class SessionController(SessionPort):
    """A session in this process and its save, which it alone writes: the engine
    writes (and fsyncs) each command's events before the state changes and
    subscribers hear of them."""

    def __init__(self, live: Live, mode: Mode, player: str | None = None) -> None:
        self.live = live
        super().__init__(mode, player)

    # ---------------------------------------------------------- opening

    @classmethod
    def start(cls, script_path: str | Path, *, mode: Mode, seed: int | None = None,
              team: str | None = None, bots: Sequence[str] = (),
              saves_dir: str | Path = "saves", path: str | Path | None = None,
              fsync: bool = True, begin: bool = True) -> SessionController:
        """Create a save and start turn 1 (unless not to `begin`: a host's lobby):
        facilitated (people play every team but `bots`) or solo (a person plays
        `team`, bots play the others)."""
        script = load_script(script_path)
        ex = script.exercise
        if mode == "play":
            info = ex.team(team or "")
            if info is None:
                raise OpenError(f"No team {team!r} in {ex.id}",
                                [f"teams: {', '.join(ex.team_ids)}"])
            if not info.playable:
                raise OpenError(f"Team {team!r} is not playable",
                                ["the script marks it `playable: false`; choose another team"])
            bot_set = frozenset(t for t in ex.team_ids if t != team)
        else:
            unknown = [t for t in bots if ex.team(t) is None]
            if unknown:
                raise OpenError(f"No team {unknown[0]!r} in {ex.id}",
                                [f"teams: {', '.join(ex.team_ids)}"])
            bot_set = frozenset(bots)
        try:
            live = saved.start(script, seed=seed, bots=bot_set, mode=mode,
                               saves_dir=saves_dir, path=path, fsync=fsync, begin=begin)
        except OSError as exc:
            raise OpenError("Cannot create the save",
                            [f"{exc.filename or saves_dir}: {exc.strerror}"]) from None
        return cls(live, mode, team if mode == "play" else None)

    @classmethod
    def resume(cls, save_path: str | Path, *, script: str | None = None, force: bool = False,
               search: Sequence[Path] = (BUNDLED,), progress: Progress | None = None,
               fsync: bool = True, begin: bool = True) -> SessionController:
        """Reopen an unfinished save where it stopped (a torn last line, left by a
        crash mid-write, is cut off: it was never acknowledged). A save another
        session writes, or one this user cannot write, is refused for writing; the
        error says it can be opened read-only."""
        _check_writable(save_path)
        try:
            save = read(save_path)
        except SaveError as exc:
            raise OpenError("This save cannot be opened; it is left untouched",
                            [str(exc)]) from None
        loaded = script_of_save(save.header, save_path, script, search, force)
        try:
            live = saved.reopen(save, loaded, force=force, fsync=fsync, progress=progress,
                                begin=begin)
        except ScriptChanged as exc:
            raise OpenError("The script changed since this session was saved",
                            [str(exc)]) from None
        except SaveLocked as exc:
            raise _locked(save_path, exc.holder) from None
        except SaveError as exc:
            raise OpenError("This session cannot be resumed", [str(exc)]) from None
        except OSError as exc:
            raise OpenError("This session cannot be resumed",
                            [f"{save_path}: {exc.strerror}"], read_only=str(save_path)) from None
        controller = cls(live, *_mode_of(save))
        if save.torn is not None:
            controller.cut = torn_words(save)
        return controller

    @property
    def session(self) -> Session:
        return self.live.session

    @property
    def path(self) -> str:
        return self.live.path

    def _execute(self, command: Command) -> list[Record]:
        """If the save cannot take the command (a full disk, a file made read-only, an
        I/O error), the save keeps every event before it, the session turns
        read-only, and the refusal says so (SaveFailed is a CommandError)."""
        try:
            return self.live.session.execute(command)
        except OSError as exc:
            records = self.live.session.records
            last = f"event #{records[-1].seq}" if records else "its header"
            self.read_only = (f"Cannot write to {shown_path(self.path)}: "
                              f"{exc.strerror or exc}. The save is intact up to {last}; "
                              "this session is now read-only. Free the disk or fix the "
                              "permissions, then resume the save.")
            raise SaveFailed(self.read_only) from None

    def close(self) -> None:
        self.live.close()


def _mode_of(save: SaveFile) -> tuple[Mode, str | None]:
    """Solo if the save was a solo session; otherwise the facilitator console."""
    people = [t for t, who in save.header.teams.items() if who == "person"]
    if save.header.mode == "play" and len(people) == 1:
        return "play", people[0]
    return "facilitate", None


def make_branch(save_path: str | Path, at: int, script: str | None = None,
                force: bool = False, saves_dir: str | Path = "saves",
                fsync: bool = True) -> tuple[Path, int]:
    """Write a what-if branch of a save from its event `at` (see `saved.branch`); the
    branch's path and the event it forks at. Its lock is released: resume opens it."""
    save = read(save_path)
    loaded = script_for(save.header, script, force=force)
    live, fork = saved.branch(save, loaded, at, saves_dir=saves_dir, fsync=fsync)
    live.close()
    return Path(live.path), fork
