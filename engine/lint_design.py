"""Design checks: a valid script can still make a degenerate exercise.

Each check is a documented heuristic (docs/script-format.md, "Design checks"), kept
simple enough for an author to predict:

* a metric some effect writes but nothing reads (no condition, no end, no policy)
  changes nothing in play: players watch a number that does not matter;
* an option that, for the deciding team, is at least as good as every other option
  it may take on every metric those options touch (its own team metrics and global
  ones; expected value over outcomes; higher is better, as `best:` policies assume),
  and better on one: there is no dilemma, only a right answer;
* an option whose label names the role of one addressed team but is offered to the
  others too (no `for`), and an addressed team left with no option it may take;
* an inject whose text, as a team reads it, carries a classification marking that
  team is not cleared for: `REL TO` lists the teams it is releasable to (by id,
  name or a word of the name); a national marking without `REL TO` (SECRET, NOFORN,
  EYES ONLY, ...) goes to one team only; a coalition marking (NATO, MISSION,
  COALITION before it) goes to any team.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .diagnostics import Diagnostic
from .effects import targets
from .script import (
    AllCondition,
    AnyCondition,
    Condition,
    Effect,
    Exercise,
    Inject,
    MetricCondition,
    NotCondition,
    Option,
)

Warn = Callable[[tuple[Any, ...], str], Diagnostic]

_MARKING = re.compile(
    r"\b(?:(?P<shared>NATO|COALITION|MISSION)\s+)?"
    r"(?P<level>TOP SECRET|SECRET|CONFIDENTIAL|RESTRICTED|NOFORN|(?:[A-Z]+ )?EYES ONLY)"
    r"(?://?\s*REL(?:EASABLE)? TO\s+(?P<rel>[A-Za-z0-9 ,/_-]+))?")


def design_warnings(ex: Exercise, warn: Warn) -> list[Diagnostic]:
    found = list(_unread_metrics(ex, warn))
    roles = {t.id: _words(t.role or "").strip() for t in ex.teams}
    for i, inject in enumerate(ex.injects):
        found += _dominant_options(ex, inject, i, warn)
        found += _ill_fitting_options(ex, inject, i, warn, roles)
        found += _over_classified(ex, inject, i, warn)
    return found


# ------------------------------------------------------------------ metrics


def _unread_metrics(ex: Exercise, warn: Warn) -> Iterator[Diagnostic]:
    written = {e.metric for e in _all_effects(ex)}
    read = {t.policy.split(":", 1)[1] for t in ex.teams if ":" in t.policy}
    for inject in ex.injects:
        read |= _metrics_in(inject.when)
    for rule in ex.end:
        read |= _metrics_in(rule.when)
    for i, metric in enumerate(ex.metrics):
        if metric.id in written and metric.id not in read:
            yield warn(("metrics", i, "id"), f"metric {metric.id!r} is changed but never read: "
                       "no trigger, end or bot policy depends on it, so it changes nothing "
                       "in play")


def _metrics_in(cond: Condition | None) -> set[str]:
    if cond is None:
        return set()
    if isinstance(cond, MetricCondition):
        return {cond.metric}
    if isinstance(cond, AllCondition | AnyCondition):
        parts = cond.all if isinstance(cond, AllCondition) else cond.any
        return set().union(*(_metrics_in(c) for c in parts))
    if isinstance(cond, NotCondition):
        return _metrics_in(cond.not_)
    return set()


def _all_effects(ex: Exercise) -> Iterator[Effect]:
    for inject in ex.injects:
        yield from inject.effects
        for option in inject.options:
            yield from _option_effects(option)


# ------------------------------------------------------------------ options


def _gains(ex: Exercise, option: Option, team: str) -> dict[tuple[str, str | None], float] | None:
    """The option's expected change to the deciding team's own and global metrics
    (outcomes weighted by chance); None when a `set` makes it depend on the state."""
    gains: dict[tuple[str, str | None], float] = {}

    def add(effects: list[Effect], weight: float) -> bool:
        for effect in effects:
            for target in targets(ex, effect, [team]):
                if target not in (None, team):
                    continue
                if effect.set is not None:
                    return False
                key = (effect.metric, target)
                gains[key] = gains.get(key, 0.0) + weight * (effect.add or 0)
        return True

    if not add(option.effects, 1.0):
        return None
    for outcome in option.outcomes:
        if not add(outcome.effects, float(outcome.chance)):
            return None
    return {k: v for k, v in gains.items() if v}


def _dominant_options(ex: Exercise, inject: Inject, i: int, warn: Warn) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    flagged: set[str] = set()
    # Teams that no effect and no `for` names are offered the same options and see the
    # same gains under their own names (`self`, `all`): the first answers for the rest.
    named = {e.team for o in inject.options for e in _option_effects(o)} | {
        t for o in inject.options for t in o.for_ or ()}
    anonymous_judged = False
    for team in inject.to or ex.team_ids:
        if team not in named:
            if anonymous_judged:
                continue
            anonymous_judged = True
        options = inject.options_for(team)
        gains = [_gains(ex, o, team) for o in options]
        if len(options) < 2 or any(g is None for g in gains):
            continue
        known = [g for g in gains if g is not None]
        keys = set().union(*known)
        if not keys:
            continue
        for j, (option, mine) in enumerate(zip(options, known, strict=True)):
            others = [g for k, g in enumerate(known) if k != j]
            if option.id in flagged or not all(_better(mine, g, keys) for g in others):
                continue
            flagged.add(option.id)
            index = inject.options.index(option)
            out.append(warn(("injects", i, "options", index, "id"),
                            f"option {option.id!r} of {inject.id!r} is at least as good as "
                            f"every other option for {team!r} on every metric they touch "
                            f"({', '.join(sorted(k for k, _ in keys))}): a right answer, "
                            "not a dilemma"))
    return out


def _option_effects(option: Option) -> Iterator[Effect]:
    yield from option.effects
    for outcome in option.outcomes:
        yield from outcome.effects


def _better(a: dict[tuple[str, str | None], float], b: dict[tuple[str, str | None], float],
            keys: set[tuple[str, str | None]]) -> bool:
    """`a` is at least as good as `b` on every key, and better on one."""
    return all(a.get(k, 0) >= b.get(k, 0) for k in keys) and any(
        a.get(k, 0) > b.get(k, 0) for k in keys)


_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> str:
    return " " + " ".join(_WORD.findall(text.lower())) + " "


def _ill_fitting_options(ex: Exercise, inject: Inject, i: int, warn: Warn,
                         roles: dict[str, str]) -> list[Diagnostic]:
    """`roles`: each team's role as words (`_words`, stripped), worked out once."""
    out: list[Diagnostic] = []
    addressed = [t for t in (ex.team(x) for x in inject.to or ex.team_ids) if t is not None]
    if not inject.options:
        return out
    open_to_all = any(o.for_ is None for o in inject.options)
    for team in addressed:
        if not open_to_all and not inject.options_for(team.id):
            out.append(warn(("injects", i, "options"),
                            f"{team.id!r} receives {inject.id!r} but may take none of its "
                            "options (each has a `for` without it): it can only answer in "
                            "free text"))
    for j, option in enumerate(inject.options):
        if option.for_ is not None:
            continue
        label = _words(option.label)
        for team in addressed:
            role = roles[team.id]
            if role and f" {role} " in label and any(
                    t.id != team.id and roles[t.id] != role for t in addressed):
                out.append(warn(("injects", i, "options", j, "label"),
                                f"option {option.id!r} of {inject.id!r} names the role of "
                                f"{team.id!r} ({team.role}) but is offered to every "
                                f"addressed team: add `for: [{team.id}]` if only it may "
                                "take it"))
                break
    return out


