"""The after-action report / improvement plan (HSEEP AAR/IP) of a session, as data.

One pure function of the script, the save and the replayed state, shared by the
report files (`ttx report`) and the review screen, so both tell the same story. It
follows the HSEEP template: an executive summary, the exercise overview (from the
script's `exercise:`), an analysis per objective and core capability (final rating,
critical tasks observed, observations with their evidence in the log), a conclusion,
and the improvement plan; participants and engine details are appendices.

Nothing is invented: a corrective action is the objective's `improvement` or an
honest "to be decided", dates are left for the organisations to fill in, and a team
played by a bot is marked as such and kept out of the plan (a bot is not a training
audience).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .aar_timeline import Chart, TimelineEntry, charts, timeline
from .events import DecisionRecorded, NoteAdded
from .scoring import scale_max, weighted_total
from .script import HSEEP_LABELS, Exercise, Inject, Objective, Rating, rating_score
from .session import Record
from .state import RatingEntry, State
from .store import SaveHeader
from .wording import option_of, policy_words, quoted, team_name

POETE = ("Planning", "Organisation", "Equipment", "Training", "Exercise")
# The capability element a shortfall in each core capability most often traces to;
# a suggestion for evaluators, who change it where their analysis says otherwise.
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
TO_BE_DECIDED = ("To be decided by the evaluators with the organisations named (the "
                 "script gives no corrective action for this objective).")
TOP = 3  # findings named in the executive summary, each way


@dataclass(frozen=True)
class TeamLine:
    id: str
    name: str
    role: str | None
    played_by: str  # person | bot
    policy: str
    plays: str  # a bot's policy in words; "" for people
    score: float | None  # final weighted score


@dataclass(frozen=True)
class Overview:
    """HSEEP "Exercise overview": what the script's `exercise:` says, and how it ran."""

    exercise: str
    title: str
    summary: str
    kind: str | None  # tabletop | seminar | workshop | game | drill
    mission_areas: tuple[str, ...]
    scope: str | None
    threat: str | None
    location: str | None
    sponsor: str | None
    contact: tuple[str, ...]  # name, role, email: whichever are given
    minutes: int | None
    assumptions: tuple[str, ...]
    capabilities: tuple[str, ...]  # the objectives' core capabilities, in order
    conducted: str  # when the session started (ISO 8601, from the save)
    report_date: str
    scale: str
    teams: tuple[TeamLine, ...]
    turns_played: int
    turns: int
    ended: bool
    end_reason: str | None  # condition | last_turn | facilitator | None: still running
    outcome: str | None

    @property
    def conducted_words(self) -> str:
        """The start as people write it: "4 December 2026, 09:00 UTC"."""
        try:
            when = datetime.fromisoformat(self.conducted)
        except ValueError:
            return self.conducted
        zone = when.strftime("%Z") if when.tzinfo else ""
        return f"{when.day} {when:%B %Y, %H:%M} {zone}".strip()

    @property
    def ending(self) -> str:
        """How the session ended, as a sentence."""
        if not self.ended:
            return "The session had not ended when this report was made."
        if self.end_reason == "condition":
            return f"The exercise ended early: {self.outcome}"
        if self.end_reason == "facilitator":
            return "The facilitator ended the exercise" + (
                f": {self.outcome}" if self.outcome else ".")
        return "The exercise ran to its last turn."


@dataclass(frozen=True)
class EngineDetails:
    """What reproduces and verifies the session: for the appendix, not the body."""

    seed: int
    mode: str
    events: int
    head: str  # SHA-256 of the save's last line: the whole log's fingerprint
    script_sha256: str
    save: str


@dataclass(frozen=True)
class Evidence:
    """An observation and where it is in the log (the event number to look up)."""

    seq: int
    turn: int
    text: str


@dataclass(frozen=True)
class RatingStep:
    turn: int
    rating: Rating
    by: str  # evaluator | option


@dataclass(frozen=True)
class TeamRating:
    team: str
    team_name: str
    bot: bool
    rating: Rating | None  # the final one (an evaluator's, else the latest suggested)
    label: str  # the rating in words
    score: int | None
    by: str | None  # evaluator | option | None: not rated
    observed: tuple[str, ...]  # critical tasks an evaluator recorded as observed
    evidence: tuple[Evidence, ...]  # decisions rated, evaluators' and hot-wash notes
    steps: tuple[RatingStep, ...]  # every rating, in order


@dataclass(frozen=True)
class Finding:
    """A strength or an area for improvement: observation, analysis, recommendation."""

    team: str
    team_name: str
    bot: bool
    objective: str
    objective_title: str
    capability: str | None
    rating: Rating
    label: str
    by: str  # evaluator | option
    observation: str
    evidence: tuple[Evidence, ...]
    analysis: str
    recommendation: str  # for an area for improvement; "" for a strength


@dataclass(frozen=True)
class ObjectiveReview:
    id: str
    title: str
    capability: str | None
    weight: float
    injects: tuple[str, ...]  # titles of the injects that exercise it
    critical_tasks: tuple[str, ...]
    ratings: tuple[TeamRating, ...]
    notes: tuple[Evidence, ...]  # notes about the objective, not one team
    strengths: tuple[Finding, ...]
    improvements: tuple[Finding, ...]


@dataclass(frozen=True)
class PlanRow:
    """One issue of the improvement plan: an objective some organisations fell short
    on, merged across them; contact and dates are for them to fill in."""

    capability: str
    objective: str
    issue: str
    corrective_action: str
    element: str  # POETE capability element (a suggestion to confirm)
    organisations: tuple[str, ...]
    teams: tuple[str, ...]
    ratings: tuple[Rating, ...]
    contact: str = ""
    start: str = ""
    completion: str = ""


@dataclass(frozen=True)
class Summary:
    """The executive summary: what was exercised, the overall picture, and the top
    strengths and areas for improvement of the teams played by people."""

    exercised: str
    picture: str
    strengths: tuple[Finding, ...]
    improvements: tuple[Finding, ...]


@dataclass(frozen=True)
class Note:
    seq: int
    turn: int
    kind: str  # note | hotwash
    team: str | None
    team_name: str | None
    objective: str | None
    objective_title: str | None
    text: str


@dataclass(frozen=True)
class AfterActionReport:
    overview: Overview
    summary: Summary
    objectives: tuple[ObjectiveReview, ...]
    conclusion: str
    plan: tuple[PlanRow, ...]
    notes: tuple[Note, ...]
    hotwash: tuple[Note, ...]
    timeline: tuple[TimelineEntry, ...]
    charts: tuple[Chart, ...]
    engine: EngineDetails

    @property
    def strengths(self) -> tuple[Finding, ...]:
        return tuple(f for o in self.objectives for f in o.strengths)

    @property
    def improvements(self) -> tuple[Finding, ...]:
        return tuple(f for o in self.objectives for f in o.improvements)


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
    bots = {t for t, by in header.teams.items() if by == "bot"}
    overview = _overview(ex, header, state, bots, report_date)
    notes = _notes(ex, records, state)
    sources = _rating_sources(ex, state, records)
    objectives = tuple(_review(ex, o, state, bots, notes, sources) for o in ex.objectives)
    return AfterActionReport(
        overview=overview,
        summary=_summary(ex, overview, objectives),
        objectives=objectives,
        conclusion=_conclusion(ex, overview, objectives),
        plan=tuple(_plan(ex, objectives)),
        notes=tuple(n for n in notes if n.kind == "note"),
        hotwash=tuple(n for n in notes if n.kind == "hotwash"),
        timeline=tuple(timeline(ex, records, state)),
        charts=tuple(charts(ex, state)),
        engine=EngineDetails(header.seed, header.mode, len(records), head,
                             header.script_sha256, save_path))


