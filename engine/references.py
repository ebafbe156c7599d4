"""Whole-script rules: unique ids and references that must resolve.

Each problem comes back as (location path, message) so the loader can turn it into
`file:line:col` with the positions the YAML reader kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .script import (
    AllCondition,
    AnyCondition,
    ChoseCondition,
    Condition,
    DeliveredCondition,
    Effect,
    Exercise,
    MetricCondition,
    NotCondition,
    rating_score,
)

Loc = tuple[Any, ...]
Problem = tuple[Loc, str]


def check(ex: Exercise) -> list[Problem]:
    return list(_problems(ex))


def _problems(ex: Exercise) -> Iterator[Problem]:
    for name in ("teams", "metrics", "objectives", "injects", "attachments"):
        yield from _unique(getattr(ex, name), (name,))
    yield from _materials(ex)
    if len(ex.turn_labels) > ex.turns:
        yield (("turn_labels", ex.turns),
               f"{len(ex.turn_labels)} turn_labels for {ex.turns} turns: a label per turn")
    teams = set(ex.team_ids)
    metrics = {m.id: m for m in ex.metrics}
    objectives = {o.id for o in ex.objectives}
    injects = {i.id: i for i in ex.injects}

    for i, t in enumerate(ex.teams):
        if ":" in t.policy:
            wanted = t.policy.split(":", 1)[1]
            if wanted not in metrics:
                yield ("teams", i, "policy"), f"policy {t.policy!r}: no metric {wanted!r}"

    for i, m in enumerate(ex.metrics):
        loc: Loc = ("metrics", i, "initial")
        if isinstance(m.initial, dict):
            if m.scope == "global":
                yield loc, "a global metric has one initial value, not one per team"
            for key in m.initial:
                if key != "default" and key not in teams:
                    yield (*loc, key), f"no team {key!r} (keys are team ids or default)"
            missing = [t for t in ex.team_ids if t not in m.initial]
            if missing and "default" not in m.initial:
                yield loc, f"no initial value for {', '.join(missing)}: add them or default"
            values: list[tuple[str | None, int]] = list(m.initial.items())
        else:
            values = [(None, m.initial)]
        for team_key, value in values:
            if not m.min <= value <= m.max:
                where: Loc = loc if team_key is None else (*loc, team_key)
                yield where, f"initial {value} is outside [{m.min}, {m.max}]"

    for i, inj in enumerate(ex.injects):
        loc = ("injects", i)
        if inj.turn is not None and inj.turn > ex.turns:
            yield (*loc, "turn"), f"turn {inj.turn} is past the last turn ({ex.turns})"
        for k, team in enumerate(inj.to or []):
            if team not in teams:
                yield (*loc, "to", k), f"no team {team!r}"
        if inj.to is not None and len(set(inj.to)) != len(inj.to):
            yield (*loc, "to"), "a team is listed twice"
        for k, obj in enumerate(inj.objectives):
            if obj not in objectives:
                yield (*loc, "objectives", k), f"no objective {obj!r}"
        if inj.when is not None:
            yield from _condition(ex, inj.when, (*loc, "when"))
        yield from _effects(ex, inj.effects, (*loc, "effects"))
        yield from _unique(inj.options, (*loc, "options"))
        addressed = set(inj.to) if inj.to is not None else teams
        for key in inj.variants:
            if key not in addressed:
                yield (*loc, "variants", key), _not_addressed(key, teams)
        for k, attachment in enumerate(inj.attachments):
            if ex.attachment(attachment) is None:
                yield (*loc, "attachments", k), f"no attachment {attachment!r}"
        for j, opt in enumerate(inj.options):
            oloc = (*loc, "options", j)
            for k, team in enumerate(opt.for_ or []):
                if team not in addressed:
                    yield (*oloc, "for", k), _not_addressed(team, teams)
            yield from _effects(ex, opt.effects, (*oloc, "effects"))
            yield from _next(opt.next, injects, (*oloc, "next"))
            for key, rating in opt.rating.items():
                if key not in objectives:
                    yield (*oloc, "rating", key), f"no objective {key!r}"
                elif rating_score(ex.scale, rating) is None:
                    yield (*oloc, "rating", key), _off_scale(ex.scale, rating)
            for k, outcome in enumerate(opt.outcomes):
                cloc = (*oloc, "outcomes", k)
                yield from _effects(ex, outcome.effects, (*cloc, "effects"))
                yield from _next(outcome.next, injects, (*cloc, "next"))

    for i, rule in enumerate(ex.end):
        yield from _condition(ex, rule.when, ("end", i, "when"))


def _not_addressed(team: str, teams: set[str]) -> str:
    return (f"team {team!r} is not addressed by this inject (its `to`)" if team in teams
            else f"no team {team!r}")


def _materials(ex: Exercise) -> Iterator[Problem]:
    seen: dict[int, int] = {}
    for i, module in enumerate(ex.modules):
        if module.turn > ex.turns:
            yield ("modules", i, "turn"), f"turn {module.turn} is past the last turn ({ex.turns})"
        elif module.turn in seen:
            yield ("modules", i, "turn"), (f"turn {module.turn} already has a module "
                                           f"(modules[{seen[module.turn]}])")
        seen.setdefault(module.turn, i)
    for i, objective in enumerate(ex.objectives):
        yield from _unique(objective.critical_tasks, ("objectives", i, "critical_tasks"))


def _off_scale(scale: str, rating: object) -> str:
    allowed = "P, S, M or U" if scale == "hseep" else "an integer 0..10"
    return f"rating {rating!r} is not on the {scale} scale ({allowed})"


def _unique(items: list[Any], loc: Loc) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            yield (*loc, i, "id"), f"duplicate id {item.id!r}"
        seen.add(item.id)


def _next(ids: list[str], injects: dict[str, Any], loc: Loc) -> Iterator[Problem]:
    for k, inject_id in enumerate(ids):
        if inject_id not in injects:
            yield (*loc, k), f"no inject {inject_id!r}"


def _metric_and_team(ex: Exercise, metric_id: str, team: str | None, loc: Loc,
                     words: tuple[str, ...]) -> Iterator[Problem]:
    """A metric named with a team, in an effect or a condition: a global metric takes
    no team, a team metric a team id or one of `words` (self, others, all; any, all)."""
    metric = ex.metric(metric_id)
    also = ", ".join(words)
    if metric is None:
        yield (*loc, "metric"), f"no metric {metric_id!r}"
    elif metric.scope == "global":
        if team is not None:
            yield (*loc, "team"), f"{metric.id!r} is a global metric: drop team"
    elif team is None:
        yield loc, f"{metric.id!r} is a team metric: say team (a team id, {also})"
    elif team not in words and ex.team(team) is None:
        yield (*loc, "team"), f"no team {team!r} (or {also})"


def _effects(ex: Exercise, effects: list[Effect], loc: Loc) -> Iterator[Problem]:
    for k, eff in enumerate(effects):
        yield from _metric_and_team(ex, eff.metric, eff.team, (*loc, k),
                                    ("self", "others", "all"))


def _condition(ex: Exercise, cond: Condition, loc: Loc) -> Iterator[Problem]:
    if isinstance(cond, MetricCondition):
        yield from _metric_and_team(ex, cond.metric, cond.team, loc, ("any", "all"))
    elif isinstance(cond, ChoseCondition):
        inj = ex.inject(cond.chose.inject)
        if inj is None:
            yield (*loc, "chose", "inject"), f"no inject {cond.chose.inject!r}"
        elif cond.chose.option is not None and inj.option(cond.chose.option) is None:
            yield (*loc, "chose", "option"), \
                f"inject {inj.id!r} has no option {cond.chose.option!r}"
        if cond.chose.team not in ("any", "all") and ex.team(cond.chose.team) is None:
            yield (*loc, "chose", "team"), f"no team {cond.chose.team!r} (or any, all)"
    elif isinstance(cond, DeliveredCondition):
        if ex.inject(cond.delivered) is None:
            yield (*loc, "delivered"), f"no inject {cond.delivered!r}"
    elif isinstance(cond, AllCondition | AnyCondition):
        key = "all" if isinstance(cond, AllCondition) else "any"
        for k, sub in enumerate(cond.all if isinstance(cond, AllCondition) else cond.any):
            yield from _condition(ex, sub, (*loc, key, k))
    elif isinstance(cond, NotCondition):
        yield from _condition(ex, cond.not_, (*loc, "not"))
