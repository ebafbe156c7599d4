"""A session as flat tables (decisions, ratings, metrics per turn) for spreadsheets
and pandas: one row per fact, plain values only, the same columns in every row, so
`pandas.DataFrame(rows)` and a CSV writer both take them as they are.
"""

from __future__ import annotations

from typing import Any

from .events import DecisionRecorded, NoDecision, NoteAdded, Rated, Withdrawn
from .script import Exercise, rating_score
from .session import Record
from .state import State, metric_points
from .wording import option_of, outcome_of

Row = dict[str, Any]

DECISION_COLUMNS = ("seq", "turn", "turn_label", "delivery", "inject", "inject_title", "team",
                    "by", "option", "option_label", "outcome", "outcome_text", "response",
                    "changes")
RATING_COLUMNS = ("seq", "turn", "turn_label", "team", "objective", "capability", "rating",
                  "score", "source", "delivery", "note", "observed")
METRIC_COLUMNS = ("turn", "turn_label", "metric", "label", "scope", "team", "value")
NOTE_COLUMNS = ("seq", "turn", "turn_label", "kind", "team", "objective", "text")


def tables(ex: Exercise, records: list[Record], state: State) -> dict[str, list[Row]]:
    """`state` is `records` folded; the metric table comes from its turn history. What
    a correction withdrew is left out: the tables hold what stands."""
    gone = withdrawn(records, state)
    standing = [r for r in records if r.seq not in gone]
    return {"decisions": decisions(ex, standing), "ratings": ratings(ex, standing),
            "metrics": metrics(ex, state), "notes": notes(ex, standing)}


def withdrawn(records: list[Record], state: State) -> set[int]:
    """Event numbers of what corrections withdrew, with a withdrawn decision's
    suggested ratings (gone from the folded state's ratings)."""
    gone = {r.event.event for r in records if isinstance(r.event, Withdrawn)}
    rated = {e.seq for e in state.ratings}
    return gone | {r.seq for r in records if isinstance(r.event, Rated) and r.seq not in rated}


def notes(ex: Exercise, records: list[Record]) -> list[Row]:
    """Evaluator notes and hot-wash entries, in the order they were taken."""
    return [{"seq": r.seq, "turn": r.turn, "turn_label": ex.turn_label(r.turn) if r.turn
             else "Start", "kind": r.event.kind, "team": r.event.team,
             "objective": r.event.objective, "text": r.event.text}
            for r in records if isinstance(r.event, NoteAdded)]


def decisions(ex: Exercise, records: list[Record]) -> list[Row]:
    rows = []
    for record in records:
        event = record.event
        if not isinstance(event, DecisionRecorded | NoDecision):
            continue
        inject = ex.inject(event.inject)
        row: Row = {"seq": record.seq, "turn": record.turn,
                    "turn_label": ex.turn_label(record.turn), "delivery": event.delivery,
                    "inject": event.inject, "inject_title": inject.title if inject else "",
                    "team": event.team, "by": None, "option": None, "option_label": None,
                    "outcome": None, "outcome_text": None, "response": None, "changes": ""}
        if isinstance(event, DecisionRecorded):
            option = option_of(ex, event.inject, event.option)
            outcome = outcome_of(ex, event)
            row |= {"by": event.by, "option": event.option,
                    "option_label": option.label if option else None,
                    "outcome": event.outcome, "outcome_text": outcome.text if outcome else None,
                    "response": event.response,
                    "changes": "; ".join(
                        f"{c.metric}{'' if c.team is None else f'[{c.team}]'} "
                        f"{c.before}->{c.after}" for c in event.changes)}
        else:
            row["by"] = "none"  # a person's delivery left undecided at turn end
        rows.append(row)
    return rows


def ratings(ex: Exercise, records: list[Record]) -> list[Row]:
    rows = []
    for record in records:
        event = record.event
        if not isinstance(event, Rated):
            continue
        objective = ex.objective(event.objective)
        rows.append({"seq": record.seq, "turn": record.turn,
                     "turn_label": ex.turn_label(record.turn), "team": event.team,
                     "objective": event.objective,
                     "capability": objective.capability if objective else None,
                     "rating": event.rating, "score": rating_score(ex.scale, event.rating),
                     "source": "option" if event.delivery is not None else "evaluator",
                     "delivery": event.delivery, "note": event.note,
                     "observed": ";".join(event.observed)})
    return rows


def metrics(ex: Exercise, state: State) -> list[Row]:
    """Every metric value at the start (turn 0) and at the end of each played turn (a
    turn cut short gives its last values)."""
    rows = []
    for turn, values in enumerate(metric_points(state)):
        for metric in ex.metrics:
            for team in ([None] if metric.scope == "global" else ex.team_ids):
                rows.append({"turn": turn, "turn_label": "Start" if turn == 0
                             else ex.turn_label(turn), "metric": metric.id,
                             "label": metric.name, "scope": metric.scope, "team": team,
                             "value": values[(metric.id, team)]})
    return rows