def _overview(ex: Exercise, header: SaveHeader, state: State, bots: set[str],
              report_date: date) -> Overview:
    x = ex.exercise
    contact = x.contact if x else None
    return Overview(
        exercise=ex.id, title=ex.title, summary=ex.summary,
        kind=x.type if x else None, mission_areas=tuple(x.mission_areas) if x else (),
        scope=x.scope if x else None, threat=x.threat if x else None,
        location=x.location if x else None, sponsor=x.sponsor if x else None,
        contact=tuple(filter(None, [contact.name, contact.role, contact.email]))
        if contact else (),
        minutes=x.minutes if x else None, assumptions=tuple(x.assumptions) if x else (),
        capabilities=tuple(dict.fromkeys(o.capability for o in ex.objectives if o.capability)),
        conducted=header.created, report_date=report_date.isoformat(), scale=ex.scale,
        teams=tuple(TeamLine(t.id, t.name, t.role, "bot" if t.id in bots else "person",
                             t.policy, policy_words(ex, t.policy) if t.id in bots else "",
                             weighted_total(ex, state, t.id)) for t in ex.teams),
        turns_played=state.turn, turns=ex.turns, ended=state.ended,
        end_reason=state.end_event.reason if state.end_event else None,
        outcome=state.outcome)


def _notes(ex: Exercise, records: list[Record], state: State) -> list[Note]:
    """The notes that stand (a withdrawn one is gone from the state), with their event
    numbers."""
    seqs = {id(r.event): r.seq for r in records if isinstance(r.event, NoteAdded)}
    out = []
    for turn, n in state.notes:
        seq = seqs[id(n)]
        objective = ex.objective(n.objective) if n.objective else None
        out.append(Note(seq, turn, n.kind, n.team, team_name(ex, n.team) if n.team else None,
                        n.objective, objective.title if objective else None, n.text))
    return out


def _review(ex: Exercise, objective: Objective, state: State, bots: set[str],
            notes: list[Note], sources: Callable[[RatingEntry], Evidence | None]
            ) -> ObjectiveReview:
    tasks = {t.id: t.text for t in objective.critical_tasks}
    rows: list[TeamRating] = []
    strengths: list[Finding] = []
    improvements: list[Finding] = []
    for team in ex.team_ids:
        entries = [e for e in state.ratings if e.team == team and e.objective == objective.id]
        latest = state.latest.get((team, objective.id))
        seen = {t for e in entries if e.delivery is None for t in e.observed}
        ordered = ([latest] if latest else []) + [e for e in entries if e is not latest]
        evidence = _dedupe([*filter(None, map(sources, ordered)),
                            *(Evidence(n.seq, n.turn, _note_words(n)) for n in notes
                              if n.team == team and n.objective == objective.id)])
        row = TeamRating(
            team, team_name(ex, team), team in bots,
            latest.rating if latest else None,
            rating_label(ex, latest.rating if latest else None),
            rating_score(ex.scale, latest.rating) if latest else None,
            _by(latest) if latest else None,
            tuple(text for tid, text in tasks.items() if tid in seen), tuple(evidence),
            tuple(RatingStep(e.turn, e.rating, _by(e)) for e in entries))
        rows.append(row)
        if latest is None:
            continue
        inject = _inject_of(ex, state, latest) or _last_rated_inject(ex, state, entries)
        finding = _finding(ex, objective, row, latest.rating, inject, tasks, seen)
        (improvements if needs_improvement(ex, latest.rating) else strengths).append(finding)
    return ObjectiveReview(
        objective.id, objective.title, objective.capability, float(objective.weight),
        tuple(i.title for i in ex.injects if objective.id in i.objectives),
        tuple(tasks.values()), tuple(rows),
        tuple(Evidence(n.seq, n.turn, _note_words(n)) for n in notes
              if n.objective == objective.id and n.team is None),
        tuple(strengths), tuple(improvements))


