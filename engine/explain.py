"""Why an event happened and what it did, in words: what the review screen shows for
the event a reviewer selects.

Events carry their reasons and effects in resolved form (the facts that made a
trigger hold, the decisions that queued a follow-up, each metric before -> after,
each roll drawn), so an explanation needs only the script, for titles, labels and
outcome texts, and the state right after the event, for the deliveries it names.
No rule runs again and no roll is drawn again: the explanation is the record's.
"""

from __future__ import annotations

from dataclasses import dataclass

from .conditions import comparison_text
from .events import (
    Adhoc,
    ByHand,
    Change,
    DecisionRecorded,
    ExerciseEnded,
    FollowUp,
    InjectDelivered,
    NoDecision,
    NoteAdded,
    Rated,
    Roll,
    Scheduled,
    Source,
    Triggered,
    TurnEnded,
    TurnStarted,
    Withdrawn,
)
from .script import (
    AllCondition,
    AnyCondition,
    ChoseCondition,
    Condition,
    DeliveredCondition,
    Exercise,
    Inject,
    MetricCondition,
    NotCondition,
    TurnCondition,
)
from .session import Record
from .state import Delivery, RatingEntry, State
from .wording import (
    delivered_title,
    inject_title,
    objective_title,
    option_of,
    outcome_of,
    team_name,
    title,
)

POLICIES = {
    "first": "it takes the first option listed",
    "random": "it picks an option with a roll",
}


@dataclass(frozen=True)
class Moved:
    """One metric change, named for people."""

    metric: str  # the metric's label
    team: str | None  # the team's name; None for a global metric
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before

    def __str__(self) -> str:
        who = f" ({self.team})" if self.team else ""
        return f"{self.metric}{who} {self.before} → {self.after} ({self.delta:+d})"


@dataclass(frozen=True)
class Drawn:
    """One roll: the text hashed, the number drawn and what it chose."""

    kind: str  # outcome | policy
    key: str
    r: float
    pick: int  # 0-based
    of: int  # how many it chose among
    lo: float  # the picked choice covers lo <= r < hi
    hi: float
    chose: str  # what it chose, in words

    def __str__(self) -> str:
        what = "outcome" if self.kind == "outcome" else "option"
        return (f"Roll r = {self.r:.4f} (key {self.key}) picked {what} {self.pick + 1} of "
                f"{self.of}, which covers {self.lo:.2f} ≤ r < {self.hi:.2f}: {self.chose}")


@dataclass(frozen=True)
class Explanation:
    seq: int
    turn: int
    kind: str  # the event's type
    headline: str
    why: tuple[str, ...]
    did: tuple[str, ...]
    changes: tuple[Moved, ...] = ()
    rolls: tuple[Drawn, ...] = ()


def explain(ex: Exercise, state: State, record: Record) -> Explanation:
    """Explain `record`; `state` is the session right after it (any later state works
    too, except that a rating's previous value is then looked up too late)."""
    event, turn = record.event, record.turn
    names = _Names(ex, state)
    if isinstance(event, InjectDelivered):
        head, why, did = _delivered(ex, names, event, turn)
        return Explanation(record.seq, turn, event.type, head, why, did,
                           names.moved(event.changes))
    if isinstance(event, DecisionRecorded):
        head, why, did, rolls = _decided(ex, names, event, turn)
        return Explanation(record.seq, turn, event.type, head, why, did,
                           names.moved(event.changes), rolls)
    if isinstance(event, NoDecision):
        return Explanation(
            record.seq, turn, event.type,
            f"{names.team(event.team)}: no decision on {names.delivery(event.delivery)}",
            (f"Turn {turn} ended before {names.team(event.team)}, played by a person, "
             "decided on it.",),
            ("Recorded as no decision: nothing changed, and evaluators see the silence.",))
    if isinstance(event, Rated):
        return _rated(ex, names, state, event, record)
    if isinstance(event, NoteAdded):
        kind = "Hot-wash note" if event.kind == "hotwash" else "Evaluator note"
        about = f" about {names.team(event.team)}" if event.team else " about the exercise"
        return Explanation(
            record.seq, turn, event.type, f"{kind}{about}",
            (("Players' own words, written down in the hot wash." if event.kind == "hotwash"
              else "Written by the facilitator or an evaluator."),),
            (event.text,))
    if isinstance(event, Withdrawn):
        return Explanation(
            record.seq, turn, event.type, f"Correction: event {event.event} withdrawn",
            (f"The facilitator withdrew it: {event.reason}",),
            ("What it did no longer counts: a decision's effects, follow-ups and suggested "
             "ratings are undone, and the team may decide again (with a fresh roll); a "
             "rating or a note is dropped. The withdrawn event stays in the log.",))
    if isinstance(event, TurnStarted):
        since = ("The exercise started." if event.turn == 1 else
                 f"Turn {event.turn - 1} ended and no end condition held.")
        return Explanation(
            record.seq, turn, event.type,
            f"Turn {event.turn} of {ex.turns} starts: {ex.turn_label(event.turn)}", (since,),
            ("Its scheduled injects, queued follow-ups and triggered injects are delivered "
             "next, in that order.",))
    if isinstance(event, TurnEnded):
        return Explanation(
            record.seq, turn, event.type, f"Turn {event.turn} ends",
            ("The facilitator advanced (or solo play moved on); bots decided what was open "
             "to them, and a person's undecided deliveries were recorded as no decision.",),
            ("The metrics at this point go into their history, one point per turn.",))
    assert isinstance(event, ExerciseEnded)
    return _ended(ex, event, record)


