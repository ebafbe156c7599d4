"""Evaluate script conditions against a state. Conditions are data: nothing is eval'd.

`evaluate` returns whether a condition holds and, when it does, the facts that made
it hold ("trust[southport] = 35 (below 40)"), which triggered injects and early
ends record so a reviewer can see why they happened.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Set

from .script import (
    AllCondition,
    AnyCondition,
    ChoseCondition,
    Comparison,
    Condition,
    DeliveredCondition,
    Exercise,
    MetricCondition,
    NotCondition,
    TurnCondition,
)
from .state import MetricKey, State

# A compiled condition: (metrics, times each inject was delivered, (inject, option,
# team) choices made, turn) -> holds?
Check = Callable[[Mapping[MetricKey, int], Mapping[str, int], Set[tuple[str, str, str]], int],
                 bool]

# Each comparator as a test of (limit, value), so that partial(test, limit) is a
# one-argument test in C: "below 40" is 40 > value.
_LIMIT_FIRST = {"below": operator.gt, "above": operator.lt, "at_least": operator.le,
                "at_most": operator.ge, "equals": operator.eq}


def compare(cmp: Comparison, value: float) -> bool:
    return all(_LIMIT_FIRST[name](limit, value) for name, limit in cmp.comparators())


def comparison_text(cmp: Comparison, joiner: str = " and ") -> str:
    """A comparison in words: `below 45 and at least 10`."""
    return joiner.join(f"{name.replace('_', ' ')} {limit:g}" for name, limit in cmp.comparators())


def _in_facts(cmp: Comparison) -> str:
    """The comparison as the facts recorded in events word it (saves hold these words,
    so they stay as they are)."""
    return comparison_text(cmp, ", ")


def holds(ex: Exercise, cond: Condition, state: State) -> bool:
    """Whether `cond` holds, without the facts: `evaluate`'s verdict, for the hot path
    (every turn start checks every trigger, and most do not hold), by the condition's
    compiled form, made once per exercise (kept with it, used for that very condition
    only)."""
    # Keyed by identity: the entry keeps `cond` alive, so no other condition can take
    # its id; the `is` check covers a copy of the exercise that carried its memo along.
    key = ("condition", id(cond))
    hit = ex.memo.get(key)
    if hit is None or hit[0] is not cond:
        hit = ex.memo[key] = (cond, compile_condition(ex, cond))
    check: Check = hit[1]
    return check(state.metrics, state.delivered, state.chose, state.turn)


def compile_condition(ex: Exercise, cond: Condition) -> Check:
    """`evaluate`'s verdict as a closure, its look-ups resolved once."""
    if isinstance(cond, MetricCondition):
        test = _compiled_test(cond)
        if cond.team not in ("any", "all"):
            key = (cond.metric, cond.team)
            return lambda m, d, c, t: test(m[key])
        keys = [(cond.metric, team) for team in ex.team_ids]
        want = cond.team == "any"  # the first team whose test gives `want` decides

        def check(m: Mapping[MetricKey, int], d: Mapping[str, int],
                  c: Set[tuple[str, str, str]], t: int) -> bool:
            for key in keys:
                if test(m[key]) is want:
                    return want
            return not want
        return check
    if isinstance(cond, DeliveredCondition):
        name = cond.delivered
        return lambda m, d, c, t: d.get(name, 0) > 0
    if isinstance(cond, TurnCondition):
        turn_test = _compiled_test(cond.turn)
        return lambda m, d, c, t: turn_test(t)
    if isinstance(cond, ChoseCondition):
        return _compiled_chose(ex, cond)
    if isinstance(cond, AllCondition | AnyCondition):
        parts = [compile_condition(ex, sub)
                 for sub in (cond.all if isinstance(cond, AllCondition) else cond.any)]
        every = isinstance(cond, AllCondition)  # all: the first false decides; any: true

        def check_parts(m: Mapping[MetricKey, int], d: Mapping[str, int],
                        c: Set[tuple[str, str, str]], t: int) -> bool:
            for part in parts:
                if part(m, d, c, t) is not every:
                    return not every
            return every
        return check_parts
    if isinstance(cond, NotCondition):
        inner = compile_condition(ex, cond.not_)
        return lambda m, d, c, t: not inner(m, d, c, t)
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover


def _compiled_test(cmp: Comparison) -> Callable[[float], bool]:
    tests = [functools.partial(_LIMIT_FIRST[name], limit) for name, limit in cmp.comparators()]
    if len(tests) == 1:
        return tests[0]
    return lambda v: all(test(v) for test in tests)


def _compiled_chose(ex: Exercise, cond: ChoseCondition) -> Check:
    """Each team's possible (inject, option, team) choices: one when the condition names
    the option, else every option of the inject (the only ones a choice can name)."""
    c = cond.chose
    teams = ex.team_ids if c.team in ("any", "all") else [c.team]
    inject = ex.inject(c.inject)
    options = [c.option] if c.option is not None else \
        [o.id for o in inject.options] if inject is not None else []
    per_team = [[(c.inject, option, team) for option in options] for team in teams]
    if c.team == "all":
        return lambda m, d, made, t: all(any(k in made for k in keys) for keys in per_team)
    return lambda m, d, made, t: any(k in made for keys in per_team for k in keys)


def evaluate(ex: Exercise, cond: Condition, state: State) -> tuple[bool, list[str]]:
    """Whether `cond` holds in `state`, and the facts that decided it."""
    if isinstance(cond, MetricCondition):
        if cond.team is None:
            value = state.value(cond.metric)
            ok = compare(cond, value)
            return ok, [f"{cond.metric} = {value} ({_in_facts(cond)})"]
        teams = ex.team_ids if cond.team in ("any", "all") else [cond.team]
        values = {team: state.value(cond.metric, team) for team in teams}
        oks = {team: compare(cond, value) for team, value in values.items()}
        ok = all(oks.values()) if cond.team == "all" else any(oks.values())
        # Show the teams that decided the answer: the holders when it holds for
        # any team, the failures when it fails for all teams, else every team.
        shown = [t for t in teams if oks[t] == ok] or teams
        return ok, [f"{cond.metric}[{t}] = {values[t]} ({_in_facts(cond)})" for t in shown]
    if isinstance(cond, ChoseCondition):
        c = cond.chose
        teams = ex.team_ids if c.team in ("any", "all") else [c.team]
        who = [t for t in teams if any(
            inj == c.inject and (c.option is None or opt == c.option) and team == t
            for inj, opt, team in state.chose)]
        ok = len(who) == len(teams) if c.team == "all" else bool(who)
        what = f"{c.inject}/{c.option}" if c.option else c.inject
        return ok, [f"{t} chose {what}" for t in who] or [f"no team chose {what}"]
    if isinstance(cond, DeliveredCondition):
        times = state.delivered.get(cond.delivered, 0)
        return times > 0, [f"{cond.delivered} delivered {times} time(s)"]
    if isinstance(cond, TurnCondition):
        return compare(cond.turn, state.turn), [f"turn = {state.turn} ({_in_facts(cond.turn)})"]
    if isinstance(cond, AllCondition | AnyCondition):
        parts = [evaluate(ex, sub, state) for sub in
                 (cond.all if isinstance(cond, AllCondition) else cond.any)]
        if isinstance(cond, AllCondition):
            return all(ok for ok, _ in parts), [f for _, facts in parts for f in facts]
        ok = any(p for p, _ in parts)
        return ok, [f for p, facts in parts if p == ok for f in facts]
    if isinstance(cond, NotCondition):
        ok, facts = evaluate(ex, cond.not_, state)
        return not ok, [f"not ({'; '.join(facts)})"]
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover
