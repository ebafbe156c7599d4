"""The after-action report / improvement plan (HSEEP AAR/IP) of a session, as data.

One pure function of the script, the save and the replayed state, shared by the
report files (`ttx report`) and the review screen, so both tell the same story.
Evaluators expect the HSEEP shape: an overview, per-objective analysis with
ratings, strengths and areas for improvement, and an improvement plan whose rows
(issue, corrective action, POETE capability element, responsible organisation,
point of contact, start, completion) are prefilled here from every M and U rating
(on a 0-10 scale: 5 or below) for the evaluators to edit, never invented from
nothing: each row names the rating and the inject behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

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
)
from .scoring import scale_max, weighted_total
from .script import HSEEP_LABELS, Exercise, Inject, Rating, rating_score
from .session import Record
from .state import RatingEntry, State, metric_points
from .store import SaveHeader
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

POETE = ("Planning", "Organisation", "Equipment", "Training", "Exercise")
# The capability element a shortfall in each core capability most often traces to;
# a starting point for evaluators, who change it where their analysis says otherwise.
_ELEMENT_BY_CAPABILITY = {
    "planning": "Planning",
    "operational coordination": "Organisation",
    "intelligence and information sharing": "Planning",
    "operational communications": "Equipment",
    "cybersecurity": "Equipment",
    "logistics and supply chain management": "Equipment",
    "public information and warning": "Training",
    "situational assessment": "Training",
}
DUE_AFTER_DAYS = 30


@dataclass(frozen=True)
class TeamLine:
    id: str
    name: str
    role: str | None
    played_by: str  # person | bot
    policy: str
    score: float | None  # final weighted score


@dataclass(frozen=True)
class Overview:
    exercise: str
    title: str
    summary: str
    conducted: str  # when the session started (ISO 8601, from the save)
    report_date: str
    seed: int
    mode: str
    scale: str
    teams: tuple[TeamLine, ...]
    turns_played: int
    turns: int
    ended: bool
    end_reason: str | None  # condition | last_turn | facilitator | None: still running
    outcome: str | None
    events: int
    head: str  # SHA-256 of the save's last line: the whole log's fingerprint
    script_sha256: str
    save: str


@dataclass(frozen=True)
class RatingStep:
    turn: int
    rating: Rating
    source: str  # what the rating came from, in words


@dataclass(frozen=True)
class TeamRating:
    team: str
    team_name: str
    rating: Rating | None  # latest (what the score counts); None: not rated
    label: str  # the rating in words
    score: int | None
    basis: str  # what the latest rating came from, in words
    notes: tuple[str, ...]  # evaluators' notes on any of this team's ratings here
    steps: tuple[RatingStep, ...]  # every rating, in order

    @property
    def observations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o for o in (self.basis, *self.notes) if o))


@dataclass(frozen=True)
class ObjectiveReview:
    id: str
    title: str
    capability: str | None
    weight: float
    injects: tuple[str, ...]  # titles of the injects that exercise it
    ratings: tuple[TeamRating, ...]


@dataclass(frozen=True)
class Finding:
    """A strength or an area for improvement: observation, analysis, recommendation."""

    team: str
    team_name: str
    objective: str
    objective_title: str
    capability: str | None
    rating: Rating
    label: str
    observation: str
    analysis: str
    recommendation: str


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


@dataclass(frozen=True)
class PlanRow:
    issue: str
    corrective_action: str
    element: str  # POETE capability element (a suggestion to confirm)
    organisation: str
    contact: str
    start: str
    completion: str
    objective: str
    team: str
    rating: Rating


@dataclass(frozen=True)
class Note:
    turn: int
    team: str | None
    text: str


@dataclass(frozen=True)
class AfterActionReport:
    overview: Overview
    objectives: tuple[ObjectiveReview, ...]
    strengths: tuple[Finding, ...]
    improvements: tuple[Finding, ...]
    timeline: tuple[TimelineEntry, ...]
    charts: tuple[Chart, ...]
    plan: tuple[PlanRow, ...]
    notes: tuple[Note, ...]
    hotwash: tuple[Note, ...]


def rating_label(ex: Exercise, rating: Rating | None) -> str:
    if rating is None:
        return "Not rated"
    if ex.scale == "hseep" and isinstance(rating, str):
        return HSEEP_LABELS.get(rating, str(rating))
    return f"{rating} out of {scale_max(ex)}"


def needs_improvement(ex: Exercise, rating: Rating) -> bool:
    """M and U on the HSEEP scale; half the scale or less on 0-10."""
    score = rating_score(ex.scale, rating)
    return score is not None and score / scale_max(ex) <= 0.5


def poete_element(capability: str | None) -> str:
    return _ELEMENT_BY_CAPABILITY.get((capability or "").strip().lower(), "Training")


def build(ex: Exercise, header: SaveHeader, records: list[Record], head: str, state: State,
          *, save_path: str, report_date: date) -> AfterActionReport:
    """The report of a session: `state` is `records` folded (a replay of the save)."""
    teams = {t.id: t for t in ex.teams}
    overview = Overview(
        exercise=ex.id, title=ex.title, summary=ex.summary, conducted=header.created,
        report_date=report_date.isoformat(), seed=header.seed, mode=header.mode,
        scale=ex.scale,
        teams=tuple(TeamLine(t.id, t.name, t.role, header.teams.get(t.id, "person"),
                             t.policy, weighted_total(ex, state, t.id)) for t in ex.teams),
        turns_played=state.turn, turns=ex.turns, ended=state.ended,
        end_reason=state.end_event.reason if state.end_event else None,
        outcome=state.outcome, events=len(records), head=head,
        script_sha256=header.script_sha256, save=save_path)
    sources = _rating_sources(ex, state)
    objectives = []
    strengths: list[Finding] = []
    improvements: list[Finding] = []
    plan: list[PlanRow] = []
    due = _due(header.created)
    for objective in ex.objectives:
        exercised = tuple(i.title for i in ex.injects if objective.id in i.objectives)
        rows = []
        for team in ex.team_ids:
            entries = [e for e in state.ratings if e.team == team and e.objective == objective.id]
            latest = state.latest.get((team, objective.id))
            pair_notes = _dedupe([sources(e) for e in entries if e.delivery is None])
            row = TeamRating(
                team, teams[team].name, latest.rating if latest else None,
                rating_label(ex, latest.rating if latest else None),
                rating_score(ex.scale, latest.rating) if latest else None,
                sources(latest) if latest else "", tuple(pair_notes),
                tuple(RatingStep(e.turn, e.rating, sources(e)) for e in entries))
            rows.append(row)
            if latest is None:
                continue
            observations = row.observations
            inject = _inject_of(ex, state, latest)
            expected = (inject.expected or "").strip() if inject else ""
            finding = Finding(
                team, teams[team].name, objective.id, objective.title, objective.capability,
                latest.rating, rating_label(ex, latest.rating), "; ".join(observations),
                f"Expected: {expected}" if expected else "",
                _recommendation(ex, latest.rating, expected))
            if needs_improvement(ex, latest.rating):
                improvements.append(finding)
                plan.append(PlanRow(
                    issue=f"{objective.title}: {finding.label.lower()}",
                    corrective_action=_corrective_action(objective.title, expected),
                    element=poete_element(objective.capability),
                    organisation=teams[team].name, contact="", start="", completion=due,
                    objective=objective.id, team=team, rating=latest.rating))
            else:
                strengths.append(finding)
        objectives.append(ObjectiveReview(objective.id, objective.title, objective.capability,
                                          float(objective.weight), exercised, tuple(rows)))
    notes = tuple(Note(turn, n.team, n.text) for turn, n in state.notes if n.kind == "note")
    hotwash = tuple(Note(turn, n.team, n.text) for turn, n in state.notes if n.kind == "hotwash")
    return AfterActionReport(overview, tuple(objectives), tuple(strengths),
                             tuple(improvements), tuple(timeline(ex, records, state)),
                             tuple(charts(ex, state)), tuple(plan), notes, hotwash)


def _due(created: str) -> str:
    try:
        return (date.fromisoformat(created[:10]) + timedelta(days=DUE_AFTER_DAYS)).isoformat()
    except ValueError:
        return ""


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _recommendation(ex: Exercise, rating: Rating, expected: str) -> str:
    if not needs_improvement(ex, rating):
        return "Sustain: keep the practice that worked and share it with partners."
    if expected:
        return ("Write the expected action into plans and procedures, train the people who "
                "carry it out, and re-test it in the next exercise.")
    return "Review how this objective is planned and trained for, then re-test it."


def _corrective_action(title: str, expected: str) -> str:
    if expected:
        return f"Write into plans and procedures, train and re-test: {expected}"
    return f"Review the plans and training behind this objective, then re-test it: {title}"


def _inject_of(ex: Exercise, state: State, entry: RatingEntry) -> Inject | None:
    if entry.delivery is None or not 1 <= entry.delivery <= len(state.deliveries):
        return None
    return ex.inject(state.delivery(entry.delivery).inject)


def _rating_sources(ex: Exercise, state: State) -> Callable[[RatingEntry], str]:
    """A function saying, in words, where a rating came from."""

    def source(entry: RatingEntry) -> str:
        inject = _inject_of(ex, state, entry)
        if inject is not None and entry.delivery is not None:
            decision = state.delivery(entry.delivery).decisions.get(entry.team)
            option = (option_of(ex, inject.id, decision.option)
                      if isinstance(decision, DecisionRecorded) else None)
            if option is not None:
                return f"Turn {entry.turn}: chose {quoted(option.label)} on " \
                       f"{quoted(inject.title)}"
        note = entry.note.strip()
        return f"Turn {entry.turn}: {note}" if note else ""

    return source


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