# ------------------------------------------------------------------ conditions


def condition_text(ex: Exercise, cond: Condition) -> str:
    """A script condition in words, e.g. `Partner trust of any team below 45`."""
    if isinstance(cond, MetricCondition):
        metric = ex.metric(cond.metric)
        label = metric.name if metric else cond.metric
        if cond.team is None:
            who = ""
        elif cond.team == "any":
            who = " of any team"
        elif cond.team == "all":
            who = " of every team"
        else:
            who = f" of {team_name(ex, cond.team)}"
        return f"{label}{who} {comparison_text(cond)}"
    if isinstance(cond, ChoseCondition):
        c = cond.chose
        inject = ex.inject(c.inject)
        title = inject.title if inject else c.inject
        option = inject.option(c.option) if inject and c.option else None
        what = f"“{option.label if option else c.option}”" if c.option else "any option"
        who = {"any": "any team", "all": "every team"}.get(c.team) or team_name(ex, c.team)
        return f"{who} chose {what} on “{title}”"
    if isinstance(cond, DeliveredCondition):
        inject = ex.inject(cond.delivered)
        return f"“{inject.title if inject else cond.delivered}” has been delivered"
    if isinstance(cond, TurnCondition):
        return f"the turn is {comparison_text(cond.turn)}"
    if isinstance(cond, AllCondition | AnyCondition):
        parts = cond.all if isinstance(cond, AllCondition) else cond.any
        joiner = " and " if isinstance(cond, AllCondition) else " or "
        return joiner.join(_nested(ex, sub) for sub in parts)
    if isinstance(cond, NotCondition):
        return f"not {_nested(ex, cond.not_)}"
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover


def _nested(ex: Exercise, cond: Condition) -> str:
    text = condition_text(ex, cond)
    return f"({text})" if isinstance(cond, AllCondition | AnyCondition) else text


# ------------------------------------------------------------------ pieces


class _Names:
    """Deliveries and teams as people read them, from the script and the state."""

    def __init__(self, ex: Exercise, state: State) -> None:
        self.ex, self.state = ex, state

    def team(self, team: str | None) -> str:
        return team_name(self.ex, team) if team else "the exercise"

    def found(self, number: int) -> Delivery | None:
        deliveries = self.state.deliveries
        return deliveries[number - 1] if 1 <= number <= len(deliveries) else None

    def delivery(self, number: int) -> str:
        found = self.found(number)
        return f"#{number} “{title(self.ex, found)}”" if found else f"#{number}"

    def moved(self, changes: list[Change]) -> tuple[Moved, ...]:
        out = []
        for ch in changes:
            metric = self.ex.metric(ch.metric)
            out.append(Moved(metric.name if metric else ch.metric,
                             team_name(self.ex, ch.team) or None, ch.before, ch.after))
        return tuple(out)


