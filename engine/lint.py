"""Lint: things that are valid but probably not what the author meant (warnings).

Warnings are about scripted play (bots, decision files, a facilitator advancing
turns); a facilitator can still deliver any inject by hand. The analysis is a sound
over-approximation: a warning that something can never happen is only given when
no play through the script can make it happen. A metric's possible values are its
[min, max] range, or, when no effect changes it, its initial values; conditions are
checked at turn starts (and end rules at turn ends), so `turn` ranges over 1..turns,
or over the one turn of a scheduled inject.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil, floor
from typing import Any

from .conditions import compare, comparison_text
from .diagnostics import Diagnostic
from .files import Unreadable, read_capped
from .gcpause import paused_gc
from .lint_design import design_warnings
from .script import (
    AllCondition,
    AnyCondition,
    ChoseCondition,
    Comparison,
    Condition,
    DeliveredCondition,
    Effect,
    Exercise,
    Inject,
    MetricCondition,
    NotCondition,
    TurnCondition,
)
from .yamlread import Document, YamlProblem, parse, read_text


def lint(ex: Exercise, path: str, doc: Document | None = None) -> list[Diagnostic]:
    """Every warning for a valid script. `doc` (the parsed file, for positions) is
    read again from `path` when not given."""
    with paused_gc():  # a big script's objects would be scanned again and again
        return _lint(ex, path, doc)


def _lint(ex: Exercise, path: str, doc: Document | None) -> list[Diagnostic]:
    where = _Locator(path, doc if doc is not None else _read(path))
    found: list[Diagnostic] = []
    analysis = _Analysis(ex)
    for i, inject in enumerate(ex.injects):
        if inject.id in analysis.deliverable:
            continue
        if inject.when is not None:
            _, why = analysis.holds(inject.when, analysis.turns_of(inject))
            at_turn = f" at turn {inject.turn}" if inject.turn is not None else ""
            found.append(where.warn(("injects", i, "when"), f"the `when` of {inject.id!r} can "
                                    f"never hold{at_turn} ({why}) and no delivered option "
                                    "names it in `next`: it is never delivered (except by "
                                    "hand)"))
        else:
            callers = analysis.callers.get(inject.id, [])
            why = ("only injects that are never delivered name it in `next`" if callers
                   else "no option or outcome names it in `next`")
            found.append(where.warn(("injects", i, "id"), f"inject {inject.id!r} can never be "
                                    f"delivered (except by hand): it is a follow-up and {why}"))
    for i, rule in enumerate(ex.end):
        ok, why = analysis.holds(rule.when, (1, ex.turns))
        if not ok:
            found.append(where.warn(("end", i, "when"), f"this end condition can never hold "
                                    f"({why})"))
    for i, metric in enumerate(ex.metrics):
        if metric.id not in analysis.changed:
            found.append(where.warn(("metrics", i, "id"), f"metric {metric.id!r} is never "
                                    "changed by any effect: it stays at its initial value"))
    listed = {o for inject in ex.injects for o in inject.objectives}
    rated = {o for inject in ex.injects for opt in inject.options for o in opt.rating}
    for i, objective in enumerate(ex.objectives):
        if objective.id not in listed and objective.id not in rated:
            found.append(where.warn(("objectives", i, "id"), f"objective {objective.id!r} is "
                                    "exercised by no inject (list it in an inject's "
                                    "`objectives`) and rated by no option"))
    for i, inject in enumerate(ex.injects):
        found += _same_options(inject, i, where)
    found += design_warnings(ex, where.warn)
    return sorted(found)


def _same_options(inject: Inject, i: int, where: _Locator) -> list[Diagnostic]:
    out = []
    consequences = [o.model_dump(include={"effects", "outcomes", "next"}) for o in inject.options]
    for j, option in enumerate(inject.options):
        same = consequences.index(consequences[j])  # the first option with the same
        if same == j:
            continue
        first = inject.options[same]
        same_rating = first.rating == option.rating
        tail = ("and ratings: choosing between them makes no difference" if same_rating
                else "(only their ratings differ)")
        out.append(where.warn(("injects", i, "options", j, "id"),
                              f"options {first.id!r} and {option.id!r} of {inject.id!r} have "
                              f"identical effects, outcomes and follow-ups {tail}"))
    return out


def _read(path: str) -> Document | None:
    try:
        text, problem = read_text(path, read_capped(path))
        return parse(text) if text is not None and problem is None else None
    except (Unreadable, YamlProblem):
        return None


@dataclass(frozen=True)
class _Locator:
    path: str
    doc: Document | None

    def warn(self, loc: tuple[Any, ...], message: str) -> Diagnostic:
        line, col = (1, 1)
        if self.doc is not None:
            (line, col), _ = self.doc.locate(loc)
        return Diagnostic(self.path, line, col, message, severity="warning")


Range = tuple[int, int]


class _Analysis:
    """What can happen at all in scripted play: metric values, deliverable injects."""

    def __init__(self, ex: Exercise) -> None:
        self.ex = ex
        effects: list[Effect] = []
        self.callers: dict[str, list[str]] = {}
        for inject in ex.injects:
            effects += inject.effects
            for option in inject.options:
                effects += option.effects
                for outcome in option.outcomes:
                    effects += outcome.effects
                for target in [*option.next, *(n for o in option.outcomes for n in o.next)]:
                    self.callers.setdefault(target, []).append(inject.id)
        self.changed = {e.metric for e in effects}
        self.deliverable: set[str] = set()
        grew = True
        while grew:  # a fixpoint: follow-ups and conditions on deliveries reach further
            grew = False
            for inject in ex.injects:
                if inject.id not in self.deliverable and self._can_deliver(inject):
                    self.deliverable.add(inject.id)
                    grew = True

    def turns_of(self, inject: Inject) -> Range:
        return (inject.turn, inject.turn) if inject.turn is not None else (1, self.ex.turns)

    def _can_deliver(self, inject: Inject) -> bool:
        # Any inject named in `next` is delivered as a follow-up, whatever its trigger.
        if any(c in self.deliverable for c in self.callers.get(inject.id, [])):
            return True
        if inject.follow_up:
            return False
        return inject.when is None or self.holds(inject.when, self.turns_of(inject))[0]

    def holds(self, cond: Condition, turns: Range) -> tuple[bool, str]:
        """Whether `cond` can hold at all, and if not, why."""
        return self._can(cond, turns, True)

    def _can(self, cond: Condition, turns: Range, want: bool) -> tuple[bool, str]:
        """Can `cond` come out as `want`? (`not` flips what is wanted.)"""
        if isinstance(cond, MetricCondition):
            metric = self.ex.metric(cond.metric)
            assert metric is not None, "validated by the loader"
            never = "never" if want else "always"
            if metric.id in self.changed:
                ok = _possible(cond, (metric.min, metric.max), want)
                shown = f"{metric.id} ranges over [{metric.min}, {metric.max}]"
            else:  # it keeps its initial values, so the condition's answer never changes
                values = _initials(self.ex, metric.id, cond.team)
                inside = [compare(cond, v) for v in values]
                ok = (all(inside) if cond.team == "all" else any(inside)) == want
                shown = f"{metric.id} never changes from {', '.join(map(str, sorted(values)))}"
            return ok, "" if ok else f"{shown}: {comparison_text(cond)} is {never} true"
        if isinstance(cond, TurnCondition):
            ok = _possible(cond.turn, turns, want)
            span = f"{turns[0]}" if turns[0] == turns[1] else f"{turns[0]}..{turns[1]}"
            return ok, "" if ok else f"the turn is {span}: turn {comparison_text(cond.turn)} is " \
                                     f"{'never' if want else 'always'} true"
        if isinstance(cond, DeliveredCondition):
            if not want or cond.delivered in self.deliverable:
                return True, ""
            return False, f"{cond.delivered!r} is never delivered"
        if isinstance(cond, ChoseCondition):
            c = cond.chose
            if not want:
                return True, ""
            target = self.ex.inject(c.inject)
            if c.inject not in self.deliverable:
                return False, f"{c.inject!r} is never delivered"
            addressed = target.to if target is not None and target.to is not None \
                else self.ex.team_ids
            if c.team not in ("any", "all") and c.team not in addressed:
                return False, f"{c.inject!r} is not addressed to {c.team}"
            if target is not None and not target.options:
                return False, f"{c.inject!r} has no options to choose"
            return True, ""
        if isinstance(cond, NotCondition):
            return self._can(cond.not_, turns, not want)
        if isinstance(cond, AllCondition | AnyCondition):
            parts = cond.all if isinstance(cond, AllCondition) else cond.any
            results = [self._can(p, turns, want) for p in parts]
            need_every = isinstance(cond, AllCondition) == want  # all true / any false
            if need_every:
                bad = [why for ok, why in results if not ok]
                return (not bad), bad[0] if bad else ""
            if any(ok for ok, _ in results):
                return True, ""
            return False, "; ".join(why for _, why in results)
        raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover


def _initials(ex: Exercise, metric_id: str, team: str | None) -> list[int]:
    metric = ex.metric(metric_id)
    assert metric is not None
    if isinstance(metric.initial, int):
        return [metric.initial]
    teams = ex.team_ids if team in (None, "any", "all") else [team]
    return [metric.initial_for(t) for t in teams]


def _interval(cmp: Comparison) -> Range | None:
    """The integers a comparison accepts, as [lo, hi] (None: none at all)."""
    lo, hi = -(2**62), 2**62
    for name, limit in cmp.comparators():
        if name == "below":
            hi = min(hi, ceil(limit) - 1)
        elif name == "above":
            lo = max(lo, floor(limit) + 1)
        elif name == "at_least":
            lo = max(lo, ceil(limit))
        elif name == "at_most":
            hi = min(hi, floor(limit))
        elif not float(limit).is_integer():  # equals a fraction: no integer is
            return None
        else:
            lo, hi = max(lo, int(limit)), min(hi, int(limit))
    return (lo, hi) if lo <= hi else None


def _possible(cmp: Comparison, values: Range, want: bool) -> bool:
    """Can the comparison come out as `want` for some integer in [lo, hi]?"""
    lo, hi = values
    accepted = _interval(cmp)
    if accepted is None:
        return not want
    a, b = max(lo, accepted[0]), min(hi, accepted[1])
    if want:
        return a <= b
    return a > b or a > lo or b < hi  # some value of the range is outside
