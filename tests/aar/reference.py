"""The references simulate's fast paths are checked against, built from the rules.

`session_result` is a live session whose bots decide inside the rules. A
`Playthrough` sends the bots' decisions as `Decide` commands instead, so that one
decision can be forced to another option: the rules' own answer to "what if this team
had chosen otherwise, with the same dice?", which the compiled playout's forced runs
(`Simulator.play`) must give.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from engine import policies
from engine.commands import Advance, Controllers, Decide, Start
from engine.events import DecisionRecorded
from engine.playout import Force, RunResult
from engine.rolls import roll_key
from engine.rules import Rules, undecided
from engine.scoring import weighted_total
from engine.script import Exercise, Inject
from engine.session import Session
from engine.state import Delivery, State, initial_state

Watch = Callable[[State, Delivery, str, Inject], None]


class Playthrough:
    """Plays one exercise with bots only, from a state to the end, in place."""

    def __init__(self, ex: Exercise, seed: int, policy: Mapping[str, str]) -> None:
        self.ex = ex
        self.seed = seed
        self.policy = dict(policy)
        self.rules = Rules(ex, seed, Controllers(frozenset(ex.team_ids)))

    def start(self) -> State:
        state = initial_state(self.ex)
        self.rules.play(state, Start())
        return state

    def finish(self, state: State, force: Force | None = None,
               watch: Watch | None = None) -> State:
        """Play `state` to its end. `force` replaces one decision's pick; `watch` is
        shown every decision just before it is made, with the state at that moment."""
        while not state.ended:
            self._bots_decide(state, force, watch)
            self.rules.play(state, Advance())
        return state

    def _bots_decide(self, state: State, force: Force | None, watch: Watch | None) -> None:
        ex = self.ex
        for team, delivery in undecided(ex, state):
            inject = ex.inject(delivery.inject)
            if inject is None or not inject.options:
                continue
            if watch is not None:
                watch(state, delivery, team.id, inject)
            if force is not None and force[0] == delivery.number and force[1] == team.id:
                index = force[2]
            else:
                key = roll_key(self.seed, "policy", state.turn, inject.id, delivery.n, team.id)
                picked = policies.pick(ex, self.policy[team.id], inject, team.id, state, key)
                if picked is None:
                    continue
                index = picked[0]
            self.rules.play(state, Decide(team=team.id, delivery=delivery.number,
                                          option=inject.options[index].id))


def result(ex: Exercise, seed: int, state: State) -> RunResult:
    decisions = []
    for delivery in state.deliveries:
        for team, d in delivery.decisions.items():
            if isinstance(d, DecisionRecorded) and d.option is not None:
                decisions.append((delivery.inject, team, d.option))
    return RunResult(
        seed=seed, outcome=state.outcome, turns=state.turn,
        metrics=tuple(state.metrics.items()),
        scores=tuple((t, weighted_total(ex, state, t)) for t in ex.team_ids),
        decisions=tuple(decisions), delivered=tuple(state.delivered))


def with_policies(ex: Exercise, policy: Mapping[str, str]) -> Exercise:
    """The exercise with its teams' policies replaced (a new, validated model)."""
    data = ex.model_dump(by_alias=True, exclude_unset=True)
    for team in data["teams"]:
        team["policy"] = policy[team["id"]]
    return Exercise.model_validate(data)


def session_result(ex: Exercise, seed: int) -> RunResult:
    """A live session whose bots decide inside the rules."""
    session = Session(ex, seed, Controllers(frozenset(ex.team_ids)))
    session.execute(Start())
    while not session.state.ended:
        session.execute(Advance())
    return result(ex, seed, session.state)


Replayed = tuple[str, str, int, tuple[float | None, ...]]


def replayed_points(ex: Exercise, seed: int) -> list[Replayed]:
    """Every decision with two or more options for its team, replayed through the rules
    with each option from the state just before it: (inject, team, option chosen, the
    team's final score per option, None for an option not for it)."""
    policy = {t.id: t.policy for t in ex.teams}
    playthrough = Playthrough(ex, seed, policy)
    seen: list[tuple[State, int, str, Inject]] = []

    def watch(state: State, delivery: Delivery, team: str, inject: Inject) -> None:
        if len(inject.options_for(team)) > 1:
            seen.append((state.copy(), delivery.number, team, inject))

    final = playthrough.finish(playthrough.start(), watch=watch)
    points = []
    for snapshot, number, team, inject in seen:
        decision = final.delivery(number).decisions[team]
        assert isinstance(decision, DecisionRecorded)
        chosen = next(i for i, o in enumerate(inject.options) if o.id == decision.option)
        scores: list[float | None] = []
        for index, option in enumerate(inject.options):
            if not option.allows(team):
                scores.append(None)
                continue
            branch = final if index == chosen else \
                playthrough.finish(snapshot.copy(), force=(number, team, index))
            scores.append(weighted_total(ex, branch, team))
        points.append((inject.id, team, chosen, tuple(scores)))
    return points
