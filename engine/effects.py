"""Resolve effects to concrete metric changes, clamped, in the order listed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from .events import Change
from .script import Effect, Exercise

MetricKey = tuple[str, str | None]


def targets(ex: Exercise, effect: Effect, selves: Sequence[str]) -> list[str | None]:
    """Which (team or global) values an effect touches.

    `selves` is the deciding team, or every addressed team for an inject's own effects;
    `others` is every team not in it.
    """
    if effect.team is None:
        return [None]
    if effect.team == "self":
        return list(selves)
    if effect.team == "others":
        return [t for t in ex.team_ids if t not in selves]
    if effect.team == "all":
        return list(ex.team_ids)
    return [effect.team]


# One effect on one value: (metric key, value to set or None to add, amount to add,
# the metric's min, max). An effect's targets and bounds depend only on the script and
# the deciding teams, so bot playthroughs compile them once instead of per decision.
Op = tuple[MetricKey, int | None, int, int, int]


def compile_effects(ex: Exercise, effects: Iterable[Effect],
                    selves: Sequence[str]) -> tuple[Op, ...]:
    """`effects` as the values they touch, in order, with their bounds."""
    ops = []
    for effect in effects:
        metric = ex.metric(effect.metric)
        assert metric is not None, "validated by the loader"
        for team in targets(ex, effect, selves):
            ops.append(((effect.metric, team), effect.set, effect.add or 0, metric.min,
                        metric.max))
    return tuple(ops)


def clamp(raw: int, low: int, high: int) -> int:
    return low if raw < low else high if raw > high else raw


def apply_ops(metrics: dict[MetricKey, int], ops: Iterable[Op]) -> None:
    """Apply compiled effects in place: each sees the ones before it, each clamped."""
    for key, fixed, add, low, high in ops:
        raw = fixed if fixed is not None else metrics[key] + add
        metrics[key] = clamp(raw, low, high)


def script_ops(ex: Exercise, effects: list[Effect], selves: Sequence[str]) -> tuple[Op, ...]:
    """`compile_effects` for a list of effects that is part of `ex` (an inject's, an
    option's, an outcome's), compiled once per exercise: a long session or a verify
    resolves the same few lists tens of thousands of times. Keyed by the list's
    identity, which is unique while the exercise holds it; the entry keeps the list
    and is used only for that very list."""
    key = ("effects", id(effects), *selves)
    hit = ex.memo.get(key)
    if hit is None or hit[0] is not effects:
        hit = ex.memo[key] = (effects, compile_effects(ex, effects, selves))
    ops: tuple[Op, ...] = hit[1]
    return ops


def changes(metrics: Mapping[MetricKey, int], ops: Iterable[Op]) -> list[Change]:
    """The changes compiled effects make to `metrics`, each clamped to its metric's
    range. Later effects see earlier ones; `metrics` itself is not modified."""
    overlay: dict[MetricKey, int] = {}
    made: list[Change] = []
    for key, fixed, add, low, high in ops:
        before = overlay.get(key, metrics[key])
        raw = fixed if fixed is not None else before + add
        after = clamp(raw, low, high)
        overlay[key] = after
        made.append(change(key[0], key[1], before, after))
    return made


def resolve(ex: Exercise, metrics: Mapping[MetricKey, int], effects: Iterable[Effect],
            selves: Sequence[str]) -> list[Change]:
    """The changes `effects` make to `metrics` (effects from anywhere: an ad-hoc
    inject's too)."""
    return changes(metrics, compile_effects(ex, effects, selves))


@lru_cache(maxsize=1 << 16)
def change(metric: str, team: str | None, before: int, after: int) -> Change:
    """One `Change`, interned: the same few thousand recur in every bot playthrough,
    and a change is frozen, so one instance can serve them all (7% of a simulation's
    time on iron-relay went to building them again)."""
    return Change(metric=metric, team=team, before=before, after=after)


def value_after(metrics: Mapping[MetricKey, int], ops: Iterable[Op], key: MetricKey) -> int:
    """What `key` would be after compiled effects: the last of `changes(...)`'s changes
    to it, without building every change (bot policies ask this for each option)."""
    value = metrics[key]
    for target, fixed, add, low, high in ops:
        if target == key:
            raw = fixed if fixed is not None else value + add
            value = clamp(raw, low, high)
    return value
