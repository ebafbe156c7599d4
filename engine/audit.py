"""Check a save by meaning, not only by hashes.

A forger who knows the format can re-seal every line, so a save whose chain is whole
may still record an option the script does not have, or a rating of a team that does
not exist. Two checks, one cheap and one complete:

- `misfit` (every replay): each event names only things that exist at that point
  (teams, injects, options, objectives, deliveries, ratings on the scale), so no
  reader (fold, review, report, export) can meet an unknown id;
- `audit` (`ttx verify`): every recorded command is decided again by the rules from
  the state before it, exactly as a live command is, and must give the very events
  recorded: same checks, same effects, same rolls, same bot choices.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields

from .commands import (
    Advance,
    Command,
    CommandError,
    Controllers,
    Decide,
    Deliver,
    DeliverAdhoc,
    End,
    Note,
    Rate,
    Start,
    Withdraw,
)
from .events import (
    Adhoc,
    ByHand,
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
from .rules import Rules
from .script import Exercise, scale_values
from .session import Record
from .state import State, apply, initial_state


def misfit(ex: Exercise, state: State, event: Event) -> str | None:
    """Why `event` cannot happen in `state` (an unknown id, a delivery out of range),
    or None. Cheap: no rule is run, only what the fold and the readers rely on."""
    if isinstance(event, InjectDelivered):
        if event.delivery != len(state.deliveries) + 1:
            return f"delivery #{event.delivery} out of order"
        if not isinstance(event.reason, Adhoc) and ex.inject(event.inject) is None:
            return f"inject {event.inject!r} is not in the script"
        return _teams(ex, event.to) or _changes(ex, event.changes)
    if isinstance(event, DecisionRecorded | NoDecision):
        if not 1 <= event.delivery <= len(state.deliveries):
            return f"decision on unknown delivery #{event.delivery}"
        delivery = state.delivery(event.delivery)
        if delivery.inject != event.inject:
            return f"delivery #{event.delivery} is {delivery.inject!r}, not {event.inject!r}"
        if event.team not in delivery.to:
            return f"{delivery.inject!r} was not delivered to team {event.team!r}"
        if isinstance(event, NoDecision):
            return None
        inject = ex.inject(event.inject)
        if event.option is not None and (inject is None or inject.option(event.option) is None):
            return f"option {event.option!r} is not in the script"
        unknown = [i for i in event.queued if ex.inject(i) is None]
        if unknown:
            return f"follow-up {unknown[0]!r} is not in the script"
        return _changes(ex, event.changes)
    if isinstance(event, Rated):
        objective = ex.objective(event.objective)
        if objective is None:
            return f"objective {event.objective!r} is not in the script"
        tasks = {t.id for t in objective.critical_tasks}
        if any(t not in tasks for t in event.observed):
            return f"a critical task observed is not one of {event.objective!r}'s"
        if event.rating not in scale_values(ex.scale):
            return f"rating {event.rating!r} is not on the {ex.scale} scale"
        if event.delivery is not None and not 1 <= event.delivery <= len(state.deliveries):
            return f"rating for unknown delivery #{event.delivery}"
        return _teams(ex, [event.team])
    if isinstance(event, NoteAdded):
        if event.objective is not None and ex.objective(event.objective) is None:
            return f"note about unknown objective {event.objective!r}"
        return None if event.team is None else _teams(ex, [event.team])
    if isinstance(event, Withdrawn) and event.event not in state.correctable:
        return f"event {event.event} is not a decision, rating or note of this turn to withdraw"
    if isinstance(event, TurnStarted) and (event.turn != state.turn + 1
                                           or event.turn > ex.turns):
        return f"turn {event.turn} cannot start after turn {state.turn}"
    if isinstance(event, TurnEnded) and event.turn != state.turn:
        return f"turn {event.turn} cannot end in turn {state.turn}"
    if isinstance(event, ExerciseEnded) and event.rule is not None \
            and not 0 <= event.rule < len(ex.end):
        return f"end rule #{event.rule} is not in the script"
    return None


def _teams(ex: Exercise, teams: Sequence[str]) -> str | None:
    unknown = [t for t in teams if ex.team(t) is None]
    return f"team {unknown[0]!r} is not in the script" if unknown else None


def _changes(ex: Exercise, changes: Sequence[Change]) -> str | None:
    keys = ex.metric_keys
    if all((change.metric, change.team) in keys for change in changes):
        return None  # the usual case, in one set look-up each; else say which and why
    for change in changes:
        metric = ex.metric(change.metric)
        if metric is None:
            return f"metric {change.metric!r} is not in the script"
        if (change.team is None) != (metric.scope == "global") or (
                change.team is not None and ex.team(change.team) is None):
            return f"metric {change.metric!r} cannot change for team {change.team!r}"
    return None


def command_for(event: Event) -> Command | None:
    """The command whose first event is `event`, or None if no command begins so."""
    if isinstance(event, TurnStarted) and event.turn == 1:
        return Start()
    if isinstance(event, TurnEnded | NoDecision) or (
            isinstance(event, DecisionRecorded) and event.by == "bot") or (
            isinstance(event, ExerciseEnded) and event.reason != "facilitator"):
        return Advance()  # a turn's end: bots decide, the rest are marked undecided
    if isinstance(event, DecisionRecorded) and event.by == "person":
        return Decide(team=event.team, delivery=event.delivery, option=event.option,
                      response=event.response)
    if isinstance(event, Rated) and event.delivery is None:
        return Rate(team=event.team, objective=event.objective, rating=event.rating,
                    note=event.note, observed=event.observed)
    if isinstance(event, NoteAdded):
        return Note(text=event.text, kind=event.kind, team=event.team,
                    objective=event.objective)
    if isinstance(event, Withdrawn):
        return Withdraw(event=event.event, reason=event.reason)
    if isinstance(event, InjectDelivered) and isinstance(event.reason, ByHand):
        return Deliver(inject=event.inject)
    if isinstance(event, InjectDelivered) and isinstance(event.reason, Adhoc):
        reason = event.reason
        return DeliverAdhoc(title=reason.title, text=reason.text, channel=reason.channel,
                            sender=reason.sender, to=tuple(event.to),
                            effects=tuple(reason.effects))
    if isinstance(event, ExerciseEnded) and event.reason == "facilitator":
        return End(outcome=event.outcome)
    return None


def audit(ex: Exercise, seed: int, controllers: Controllers,
          records: Iterable[Record]) -> str | None:
    """Decide every recorded command again; the first event the rules would not have
    recorded, as `line N: why` (line 1 is the header), or None if all follow.

    Records are taken one command at a time, so a save streamed from disk is checked
    without holding the log (only the state is kept)."""
    rules = Rules(ex, seed, controllers)
    state = initial_state(ex)
    pending = iter(records)
    for first in pending:
        line = first.seq + 1
        command = command_for(first.event)
        if command is None:
            return f"line {line}: a {first.event.type} event cannot begin a command here"
        turn = state.turn
        try:  # folded as they are decided: a save that differs ends the audit anyway
            produced = rules.play(state, command)
        except CommandError as exc:
            return f"line {line}: the rules refuse this {first.event.type}: {exc}"
        for j, expected in enumerate(produced):
            record = first if j == 0 else next(pending, None)
            if record is None:
                return f"line {line + j}: the save ends in the middle of a command"
            turn = expected.turn if isinstance(expected, TurnStarted) else turn
            problem = _difference(record.event, expected)
            if problem is None and record.turn != turn:
                problem = f"turn {record.turn} recorded, the session was in turn {turn}"
            if problem is not None:
                return f"line {record.seq + 1}: {problem}"
    return None


def boundaries(ex: Exercise, seed: int, controllers: Controllers,
               records: Sequence[Record]) -> list[int]:
    """How many events come before each command of a save that verifies: the points a
    session can be taken up from (a branch cannot start in the middle of a command)."""
    rules = Rules(ex, seed, controllers)
    state = initial_state(ex)
    out, i = [0], 0
    while i < len(records):
        command = command_for(records[i].event)
        assert command is not None, "the save verifies"
        produced = rules.decide(state, command)
        for event in produced:
            apply(state, event)
        i += len(produced)
        out.append(i)
    return out


def _difference(recorded: Event, expected: Event) -> str | None:
    if recorded == expected:
        return None
    if recorded.type != expected.type:
        return f"a {recorded.type} event is recorded where the rules give {expected.type}"
    for field in fields(expected):
        mine, theirs = getattr(recorded, field.name), getattr(expected, field.name)
        if mine != theirs:
            what = "roll" if field.name == "rolls" else field.name
            return (f"{recorded.type}: {what} {_short(mine)} recorded, the rules give "
                    f"{_short(theirs)}")
    return f"{recorded.type} differs from what the rules give"  # pragma: no cover


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
