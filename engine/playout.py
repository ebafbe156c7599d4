"""A bot playthrough compiled: the rules of `rules.py`, without events, for simulation.

`ttx simulate` plays thousands of runs in which every team is a bot, and needs only
each run's result. Playing them through `Rules` builds every event, folds it and
keeps the log; here the script is compiled once (effects to their targets and bounds,
conditions to closures, each bot's choice to what it compares) and a run is a loop
over plain dicts. The dice are the same hashes of the same identities (`rolls.py`),
so a playout's `RunResult` is exactly the one a session of bots gives (checked on
generated scripts, and on every bundled exercise under every uniform policy), and a
run with one decision forced to another option is the one the rules give when that
decision is sent as a command (checked on generated scripts): see
`tests/aar/test_simulate.py`. `rules.py` stays the specification: a rule changed
there and not here fails those tests.
"""

from __future__ import annotations

import hashlib
import importlib
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from .conditions import Check, compile_condition
from .effects import MetricKey, Op, apply_ops, compile_effects
from .rolls import chance_outcomes
from .script import Exercise, Inject, rating_score
from .state import initial_state


def _builtin_sha256() -> Callable[[bytes], Any]:
    """CPython's own SHA-256 (the same digests as OpenSSL's, a third cheaper per call on
    short keys), else hashlib's."""
    for module in ("_sha2", "_sha256"):  # 3.12 on, 3.11
        try:
            return cast(Callable[[bytes], Any], importlib.import_module(module).sha256)
        except (ImportError, AttributeError):
            continue
    return hashlib.sha256


_sha256 = _builtin_sha256()
Force = tuple[int, str, int]  # (delivery number, team, option index)
Decided = tuple[int, str, str, int]  # (delivery number, team, inject, option index)
_first_8 = struct.Struct(">Q").unpack_from  # `rolls.draw`: the first 8 bytes, big-endian
_SCALE = 2.0**64


@dataclass(frozen=True)
class RunResult:
    """What one playthrough contributes to the statistics (small and picklable)."""

    seed: int
    outcome: str | None  # the end rule's outcome; None: it ran to its last turn
    turns: int
    metrics: tuple[tuple[MetricKey, int], ...]  # ((metric, team or None), final value)
    scores: tuple[tuple[str, float | None], ...]  # (team, final weighted score)
    decisions: tuple[tuple[str, str, str], ...]  # (inject, team, option), in order
    delivered: tuple[str, ...]  # injects delivered at least once


@dataclass(frozen=True, slots=True)
class _Outcome:
    below: float  # the running total of chances up to this one (`rolls.pick`); last: inf
    ops: tuple[Op, ...]  # the option's effects then the outcome's, for the deciding team
    next: tuple[str, ...]  # the option's follow-ups then the outcome's


@dataclass(frozen=True, slots=True)
class _Move:
    """One option as one team would take it, everything it does resolved."""

    index: int  # the option's place in its inject's options
    ops: tuple[Op, ...]
    next: tuple[str, ...]
    outcomes: tuple[_Outcome, ...]
    chose: tuple[str, str, str]  # (inject, option, team), as `State.chose` holds it
    decision: tuple[str, str, str]  # (inject, team, option), as `RunResult` lists it
    ratings: tuple[tuple[tuple[str, str], int | None], ...]  # ((team, objective), score)
    judged: tuple[Op, ...]  # its effects on the metric the team's policy judges by


@dataclass(frozen=True, slots=True)
class _Inject:
    id: str
    order: int  # file order
    once: bool
    ops: tuple[Op, ...]
    when: Check | None
    deciders: tuple[_Decider, ...]  # who decides on a delivery of it, in team order


class _Decider:
    """An addressed team with a move on an inject, and the ends of its roll keys."""

    __slots__ = ("_keys", "_rest", "inject", "moves", "of_option", "team")

    def __init__(self, team: int, moves: tuple[_Move, ...], inject: str, team_id: str) -> None:
        self.team = team  # index in file order
        self.moves = moves
        self.of_option = {move.index: move for move in moves}
        self.inject = inject
        self._rest = (inject, team_id)
        self._keys: dict[int, bytes] = {}

    def rest(self, n: int) -> bytes:
        """"{inject}:{n}:{team}", the end of the roll key of the n-th delivery."""
        key = self._keys.get(n)
        if key is None:
            inject, team = self._rest
            key = self._keys[n] = f"{inject}:{n}:{team}".encode()
        return key


@dataclass(frozen=True, slots=True)
class _Team:
    id: str
    way: str  # first | random | best | worst
    key: MetricKey | None  # the metric best/worst judges by


