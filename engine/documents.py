"""The exercise's printed documents, as structure: headings, paragraphs, lists,
tables, blank lines to write on and page breaks. `ui/documents.py` renders the same
structure as Markdown and as printable HTML, so the two never disagree.

Player documents (the situation manual, a team pack) are built only from the player
view's values (`views.py`): nothing a team may not see can reach them. The
facilitator and evaluator handbook and the EEGs read the whole script.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .explain import condition_text
from .script import Exercise, Inject, Objective
from .views import player_modules
from .wording import effects, team_name


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    style: str = ""  # "" | "note" (facilitator-only) | "muted"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Lines:
    """Blank lines to write observations on."""

    count: int


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Para | Bullets | Table | Lines | PageBreak


@dataclass(frozen=True)
class Document:
    kind: str  # situation-manual | handbook | eeg | team-pack
    slug: str  # file name without extension
    title: str
    subtitle: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


KINDS = ("situation-manual", "handbook", "eeg", "team-pack")


def documents(ex: Exercise, kinds: tuple[str, ...] = KINDS) -> list[Document]:
    """Every document of the kinds asked for: one EEG per objective, one pack per team."""
    out: list[Document] = []
    if "situation-manual" in kinds:
        out.append(situation_manual(ex))
    if "handbook" in kinds:
        out.append(handbook(ex))
    if "eeg" in kinds:
        out += [eeg(ex, o) for o in ex.objectives]
    if "team-pack" in kinds:
        out += [team_pack(ex, t.id) for t in ex.teams if t.playable]
    return out


# ---------------------------------------------------------------- for participants


def _cover(ex: Exercise) -> list[Block]:
    o = ex.exercise
    rows: list[tuple[str, str]] = []
    if o is not None:
        rows += [(k, v) for k, v in (
            ("Type", o.type.title() if o.type else None),
            ("Mission areas", ", ".join(o.mission_areas) or None),
            ("Threat or hazard", o.threat), ("Location", o.location),
            ("Sponsor", o.sponsor),
            ("Planned length", f"{o.minutes} minutes" if o.minutes else None),
            ("Contact", ", ".join(x for x in (o.contact.name, o.contact.role,
                                              o.contact.email) if x) if o.contact else None),
        ) if v]
    rows.append(("Turns", str(ex.turns)))
    blocks: list[Block] = [Table(("", ""), tuple(rows))]
    if ex.summary:
        blocks.append(Para(ex.summary))
    return blocks


def _participant_body(ex: Exercise) -> list[Block]:
    o = ex.exercise
    blocks: list[Block] = [Heading(2, "Scope")]
    blocks.append(Para(o.scope if o and o.scope else ex.summary or "See the briefing."))
    if o and o.assumptions:
        blocks += [Heading(3, "Assumptions"), Bullets(tuple(o.assumptions))]
    if ex.objectives:
        blocks += [Heading(2, "Objectives"),
                   Table(("Objective", "Core capability"),
                         tuple((obj.title, obj.capability or "") for obj in ex.objectives))]
    blocks.append(Heading(2, "Participants"))
    blocks.append(Table(("Team", "Role"), tuple((t.name, t.role or "") for t in ex.teams)))
    if ex.briefing:
        blocks += [Heading(2, "Briefing"), Para(ex.briefing)]
    modules = player_modules(ex, ex.turns)
    if modules:
        blocks.append(Heading(2, "Modules"))
        for module in modules:
            blocks.append(Heading(3, f"{ex.turn_label(module.turn)}: {module.title}"))
            if module.situation:
                blocks.append(Para(module.situation))
            if module.questions:
                blocks += [Para("Questions for discussion:"), Bullets(module.questions)]
    if ex.glossary:
        blocks += [Heading(2, "Glossary"),
                   Table(("Term", "Meaning"), tuple(sorted(ex.glossary.items())))]
    return blocks


def situation_manual(ex: Exercise) -> Document:
    """For every participant: nothing a team may not see."""
    return Document("situation-manual", "situation-manual", ex.title, "Situation manual",
                    (*_cover(ex), *_participant_body(ex)))


def team_pack(ex: Exercise, team: str) -> Document:
    """A team's brief (theirs alone), then the situation manual."""
    found = ex.team(team)
    assert found is not None
    blocks: list[Block] = [Heading(2, f"{found.name}: your brief"),
                           Para("For this team's players and the facilitator only.", "muted")]
    blocks.append(Para(found.brief or "No private brief: play from the briefing below."))
    if found.role:
        blocks.append(Para(f"Your role: {found.role}."))
    blocks += [PageBreak(), *_cover(ex), *_participant_body(ex)]
    return Document("team-pack", f"team-pack-{team}", ex.title, f"Team pack: {found.name}",
                    tuple(blocks))


# ---------------------------------------------------------------- for control staff


def _trigger(ex: Exercise, inject: Inject) -> str:
    if inject.follow_up:
        sources = [f"{i.id} ({o.id})" for i in ex.injects for o in i.options
                   if inject.id in o.next or any(inject.id in c.next for c in o.outcomes)]
        return "follow-up of " + (", ".join(sources) or "a hand delivery")
    parts = []
    if inject.turn is not None:
        parts.append(f"turn {inject.turn}")
    if inject.when is not None:
        parts.append("when " + condition_text(ex, inject.when))
    return " and ".join(parts) + ("" if inject.once else " (may repeat)")


