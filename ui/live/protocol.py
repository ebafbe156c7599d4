"""The live-session protocol: every message between a host and its seats, typed.

JSON text frames over one WebSocket per seat. Each message is an object with a `type`
(the discriminator) and `v`, the protocol version (a host refuses any other). A seat
sends `hello` first, then `command`s; the host answers each command with `ack` or
`error` (same `id`) and pushes what the seat's role may see: the session's `events`
(facilitator, evaluator), a `view` (team, observer), `seats` (facilitator) and the
`timer` (everyone). docs/protocol.md describes each message and the rights of each
role for people writing a seat of their own.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

from engine import commands as engine
from engine.events import Event
from engine.script import Effect
from engine.views import CommonView, PlayerView

VERSION: Literal[1] = 1
MAX_MESSAGE = 256 * 1024  # bytes: far above any command; larger frames are refused
Text = Annotated[str, StringConstraints(max_length=20_000)]
Name = Annotated[str, StringConstraints(max_length=200)]

Role = Literal["facilitator", "evaluator", "team", "observer"]


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = VERSION


# ------------------------------------------------------------------ commands


class StartCmd(Wire):
    """Start turn 1 of a session waiting in its lobby (facilitator)."""

    do: Literal["start"] = "start"


class DeliverCmd(Wire):
    """Deliver a scripted inject now (facilitator)."""

    do: Literal["deliver"] = "deliver"
    inject: Name


class WireEffect(Wire):
    metric: Name
    team: Name | None = None
    add: int | None = None
    set: int | None = None


class AdhocCmd(Wire):
    """Deliver an inject written on the spot (facilitator)."""

    do: Literal["adhoc"] = "adhoc"
    title: Name
    text: Text = ""
    channel: Name | None = None
    sender: Name | None = None
    to: tuple[Name, ...] = ()
    effects: tuple[WireEffect, ...] = Field(default=(), max_length=50)


class DecideCmd(Wire):
    """A team's decision on a delivery: an option, a free-text response, or both
    (a team seat for its own team; the facilitator for any)."""

    do: Literal["decide"] = "decide"
    team: Name
    delivery: int
    option: Name | None = None
    response: Text | None = None


class RateCmd(Wire):
    """Rate a team on an objective (facilitator, evaluator)."""

    do: Literal["rate"] = "rate"
    team: Name
    objective: Name
    rating: int | Name
    note: Text = ""
    observed: tuple[Name, ...] = Field(default=(), max_length=100)


class NoteCmd(Wire):
    """A hot-wash or evaluator note (facilitator, evaluator)."""

    do: Literal["note"] = "note"
    text: Text
    kind: Name = "note"
    team: Name | None = None
    objective: Name | None = None


class WithdrawCmd(Wire):
    """Withdraw this turn's decision, rating or note, saying why (facilitator)."""

    do: Literal["withdraw"] = "withdraw"
    event: int
    reason: Text


class AdvanceCmd(Wire):
    """End this turn and start the next (facilitator)."""

    do: Literal["advance"] = "advance"


class EndCmd(Wire):
    """End the exercise (facilitator)."""

    do: Literal["end"] = "end"
    outcome: Name | None = None


class TimerCmd(Wire):
    """Set the turn's timer: `minutes` from now (0 stops it), and whether the host
    ends the turn by itself at zero (facilitator)."""

    do: Literal["timer"] = "timer"
    minutes: float = Field(ge=0, le=24 * 60)
    auto_advance: bool = False


Command = Annotated[StartCmd | DeliverCmd | AdhocCmd | DecideCmd | RateCmd | NoteCmd
                    | WithdrawCmd | AdvanceCmd | EndCmd | TimerCmd,
                    Field(discriminator="do")]


def to_engine(cmd: Command) -> engine.Command:
    """The engine command a wire command asks for (TimerCmd is the host's own)."""
    match cmd:
        case StartCmd():
            return engine.Start()
        case DeliverCmd(inject=inject):
            return engine.Deliver(inject)
        case AdhocCmd():
            effects = tuple(Effect(metric=e.metric, team=e.team, add=e.add, set=e.set)
                            for e in cmd.effects)
            return engine.DeliverAdhoc(title=cmd.title, text=cmd.text, channel=cmd.channel,
                                       sender=cmd.sender, to=cmd.to, effects=effects)
        case DecideCmd():
            return engine.Decide(team=cmd.team, delivery=cmd.delivery, option=cmd.option,
                                 response=cmd.response)
        case RateCmd():
            return engine.Rate(cmd.team, cmd.objective, cmd.rating, cmd.note, cmd.observed)
        case NoteCmd():
            return engine.Note(cmd.text, cmd.kind, cmd.team, cmd.objective)
        case WithdrawCmd():
            return engine.Withdraw(cmd.event, cmd.reason)
        case AdvanceCmd():
            return engine.Advance()
        case EndCmd():
            return engine.End(cmd.outcome)
    raise ValueError(f"{cmd.do} is not an engine command")