class Playout:
    """One exercise compiled for bot playthroughs under fixed policies."""

    def __init__(self, ex: Exercise, policy: Mapping[str, str]) -> None:
        self.turns = ex.turns
        self.teams = tuple(_team(ex, t.id, policy[t.id]) for t in ex.teams)
        self.initial = initial_state(ex).metrics
        self.injects = {i.id: _inject(ex, i, self.teams) for i in ex.injects}
        self.scheduled = {turn: tuple(self.injects[i.id] for i in ex.scheduled(turn))
                          for turn in range(1, ex.turns + 1)}
        self.triggers = tuple(self.injects[i.id] for i in ex.unscheduled_triggers)
        self.end = tuple((compile_condition(ex, r.when), r.outcome) for r in ex.end)
        self.weights = tuple((o.id, float(o.weight)) for o in ex.objectives)

    def run(self, seed: int, force: Force | None = None,
            trail: list[Decided] | None = None) -> RunResult:
        """Play from `Start` to the end, every team deciding by its policy, except the
        decision `force` names, which takes the option it names; `trail` (when given)
        receives every decision as it is made."""
        metrics = dict(self.initial)
        delivered: dict[str, int] = {}
        chose: set[tuple[str, str, str]] = set()
        latest: dict[tuple[str, str], int | None] = {}  # (team, objective) -> score
        decisions: list[tuple[str, str, str]] = []
        queued: set[str] = set()
        seeded = _sha256(f"{seed}:".encode())
        teams = self.teams
        turn = 1
        numbered = 0  # deliveries before this turn's (delivery numbers count from 1)
        while True:
            opened = self._turn_start(turn, queued, metrics, delivered, chose)
            queued = set()
            # Roll keys are "{seed}:{kind}:{turn}:{inject}:{n}:{team}" (`rolls.roll_key`):
            # hash this turn's prefixes once, finish each key from its copy.
            policy_rolls = seeded.copy()
            policy_rolls.update(b"policy:%d:" % turn)
            outcome_rolls = seeded.copy()
            outcome_rolls.update(b"outcome:%d:" % turn)
            # A turn's end: teams in file order, each its deliveries in delivery order.
            waiting: list[list[tuple[int, int, _Decider]]] = [[] for _ in teams]
            for slot, (inject, n) in enumerate(opened):
                for decider in inject.deciders:
                    waiting[decider.team].append((slot, n, decider))
            made: list[list[tuple[str, str, str]]] = [[] for _ in opened]
            for team, mine in zip(teams, waiting, strict=True):
                for slot, n, decider in mine:
                    moves = decider.moves
                    if force is not None and force[:2] == (numbered + slot + 1, team.id):
                        move = decider.of_option[force[2]]
                    elif team.way == "first":
                        move = moves[0]
                    elif team.way == "random":
                        h = policy_rolls.copy()
                        h.update(decider.rest(n))
                        r = _first_8(h.digest())[0] / _SCALE
                        move = moves[min(int(r * len(moves)), len(moves) - 1)]
                    else:
                        move = _judge(team, moves, metrics)
                    if trail is not None:
                        trail.append((numbered + slot + 1, team.id, decider.inject,
                                      move.index))
                    ops, follow = move.ops, move.next
                    if move.outcomes:
                        h = outcome_rolls.copy()
                        h.update(decider.rest(n))
                        r = _first_8(h.digest())[0] / _SCALE
                        for rolled in move.outcomes:
                            if rolled.below > r:
                                ops, follow = rolled.ops, rolled.next
                                break
                    # `effects.apply_ops`, inline: a call per decision costs 5% of a run
                    for key, fixed, add, low, high in ops:
                        raw = fixed if fixed is not None else metrics[key] + add
                        metrics[key] = low if raw < low else high if raw > high else raw
                    if follow:
                        queued.update(follow)
                    chose.add(move.chose)
                    if move.ratings:
                        latest.update(move.ratings)
                    made[slot].append(move.decision)
            for in_delivery in made:
                decisions += in_delivery
            numbered += len(opened)
            outcome: str | None = None
            for check, end in self.end:
                if check(metrics, delivered, chose, turn):
                    outcome = end
                    break
            if outcome is not None or turn >= self.turns:
                break
            turn += 1
        return RunResult(
            seed=seed, outcome=outcome, turns=turn, metrics=tuple(metrics.items()),
            scores=tuple((t.id, self._score(latest, t.id)) for t in teams),
            decisions=tuple(decisions), delivered=tuple(delivered))

    def _turn_start(self, turn: int, queued: set[str], metrics: dict[MetricKey, int],
                    delivered: dict[str, int],
                    chose: set[tuple[str, str, str]]) -> list[tuple[_Inject, int]]:
        """The turn's deliveries in the rules' three groups: scheduled, follow-ups (in
        file order, once each), then triggered; each sees the ones before it."""
        opened: list[tuple[_Inject, int]] = []

        def deliver(inject: _Inject) -> None:
            n = delivered[inject.id] = delivered.get(inject.id, 0) + 1
            if inject.ops:
                apply_ops(metrics, inject.ops)
            opened.append((inject, n))

        for inject in self.scheduled.get(turn, ()):
            if inject.once and inject.id in delivered:
                continue
            if inject.when is None or inject.when(metrics, delivered, chose, turn):
                deliver(inject)
        if queued:
            injects = self.injects
            for inject in sorted((injects[i] for i in queued if i in injects),
                                 key=lambda inject: inject.order):
                if not (inject.once and inject.id in delivered):
                    deliver(inject)
        for inject in self.triggers:
            if inject.once and inject.id in delivered:
                continue
            assert inject.when is not None
            if inject.when(metrics, delivered, chose, turn):
                deliver(inject)
        return opened

    def _score(self, latest: dict[tuple[str, str], int | None], team: str) -> float | None:
        """`scoring.weighted_total` over the suggested ratings (bots rate nothing else)."""
        total = weights = 0.0
        for objective, weight in self.weights:
            score = latest.get((team, objective))
            if score is not None:
                total += weight * score
                weights += weight
        return total / weights if weights else None


