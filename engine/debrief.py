"""What a solo trainee reads once play stops: the results of a turn (what each of the
team's decisions did) and the debrief (each choice beside the expected action).

The debrief compares choices with the script's own yardsticks: an inject's
`expected` text, and the ratings its options carry. An option "matches" when no
option the team could take was rated higher (weighted over the objectives the
ratings name); a free-text answer, or an inject whose options carry no rating, is
left for the trainee to compare with the expected action. It reads `expected` and
option ratings, so it is for after the exercise (or for a facilitator), never for a
player view while the exercise runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import wording
from .events import DecisionRecorded
from .script import Exercise, Inject, Option, rating_score
from .state import Delivery, State

Verdict = Literal["as expected", "differed", "compare"]


@dataclass(frozen=True)
class TurnResult:
    """One delivery of the turn as the team lived it."""

    delivery: int
    title: str
    asked: bool  # whether the team had a decision to make (options, or answered anyway)
    decision: str  # after "You": "chose “…”", "made no decision", "no decision asked"
    outcome: str | None  # what the roll gave, in words
    changes: str  # what the decision moved, in words; "" when nothing


@dataclass(frozen=True)
class DebriefRow:
    delivery: int
    turn: int
    title: str
    decision: str
    chose_option: bool
    expected: str | None
    verdict: Verdict
    better: tuple[str, ...]  # options rated higher than the one chosen; with no option
    # chosen, the best-rated


def turn_results(ex: Exercise, state: State, team: str, turn: int) -> list[TurnResult]:
    """Every delivery of `turn` addressed to `team`, with what the team's answer did."""
    out = []
    for d in _received(state, team):
        if d.turn != turn:
            continue
        made = d.decisions.get(team)
        inject = ex.inject(d.inject) if d.adhoc is None else None
        offered = bool(inject and inject.options_for(team))
        if not isinstance(made, DecisionRecorded):
            out.append(TurnResult(d.number, wording.title(ex, d), offered,
                                  "made no decision" if offered else "no decision asked",
                                  None, ""))
            continue
        out.append(TurnResult(d.number, wording.title(ex, d), True, wording.decision(ex, made),
                              wording.outcome_text(ex, made), wording.changes(made.changes)))
    return out


def option_score(ex: Exercise, option: Option) -> float | None:
    """The option's ratings averaged over the objectives they name, by weight; None when
    it carries none."""
    total = weights = 0.0
    for objective_id, rating in option.rating.items():
        score = rating_score(ex.scale, rating)
        objective = ex.objective(objective_id)
        if score is None or objective is None:
            continue
        total += float(objective.weight) * score
        weights += float(objective.weight)
    return total / weights if weights else None


def debrief(ex: Exercise, state: State, team: str) -> list[DebriefRow]:
    """Each scripted delivery to `team` that asked for a decision or names an expected
    action, in delivery order."""
    rows = []
    for d in _received(state, team):
        inject = ex.inject(d.inject) if d.adhoc is None else None
        if inject is None:
            continue
        options = inject.options_for(team)
        if not options and not inject.expected:
            continue
        made = d.decisions.get(team)
        answered = isinstance(made, DecisionRecorded)
        chosen = made.option if isinstance(made, DecisionRecorded) else None
        verdict, better = _compare(ex, inject, team, chosen, answered)
        rows.append(DebriefRow(
            d.number, d.turn, wording.title(ex, d),
            wording.decision(ex, made) if isinstance(made, DecisionRecorded)
            else "made no decision",
            chosen is not None, inject.expected.strip() if inject.expected else None,
            verdict, better))
    return rows


def _compare(ex: Exercise, inject: Inject, team: str, chosen: str | None,
             answered: bool) -> tuple[Verdict, tuple[str, ...]]:
    scored = [(o, option_score(ex, o)) for o in inject.options_for(team)]
    rated = [(o, s) for o, s in scored if s is not None]
    if not rated:
        return "compare", ()
    if chosen is None:
        # No option taken where the options are rated: silence differs from every
        # option; a free-text answer is the trainee's to compare with the best-rated.
        top = max(s for _, s in rated)
        best = tuple(o.label for o, s in rated if s == top)
        return ("compare" if answered else "differed"), best
    mine = next((s for o, s in scored if o.id == chosen), None)
    if mine is None:
        return "compare", ()
    better = tuple(o.label for o, s in rated if s > mine)
    return ("differed" if better else "as expected"), better


def _received(state: State, team: str) -> list[Delivery]:
    return [d for d in state.deliveries if team in d.to]