def from_engine(cmd: engine.Command) -> Command:
    """The wire form of an engine command (what a remote console sends)."""
    match cmd:
        case engine.Start():
            return StartCmd()
        case engine.Deliver():
            return DeliverCmd(inject=cmd.inject)
        case engine.DeliverAdhoc():
            return AdhocCmd(title=cmd.title, text=cmd.text, channel=cmd.channel,
                            sender=cmd.sender, to=tuple(cmd.to),
                            effects=tuple(WireEffect(metric=e.metric, team=e.team, add=e.add,
                                                     set=e.set) for e in cmd.effects))
        case engine.Decide():
            return DecideCmd(team=cmd.team, delivery=cmd.delivery, option=cmd.option,
                             response=cmd.response)
        case engine.Rate():
            return RateCmd(team=cmd.team, objective=cmd.objective, rating=cmd.rating,
                           note=cmd.note, observed=tuple(cmd.observed))
        case engine.Note():
            return NoteCmd(text=cmd.text, kind=cmd.kind, team=cmd.team,
                           objective=cmd.objective)
        case engine.Withdraw():
            return WithdrawCmd(event=cmd.event, reason=cmd.reason)
        case engine.Advance():
            return AdvanceCmd()
        case engine.End():
            return EndCmd(outcome=cmd.outcome)
    raise ValueError(f"no wire form for {cmd!r}")


# ------------------------------------------------------------------ seat -> host


class Hello(Wire):
    """The first message on a connection: the seat's join code, and the last event it
    saw (0 at first), so a reconnecting seat is sent only what it missed."""

    type: Literal["hello"] = "hello"
    code: Annotated[str, StringConstraints(max_length=64)]
    last_seq: int = Field(default=0, ge=0)


class Send(Wire):
    """One command; the host answers with an `ack` or an `error` of the same `id`."""

    type: Literal["command"] = "command"
    id: int
    command: Command


Inbound = Annotated[Hello | Send, Field(discriminator="type")]
INBOUND: TypeAdapter[Hello | Send] = TypeAdapter(Inbound)


# ------------------------------------------------------------------ host -> seat


class WireRecord(Wire):
    """An event as the save logs it: its number, its turn and the event itself."""

    seq: int
    turn: int
    event: Event


class Welcome(Wire):
    """The host's answer to a good `hello`: who the seat is and what it starts from.
    Facilitator and evaluator seats get the script (YAML text) and every event after
    `last_seq`, and fold them as the host does; team and observer seats get a `view`
    next, and never the script."""

    type: Literal["welcome"] = "welcome"
    role: Role
    team: str | None = None
    title: str
    session: str  # the save's file name, to say which session this is
    started: bool  # false while the session waits in its lobby
    script: str | None = None
    script_name: str | None = None
    seed: int | None = None
    bots: tuple[str, ...] = ()
    records: tuple[WireRecord, ...] = ()


class Events(Wire):
    """New events, in order, each exactly once per connection."""

    type: Literal["events"] = "events"
    records: tuple[WireRecord, ...]


class View(Wire):
    """What a team (`player`) or observer (`common`) seat may see now; sent whenever
    it changes. `seq` is the last event it reflects."""

    type: Literal["view"] = "view"
    seq: int
    started: bool
    ended: bool
    player: PlayerView | None = None
    common: CommonView | None = None


class Ack(Wire):
    """The command `id` was carried out; its events are `first`..`last` (none if
    first > last), pushed before this message."""

    type: Literal["ack"] = "ack"
    id: int
    first: int
    last: int


class Refused(Wire):
    """A message was refused: `id` names the command (null when the message could not
    be read as one), `message` says why, for a person."""

    type: Literal["error"] = "error"
    id: int | None = None
    message: str


class SeatState(Wire):
    seat: str  # facilitator | evaluator | observer | team:<id>
    connected: int  # how many connections hold the seat now


class Seats(Wire):
    """Who is connected, and which teams still have decisions open this turn
    (facilitator)."""

    type: Literal["seats"] = "seats"
    seats: tuple[SeatState, ...]
    waiting_on: tuple[str, ...]


class Timer(Wire):
    """The turn's timer: `remaining` seconds when sent (null: no timer), and whether
    the host ends the turn at zero. `expired` is sent once, at zero."""

    type: Literal["timer"] = "timer"
    turn: int
    remaining: float | None
    auto_advance: bool = False
    expired: bool = False


Outbound = Annotated[Welcome | Events | View | Ack | Refused | Seats | Timer,
                     Field(discriminator="type")]
OUTBOUND: TypeAdapter[Welcome | Events | View | Ack | Refused | Seats | Timer] = (
    TypeAdapter(Outbound))