def _judge(team: _Team, moves: tuple[_Move, ...], metrics: dict[MetricKey, int]) -> _Move:
    """`policies.choose` for `best`/`worst`: the move whose own effects leave the team's
    metric highest (lowest), the first of equals."""
    assert team.key is not None
    start = metrics[team.key]
    values = []
    for move in moves:
        value = start
        for _, fixed, add, low, high in move.judged:  # `effects.value_after`, inline
            raw = fixed if fixed is not None else value + add
            value = low if raw < low else high if raw > high else raw
        values.append(value)
    return moves[values.index(max(values) if team.way == "best" else min(values))]


def _team(ex: Exercise, team: str, policy: str) -> _Team:
    way, _, metric_id = policy.partition(":")
    metric = ex.metric(metric_id) if metric_id else None
    if policy not in ("first", "random") and not (way in ("best", "worst") and metric):
        raise ValueError(f"{policy!r} is not a policy for {team!r}")
    key = None if metric is None else (metric.id, None if metric.scope == "global" else team)
    return _Team(team, way, key)


def _inject(ex: Exercise, inject: Inject, teams: tuple[_Team, ...]) -> _Inject:
    to = inject.to if inject.to is not None else ex.team_ids
    deciders = []
    for who, team in enumerate(teams):
        moves = tuple(_move(ex, inject, k, team) for k, option in enumerate(inject.options)
                      if option.allows(team.id))
        if team.id in to and moves:
            deciders.append(_Decider(who, moves, inject.id, team.id))
    return _Inject(
        id=inject.id, order=ex.file_order(inject), once=inject.once,
        ops=compile_effects(ex, inject.effects, to),
        when=compile_condition(ex, inject.when) if inject.when is not None else None,
        deciders=tuple(deciders))


def _move(ex: Exercise, inject: Inject, index: int, team: _Team) -> _Move:
    option = inject.options[index]
    ops = compile_effects(ex, option.effects, [team.id])
    outcomes = []
    below = 0.0
    for k, chance in chance_outcomes(option):  # the same sums, in the same order
        below += chance
        outcome = option.outcomes[k]
        outcomes.append(_Outcome(below, ops + compile_effects(ex, outcome.effects, [team.id]),
                                 tuple(option.next) + tuple(outcome.next)))
    if outcomes:  # `pick`: an r in the rounding gap past the last total takes the last
        outcomes[-1] = _Outcome(float("inf"), outcomes[-1].ops, outcomes[-1].next)
    return _Move(
        index=index, ops=ops, next=tuple(option.next), outcomes=tuple(outcomes),
        chose=(inject.id, option.id, team.id), decision=(inject.id, team.id, option.id),
        ratings=tuple(((team.id, o.id), rating_score(ex.scale, option.rating[o.id]))
                      for o in ex.objectives if o.id in option.rating),
        judged=tuple(op for op in ops if op[0] == team.key))
