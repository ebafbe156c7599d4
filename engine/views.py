"""What a team's players may see: the one place the who-sees-what rule is applied.

SCRIPT_FORMAT.md ("Exercise materials"): players see the `briefing`, the `glossary`,
their own team's `brief`, each module's title, situation and questions once its turn
has started, and the injects delivered to their team (their variant of the text, the
options they may take, the attachments those injects name). Never `expected`,
`facilitator_notes`, `critical_tasks`, `improvement`, another team's brief or
variant, an undelivered inject, an option's `next`, `effects`, `outcomes` or
`rating`, or a roll before it is made. In a session's view (`player_view`) the roll's
outcome waits for the end of the decision's turn, as the live session's rules have it:
a team learns what came of its choices when the facilitator ends the turn. Every
player-facing view (solo play, a team's seat, the situation manual, a team pack) is
built from these values, which hold only what may be shown; a facilitator's view
reads the script and state directly.

An observer (a live session's read-only seat) sees the players' common picture: what
every team may see, and no more. That is the briefing, the glossary, the teams' names
and roles (not their briefs), the modules begun, and the injects delivered to every
playable team, in their shared text, without options or decisions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .events import DecisionRecorded, Event, NoDecision, NoteAdded, Rated
from .script import Exercise
from .state import Delivery, State
from .wording import outcome_of


@dataclass(frozen=True)
class PlayerOption:
    id: str
    label: str


@dataclass(frozen=True)
class PlayerAttachment:
    id: str
    title: str
    file: str


@dataclass(frozen=True)
class PlayerDecision:
    """The team's own decision, once made: what it chose and, the roll made, what came
    of it."""

    option: str | None
    label: str | None
    response: str | None
    outcome: str | None


@dataclass(frozen=True)
class PlayerInject:
    delivery: int
    turn: int
    title: str
    channel: str | None
    sender: str | None
    text: str
    options: tuple[PlayerOption, ...]
    attachments: tuple[PlayerAttachment, ...]
    decision: PlayerDecision | None


@dataclass(frozen=True)
class PlayerModule:
    turn: int
    title: str
    situation: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class PlayerView:
    exercise: str  # the title
    team: str
    team_name: str
    role: str | None
    brief: str | None
    briefing: str
    glossary: tuple[tuple[str, str], ...]
    turn: int
    modules: tuple[PlayerModule, ...]
    inbox: tuple[PlayerInject, ...]


def player_inject(ex: Exercise, delivery: Delivery, team: str,
                  reveal: bool = True) -> PlayerInject:
    """A delivery as `team` reads it (it must be addressed to `team`); the outcome of
    its decision only if `reveal`."""
    if team not in delivery.to:
        raise ValueError(f"delivery #{delivery.number} was not delivered to {team}")
    made = delivery.decisions.get(team)
    decision = None
    if isinstance(made, DecisionRecorded):
        outcome = outcome_of(ex, made)
        inject = ex.inject(made.inject)
        option = inject.option(made.option) if inject and made.option else None
        decision = PlayerDecision(made.option, option.label if option else None,
                                  made.response,
                                  outcome.text if outcome and reveal else None)
    adhoc = delivery.adhoc
    if adhoc is not None:
        return PlayerInject(delivery.number, delivery.turn, adhoc.title, adhoc.channel,
                            adhoc.sender, adhoc.text, (), (), decision)
    inject = ex.inject(delivery.inject)
    if inject is None:
        return PlayerInject(delivery.number, delivery.turn, delivery.inject, None, None, "",
                            (), (), decision)
    attachments = tuple(PlayerAttachment(a.id, a.title, a.file) for a in
                        (ex.attachment(i) for i in inject.attachments) if a is not None)
    return PlayerInject(delivery.number, delivery.turn, inject.title, inject.channel,
                        inject.from_, inject.text_for(team),
                        tuple(PlayerOption(o.id, o.label) for o in inject.options_for(team)),
                        attachments, decision)


def player_modules(ex: Exercise, turn: int) -> tuple[PlayerModule, ...]:
    """The modules whose turn has started (all of them for a document read before
    the exercise: pass `ex.turns`)."""
    return tuple(PlayerModule(m.turn, m.title, m.situation, tuple(m.questions))
                 for m in sorted(ex.modules, key=lambda m: m.turn) if m.turn <= turn)


def teams_shown(events: Iterable[Event]) -> frozenset[str] | None:
    """The teams whose player view `events` can change (None: any team's, and the
    common view): a decision shows only in its own team's view, a rating or a note in
    none. A live host recomputes only these views."""
    teams: set[str] = set()
    for event in events:
        if isinstance(event, DecisionRecorded | NoDecision):
            teams.add(event.team)
        elif not isinstance(event, Rated | NoteAdded):
            return None
    return frozenset(teams)


def player_view(ex: Exercise, state: State, team: str) -> PlayerView:
    """Everything `team`'s players may see of the session now."""
    found = ex.team(team)
    if found is None:
        raise ValueError(f"no team {team!r}")
    return PlayerView(
        ex.title, team, found.name, found.role, found.brief, ex.briefing,
        tuple(ex.glossary.items()), state.turn, player_modules(ex, state.turn),
        tuple(player_inject(ex, d, team, reveal=state.ended or d.turn < state.turn)
              for d in state.deliveries if team in d.to))


@dataclass(frozen=True)
class CommonInject:
    delivery: int
    turn: int
    title: str
    channel: str | None
    sender: str | None
    text: str


@dataclass(frozen=True)
class CommonView:
    """The observer's view: what every playable team may see."""

    exercise: str
    teams: tuple[tuple[str, str, str | None], ...]  # (id, name, role)
    briefing: str
    glossary: tuple[tuple[str, str], ...]
    turn: int
    ended: bool
    modules: tuple[PlayerModule, ...]
    injects: tuple[CommonInject, ...]


def common_view(ex: Exercise, state: State) -> CommonView:
    """The players' common picture. An inject counts when it reached every playable
    team; its text is the script's shared text, which no team's variant replaces
    unless every team has one (then it is left out: no text is common to all)."""
    playable = [t.id for t in ex.teams if t.playable]
    injects = []
    for d in state.deliveries:
        if not all(t in d.to for t in playable):
            continue
        if d.adhoc is not None:
            injects.append(CommonInject(d.number, d.turn, d.adhoc.title, d.adhoc.channel,
                                        d.adhoc.sender, d.adhoc.text))
            continue
        inject = ex.inject(d.inject)
        if inject is None or all(t in inject.variants for t in playable):
            continue
        injects.append(CommonInject(d.number, d.turn, inject.title, inject.channel,
                                    inject.from_, inject.text))
    return CommonView(ex.title, tuple((t.id, t.name, t.role) for t in ex.teams),
                      ex.briefing, tuple(ex.glossary.items()), state.turn, state.ended,
                      player_modules(ex, state.turn), tuple(injects))
