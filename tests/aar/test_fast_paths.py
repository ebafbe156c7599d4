"""The engine's fast paths for bot playthroughs give exactly the answers of the paths
they shortcut: `holds` (a condition compiled) is `evaluate`'s verdict;
`value_after` is `resolve` then `final_value`; compiled effects applied in place are
`resolve`'s changes; and `Rules.play` folds what `decide` returns. (That a whole
compiled playout is a session of bots is checked in test_simulate.py.)"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.commands import Advance, Controllers, Start
from engine.conditions import evaluate, holds
from engine.effects import MetricKey, apply_ops, compile_effects, resolve, value_after
from engine.events import Change
from engine.loader import load
from engine.rules import Rules
from engine.state import State, apply, initial_state
from tests.aar.test_report import ROOT
from tests.strategies import exercise_of, scripts


def final_value(changes: Iterable[Change], metrics: Mapping[MetricKey, int],
                key: MetricKey) -> int:
    """The value of `key` once `changes` are applied: the last change to it wins."""
    value = metrics[key]
    for ch in changes:
        if (ch.metric, ch.team) == key:
            value = ch.after
    return value


def states_of(ex, seed: int) -> list[State]:  # type: ignore[no-untyped-def]
    """Every state a bots-only session passes through at its turn boundaries."""
    rules = Rules(ex, seed, Controllers(frozenset(ex.team_ids)))
    state = initial_state(ex)
    seen = [state.copy()]
    for event in rules.decide(state, Start()):
        apply(state, event)
    while not state.ended:
        seen.append(state.copy())
        for event in rules.decide(state, Advance()):
            apply(state, event)
    return [*seen, state]


@settings(max_examples=60, deadline=None)
@given(scripts(), st.integers(0, 3))
def test_holds_is_evaluates_verdict(script: dict[str, object], seed: int) -> None:
    ex = exercise_of(script)
    conditions = [i.when for i in ex.injects if i.when is not None] + [r.when for r in ex.end]
    for state in states_of(ex, seed):
        for cond in conditions:
            assert holds(ex, cond, state) == evaluate(ex, cond, state)[0]


@settings(max_examples=60, deadline=None)
@given(scripts(), st.integers(0, 3))
def test_compiled_effects_applied_in_place_are_resolves_changes(script: dict[str, object],
                                                                seed: int) -> None:
    ex = exercise_of(script)
    for state in states_of(ex, seed):
        for inject in ex.injects:
            lists = [(inject.effects, inject.to or ex.team_ids)] + [
                (option.effects, [team]) for option in inject.options for team in ex.team_ids]
            for effects, selves in lists:
                expected = dict(state.metrics)
                expected.update({(c.metric, c.team): c.after
                                 for c in resolve(ex, state.metrics, effects, selves)})
                metrics = dict(state.metrics)
                apply_ops(metrics, compile_effects(ex, effects, selves))
                assert metrics == expected


@settings(max_examples=60, deadline=None)
@given(scripts(), st.integers(0, 3))
def test_value_after_is_resolve_then_final_value(script: dict[str, object], seed: int) -> None:
    ex = exercise_of(script)
    for state in states_of(ex, seed):
        for inject in ex.injects:
            for option in inject.options:
                for team in ex.team_ids:
                    for key in state.metrics:
                        expected = final_value(resolve(ex, state.metrics, option.effects,
                                                       [team]), state.metrics, key)
                        ops = compile_effects(ex, option.effects, [team])
                        assert value_after(state.metrics, ops, key) == expected


@settings(max_examples=40, deadline=None)
@given(scripts(), st.integers(0, 3))
def test_play_folds_what_decide_returns(script: dict[str, object], seed: int) -> None:
    ex = exercise_of(script)
    rules = Rules(ex, seed, Controllers(frozenset(ex.team_ids)))
    folded, played = initial_state(ex), initial_state(ex)
    command: Start | Advance = Start()
    while not folded.ended:
        events = rules.decide(folded, command)
        for event in events:
            apply(folded, event)
        assert rules.play(played, command) == events
        assert played == folded
        command = Advance()


def test_an_exercise_with_compiled_parts_pickles_and_its_copy_answers_the_same() -> None:
    """The compiled forms kept with an exercise are closures: they stay behind when it
    is pickled (as a worker process started by spawning receives it), and the copy
    compiles its own."""
    ex = load(ROOT / "exercises" / "iron-relay.yaml").exercise
    conditions = [i.when for i in ex.injects if i.when is not None] + [r.when for r in ex.end]
    for state in states_of(ex, 1):
        expected = [holds(ex, cond, state) for cond in conditions]
    assert ex.memo
    copy = pickle.loads(pickle.dumps(ex))
    assert "memo" not in copy.__dict__
    copied = [i.when for i in copy.injects if i.when is not None] + [r.when for r in copy.end]
    assert [holds(copy, cond, state) for cond in copied] == expected
