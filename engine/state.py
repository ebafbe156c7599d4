"""Session state and the fold that builds it from events.

`apply` is the only code that changes a State, and it reads nothing but the event:
replaying a log is `fold(initial_state(ex), events)`, live play applies the same
events one by one, so the two cannot disagree. The fold mutates its accumulator in
place because logs run to tens of thousands of events; `copy()` gives an
independent snapshot where one is needed (rule look-ahead, review checkpoints).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .events import (
    Adhoc,
    Change,
    DecisionRecorded,
    Event,
    ExerciseEnded,
    InjectDelivered,
    NoDecision,
    NoteAdded,
    Rated,
    TurnEnded,
    TurnStarted,
    Withdrawn,
)
from .script import Exercise, Rating

MetricKey = tuple[str, str | None]  # (metric, team or None for a global metric)


@dataclass
class Delivery:
    number: int
    inject: str
    turn: int
    n: int
    to: tuple[str, ...]
    event: InjectDelivered
    decisions: dict[str, DecisionRecorded | NoDecision] = field(default_factory=dict)

    @property
    def adhoc(self) -> Adhoc | None:
        reason = self.event.reason
        return reason if isinstance(reason, Adhoc) else None


@dataclass
class RatingEntry:
    team: str
    objective: str
    rating: Rating
    note: str
    turn: int
    delivery: int | None
    observed: tuple[str, ...] = ()
    seq: int = 0  # the event that made it


@dataclass
class State:
    turn: int = 0
    ended: bool = False
    outcome: str | None = None
    end_event: ExerciseEnded | None = None
    metrics: dict[MetricKey, int] = field(default_factory=dict)
    # Metric values at the end of each finished turn (index 0 = before turn 1).
    history: list[dict[MetricKey, int]] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    delivered: dict[str, int] = field(default_factory=dict)  # inject -> times delivered
    chose: set[tuple[str, str, str]] = field(default_factory=set)  # (inject, option, team)
    queued: dict[int, list[tuple[str, DecisionRecorded]]] = field(default_factory=dict)
    # (team, objective) -> the rating its score counts: the latest evaluator rating,
    # else the latest suggested one
    latest: dict[tuple[str, str], RatingEntry] = field(default_factory=dict)
    ratings: list[RatingEntry] = field(default_factory=list)
    notes: list[tuple[int, NoteAdded]] = field(default_factory=list)
    events: int = 0  # how many events were folded into this state
    # What a correction may still withdraw: this turn's decisions, evaluator ratings
    # and notes, by their event number (cleared when a turn starts).
    correctable: dict[int, DecisionRecorded | Rated | NoteAdded] = field(default_factory=dict)
    # (delivery, team) -> decisions withdrawn: a new decision rolls with its own identity
    redone: dict[tuple[int, str], int] = field(default_factory=dict)
    bounds: dict[str, tuple[int, int]] = field(default_factory=dict)  # metric -> min, max

    def copy(self) -> State:
        """An independent snapshot, cheap enough to take on every Advance.

        Events are frozen, and past turns' deliveries, rating entries, notes and
        history snapshots never change once folded, so the copy shares them; only
        this turn's deliveries (whose decisions still fill in) and the containers
        the fold mutates are duplicated.
        """
        deliveries = self.deliveries[:]
        i = len(deliveries) - 1
        while i >= 0 and deliveries[i].turn == self.turn:
            d = deliveries[i]
            deliveries[i] = Delivery(d.number, d.inject, d.turn, d.n, d.to, d.event,
                                     dict(d.decisions))
            i -= 1
        return State(
            turn=self.turn, ended=self.ended, outcome=self.outcome, end_event=self.end_event,
            metrics=dict(self.metrics), history=self.history[:], deliveries=deliveries,
            delivered=dict(self.delivered), chose=set(self.chose),
            queued={turn: items[:] for turn, items in self.queued.items()},
            latest=dict(self.latest), ratings=self.ratings[:], notes=self.notes[:],
            events=self.events, correctable=dict(self.correctable), redone=dict(self.redone),
            bounds=self.bounds)

    def value(self, metric: str, team: str | None = None) -> int:
        return self.metrics[(metric, team)]

    def this_turn(self) -> list[Delivery]:
        """This turn's deliveries, in order (deliveries are kept in turn order)."""
        i = len(self.deliveries)
        while i > 0 and self.deliveries[i - 1].turn == self.turn:
            i -= 1
        return self.deliveries[i:]

    def delivery(self, number: int) -> Delivery:
        return self.deliveries[number - 1]


def metric_points(state: State) -> list[dict[MetricKey, int]]:
    """The metric values at the start and at the end of each played turn, for charts
    and tables: a turn cut short (a session stopped mid-turn) gives its last values."""
    if len(state.history) > state.turn:
        return list(state.history)
    return [*state.history, dict(state.metrics)]