def _delivered(ex: Exercise, names: _Names, event: InjectDelivered, turn: int
               ) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    reason = event.reason
    inject = ex.inject(event.inject)
    title = delivered_title(ex, event)
    to = ", ".join(names.team(t) for t in event.to)
    head = f"Inject #{event.delivery} “{title}” delivered to {to}"
    why: list[str] = []
    if isinstance(reason, Scheduled):
        why.append(f"Scheduled for turn {turn} ({ex.turn_label(turn)}) in the script.")
    elif isinstance(reason, Triggered):
        when = inject.when if inject else None
        if inject is not None and inject.turn is not None:
            why.append(f"Scheduled for turn {inject.turn}, and delivered only because its "
                       "condition held at the start of the turn.")
        else:
            why.append(f"Triggered: its condition held at the start of turn {turn}.")
        if when is not None:
            why.append(f"Condition: {condition_text(ex, when)}")
        if reason.because:
            why.append("It held because: " + "; ".join(reason.because))
    elif isinstance(reason, FollowUp):
        why.append("A follow-up, queued at the end of the previous turn by:")
        why += [f"  {_source(ex, names, s)}" for s in reason.sources]
    elif isinstance(reason, ByHand):
        why.append("Delivered by hand by the facilitator"
                   + (" (the script holds it as a follow-up)." if inject and inject.follow_up
                      else ", out of its schedule."))
    else:
        assert isinstance(reason, Adhoc)
        why.append("An ad-hoc inject the facilitator wrote during the exercise; it exists "
                   "only in this log.")
        sender = " · ".join(x for x in (reason.channel, reason.sender) if x)
        if sender:
            why.append(f"Sent as: {sender}")
    if inject is not None and inject.once is False:
        why.append(f"It may recur; this is delivery {event.n} of it.")
    did = []
    if event.changes:
        did.append("On delivery its own effects moved the metrics below.")
    elif inject is not None and inject.effects:
        did.append("Its effects changed nothing (the metrics were already at their limits).")
    else:
        did.append("It changed no metric on delivery.")
    if inject is not None and inject.options:
        count = len(inject.options)
        did.append(f"It asks {to} to choose among {count} options." if count > 1 else
                   f"It asks {to} to decide (one option: “{inject.options[0].label}”).")
    elif isinstance(reason, Adhoc) and reason.text.strip():
        did.append(f"Text: {reason.text.strip()}")
    return head, tuple(why), tuple(did)


def _source(ex: Exercise, names: _Names, source: Source) -> str:
    """One decision that queued a follow-up, and whether its option or its outcome did."""
    option = option_of(ex, source.inject, source.option)
    label = option.label if option else source.option
    said = (f"{names.team(source.team)} choosing “{label}” on "
            f"{names.delivery(source.delivery)}")
    found = names.found(source.delivery)
    decision = found.decisions.get(source.team) if found else None
    outcome = outcome_of(ex, decision) if isinstance(decision, DecisionRecorded) else None
    if outcome is not None and outcome.text:
        said += f", whose rolled outcome was “{outcome.text}”"
    return said


def _policy(ex: Exercise, team: str) -> str:
    found = ex.team(team)
    policy = found.policy if found else "first"
    if policy in POLICIES:
        return f"policy `{policy}`: {POLICIES[policy]}"
    aim, _, metric_id = policy.partition(":")
    metric = ex.metric(metric_id)
    label = metric.name if metric else metric_id
    more = "raise" if aim == "best" else "lower"
    return f"policy `{policy}`: it picks the option whose effects {more} {label} most"


def _decided(ex: Exercise, names: _Names, event: DecisionRecorded, turn: int
             ) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[Drawn, ...]]:
    team = names.team(event.team)
    on = names.delivery(event.delivery)
    option = option_of(ex, event.inject, event.option)
    head = f"{team} decided on {on}"
    if event.by == "bot":
        why = [f"Chosen at the end of turn {turn} by the bot playing {team}, by its "
               f"{_policy(ex, event.team)}."]
    else:
        why = [f"Chosen in turn {turn} by the person playing {team}."]
    did = []
    if option is not None:
        did.append(f"Chose “{option.label}”.")
    elif event.option is not None:
        did.append(f"Chose option {event.option} (no longer in the script).")
    if event.response:
        did.append(f"Responded: “{event.response}”")
    rolls = tuple(_roll(ex, event, roll) for roll in event.rolls)
    outcome = outcome_of(ex, event)
    if outcome is not None and option is not None and event.outcome is not None and not rolls:
        did.append(f"Outcome {event.outcome + 1} of {len(option.outcomes)}: "
                   f"{outcome.text or '(no text)'}")
    if not event.changes:
        did.append("It changed no metric.")
    if event.queued:
        did.append("Queued for next turn: "
                   + ", ".join(f"“{inject_title(ex, i)}”" for i in event.queued))
    if option is not None and option.rating:
        did.append("Recorded the option's rating: " + ", ".join(
            f"{objective_title(ex, o)} {r}" for o, r in option.rating.items()))
    return head, tuple(why), tuple(did), rolls


