"""Events: the facts a session is made of. State is a fold over them.

Every event carries what it did in resolved form (metric changes before -> after,
rolls drawn and what they picked), so replaying a log needs no rule and no roll,
and a reviewer can explain each step from the event alone.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter

from .script import Effect, Rating

# Events are frozen, slotted dataclasses rather than pydantic models: a long log holds
# hundreds of thousands of them, and a model instance costs several times the memory
# (its __dict__ and fields-set). The engine builds them from typed code; pydantic
# validates them (no extra keys) wherever they are read from a save.
_FORBID = ConfigDict(extra="forbid")


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One metric moving; `team` is None for a global metric."""

    __pydantic_config__ = _FORBID

    metric: str
    team: str | None
    before: int
    after: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Roll:
    """One chance draw: the text hashed, the number drawn and the choice it made."""

    __pydantic_config__ = _FORBID

    kind: Literal["outcome", "policy"]
    key: str
    r: float
    pick: int


# ------------------------------------------------------------- why an inject came


@dataclass(frozen=True, slots=True, kw_only=True)
class Scheduled:
    __pydantic_config__ = _FORBID

    kind: Literal["scheduled"] = "scheduled"


@dataclass(frozen=True, slots=True, kw_only=True)
class Triggered:
    __pydantic_config__ = _FORBID

    kind: Literal["triggered"] = "triggered"
    because: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """The decision that queued a follow-up."""

    __pydantic_config__ = _FORBID

    delivery: int
    inject: str
    team: str
    option: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUp:
    __pydantic_config__ = _FORBID

    kind: Literal["follow_up"] = "follow_up"
    sources: list[Source] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class ByHand:
    __pydantic_config__ = _FORBID

    kind: Literal["by_hand"] = "by_hand"


@dataclass(frozen=True, slots=True, kw_only=True)
class Adhoc:
    """An inject a facilitator wrote on the spot; it lives only in the log."""

    __pydantic_config__ = _FORBID

    kind: Literal["adhoc"] = "adhoc"
    title: str
    text: str = ""
    channel: str | None = None
    sender: str | None = None
    effects: list[Effect] = field(default_factory=list)


Reason = Annotated[Scheduled | Triggered | FollowUp | ByHand | Adhoc, Field(discriminator="kind")]

# ------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnStarted:
    __pydantic_config__ = _FORBID

    type: Literal["turn_started"] = "turn_started"
    turn: int


@dataclass(frozen=True, slots=True, kw_only=True)
class InjectDelivered:
    __pydantic_config__ = _FORBID

    type: Literal["inject_delivered"] = "inject_delivered"
    delivery: int  # 1-based number of this delivery in the session
    inject: str
    n: int  # deliveries of this inject so far, this one included
    to: list[str]
    reason: Reason
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionRecorded:
    __pydantic_config__ = _FORBID

    type: Literal["decision"] = "decision"
    delivery: int
    inject: str
    team: str
    by: Literal["person", "bot"]
    option: str | None = None
    response: str | None = None
    outcome: int | None = None  # index into the option's outcomes
    rolls: list[Roll] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)  # follow-ups queued for the next turn


@dataclass(frozen=True, slots=True, kw_only=True)
class NoDecision:
    """A person's delivery left undecided when the turn ended."""

    __pydantic_config__ = _FORBID

    type: Literal["no_decision"] = "no_decision"
    delivery: int
    inject: str
    team: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Rated:
    __pydantic_config__ = _FORBID

    type: Literal["rated"] = "rated"
    team: str
    objective: str
    rating: Rating
    note: str = ""
    delivery: int | None = None  # set when the rating came with a chosen option
    observed: tuple[str, ...] = ()  # the objective's critical tasks the evaluator saw


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteAdded:
    __pydantic_config__ = _FORBID

    type: Literal["note"] = "note"
    text: str
    kind: Literal["note", "hotwash"] = "note"
    team: str | None = None
    objective: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Withdrawn:
    """A correction: the decision, evaluator rating or note logged as event `event`
    (its sequence number) no longer stands, for `reason`. Nothing is rewritten; the
    fold undoes what that event did."""

    __pydantic_config__ = _FORBID

    type: Literal["withdrawn"] = "withdrawn"
    event: int
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnEnded:
    __pydantic_config__ = _FORBID

    type: Literal["turn_ended"] = "turn_ended"
    turn: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseEnded:
    __pydantic_config__ = _FORBID

    type: Literal["ended"] = "ended"
    reason: Literal["condition", "last_turn", "facilitator"]
    outcome: str | None = None
    rule: int | None = None  # index into the script's `end` list
    because: list[str] = field(default_factory=list)


Event = Annotated[
    TurnStarted | InjectDelivered | DecisionRecorded | NoDecision | Rated | NoteAdded
    | Withdrawn | TurnEnded | ExerciseEnded,
    Field(discriminator="type"),
]
EVENT_TYPES: dict[str, Any] = {
    str(cls.__dataclass_fields__["type"].default): cls
    for cls in (TurnStarted, InjectDelivered, DecisionRecorded, NoDecision, Rated,
                NoteAdded, Withdrawn, TurnEnded, ExerciseEnded)
}


# Built on first use, not at import: building them is most of this module's import
# time (50 ms), and a simulation or a validation reads no save.
@functools.cache
def event_adapter() -> TypeAdapter[Event]:
    return TypeAdapter(Event)


@functools.cache
def event_adapters() -> dict[str, TypeAdapter[Any]]:
    """One validator per event type, for reading a save line whose type is known."""
    return {name: TypeAdapter(cls) for name, cls in EVENT_TYPES.items()}