def initial_state(ex: Exercise) -> State:
    state = State(bounds={m.id: (m.min, m.max) for m in ex.metrics})
    for metric in ex.metrics:
        if metric.scope == "global":
            assert isinstance(metric.initial, int)
            state.metrics[(metric.id, None)] = metric.initial
            continue
        for team in ex.team_ids:
            state.metrics[(metric.id, team)] = metric.initial_for(team)
    state.history.append(dict(state.metrics))
    return state


def _changes(state: State, changes: list[Change]) -> None:
    for ch in changes:
        state.metrics[(ch.metric, ch.team)] = ch.after


def apply(state: State, event: Event) -> State:
    """Fold one event into the state (in place) and return it."""
    state.events += 1
    if isinstance(event, InjectDelivered):
        state.deliveries.append(Delivery(event.delivery, event.inject, state.turn, event.n,
                                         tuple(event.to), event))
        state.delivered[event.inject] = state.delivered.get(event.inject, 0) + 1
        _changes(state, event.changes)
    elif isinstance(event, DecisionRecorded):
        state.deliveries[event.delivery - 1].decisions[event.team] = event
        if event.option is not None:
            state.chose.add((event.inject, event.option, event.team))
        _changes(state, event.changes)
        for inject in event.queued:
            state.queued.setdefault(state.turn + 1, []).append((inject, event))
        if event.by == "person":
            state.correctable[state.events] = event
    elif isinstance(event, NoDecision):
        state.deliveries[event.delivery - 1].decisions[event.team] = event
    elif isinstance(event, Rated):
        entry = RatingEntry(event.team, event.objective, event.rating, event.note,
                            state.turn, event.delivery, event.observed, state.events)
        state.ratings.append(entry)
        _rank(state, entry)
        if event.delivery is None:
            state.correctable[state.events] = event
    elif isinstance(event, NoteAdded):
        state.notes.append((state.turn, event))
        state.correctable[state.events] = event
    elif isinstance(event, Withdrawn):
        _withdraw(state, event)
    elif isinstance(event, TurnStarted):
        state.turn = event.turn
        state.correctable.clear()
    elif isinstance(event, TurnEnded):
        state.queued.pop(event.turn, None)
        state.history.append(dict(state.metrics))
    elif isinstance(event, ExerciseEnded):
        state.ended = True
        state.outcome = event.outcome
        state.end_event = event
    return state


def _rank(state: State, entry: RatingEntry) -> None:
    """An evaluator's rating is final: a later suggested one (an option's) is logged
    but does not replace it (SCRIPT_FORMAT.md, Ratings, revised 2026-12)."""
    key = (entry.team, entry.objective)
    held = state.latest.get(key)
    if entry.delivery is None or held is None or held.delivery is not None:
        state.latest[key] = entry


def _withdraw(state: State, event: Withdrawn) -> None:
    """Undo what the withdrawn event did: a decision's effects (each change's delta,
    clamped again), its follow-ups, its choice and its suggested ratings; a rating;
    a note. The events stay in the log; only what they count for goes."""
    target = state.correctable.pop(event.event)
    if isinstance(target, NoteAdded):
        state.notes = [(t, n) for t, n in state.notes if n is not target]
        return
    if isinstance(target, Rated):
        _drop_ratings(state, lambda e: e.seq == event.event)
        return
    delivery = state.deliveries[target.delivery - 1]
    del delivery.decisions[target.team]
    for ch in reversed(target.changes):
        low, high = state.bounds[ch.metric]
        value = state.metrics[(ch.metric, ch.team)] - (ch.after - ch.before)
        state.metrics[(ch.metric, ch.team)] = max(low, min(high, value))
    for turn, items in state.queued.items():
        state.queued[turn] = [(i, d) for i, d in items if d is not target]
    if target.option is not None and not any(
            isinstance(d, DecisionRecorded) and (d.inject, d.option, d.team) ==
            (target.inject, target.option, target.team)
            for x in state.deliveries for d in x.decisions.values()):
        state.chose.discard((target.inject, target.option, target.team))
    _drop_ratings(state, lambda e: e.delivery == target.delivery and e.team == target.team)
    state.redone[(target.delivery, target.team)] = state.redone.get(
        (target.delivery, target.team), 0) + 1


def _drop_ratings(state: State, gone: Callable[[RatingEntry], bool]) -> None:
    dropped = {(e.team, e.objective) for e in state.ratings if gone(e)}
    state.ratings = [e for e in state.ratings if not gone(e)]
    for key in dropped:
        state.latest.pop(key, None)
    for entry in state.ratings:
        if (entry.team, entry.objective) in dropped:
            _rank(state, entry)


def fold(state: State, events: Iterable[Event]) -> State:
    for event in events:
        apply(state, event)
    return state
