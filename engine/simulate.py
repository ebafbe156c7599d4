"""Bot playthroughs in memory: every team played by its policy, no save, no fsync.

A plain run is a `Playout` (the rules compiled, no events: `playout.py`). A run whose
decisions are replayed with other options (`play` with a probe) is a `Playthrough`,
with the same `Rules` and the same fold as a live session. At each turn
end the bots decide in the order `Rules` settles a turn's end (`rules.undecided`:
teams in file order, each team's open deliveries in delivery order, each by its
policy against the state as it is then), but the decisions are sent here as
`Decide` commands, so that one decision can be forced to another option. That is
how `play` answers "what if this team had chosen otherwise, with the same dice?": a
roll depends only on the seed and the roll's identity (turn, inject, delivery count,
team), never on how the decision was made, so a forced playthrough differs from the
real one by the forced choice and what follows from it, nothing else. (Tests check
these playthroughs against sessions whose bots decide inside the rules.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from . import policies
from .commands import Advance, Controllers, Decide, Start
from .events import DecisionRecorded
from .playout import Playout, RunResult
from .rolls import roll_key
from .rules import Rules, undecided
from .scoring import weighted_total
from .script import Exercise, Inject
from .state import Delivery, State, initial_state

POLICY_HELP = "first | random | best:<metric> | worst:<metric>"


class PolicyError(ValueError):
    """A `--policy TEAM=POLICY` that does not fit the script; the message is for users."""


def parse_policies(ex: Exercise, specs: list[str]) -> dict[str, str]:
    """Each team's policy: the script's, overridden by `TEAM=POLICY` specs."""
    chosen = {t.id: t.policy for t in ex.teams}
    for spec in specs:
        team, sep, policy = spec.partition("=")
        team, policy = team.strip(), policy.strip()
        if not sep or not team or not policy:
            raise PolicyError(f"--policy {spec!r}: write TEAM=POLICY ({POLICY_HELP})")
        if ex.team(team) is None:
            raise PolicyError(f"--policy {spec!r}: no team {team!r} "
                              f"(teams: {', '.join(ex.team_ids)})")
        if not _valid_policy(ex, policy):
            metrics = ", ".join(m.id for m in ex.metrics) or "none"
            raise PolicyError(f"--policy {spec!r}: {policy!r} is not a policy "
                              f"({POLICY_HELP}; metrics: {metrics})")
        chosen[team] = policy
    return chosen


def _valid_policy(ex: Exercise, policy: str) -> bool:
    if policy in ("first", "random"):
        return True
    direction, _, metric = policy.partition(":")
    return direction in ("best", "worst") and ex.metric(metric) is not None


Force = tuple[int, str, int]  # (delivery number, team, option index)
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


@dataclass(frozen=True)
class Point:
    """One decision of one seed, replayed with each option in turn.

    `scores[k]` is the deciding team's final weighted score had it chosen option k,
    every other decision following the policies with the same dice (None: the team
    ended unrated); `chosen` is the option its policy picked.
    """

    inject: str
    team: str
    chosen: int
    scores: tuple[float | None, ...]


Probe = Callable[[str, str], bool]  # (inject, team) -> replay this decision's options?


class Simulator:
    """Bot playthroughs of one exercise under fixed policies, one seed at a time."""

    def __init__(self, ex: Exercise, policy: Mapping[str, str] | None = None) -> None:
        if policy is not None and any(policy[t.id] != t.policy for t in ex.teams):
            ex = with_policies(ex, policy)
        self.exercise = ex
        self.policy = {t.id: t.policy for t in ex.teams}
        self.playout = Playout(ex, self.policy)

    def run(self, seed: int) -> RunResult:
        """One playthrough, compiled (`playout.py`): what `Start`, then `Advance` to the
        end with the bots deciding inside the rules, gives."""
        return self.playout.run(seed)

    def play(self, seed: int, probe: Probe | None = None) -> tuple[RunResult, list[Point]]:
        """One playthrough and, for each decision `probe` selects, the final score each
        of its options would have given the deciding team (one deviation at a time)."""
        if probe is None:
            return self.run(seed), []
        ex = self.exercise
        playthrough = Playthrough(ex, seed, self.policy)
        seen: list[tuple[State, int, str, Inject]] = []

        def watch(state: State, delivery: Delivery, team: str, inject: Inject) -> None:
            if len(inject.options_for(team)) > 1 and probe(inject.id, team):
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
                if index == chosen:
                    scores.append(weighted_total(ex, final, team))
                    continue
                branch = playthrough.finish(snapshot.copy(), force=(number, team, index))
                scores.append(weighted_total(ex, branch, team))
            points.append(Point(inject.id, team, chosen, tuple(scores)))
        return result(ex, seed, final), points


def with_policies(ex: Exercise, policy: Mapping[str, str]) -> Exercise:
    """The exercise with its teams' policies replaced (a new, validated model)."""
    data = ex.model_dump(by_alias=True, exclude_unset=True)
    for team in data["teams"]:
        team["policy"] = policy[team["id"]]
    return Exercise.model_validate(data)


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
