"""The seats of a hosted session: their join codes, what each role may do, and what
each may see.

Codes live beside the save in `SAVE.seats.json` (owner-only, written atomically),
never inside the save: a save is evidence to hand around after the exercise, the
codes are keys to the live session. The same file keeps the turn's timer, so both
survive a host restart. The rights and the views are pure functions of the seat, the
exercise and the state; the host applies them to every message, trusting no seat.
"""

from __future__ import annotations

import hmac
import os
import secrets
import string
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from engine.script import Exercise
from engine.state import State
from engine.views import common_view, player_view
from ui.live.protocol import (
    Command,
    DecideCmd,
    Role,
    View,
)

CODE_ALPHABET = string.ascii_letters + string.digits  # never reads as a flag or a path
CODE_LENGTH = 20  # about 119 bits


@dataclass(frozen=True)
class Seat:
    role: Role
    team: str | None = None

    @property
    def name(self) -> str:
        return f"team:{self.team}" if self.role == "team" else self.role


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class TimerState(BaseModel):
    """The turn's timer as the host keeps it: a wall-clock deadline (epoch seconds),
    so a restarted host counts on from where it was."""

    model_config = ConfigDict(extra="forbid")

    turn: int
    deadline: float | None = None
    auto_advance: bool = False
    expired: bool = False


class SeatFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codes: dict[str, str]  # seat name -> code
    timer: TimerState | None = None


def write_private(path: str | Path, text: str) -> None:
    """Owner-only (the file holds join codes), written whole to a temporary file,
    fsynced, then renamed: a crash leaves the old file or the new one."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(tmp, 0o600)  # also when it existed with wider permissions
    os.replace(tmp, path)


def seats_path(save: str | Path) -> Path:
    save = Path(save)
    return save.with_name(save.name + ".seats.json")


def seats_of(ex: Exercise) -> list[Seat]:
    """Every seat of the exercise: one per role, and one per playable team."""
    return [Seat("facilitator"), Seat("evaluator"), Seat("observer"),
            *(Seat("team", t.id) for t in ex.teams if t.playable)]


class SeatBook:
    """The join codes of one session and its timer, as kept in `SAVE.seats.json`."""

    def __init__(self, path: Path, data: SeatFile, seats: list[Seat]) -> None:
        self.path = path
        self.data = data
        self._seats = {s.name: s for s in seats}

    @classmethod
    def open(cls, save: str | Path, ex: Exercise) -> SeatBook:
        """The session's codes: read from beside the save, with a new code for any seat
        that has none (a new session: all of them)."""
        path = seats_path(save)
        seats = seats_of(ex)
        try:
            data = SeatFile.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            data = SeatFile(codes={})
        except (OSError, ValidationError, ValueError) as exc:
            raise SeatFileError(f"{path}: cannot read the join codes ({_first_line(exc)}); "
                                "move it aside to issue new codes") from None
        missing = [s for s in seats if s.name not in data.codes]
        book = cls(path, data, seats)
        if missing or not path.exists():
            for seat in missing:
                data.codes[seat.name] = new_code()
            book.write()
        return book

    def write(self) -> None:
        write_private(self.path, self.data.model_dump_json(indent=2))

    def seat_for(self, code: str) -> Seat | None:
        """The seat `code` opens, compared in constant time with every seat's code."""
        found = None
        given = code.encode()
        for name, known in self.data.codes.items():
            if hmac.compare_digest(given, known.encode()) and name in self._seats:
                found = self._seats[name]
        return found

    def code(self, seat: Seat) -> str:
        return self.data.codes[seat.name]

    @property
    def seats(self) -> list[Seat]:
        return list(self._seats.values())

    def codes_json(self, url: str) -> dict[str, object]:
        """What `--codes-json` writes and `ttx host` prints."""
        codes = self.data.codes
        return {"url": url, "facilitator": codes["facilitator"],
                "evaluator": codes["evaluator"], "observer": codes["observer"],
                "teams": {s.team: codes[s.name] for s in self.seats if s.role == "team"}}


class SeatFileError(Exception):
    """The codes file beside a save cannot be used."""


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# ------------------------------------------------------------------ rights

FULL_ROLES = frozenset({"facilitator", "evaluator"})  # see the script and every event
DOING = {"start": "start the session", "deliver": "deliver injects",
         "adhoc": "write ad-hoc injects", "decide": "decide for a team", "rate": "rate",
         "note": "add notes", "withdraw": "withdraw what was recorded",
         "advance": "end the turn", "end": "end the exercise", "timer": "set the turn timer"}


ALL_COMMANDS = frozenset(DOING)
RIGHTS: dict[str, frozenset[str]] = {  # role -> the commands (`do`) it may send
    "facilitator": ALL_COMMANDS,
    "evaluator": frozenset({"rate", "note"}),
    "team": frozenset({"decide"}),  # and only for its own team
    "observer": frozenset(),
}
MAY_ONLY = {"evaluator": "an evaluator may rate and note", "team": "a team may decide for "
            "itself", "observer": "an observer's seat is read-only"}


def may_send(role: str, do: str) -> bool:
    """Whether `role` may send commands of kind `do` at all (a team: for itself)."""
    return do in RIGHTS[role]


def refusal(seat: Seat, command: Command) -> str | None:
    """Why `seat` may not send `command` (None: it may). The host asks this of every
    command, whatever the seat's console shows."""
    if not may_send(seat.role, command.do):
        return MAY_ONLY[seat.role] + ("" if seat.role == "observer"
                                      else f", not {DOING[command.do]}")
    if isinstance(command, DecideCmd) and seat.role == "team" and command.team != seat.team:
        return f"team {seat.team} may decide only for itself, not for {command.team}"
    return None


def view_for(seat: Seat, ex: Exercise, state: State, seq: int, started: bool) -> View | None:
    """The view a team or observer seat is sent (None for the roles sent events)."""
    if seat.role == "team":
        assert seat.team is not None
        return View(seq=seq, started=started, ended=state.ended,
                    player=player_view(ex, state, seat.team))
    if seat.role == "observer":
        return View(seq=seq, started=started, ended=state.ended, common=common_view(ex, state))
    return None
