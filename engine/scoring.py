"""Scores: a team's score on an objective is its latest evaluator rating on it, else its
latest suggested (option) rating; its weighted total is the weight-averaged score over
the objectives it was rated on."""

from __future__ import annotations

from .script import Exercise, rating_score
from .state import State


def objective_score(ex: Exercise, state: State, team: str, objective: str) -> int | None:
    entry = state.latest.get((team, objective))
    return None if entry is None else rating_score(ex.scale, entry.rating)


def weighted_total(ex: Exercise, state: State, team: str) -> float | None:
    """None when the team has no rating yet (no score is not a score of zero)."""
    total = weights = 0.0
    for objective in ex.objectives:
        score = objective_score(ex, state, team, objective.id)
        if score is not None:
            total += float(objective.weight) * score
            weights += float(objective.weight)
    return total / weights if weights else None


def scale_max(ex: Exercise) -> int:
    return 4 if ex.scale == "hseep" else 10
