"""A live session: the imperative shell around `Rules.decide` and the fold.

`execute` turns a command into events, hands them to the sink (the save store, which
writes and fsyncs them) and only then folds them in and tells subscribers, so nothing
a screen shows can be missing from the save.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .commands import EVERY_TEAM_A_PERSON, Command, Controllers
from .events import Event
from .rules import Rules
from .script import Exercise
from .state import Delivery, State, apply, initial_state


@dataclass(frozen=True)
class Record:
    """An event as logged: its 1-based sequence number and the turn it happened in."""

    seq: int
    turn: int
    event: Event


Sink = Callable[[Sequence[Record]], None]
Listener = Callable[[Sequence[Record]], None]

CHECKPOINT_EVERY = 256


class Session:
    def __init__(self, exercise: Exercise, seed: int,
                 controllers: Controllers = EVERY_TEAM_A_PERSON,
                 sink: Sink | None = None) -> None:
        self.rules = Rules(exercise, seed, controllers)
        self.state = initial_state(exercise)
        self.records: list[Record] = []
        self._sink = sink
        self._listeners: list[Listener] = []
        self._checkpoints: dict[int, State] = {0: self.state.copy()}

    @property
    def exercise(self) -> Exercise:
        return self.rules.exercise

    @property
    def seed(self) -> int:
        return self.rules.seed

    @property
    def controllers(self) -> Controllers:
        return self.rules.controllers

    # ------------------------------------------------------------ commands

    def execute(self, command: Command) -> list[Record]:
        """Validate and carry out a command; raise CommandError when it is refused."""
        events = self.rules.decide(self.state, command)
        return self._commit(events)

    def _commit(self, events: Sequence[Event]) -> list[Record]:
        records = []
        turn = self.state.turn
        for i, event in enumerate(events, start=len(self.records) + 1):
            if event.type == "turn_started":
                turn = event.turn
            records.append(Record(i, turn, event))
        if self._sink is not None and records:
            self._sink(records)  # durable before anyone sees it
        for record in records:
            self._fold(record)
        for listener in list(self._listeners):
            listener(records)
        return records

    def _fold(self, record: Record) -> None:
        apply(self.state, record.event)
        self.records.append(record)

    def replay(self, records: Sequence[Record]) -> None:
        """Fold already-saved records (resuming): no sink, no listeners."""
        for record in records:
            self._fold(record)

    def receive(self, records: Sequence[Record]) -> None:
        """Fold records another process committed (a seat mirroring its host) and tell
        subscribers, as if they had been executed here."""
        for record in records:
            self._fold(record)
        for listener in list(self._listeners):
            listener(records)

    def attach(self, sink: Sink) -> None:
        """Send future records to `sink` (a resumed session gets its writer here)."""
        self._sink = sink

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with each batch of new records; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # ------------------------------------------------------------ queries

    def state_at(self, seq: int) -> State:
        """The state after the first `seq` events (0: before any).

        Folded from the nearest checkpoint at or before `seq`, so a step costs at most
        CHECKPOINT_EVERY events however long the log. Checkpoints are taken lazily,
        where someone looks: replaying a log for its end state keeps none, and a
        reviewer's memory grows with the part of the log visited, not with all of it.
        """
        seq = max(0, min(seq, len(self.records)))
        if seq == len(self.records):
            return self.state.copy()
        base = max(k for k in self._checkpoints if k <= seq)
        state = self._checkpoints[base].copy()
        for record in self.records[base:seq]:
            apply(state, record.event)
            if record.seq % CHECKPOINT_EVERY == 0:
                self._checkpoints[record.seq] = state.copy()
        return state

    def open_deliveries(self, team: str) -> list[Delivery]:
        """This turn's deliveries addressed to `team` that it has not yet decided on."""
        if self.state.ended:
            return []
        return [d for d in self.state.this_turn()
                if team in d.to and team not in d.decisions]

    def pending(self) -> list[tuple[str, Delivery]]:
        """(team, delivery) pairs still awaiting a decision among options this turn."""
        out = []
        for team in self.exercise.team_ids:
            for d in self.open_deliveries(team):
                inject = self.exercise.inject(d.inject)
                if inject is not None and inject.options_for(team):
                    out.append((team, d))
        return out
