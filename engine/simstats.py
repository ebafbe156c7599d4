"""Statistics over many bot playthroughs: a mergeable tally and the summary it gives.

A `Tally` holds counts and sums only, so runs can be tallied in separate processes
and merged; merging tallies in a fixed (seed) order gives the same figures whatever
the number of processes. Definitions (also printed with every report):

* pick rate: decisions of a team on an inject that chose the option, over all of
  that team's decisions on that inject;
* mean effect of an option on the final weighted score: the deciding team's mean
  final weighted score over the runs where it chose the option (at least once on
  that inject), minus its mean over the runs where it decided on that inject but
  never chose it. Runs where the inject never reached the team are left out (they
  are not a choice against the option), and so are runs where the team ended
  unrated. With a deterministic policy one side is often empty: no effect is given;
* best under every seed: for a balance seed, each decision is replayed with every
  option (one deviation, same dice, the other bots unchanged); an option is best
  for that decision when it alone gives the deciding team the highest final
  weighted score (an unrated team counts lowest; ties have no best). An option
  best at every such decision of its team in every balance seed is a dominant
  strategy: that team never faces a real dilemma there.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .gcpause import paused_gc
from .playout import RunResult
from .script import Exercise
from .simulate import Point, Simulator

PairKey = tuple[str, str]  # (inject, team)
OptionKey = tuple[str, str, str]  # (inject, team, option)

DEFINITIONS = {
    "pick_rate": "share of a team's decisions on the inject that chose the option",
    "mean_effect": "deciding team's mean final weighted score in runs where it chose the "
                   "option minus in runs where it decided on that inject but did not "
                   "(runs the inject never reached it, or ending unrated, left out)",
    "best_under_every_seed": "in every balance seed, replaying the decision with each "
                             "option (same dice, other bots unchanged), this option alone "
                             "gave the deciding team the highest final weighted score",
}


@dataclass
class Tally:
    """Counts only, keyed flat so a run is counted mostly by `Counter.update` (in C):
    a playout takes about 0.3 ms, and counting it the obvious way took another 0.17."""

    runs: int = 0
    outcomes: Counter[str | None] = field(default_factory=Counter)
    turns: Counter[int] = field(default_factory=Counter)
    finals: Counter[tuple[tuple[str, str | None], int]] = field(default_factory=Counter)
    scores: Counter[tuple[str, float | None]] = field(default_factory=Counter)  # None: unrated
    delivered: Counter[str] = field(default_factory=Counter)  # runs with >= 1 delivery
    picks: Counter[OptionKey] = field(default_factory=Counter)
    # The deciding team's final score, counted by value (exact, so merging in any order
    # gives the same means): runs where it decided on the inject at all, and runs where
    # it chose the option, each keyed with the score.
    faced: Counter[tuple[PairKey, float]] = field(default_factory=Counter)
    picked: Counter[tuple[OptionKey, float]] = field(default_factory=Counter)
    points: Counter[PairKey] = field(default_factory=Counter)  # decisions replayed
    best: Counter[OptionKey] = field(default_factory=Counter)  # ... where it alone was best

    def add(self, run: RunResult, points: list[Point], options: dict[str, list[str]]) -> None:
        """Count one run; `options` is each inject's option ids (to name replayed ones)."""
        self.runs += 1
        self.outcomes[run.outcome] += 1
        self.turns[run.turns] += 1
        self.finals.update(run.metrics)
        self.scores.update(run.scores)
        self.delivered.update(run.delivered)
        self.picks.update(run.decisions)
        score = dict(run.scores)
        chosen = set(run.decisions)  # an option chosen twice in a run counts it once
        rated = [(key, mine) for key in chosen if (mine := score[key[1]]) is not None]
        self.picked.update(rated)
        self.faced.update({((key[0], key[1]), mine) for key, mine in rated})
        for point in points:
            self.points[(point.inject, point.team)] += 1
            best = _unique_best(point.scores)
            if best is not None:
                self.best[(point.inject, point.team, options[point.inject][best])] += 1

    def merge(self, other: Tally) -> None:
        self.runs += other.runs
        for name in ("outcomes", "turns", "finals", "scores", "delivered", "picks", "faced",
                     "picked", "points", "best"):
            getattr(self, name).update(getattr(other, name))

    def settled(self, ex: Exercise, pair: PairKey) -> bool:
        """True once no option of this decision can be best under every seed any more
        (each has failed to be the only best in some replayed decision)."""
        inject = ex.inject(pair[0])
        n = self.points[pair]
        return inject is not None and n > 0 and all(
            self.best[(pair[0], pair[1], o.id)] < n for o in inject.options)


