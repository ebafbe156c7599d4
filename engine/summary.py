"""A session's end state as plain data, for `ttx run`, `ttx replay --json` and exports."""

from __future__ import annotations

from typing import Any

from .events import DecisionRecorded, NoDecision
from .scoring import weighted_total
from .script import Exercise
from .state import State


def summarise(ex: Exercise, state: State) -> dict[str, Any]:
    global_metrics = {m.id: state.value(m.id) for m in ex.metrics if m.scope == "global"}
    team_metrics = {t: {m.id: state.value(m.id, t) for m in ex.metrics if m.scope == "team"}
                    for t in ex.team_ids}
    ratings: dict[str, dict[str, Any]] = {t: {} for t in ex.team_ids}
    for (team, objective), entry in sorted(state.latest.items()):
        ratings[team][objective] = entry.rating
    decisions = []
    for delivery in state.deliveries:
        for team, d in delivery.decisions.items():
            row: dict[str, Any] = {"turn": delivery.turn, "delivery": delivery.number,
                                   "inject": delivery.inject, "team": team}
            if isinstance(d, DecisionRecorded):
                row |= {"by": d.by, "option": d.option, "response": d.response,
                        "outcome": d.outcome}
            elif isinstance(d, NoDecision):
                row |= {"by": "person", "option": None, "response": None, "outcome": None,
                        "no_decision": True}
            decisions.append(row)
    return {
        "exercise": ex.id,
        "turn": state.turn,
        "ended": state.ended,
        "outcome": state.outcome,
        "global_metrics": global_metrics,
        "team_metrics": team_metrics,
        "ratings": ratings,
        "scores": {t: weighted_total(ex, state, t) for t in ex.team_ids},
        "decisions": decisions,
        "notes": [{"turn": turn, "kind": note.kind, "team": note.team, "text": note.text}
                  for turn, note in state.notes],
    }