def _finding(ex: Exercise, objective: Objective, row: TeamRating, rating: Rating,
             inject: Inject | None, tasks: dict[str, str], seen: set[str]) -> Finding:
    weak = needs_improvement(ex, rating)
    analysis = []
    expected = (inject.expected or "").strip() if inject else ""
    if expected:
        analysis.append(f"Expected: {expected}")
    if tasks and row.by == "evaluator":
        missed = [text for tid, text in tasks.items() if tid not in seen]
        if missed:
            analysis.append("Critical tasks not observed: " + "; ".join(missed) + ".")
    return Finding(
        row.team, row.team_name, row.bot, objective.id, objective.title,
        objective.capability, rating, row.label, row.by or "option",
        row.evidence[0].text if row.evidence else "no observation recorded", row.evidence,
        " ".join(analysis),
        (objective.improvement or TO_BE_DECIDED).strip() if weak else "")


def _plan(ex: Exercise, objectives: Iterable[ObjectiveReview]) -> list[PlanRow]:
    """One row per objective that people-played teams fell short on (bots left out)."""
    out = []
    for review in objectives:
        weak = [f for f in review.improvements if not f.bot]
        if not weak:
            continue
        objective = ex.objective(review.id)
        assert objective is not None
        ratings = ", ".join(f"{f.rating} ({f.team_name})" for f in weak)
        out.append(PlanRow(
            capability=review.capability or "not stated", objective=review.id,
            issue=f"{review.title}: rated {ratings}",
            corrective_action=(objective.improvement or TO_BE_DECIDED).strip(),
            element=poete_element(review.capability),
            organisations=tuple(f.team_name for f in weak),
            teams=tuple(f.team for f in weak), ratings=tuple(f.rating for f in weak)))
    return out


def _summary(ex: Exercise, o: Overview, objectives: tuple[ObjectiveReview, ...]) -> Summary:
    people = [t for t in o.teams if t.played_by == "person"]
    kind = f"{o.kind} exercise" if o.kind else "exercise"
    areas = f" ({', '.join(o.mission_areas)})" if o.mission_areas else ""
    caps = (f" and {len(o.capabilities)} core capabilities ({'; '.join(o.capabilities)})"
            if o.capabilities else "")
    bots = len(o.teams) - len(people)
    exercised = (
        f"This {kind}{areas} exercised {len(objectives)} objectives{caps} with "
        f"{len(o.teams)} teams" + (f", {bots} of them played by bots" if bots else "")
        + f", over {o.turns_played} of {o.turns} turns.")
    strengths = _ranked([f for r in objectives for f in r.strengths if not f.bot], ex, True)
    weak = _ranked([f for r in objectives for f in r.improvements if not f.bot], ex, False)
    finals = [tr.rating for r in objectives for tr in r.ratings
              if not tr.bot and tr.rating is not None]
    unrated = sum(1 for r in objectives for tr in r.ratings if not tr.bot and tr.rating is None)
    if finals:
        counts = ", ".join(f"{n} {rating}" for rating, n in _counts(ex, finals))
        picture = (f"Of {len(finals) + unrated} team-objective pairs played by people, "
                   f"{len(finals)} were rated ({counts}); {len(strengths)} met the objective "
                   f"(a strength) and {len(weak)} fell short (an area for improvement).")
    else:
        picture = "No team played by people was rated: there is no evaluation to report."
    picture += " " + o.ending
    return Summary(exercised, picture, tuple(strengths[:TOP]), tuple(weak[:TOP]))


