"""The after-action report's record of play: the timeline of the log in words, and the
metric charts. Appendices of the AAR/IP, and the review screen's timeline."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .events import (
    Adhoc,
    ByHand,
    Change,
    DecisionRecorded,
    ExerciseEnded,
    FollowUp,
    InjectDelivered,
    NoDecision,
    NoteAdded,
    Rated,
    Reason,
    Triggered,
    TurnStarted,
    Withdrawn,
)
from .script import Exercise
from .session import Record
from .state import State, metric_points
from .wording import (
    changes,
    delivered_title,
    ended_reason,
    objective_title,
    option_label,
    option_of,
    outcome_of,
    quoted,
    team_name,
)


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    turn: int
    turn_label: str
    kind: str  # turn | inject | decision | no_decision | rating | note | hotwash | end
    team: str | None
    title: str
    detail: str


@dataclass(frozen=True)
class Series:
    metric: str
    label: str
    lo: int
    hi: int
    values: tuple[int, ...]  # one per point of the chart's x axis


@dataclass(frozen=True)
class Chart:
    title: str
    team: str | None  # None: the global metrics
    x_labels: tuple[str, ...]  # "Start", then each played turn
    series: tuple[Series, ...]


# ------------------------------------------------------------------ timeline


def timeline(ex: Exercise, records: list[Record], state: State) -> list[TimelineEntry]:
    """Every inject, decision, rating, note and the end, in log order, in words."""
    out: list[TimelineEntry] = []
    titles: dict[int, str] = {}
    decided: dict[int, int] = {}  # delivery -> seq of its latest decision entry
    for record in records:
        event, turn = record.event, record.turn
        label = ex.turn_label(turn) if turn else "Before play"

        def add(kind: str, team: str | None, title: str, detail: str = "",
                _seq: int = record.seq, _turn: int = turn, _label: str = label) -> None:
            out.append(TimelineEntry(_seq, _turn, _label, kind, team, title, detail))

        if isinstance(event, TurnStarted):
            add("turn", None, f"Turn {event.turn} starts: {ex.turn_label(event.turn)}")
        elif isinstance(event, InjectDelivered):
            title = delivered_title(ex, event)
            titles[event.delivery] = title
            to = ", ".join(team_name(ex, t) for t in event.to)
            add("inject", None, title, "; ".join(filter(None, [
                f"to {to}", _why(ex, event.reason, titles), _moved(event.changes)])))
        elif isinstance(event, DecisionRecorded):
            option = option_of(ex, event.inject, event.option)
            what = option.label if option else (event.option or "")
            outcome = outcome_of(ex, event)
            moved = _moved(event.changes)
            parts = [f"\u201c{what}\u201d." if what else "",
                     f"Response: \u201c{event.response}\u201d." if event.response else "",
                     (outcome.text or "") if outcome else "",
                     f"Effects: {moved}." if moved else ""]
            who = team_name(ex, event.team) + (" (bot)" if event.by == "bot" else "")
            add("decision", event.team, f"{who} on {titles.get(event.delivery, event.inject)}",
                " ".join(p.strip() for p in parts if p and p.strip()))
            decided[event.delivery] = record.seq
        elif isinstance(event, NoDecision):
            add("no_decision", event.team, f"{team_name(ex, event.team)}: no decision "
                f"on {titles.get(event.delivery, event.inject)}")
        elif isinstance(event, Rated):
            what = objective_title(ex, event.objective)
            last = out[-1] if out else None
            if event.delivery is not None and last is not None and last.kind == "decision" \
                    and last.team == event.team and last.seq == decided.get(event.delivery):
                # an option's rating belongs with the decision that earned it
                out[-1] = replace(last, detail=f"{last.detail} Rated {event.rating}: {what}."
                                  .strip())
                continue
            add("rating", event.team, f"{team_name(ex, event.team)} rated "
                f"{event.rating} on {what}", event.note)
        elif isinstance(event, Withdrawn):
            add("correction", None, "Correction",
                f"event {event.event} withdrawn: {event.reason}")
        elif isinstance(event, NoteAdded):
            add("hotwash" if event.kind == "hotwash" else "note", event.team,
                "Hot wash" if event.kind == "hotwash" else "Note", event.text)
        elif isinstance(event, ExerciseEnded):
            add("end", None, f"Exercise ends ({ended_reason(event)})", " ".join(filter(None, [
                event.outcome, f"({'; '.join(event.because)})" if event.because else ""])))
    return out


def _why(ex: Exercise, reason: Reason, titles: dict[int, str]) -> str:
    if isinstance(reason, Triggered):
        return "triggered: " + "; ".join(reason.because)
    if isinstance(reason, FollowUp):
        return "follow-up of " + ", ".join(
            f"{team_name(ex, s.team)} choosing {quoted(option_label(ex, s.inject, s.option))} "
            f"on {titles.get(s.delivery, s.inject)}" for s in reason.sources)
    if isinstance(reason, ByHand):
        return "delivered by hand"
    if isinstance(reason, Adhoc):
        return "ad-hoc inject" + (f": {reason.text.strip()}" if reason.text.strip() else "")
    return "scheduled"


def _moved(chs: list[Change]) -> str:
    """The changes that moved a value (an effect at a metric's limit moves nothing)."""
    return changes(ch for ch in chs if ch.before != ch.after)


# ------------------------------------------------------------------ charts


def charts(ex: Exercise, state: State) -> list[Chart]:
    """One chart per team (its team metrics), then one of the global metrics, over
    the start and every played turn (a turn cut short shows its last values)."""
    history = metric_points(state)
    x_labels = ("Start", *(ex.turn_label(t) for t in range(1, len(history))))
    out = []
    team_metrics = [m for m in ex.metrics if m.scope == "team"]
    global_metrics = [m for m in ex.metrics if m.scope == "global"]
    if team_metrics:
        for team in ex.teams:
            out.append(Chart(team.name, team.id, x_labels, tuple(
                Series(m.id, m.name, m.min, m.max,
                       tuple(h[(m.id, team.id)] for h in history)) for m in team_metrics)))
    if global_metrics:
        out.append(Chart("Global metrics", None, x_labels, tuple(
            Series(m.id, m.name, m.min, m.max, tuple(h[(m.id, None)] for h in history))
            for m in global_metrics)))
    return out