class Grouped:
    """A tally's flat counts grouped the way the summary reads them."""

    def __init__(self, tally: Tally) -> None:
        self.finals: dict[tuple[str, str | None], Counter[int]] = {}
        for (metric, final), n in tally.finals.items():
            self.finals.setdefault(metric, Counter())[final] = n
        self.scores: dict[str, Counter[float]] = {}
        self.unrated: Counter[str] = Counter()
        for (team, score), n in tally.scores.items():
            if score is None:
                self.unrated[team] = n
            else:
                self.scores.setdefault(team, Counter())[score] = n
        self.decisions: Counter[PairKey] = Counter()
        for (inject, team, _), n in tally.picks.items():
            self.decisions[(inject, team)] += n
        self.faced: dict[PairKey, Counter[float]] = {}
        for (pair, mine), n in tally.faced.items():
            self.faced.setdefault(pair, Counter())[mine] = n
        self.picked: dict[OptionKey, Counter[float]] = {}
        for (option, mine), n in tally.picked.items():
            self.picked.setdefault(option, Counter())[mine] = n


def _unique_best(scores: tuple[float | None, ...]) -> int | None:
    ranked = [-1.0 if s is None else s for s in scores]
    top = max(ranked)
    winners = [i for i, s in enumerate(ranked) if s == top]
    return winners[0] if len(winners) == 1 else None


