"""Compare two sessions of one exercise: where their decisions first parted, and how
far apart their metrics, ratings and scores ended, team by team.

Decisions are compared in log order as (inject, team, choice). Same choice but a
different outcome is reported separately, as the dice parting (different seeds),
not the players.
"""

from __future__ import annotations

from typing import Any

from .events import DecisionRecorded, NoDecision
from .scoring import weighted_total
from .script import Exercise
from .session import Record
from .state import State


def _decisions(records: list[Record]) -> list[dict[str, Any]]:
    out = []
    for record in records:
        e = record.event
        if isinstance(e, DecisionRecorded):
            out.append({"seq": record.seq, "turn": record.turn, "inject": e.inject,
                        "team": e.team, "option": e.option, "response": e.response,
                        "outcome": e.outcome})
        elif isinstance(e, NoDecision):
            out.append({"seq": record.seq, "turn": record.turn, "inject": e.inject,
                        "team": e.team, "option": None, "response": None, "outcome": None,
                        "no_decision": True})
    return out


def _choice(d: dict[str, Any] | None) -> tuple[Any, ...] | None:
    if d is None:
        return None
    return (d["inject"], d["team"], d["option"], d["response"], d.get("no_decision", False))


def compare(ex: Exercise, records_a: list[Record], state_a: State, records_b: list[Record],
            state_b: State) -> dict[str, Any]:
    da, db = _decisions(records_a), _decisions(records_b)
    diverged = None
    dice = None
    for i in range(max(len(da), len(db))):
        a = da[i] if i < len(da) else None
        b = db[i] if i < len(db) else None
        if _choice(a) != _choice(b):
            diverged = {"index": i + 1, "turn": (a or b or {}).get("turn"), "a": a, "b": b}
            break
        if dice is None and a is not None and b is not None and a["outcome"] != b["outcome"]:
            dice = {"index": i + 1, "turn": a["turn"], "inject": a["inject"], "team": a["team"],
                    "option": a["option"], "outcome_a": a["outcome"], "outcome_b": b["outcome"]}
    teams = []
    for team in ex.teams:
        metrics = []
        for metric in ex.metrics:
            if metric.scope != "team":
                continue
            metrics.append(_metric(metric.id, team.id, state_a, state_b))
        ratings = []
        for objective in ex.objectives:
            ra = state_a.latest.get((team.id, objective.id))
            rb = state_b.latest.get((team.id, objective.id))
            a_rating = ra.rating if ra else None
            b_rating = rb.rating if rb else None
            ratings.append({"objective": objective.id, "a": a_rating, "b": b_rating,
                            "same": a_rating == b_rating})
        sa, sb = weighted_total(ex, state_a, team.id), weighted_total(ex, state_b, team.id)
        teams.append({"team": team.id, "name": team.name, "metrics": metrics,
                      "ratings": ratings, "score_a": sa, "score_b": sb,
                      "score_delta": None if sa is None or sb is None else sb - sa})
    global_metrics = [_metric(m.id, None, state_a, state_b)
                      for m in ex.metrics if m.scope == "global"]
    return {
        "exercise": ex.id,
        "decisions_a": len(da), "decisions_b": len(db),
        "same_decisions": diverged is None,
        "first_divergence": diverged,
        "first_dice_divergence": dice,
        "outcome_a": state_a.outcome, "outcome_b": state_b.outcome,
        "turns_a": state_a.turn, "turns_b": state_b.turn,
        "ended_a": state_a.ended, "ended_b": state_b.ended,
        "global_metrics": global_metrics,
        "teams": teams,
    }


def _metric(metric: str, team: str | None, a: State, b: State) -> dict[str, Any]:
    va, vb = a.metrics[(metric, team)], b.metrics[(metric, team)]
    first = None  # the first turn whose end values differ (0: the start)
    for turn, (ha, hb) in enumerate(zip(a.history, b.history, strict=False)):
        if ha[(metric, team)] != hb[(metric, team)]:
            first = turn
            break
    return {"metric": metric, "team": team, "a": va, "b": vb, "delta": vb - va,
            "first_differs_after_turn": first}
