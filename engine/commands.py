"""Commands: what players and facilitators ask a session to do.

A command is a request, not a fact: `rules.decide` checks it against the script and
the state and either refuses it with a `CommandError` or turns it into events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .script import Effect, Rating


class CommandError(Exception):
    """A command the rules refuse; the message is written for the person who sent it."""


@dataclass(frozen=True)
class Deliver:
    """Deliver a scripted inject now, in or out of its schedule."""

    inject: str


@dataclass(frozen=True)
class DeliverAdhoc:
    """Deliver an inject the facilitator writes on the spot."""

    title: str
    text: str = ""
    channel: str | None = None
    sender: str | None = None
    to: tuple[str, ...] = ()  # empty: every team
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True)
class Decide:
    """A team's decision on one delivery: an option, a free-text response, or both.

    The delivery is named by number, or by inject id (the team's first undecided
    delivery of that inject this turn).
    """

    team: str
    inject: str | None = None
    delivery: int | None = None
    option: str | None = None
    response: str | None = None


@dataclass(frozen=True)
class Rate:
    team: str
    objective: str
    rating: Rating
    note: str = ""
    observed: tuple[str, ...] = ()  # ids of the objective's critical tasks seen done


@dataclass(frozen=True)
class Note:
    text: str
    kind: str = "note"  # note | hotwash
    team: str | None = None
    objective: str | None = None  # what the note is evidence for, if anything


@dataclass(frozen=True)
class Withdraw:
    """Correct a mistake: withdraw a decision, an evaluator's rating or a note of the
    current turn (event number `event`), saying why. To amend, withdraw and redo."""

    event: int
    reason: str


@dataclass(frozen=True)
class Advance:
    """End the current turn (bots decide, end conditions are checked) and start the next."""


@dataclass(frozen=True)
class End:
    """The facilitator ends the exercise now."""

    outcome: str | None = None


@dataclass(frozen=True)
class Start:
    """Start the session: turn 1 begins. Only valid on a session with no events."""


Command = Start | Deliver | DeliverAdhoc | Decide | Rate | Note | Withdraw | Advance | End


@dataclass(frozen=True)
class Controllers:
    """Who plays each team: a person (facilitated or solo) or a bot (by its policy)."""

    bots: frozenset[str] = field(default_factory=frozenset)

    def is_bot(self, team: str) -> bool:
        return team in self.bots


EVERY_TEAM_A_PERSON = Controllers()
