"""Events: the facts a session is made of. State is a fold over them.

Every event carries what it did in resolved form (metric changes before -> after,
rolls drawn and what they picked), so replaying a log needs no rule and no roll,
and a reviewer can explain each step from the event alone.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from .script import Effect, Rating


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(Fact):
    """One metric moving; `team` is None for a global metric."""

    metric: str
    team: str | None = None
    before: int
    after: int


class Roll(Fact):
    """One chance draw: the text hashed, the number drawn and the choice it made."""

    kind: Literal["outcome", "policy"]
    key: str
    r: float
    pick: int


# ------------------------------------------------------------- why an inject came


class Scheduled(Fact):
    kind: Literal["scheduled"] = "scheduled"


class Triggered(Fact):
    kind: Literal["triggered"] = "triggered"
    because: list[str] = Field(default_factory=list)


class Source(Fact):
    """The decision that queued a follow-up."""

    delivery: int
    inject: str
    team: str
    option: str


class FollowUp(Fact):
    kind: Literal["follow_up"] = "follow_up"
    sources: list[Source] = Field(default_factory=list)


class ByHand(Fact):
    kind: Literal["by_hand"] = "by_hand"


class Adhoc(Fact):
    """An inject a facilitator wrote on the spot; it lives only in the log."""

    kind: Literal["adhoc"] = "adhoc"
    title: str
    text: str = ""
    channel: str | None = None
    sender: str | None = None
    effects: list[Effect] = Field(default_factory=list)


Reason = Annotated[Scheduled | Triggered | FollowUp | ByHand | Adhoc, Field(discriminator="kind")]

# ------------------------------------------------------------------- events


class TurnStarted(Fact):
    type: Literal["turn_started"] = "turn_started"
    turn: int


class InjectDelivered(Fact):
    type: Literal["inject_delivered"] = "inject_delivered"
    delivery: int  # 1-based number of this delivery in the session
    inject: str
    n: int  # deliveries of this inject so far, this one included
    to: list[str]
    reason: Reason
    changes: list[Change] = Field(default_factory=list)


class DecisionRecorded(Fact):
    type: Literal["decision"] = "decision"
    delivery: int
    inject: str
    team: str
    by: Literal["person", "bot"]
    option: str | None = None
    response: str | None = None
    outcome: int | None = None  # index into the option's outcomes
    rolls: list[Roll] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    queued: list[str] = Field(default_factory=list)  # follow-ups queued for the next turn


class NoDecision(Fact):
    """A person's delivery left undecided when the turn ended."""

    type: Literal["no_decision"] = "no_decision"
    delivery: int
    inject: str
    team: str


class Rated(Fact):
    type: Literal["rated"] = "rated"
    team: str
    objective: str
    rating: Rating
    note: str = ""
    delivery: int | None = None  # set when the rating came with a chosen option


class NoteAdded(Fact):
    type: Literal["note"] = "note"
    text: str
    kind: Literal["note", "hotwash"] = "note"
    team: str | None = None


class TurnEnded(Fact):
    type: Literal["turn_ended"] = "turn_ended"
    turn: int


class ExerciseEnded(Fact):
    type: Literal["ended"] = "ended"
    reason: Literal["condition", "last_turn", "facilitator"]
    outcome: str | None = None
    rule: int | None = None  # index into the script's `end` list
    because: list[str] = Field(default_factory=list)


Event = Annotated[
    TurnStarted | InjectDelivered | DecisionRecorded | NoDecision | Rated | NoteAdded
    | TurnEnded | ExerciseEnded,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_TYPES: dict[str, type[Fact]] = {
    cls.model_fields["type"].default: cls
    for cls in (TurnStarted, InjectDelivered, DecisionRecorded, NoDecision, Rated,
                NoteAdded, TurnEnded, ExerciseEnded)
}