def _conclusion(ex: Exercise, o: Overview, objectives: tuple[ObjectiveReview, ...]) -> str:
    met = [r.title for r in objectives
           if any(not tr.bot and tr.rating is not None for tr in r.ratings)
           and not any(not f.bot for f in r.improvements)]
    short = [r.title for r in objectives if any(not f.bot for f in r.improvements)]
    unrated = [r.title for r in objectives
               if all(tr.bot or tr.rating is None for tr in r.ratings)]
    parts = []
    if met:
        parts.append("Every team rated met " + _titles(met) + ".")
    if short:
        parts.append("The improvement plan (Appendix A) carries " + _titles(short)
                     + ", for the organisations named to assign owners and dates.")
    if unrated:
        parts.append("No evaluation was recorded for " + _titles(unrated)
                     + ": re-test it in the next exercise.")
    return " ".join(parts) or "Nothing was evaluated in this session."


def _ranked(findings: list[Finding], ex: Exercise, best: bool) -> list[Finding]:
    """Strongest strengths (or weakest areas) first; heavier objectives first on a tie,
    evaluator ratings before suggested ones."""
    weight = {o.id: float(o.weight) for o in ex.objectives}

    def key(f: Finding) -> tuple[float, float, bool]:
        score = rating_score(ex.scale, f.rating) or 0
        return (-score if best else score, -weight[f.objective], f.by != "evaluator")

    return sorted(findings, key=key)


def _counts(ex: Exercise, ratings: list[Rating]) -> list[tuple[Rating, int]]:
    order = {r: -(rating_score(ex.scale, r) or 0) for r in ratings}
    seen: dict[Rating, int] = {}
    for r in sorted(ratings, key=lambda r: order[r]):
        seen[r] = seen.get(r, 0) + 1
    return list(seen.items())


def _titles(titles: list[str]) -> str:
    quoted_titles = [quoted(t) for t in titles]
    if len(quoted_titles) == 1:
        return quoted_titles[0]
    return ", ".join(quoted_titles[:-1]) + " and " + quoted_titles[-1]


def _by(entry: RatingEntry) -> str:
    return "evaluator" if entry.delivery is None else "option"


def _note_words(note: Note) -> str:
    return ("Hot wash: " if note.kind == "hotwash" else "Note: ") + note.text.strip()


def _dedupe(items: list[Evidence]) -> list[Evidence]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.text and item.text not in seen:
            seen.add(item.text)
            out.append(item)
    return out


def _inject_of(ex: Exercise, state: State, entry: RatingEntry) -> Inject | None:
    if entry.delivery is None or not 1 <= entry.delivery <= len(state.deliveries):
        return None
    return ex.inject(state.delivery(entry.delivery).inject)


def _last_rated_inject(ex: Exercise, state: State, entries: list[RatingEntry]
                       ) -> Inject | None:
    """The inject an evaluator's rating most likely judged: the last one rated for the
    same pair by an option, else the last delivered that exercises the objective."""
    for entry in reversed(entries):
        inject = _inject_of(ex, state, entry)
        if inject is not None:
            return inject
    if not entries:
        return None
    for delivery in reversed(state.deliveries):
        inject = ex.inject(delivery.inject)
        if inject is not None and entries[-1].objective in inject.objectives \
                and entries[-1].team in delivery.to:
            return inject
    return None


def _rating_sources(ex: Exercise, state: State, records: list[Record]
                    ) -> Callable[[RatingEntry], Evidence | None]:
    """A function saying, in words and with its event number, what a rating rests on."""
    decided = {(r.event.delivery, r.event.team): r.seq for r in records
               if isinstance(r.event, DecisionRecorded)}

    def source(entry: RatingEntry) -> Evidence | None:
        seq = entry.seq
        inject = _inject_of(ex, state, entry)
        if inject is not None and entry.delivery is not None:
            decision = state.delivery(entry.delivery).decisions.get(entry.team)
            option = (option_of(ex, inject.id, decision.option)
                      if isinstance(decision, DecisionRecorded) else None)
            if option is not None:  # the evidence is the decision that earned it
                return Evidence(decided.get((entry.delivery, entry.team), seq), entry.turn,
                                f"Chose {quoted(option.label)} on {quoted(inject.title)}")
        note = entry.note.strip()
        return Evidence(seq, entry.turn, f"Evaluator: {note}") if note else None

    return source
