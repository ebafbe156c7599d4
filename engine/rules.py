"""The rules: `decide(state, command) -> events`, the only place game logic lives.

`decide` never changes the state it is given. Where one command produces several
events that depend on each other (a turn's deliveries, bots deciding in turn), it
folds them into a private copy as it goes, exactly as the session will afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Literal

from . import policies
from .commands import (
    EVERY_TEAM_A_PERSON,
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
from .conditions import evaluate, holds
from .controls import control_message
from .effects import changes, resolve, script_ops
from .events import (
    Adhoc,
    ByHand,
    DecisionRecorded,
    Event,
    ExerciseEnded,
    FollowUp,
    InjectDelivered,
    NoDecision,
    NoteAdded,
    Rated,
    Reason,
    Roll,
    Scheduled,
    Source,
    Triggered,
    TurnEnded,
    TurnStarted,
    Withdrawn,
)
from .rolls import roll_key, roll_outcome
from .script import Exercise, Inject, Rating, Team, rating_score
from .state import Delivery, State, apply


def _refuse_controls(command: Command) -> None:
    """Text in a command is stored and shown to others: it may not drive a terminal."""
    for field in fields(command):
        value = getattr(command, field.name)
        for text in (value if isinstance(value, tuple) else (value,)):
            if isinstance(text, str):
                problem = control_message(text)
                if problem is not None:
                    raise CommandError(f"{field.name}: {problem}")


@dataclass(frozen=True)
class Rules:
    """One session's fixed setting: the script, the seed and who plays which team."""

    exercise: Exercise
    seed: int
    controllers: Controllers = EVERY_TEAM_A_PERSON

    def decide(self, state: State, command: Command) -> list[Event]:
        _refuse_controls(command)
        if isinstance(command, Start):
            if state.turn != 0:
                raise CommandError("the session has already started")
            return self._turn_start(state.copy(), 1, [])
        if isinstance(command, Rate):
            return [self._rate(command)]
        if isinstance(command, Note):
            if not command.text.strip():
                raise CommandError("a note needs some text")
            if command.team is not None:
                self._team(command.team)
            if command.objective is not None and self.exercise.objective(command.objective) is None:
                raise CommandError(f"no objective {command.objective!r}")
            kind: Literal["note", "hotwash"] = "hotwash" if command.kind == "hotwash" else "note"
            return [NoteAdded(text=command.text, kind=kind, team=command.team,
                              objective=command.objective)]
        if isinstance(command, Withdraw):
            return [self._withdraw(state, command)]
        if state.ended:
            raise CommandError("the exercise has ended")
        if state.turn == 0:
            raise CommandError("the session has not started")
        if isinstance(command, Deliver):
            return [self._deliver_by_hand(state, command.inject)]
        if isinstance(command, DeliverAdhoc):
            return [self._adhoc(state, command)]
        if isinstance(command, Decide):
            return self._decide(state, command)
        if isinstance(command, Advance):
            return self._advance(state.copy())
        if isinstance(command, End):
            return [ExerciseEnded(reason="facilitator", outcome=command.outcome or None)]
        raise CommandError(f"unknown command {command!r}")  # pragma: no cover

    def play(self, state: State, command: Command) -> list[Event]:
        """`decide`, with the events folded into `state` itself: for a caller that owns
        the state and keeps no other view of it (simulation). Start and Advance fold as
        they decide anyway; here they skip the copy and the second fold (10% of a bot
        playthrough). Refused commands leave `state` unchanged, as `decide` does."""
        if isinstance(command, Start) and state.turn == 0:
            return self._turn_start(state, 1, [])
        if isinstance(command, Advance) and not state.ended and state.turn > 0:
            return self._advance(state)
        events = self.decide(state, command)
        for event in events:
            apply(state, event)
        return events

    # ------------------------------------------------------------ checks

    def _team(self, team: str) -> None:
        if self.exercise.team(team) is None:
            known = ", ".join(self.exercise.team_ids)
            raise CommandError(f"no team {team!r} (teams: {known})")

    def _inject(self, inject_id: str) -> Inject:
        inject = self.exercise.inject(inject_id)
        if inject is None:
            raise CommandError(f"no inject {inject_id!r} in this exercise")
        return inject

    def _withdraw(self, state: State, cmd: Withdraw) -> Withdrawn:
        target = state.correctable.get(cmd.event)
        if target is None:
            raise CommandError(f"event {cmd.event} cannot be withdrawn: only a decision, an "
                               "evaluator's rating or a note of the current turn can, once")
        if not cmd.reason.strip():
            raise CommandError("say why it is withdrawn")
        if isinstance(target, DecisionRecorded) and state.ended:
            raise CommandError("the exercise has ended: its decisions stand")
        return Withdrawn(event=cmd.event, reason=cmd.reason.strip())

    def _rate(self, cmd: Rate) -> Rated:
        self._team(cmd.team)
        if self.exercise.objective(cmd.objective) is None:
            raise CommandError(f"no objective {cmd.objective!r}")
        rating = cmd.rating
        if self.exercise.scale == "0-10" and isinstance(rating, str) and rating.isdigit():
            rating = int(rating)
        if isinstance(rating, str):
            rating = rating.upper()
        if rating_score(self.exercise.scale, rating) is None:
            allowed = "P, S, M or U" if self.exercise.scale == "hseep" else "0 to 10"
            raise CommandError(f"rating {cmd.rating!r} is not on the {self.exercise.scale} "
                               f"scale ({allowed})")
        objective = self.exercise.objective(cmd.objective)
        assert objective is not None
        tasks = [t.id for t in objective.critical_tasks]
        unknown = [t for t in cmd.observed if t not in tasks]
        if unknown:
            raise CommandError(f"{cmd.objective!r} has no critical task {unknown[0]!r}"
                               + (f" (its tasks: {', '.join(tasks)})" if tasks else ""))
        observed = tuple(t for t in tasks if t in cmd.observed)  # the objective's order
        return Rated(team=cmd.team, objective=cmd.objective, rating=rating, note=cmd.note,
                     observed=observed)

    # ------------------------------------------------------------ deliveries

    def _delivery(self, state: State, inject: Inject, reason: Reason) -> InjectDelivered:
        to = list(inject.to) if inject.to is not None else list(self.exercise.team_ids)
        made = changes(state.metrics, script_ops(self.exercise, inject.effects, to))
        return InjectDelivered(delivery=len(state.deliveries) + 1, inject=inject.id,
                               n=state.delivered.get(inject.id, 0) + 1, to=to,
                               reason=reason, changes=made)

    def _deliver_by_hand(self, state: State, inject_id: str) -> InjectDelivered:
        inject = self._inject(inject_id)
        if inject.once and state.delivered.get(inject.id):
            raise CommandError(f"{inject.id!r} was already delivered and is `once: true`")
        return self._delivery(state, inject, ByHand())

    def _adhoc(self, state: State, cmd: DeliverAdhoc) -> InjectDelivered:
        if not cmd.title.strip():
            raise CommandError("an ad-hoc inject needs a title")
        for team in cmd.to:
            self._team(team)
        for effect in cmd.effects:
            metric = self.exercise.metric(effect.metric)
            if metric is None:
                raise CommandError(f"no metric {effect.metric!r}")
            if (metric.scope == "global") != (effect.team is None):
                need = "no team" if metric.scope == "global" else "a team"
                raise CommandError(f"{metric.id!r} is a {metric.scope} metric: give {need}")
            if effect.team not in (None, "self", "others", "all"):
                self._team(effect.team)
        to = list(cmd.to) or list(self.exercise.team_ids)
        number = sum(1 for d in state.deliveries if d.adhoc is not None) + 1
        return InjectDelivered(
            delivery=len(state.deliveries) + 1, inject=f"adhoc-{number}", n=1, to=to,
            reason=Adhoc(title=cmd.title, text=cmd.text, channel=cmd.channel,
                         sender=cmd.sender, effects=list(cmd.effects)),
            changes=resolve(self.exercise, state.metrics, cmd.effects, to))

    def _turn_start(self, scratch: State, turn: int, events: list[Event]) -> list[Event]:
        """Start `turn` on `scratch`: the three delivery groups, each in file order."""

        def emit(event: Event) -> None:
            events.append(event)
            apply(scratch, event)

        emit(TurnStarted(turn=turn))
        ex = self.exercise
        for inject in ex.scheduled(turn):  # (1) scheduled for this turn
            if inject.once and scratch.delivered.get(inject.id):
                continue
            if inject.when is None:
                emit(self._delivery(scratch, inject, Scheduled()))
                continue
            if holds(ex, inject.when, scratch):
                because = evaluate(ex, inject.when, scratch)[1]
                emit(self._delivery(scratch, inject, Triggered(because=because)))
        sources: dict[str, list[Source]] = {}  # (2) follow-ups queued for this turn
        for inject_id, decision in scratch.queued.get(turn, []):
            sources.setdefault(inject_id, []).append(Source(
                delivery=decision.delivery, inject=decision.inject, team=decision.team,
                option=decision.option or ""))
        queued = [found for inject_id in sources if (found := ex.inject(inject_id))]
        for follow_up in sorted(queued, key=ex.file_order):
            if not (follow_up.once and scratch.delivered.get(follow_up.id)):
                emit(self._delivery(scratch, follow_up,
                                    FollowUp(sources=sources[follow_up.id])))
        for inject in ex.unscheduled_triggers:  # (3) triggered, with no schedule
            if inject.once and scratch.delivered.get(inject.id):
                continue
            assert inject.when is not None
            if holds(ex, inject.when, scratch):
                because = evaluate(ex, inject.when, scratch)[1]
                emit(self._delivery(scratch, inject, Triggered(because=because)))
        return events

    # ------------------------------------------------------------ decisions

    def _open_delivery(self, state: State, cmd: Decide) -> Delivery:
        if cmd.delivery is not None:
            if not 1 <= cmd.delivery <= len(state.deliveries):
                raise CommandError(f"no delivery #{cmd.delivery}")
            found = state.delivery(cmd.delivery)
            if cmd.inject is not None and found.inject != cmd.inject:
                raise CommandError(f"delivery #{cmd.delivery} is {found.inject!r}, "
                                   f"not {cmd.inject!r}")
        elif cmd.inject is not None:
            mine = [d for d in state.this_turn() if d.inject == cmd.inject and cmd.team in d.to]
            if not mine:
                raise CommandError(f"{cmd.inject!r} was not delivered to {cmd.team} "
                                   f"in turn {state.turn}")
            found = next((d for d in mine if cmd.team not in d.decisions), mine[0])
        else:
            raise CommandError("say which inject (or delivery) the decision is on")
        if found.turn != state.turn:
            raise CommandError(f"{found.inject!r} was delivered in turn {found.turn}; "
                               "decisions close when their turn ends")
        if cmd.team not in found.to:
            raise CommandError(f"{found.inject!r} is not addressed to {cmd.team}")
        if cmd.team in found.decisions:
            raise CommandError(f"{cmd.team} already decided on {found.inject!r}")
        return found

    def _decide(self, state: State, cmd: Decide) -> list[Event]:
        self._team(cmd.team)
        delivery = self._open_delivery(state, cmd)
        response = cmd.response.strip() if cmd.response and cmd.response.strip() else None
        if cmd.option is None:
            if response is None:
                raise CommandError("choose an option or write a response")
            return [DecisionRecorded(delivery=delivery.number, inject=delivery.inject,
                                     team=cmd.team, by="person", response=response)]
        inject = self.exercise.inject(delivery.inject)
        if inject is None or inject.option(cmd.option) is None:
            offered = ", ".join(o.id for o in inject.options) if inject else ""
            raise CommandError(f"{delivery.inject!r} has no option {cmd.option!r}"
                               + (f" (options: {offered})" if offered else ""))
        index = next(i for i, o in enumerate(inject.options) if o.id == cmd.option)
        if not inject.options[index].allows(cmd.team):
            allowed = ", ".join(o.id for o in inject.options_for(cmd.team)) or "none: " \
                "answer in free text"
            raise CommandError(f"option {cmd.option!r} of {inject.id!r} is not for "
                               f"{cmd.team} (its options: {allowed})")
        return self._choice(state, delivery, inject, cmd.team, index, "person", response, None)

    def _choice(self, state: State, delivery: Delivery, inject: Inject, team: str, index: int,
                by: Literal["person", "bot"], response: str | None,
                policy_roll: Roll | None) -> list[Event]:
        option = inject.options[index]
        ex = self.exercise
        made = changes(state.metrics, script_ops(ex, option.effects, [team]))
        rolls = [policy_roll] if policy_roll else []
        queued = list(option.next)
        outcome_index = None
        if option.outcomes:
            key = roll_key(self.seed, "outcome", state.turn, inject.id, delivery.n, team)
            redone = state.redone.get((delivery.number, team), 0)
            if redone:  # a decision made again after a correction rolls afresh (README)
                key += f"#{redone}"
            roll = roll_outcome(option, key)
            rolls.append(roll)
            outcome_index = roll.pick
            outcome = option.outcomes[roll.pick]
            after = dict(state.metrics)
            after.update({(c.metric, c.team): c.after for c in made})
            made += changes(after, script_ops(ex, outcome.effects, [team]))
            queued += outcome.next
        decision = DecisionRecorded(
            delivery=delivery.number, inject=inject.id, team=team,
            by=by, option=option.id, response=response,
            outcome=outcome_index, rolls=rolls, changes=made, queued=queued)
        # In the script's objective order: the order of keys in the YAML mapping must
        # not change the events (SCRIPT_FORMAT.md, Determinism).
        ratings: list[Event] = [
            _option_rating(team, obj.id, option.rating[obj.id], delivery.number, option.id,
                           inject.id)
            for obj in ex.objectives if obj.id in option.rating]
        return [decision, *ratings]

    # ------------------------------------------------------------ turn end

    def _advance(self, scratch: State) -> list[Event]:
        events: list[Event] = []

        def emit(event: Event) -> None:
            events.append(event)
            apply(scratch, event)

        ex = self.exercise
        turn = scratch.turn
        for team, delivery in undecided(ex, scratch):
            if not self.controllers.is_bot(team.id):
                # Unanswered, even where there was nothing to choose: an evaluator
                # wants to see that a team never responded to an inject.
                emit(NoDecision(delivery=delivery.number, inject=delivery.inject,
                                team=team.id))
                continue
            inject = ex.inject(delivery.inject)
            if inject is None or not inject.options:
                continue  # a bot has no policy for an ad-hoc or information-only inject
            key = roll_key(self.seed, "policy", turn, inject.id, delivery.n, team.id)
            picked = policies.pick(ex, team.policy, inject, team.id, scratch, key)
            if picked is None:
                continue  # no option is `for` this team: it answers in free text only
            index, roll = picked
            for event in self._choice(scratch, delivery, inject, team.id, index, "bot",
                                      None, roll):
                emit(event)
        emit(TurnEnded(turn=turn))
        for i, rule in enumerate(ex.end):
            if holds(ex, rule.when, scratch):
                because = evaluate(ex, rule.when, scratch)[1]
                emit(ExerciseEnded(reason="condition", outcome=rule.outcome, rule=i,
                                   because=because))
                return events
        if turn >= ex.turns:
            emit(ExerciseEnded(reason="last_turn"))
            return events
        return self._turn_start(scratch, turn + 1, events)


def undecided(ex: Exercise, state: State) -> Iterator[tuple[Team, Delivery]]:
    """This turn's (team, delivery) pairs still awaiting the team's decision, in the
    order a turn's end settles them: teams in file order, each team's deliveries in
    delivery order. Lazy, so a decision made on one pair is seen by the next."""
    open_ = state.this_turn()
    for team in ex.teams:
        for delivery in open_:
            if team.id in delivery.to and team.id not in delivery.decisions:
                yield team, delivery


# An option's rating recurs in every playthrough of a simulation (the same team, option
# and delivery number, seed after seed) and is frozen, so one instance is shared: on
# iron-relay (72 per playthrough) this cut 2,000 bot playthroughs from 1.83 s to 1.64 s.
@lru_cache(maxsize=1 << 14)
def _option_rating(team: str, objective: str, rating: Rating, delivery: int, option: str,
                   inject: str) -> Rated:
    return Rated(team=team, objective=objective, rating=rating, delivery=delivery,
                 note=f"chose {option!r} on {inject!r}")