# ------------------------------------------------------------------ classification


def _cleared(ex: Exercise, rel: str | None, team: str) -> bool:
    if rel is None:
        return False
    found = ex.team(team)
    names = {team.lower()} | ({w for w in _words(found.name).split()} if found else set())
    listed = {w.strip().lower() for w in re.split(r"[ ,/]+", rel) if w.strip()}
    return bool(names & listed)


def _over_classified(ex: Exercise, inject: Inject, i: int, warn: Warn) -> list[Diagnostic]:
    addressed = list(inject.to or ex.team_ids)
    readers: dict[str, list[str]] = {}
    for team in addressed:
        readers.setdefault(f"{inject.title}\n{inject.text_for(team)}", []).append(team)
    out = []
    for text, teams in readers.items():
        for match in _MARKING.finditer(text):
            if match.group("shared"):
                continue
            level, rel = match.group("level"), match.group("rel")
            if rel is not None:
                uncleared = [t for t in teams if not _cleared(ex, rel, t)]
            else:
                uncleared = teams[1:] if len(teams) > 1 else []
            if uncleared:
                field = "variants" if inject.variants and teams[0] in inject.variants \
                    else "text"
                scope = f"REL TO {rel.strip()}" if rel else "national (no REL TO)"
                out.append(warn(("injects", i, field),
                                f"{inject.id!r} reads {level} ({scope}) but goes to "
                                f"{', '.join(repr(t) for t in uncleared)} too: give "
                                "uncleared teams a `variants` text, or narrow `to`"))
                break
    return out