def distribution(counts: Counter[Any]) -> dict[str, float] | None:
    """min, median, mean and max of counted values (None when nothing was counted)."""
    total = sum(counts.values())
    if not total:
        return None
    values = sorted(counts)

    def at(rank: int) -> float:  # the value at a 0-based rank in sorted order
        seen = 0
        for v in values:
            seen += counts[v]
            if rank < seen:
                return float(v)
        raise AssertionError("rank beyond the count")  # pragma: no cover

    return {"min": float(values[0]), "median": (at((total - 1) // 2) + at(total // 2)) / 2,
            "mean": sum(float(v) * c for v, c in counts.items()) / total,
            "max": float(values[-1])}


def tally_seeds(simulator: Simulator, seeds: range, *, balance_below: int,
                settled: frozenset[PairKey] = frozenset()) -> Tally:
    """Play and count the runs of `seeds`; decisions are replayed with every option for
    seeds below `balance_below`, except those already `settled` (known not dominant:
    replaying them again could not change the answer, only cost time)."""
    ex = simulator.exercise
    tally = Tally()
    options = {i.id: [o.id for o in i.options] for i in ex.injects}
    done = set(settled)

    def probe(inject: str, team: str) -> bool:
        return (inject, team) not in done

    with paused_gc():  # a playthrough makes no reference cycles; collecting cost 10%
        for seed in seeds:
            run, points = simulator.play(seed, probe if seed < balance_below else None)
            tally.add(run, points, options)
            for point in points:
                pair = (point.inject, point.team)
                if pair not in done and tally.settled(ex, pair):
                    done.add(pair)
    return tally


def _mean(counts: Counter[float]) -> tuple[float | None, int]:
    n = sum(counts.values())
    if not n:
        return None, 0
    return math.fsum(v * c for v, c in counts.items()) / n, n


def summary(ex: Exercise, tally: Tally, *, policy: dict[str, str], first_seed: int,
            balance_seeds: int) -> dict[str, Any]:
    """The report as plain data (what `--json` prints and the text table shows)."""
    n = tally.runs
    grouped = Grouped(tally)
    outcomes = [{"outcome": outcome, "runs": count, "share": count / n if n else 0.0}
                for outcome, count in sorted(tally.outcomes.items(),
                                             key=lambda kv: (-kv[1], kv[0] or ""))]
    metrics = []
    for m in ex.metrics:
        for team in ([None] if m.scope == "global" else ex.team_ids):
            stats = distribution(grouped.finals.get((m.id, team), Counter()))
            metrics.append({"metric": m.id, "label": m.name, "team": team} | (stats or {}))
    scores = [{"team": t, "unrated_runs": grouped.unrated[t]}
              | (distribution(grouped.scores.get(t, Counter())) or {}) for t in ex.team_ids]
    options = []
    dominant = []
    for inject in ex.injects:
        if not inject.options:
            continue
        teams = [t for t in ex.team_ids if grouped.decisions[(inject.id, t)]
                 or tally.points[(inject.id, t)]]
        for team in teams:
            pair = (inject.id, team)
            decided = grouped.decisions[pair]
            faced = grouped.faced.get(pair, Counter())
            for option in inject.options:
                key = (inject.id, team, option.id)
                picked = grouped.picked.get(key, Counter())
                picked_mean, picked_n = _mean(picked)
                other_mean, other_n = _mean(faced - picked)
                effect = (picked_mean - other_mean
                          if picked_mean is not None and other_mean is not None else None)
                options.append({
                    "inject": inject.id, "team": team, "option": option.id,
                    "picks": tally.picks[key], "decisions": decided,
                    "pick_rate": tally.picks[key] / decided if decided else None,
                    "runs_chosen": picked_n, "runs_not_chosen": other_n,
                    "mean_score_chosen": picked_mean, "mean_score_not_chosen": other_mean,
                    "mean_effect": effect})
                points = tally.points[pair]
                if points and tally.best[key] == points:
                    dominant.append({"inject": inject.id, "team": team, "option": option.id,
                                     "decisions_replayed": points})
    never = [i.id for i in ex.injects if not tally.delivered[i.id]]
    return {
        "exercise": ex.id, "title": ex.title, "runs": n,
        "seeds": {"first": first_seed, "last": first_seed + n - 1},
        "policies": policy,
        "outcomes": outcomes,
        "turns": distribution(tally.turns),
        "metrics": metrics,
        "scores": scores,
        "options": options,
        "never_delivered": never,
        "balance": {"seeds": min(balance_seeds, n), "dominant": dominant},
        "balanced": not never and not dominant,
        "definitions": DEFINITIONS,
    }


def uniform_policies(ex: Exercise) -> dict[str, dict[str, str]]:
    """Every team on one policy: all `random`, then all `best:m` and all `worst:m` for
    each metric m. An end one of these reaches in every run is a dominant strategy."""
    names = ["random"] + [f"{way}:{m.id}" for m in ex.metrics for way in ("best", "worst")]
    return {name: {t: name for t in ex.team_ids} for name in names}


def end_rates(ex: Exercise, script: Tally, uniform: dict[str, Tally]) -> list[dict[str, Any]]:
    """Per end (each end rule, then running to the last turn): its share of runs under
    the script's policies and under each uniform policy, and its flags: `dominant`
    (reached in every run under a uniform policy: one policy wins or loses the
    exercise whatever happens) and `unreachable` (reached in no run under any)."""
    ends: list[tuple[int | None, str | None]] = [(i, r.outcome) for i, r in enumerate(ex.end)]
    ends.append((None, None))
    rows = []
    for index, outcome in ends:
        rates = {"script": _share(script, outcome)}
        rates |= {name: _share(tally, outcome) for name, tally in uniform.items()}
        rows.append({
            "end": index, "outcome": outcome, "rates": rates,
            "dominant": [n for n in uniform if uniform[n].runs and rates[n] == 1.0]
            if index is not None else [],
            "unreachable": index is not None and all(v == 0.0 for v in rates.values()),
        })
    return rows


def _share(tally: Tally, outcome: str | None) -> float:
    return tally.outcomes[outcome] / tally.runs if tally.runs else 0.0