def _roll(ex: Exercise, event: DecisionRecorded, roll: Roll) -> Drawn:
    inject: Inject | None = ex.inject(event.inject)
    if roll.kind == "outcome":
        option = inject.option(event.option) if inject and event.option else None
        outcomes = option.outcomes if option else []
        if roll.pick >= len(outcomes):
            return Drawn(roll.kind, roll.key, roll.r, roll.pick, len(outcomes), 0, 1, "")
        lo = float(sum(o.chance for o in outcomes[:roll.pick]))
        chosen = outcomes[roll.pick]
        return Drawn(roll.kind, roll.key, roll.r, roll.pick, len(outcomes), lo,
                     lo + float(chosen.chance), chosen.text or "(no text)")
    offered = inject.options_for(event.team) if inject else []  # a policy draws over these
    count = len(offered)
    label = offered[roll.pick].label if roll.pick < count else ""
    return Drawn(roll.kind, roll.key, roll.r, roll.pick, count, roll.pick / max(count, 1),
                 (roll.pick + 1) / max(count, 1), f"“{label}”")


def _rated(ex: Exercise, names: _Names, state: State, event: Rated, record: Record
           ) -> Explanation:
    team = names.team(event.team)
    what = objective_title(ex, event.objective)
    head = f"{team} rated {event.rating} on “{what}”"
    why: list[str] = []
    if event.delivery is not None:
        found = names.found(event.delivery)
        decision = found.decisions.get(event.team) if found else None
        option = (option_of(ex, decision.inject, decision.option)
                  if isinstance(decision, DecisionRecorded) else None)
        chose = f"“{option.label}”, chosen" if option else "The option chosen"
        why.append(f"{chose} on {names.delivery(event.delivery)}, carries this rating in "
                   "the script.")
    else:
        why.append("Rated by the facilitator or an evaluator.")
    if event.note and event.delivery is None:
        why.append(f"Note: {event.note}")
    did = [f"{team}'s latest rating on this objective is now {event.rating}; its score "
           "counts the latest evaluator rating, else the latest suggested one."]
    mine: list[RatingEntry] = []  # this rating and the one before it, newest first
    for entry in reversed(state.ratings):
        if entry.team == event.team and entry.objective == event.objective:
            mine.append(entry)
            if len(mine) == 2:
                break
    if len(mine) == 2:
        did.append(f"Before it: {mine[1].rating} (turn {mine[1].turn}).")
    elif len(mine) == 1:
        did.append("It is the first rating of this team on this objective.")
    return Explanation(record.seq, record.turn, event.type, head, tuple(why), tuple(did))


def _ended(ex: Exercise, event: ExerciseEnded, record: Record) -> Explanation:
    why: list[str] = []
    if event.reason == "condition":
        rule = ex.end[event.rule] if event.rule is not None and event.rule < len(ex.end) \
            else None
        why.append(f"End rule {event.rule + 1 if event.rule is not None else '?'} held at "
                   f"the end of turn {record.turn}.")
        if rule is not None:
            why.append(f"Condition: {condition_text(ex, rule.when)}")
        if event.because:
            why.append("It held because: " + "; ".join(event.because))
    elif event.reason == "last_turn":
        why.append(f"The last turn ({ex.turns}) ended.")
    else:
        why.append("The facilitator ended the exercise.")
    did = [f"Outcome: {event.outcome}" if event.outcome else "No outcome text was given.",
           "The session is over: its save is final and can be reported on."]
    return Explanation(record.seq, record.turn, event.type, "The exercise ends", tuple(why),
                       tuple(did))