def _inject_blocks(ex: Exercise, inject: Inject) -> list[Block]:
    to = ", ".join(team_name(ex, t) for t in inject.to) if inject.to else "every team"
    blocks: list[Block] = [Heading(4, f"{inject.title} ({inject.id})"),
                           Table(("", ""), tuple((k, v) for k, v in (
                               ("Trigger", _trigger(ex, inject)), ("To", to),
                               ("Channel", inject.channel or ""), ("From", inject.from_ or ""),
                               ("Objectives", ", ".join(inject.objectives)),
                               ("Attachments", ", ".join(inject.attachments))) if v))]
    if inject.text:
        blocks.append(Para(inject.text))
    for team, text in inject.variants.items():
        blocks.append(Para(f"{team_name(ex, team)} reads instead: {text}"))
    if inject.expected:
        blocks.append(Para(f"Expected action: {inject.expected}", "note"))
    if inject.facilitator_notes:
        blocks.append(Para(f"Facilitator notes: {inject.facilitator_notes}", "note"))
    if inject.questions:
        blocks += [Para("Questions to pose:"), Bullets(tuple(inject.questions))]
    if inject.options:
        rows = []
        for option in inject.options:
            what = [effects(option.effects)] if option.effects else []
            what += [f"{c.chance:.0%}: {c.text or ''} {effects(c.effects)}".strip()
                     for c in option.outcomes]
            nxt = option.next + [n for c in option.outcomes for n in c.next]
            rows.append((option.label, ", ".join(option.for_) if option.for_ else "all",
                         "; ".join(x for x in what if x) or "none",
                         ", ".join(f"{k} {v}" for k, v in option.rating.items()),
                         ", ".join(nxt)))
        blocks.append(Table(("Option", "For", "Effects and outcomes", "Suggests", "Leads to"),
                            tuple(rows)))
    return blocks


def handbook(ex: Exercise) -> Document:
    """Everything, turn by turn, for the facilitator and the evaluators."""
    blocks: list[Block] = [*_cover(ex),
                           Para("Control staff only: facilitator and evaluators.", "note")]
    if ex.briefing:
        blocks += [Heading(2, "Briefing (read to all)"), Para(ex.briefing)]
    blocks += [Heading(2, "Teams"), Table(("Team", "Role", "Played by", "Private brief"), tuple(
        (t.name, t.role or "", "people" if t.playable else f"bot ({t.policy})", t.brief or "")
        for t in ex.teams))]
    for turn in range(1, ex.turns + 1):
        module = ex.module(turn)
        blocks += [PageBreak(), Heading(2, f"Turn {turn}: {ex.turn_label(turn)}"
                                        + (f" · {module.title}" if module else ""))]
        if module:
            if module.minutes:
                blocks.append(Para(f"Planned time: {module.minutes} minutes."))
            if module.situation:
                blocks.append(Para(module.situation))
            if module.questions:
                blocks += [Para("Discussion questions:"), Bullets(tuple(module.questions))]
        scheduled = ex.scheduled(turn)
        if scheduled:
            blocks.append(Heading(3, "Scheduled injects"))
            for inject in scheduled:
                blocks += _inject_blocks(ex, inject)
    others = [i for i in ex.injects if i.turn is None]
    if others:
        blocks += [PageBreak(), Heading(2, "Triggered and follow-up injects")]
        for inject in others:
            blocks += _inject_blocks(ex, inject)
    branches = [(i.title, o.label, ", ".join(o.next + [n for c in o.outcomes for n in c.next]))
                for i in ex.injects for o in i.options
                if o.next or any(c.next for c in o.outcomes)]
    if branches:
        blocks += [Heading(2, "Branch map"),
                   Table(("Inject", "Option", "Leads to"), tuple(branches))]
    if ex.end:
        blocks += [Heading(2, "Early ends"), Table(("When", "Outcome"), tuple(
            (condition_text(ex, rule.when), rule.outcome) for rule in ex.end))]
    if ex.objectives:
        blocks += [Heading(2, "Objectives and critical tasks")]
        for objective in ex.objectives:
            blocks += [Heading(3, objective.title),
                       Bullets(tuple(f"{t.id}: {t.text}" for t in objective.critical_tasks)
                               or ("No critical tasks listed.",))]
            if objective.improvement:
                blocks.append(Para(f"Corrective action if rated M or U: "
                                   f"{objective.improvement}", "note"))
    return Document("handbook", "handbook", ex.title, "Facilitator and evaluator handbook",
                    tuple(blocks))


def eeg(ex: Exercise, objective: Objective) -> Document:
    """The exercise evaluation guide of one objective: its critical tasks, lines to
    write on, and a P/S/M/U box per team."""
    blocks: list[Block] = [
        Table(("", ""), tuple((k, v) for k, v in (
            ("Exercise", ex.title), ("Objective", objective.title),
            ("Core capability", objective.capability or "")) if v)),
        Heading(2, "Critical tasks"),
        Table(("Task", "Observed", "Notes"),
              tuple((t.text, "☐ yes  ☐ no", "") for t in objective.critical_tasks)
              or (("No critical tasks listed: note what you observe.", "", ""),)),
        Heading(2, "Observations"), Lines(8),
        Heading(2, "Rating per team"),
        Table(("Team", "P", "S", "M", "U", "Evaluator's note"),
              tuple((t.name, "☐", "☐", "☐", "☐", "") for t in ex.teams)),
        Para("P: performed without challenges. S: with some challenges. M: with major "
             "challenges. U: unable to be performed.", "muted"),
        Para("Evaluator: ______________________   Date: ____________", "muted"),
    ]
    return Document("eeg", f"eeg-{objective.id}", ex.title,
                    f"Exercise evaluation guide: {objective.title}", tuple(blocks))
