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


def resolve(ex: Exercise, metrics: Mapping[MetricKey, int], effects: Iterable[Effect],
            selves: Sequence[str]) -> list[Change]:
    """The changes `effects` make to `metrics`, each clamped to its metric's range.

    Later effects see earlier ones; `metrics` itself is not modified.
    """
    overlay: dict[MetricKey, int] = {}
    changes: list[Change] = []
    for effect in effects:
        metric = ex.metric(effect.metric)
        assert metric is not None, "validated by the loader"
        for team in targets(ex, effect, selves):
            key = (effect.metric, team)
            before = overlay.get(key, metrics[key])
            raw = effect.set if effect.set is not None else before + (effect.add or 0)
            after = max(metric.min, min(metric.max, raw))
            overlay[key] = after
            changes.append(change(effect.metric, team, before, after))
    return changes


@lru_cache(maxsize=1 << 16)
def change(metric: str, team: str | None, before: int, after: int) -> Change:
    """One `Change`, interned: the same few thousand recur in every bot playthrough,
    and a change is frozen, so one instance can serve them all (7% of a simulation's
    time on iron-relay went to building them again)."""
    return Change(metric=metric, team=team, before=before, after=after)


def value_after(ex: Exercise, metrics: Mapping[MetricKey, int], effects: Iterable[Effect],
                selves: Sequence[str], key: MetricKey) -> int:
    """What `key` would be after `effects`: the last of `resolve(...)`'s changes to it,
    without building every change (bot policies ask this for each option)."""
    metric_id, team = key
    value = metrics[key]
    for effect in effects:
        if effect.metric != metric_id or team not in targets(ex, effect, selves):
            continue
        metric = ex.metric(metric_id)
        assert metric is not None, "validated by the loader"
        raw = effect.set if effect.set is not None else value + (effect.add or 0)
        value = max(metric.min, min(metric.max, raw))
    return value
