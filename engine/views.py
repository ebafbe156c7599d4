"""What a team's players may see: the one place the who-sees-what rule is applied.

SCRIPT_FORMAT.md ("Exercise materials"): players see the `briefing`, the `glossary`,
their own team's `brief`, each module's title, situation and questions once its turn
has started, and the injects delivered to their team (their variant of the text, the
options they may take, the attachments those injects name). Never `expected`,
`facilitator_notes`, `critical_tasks`, `improvement`, another team's brief or
variant, an undelivered inject, an option's `next`, `effects`, `outcomes` or
`rating`, or a roll before it is made. Every player-facing view (solo play, a team's
seat, the situation manual, a team pack) is built from these values, which hold only
what may be shown; a facilitator's view reads the script and state directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from .events import DecisionRecorded
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


def player_inject(ex: Exercise, delivery: Delivery, team: str) -> PlayerInject:
    """A delivery as `team` reads it (it must be addressed to `team`)."""
    if team not in delivery.to:
        raise ValueError(f"delivery #{delivery.number} was not delivered to {team}")
    made = delivery.decisions.get(team)
    decision = None
    if isinstance(made, DecisionRecorded):
        outcome = outcome_of(ex, made)
        inject = ex.inject(made.inject)
        option = inject.option(made.option) if inject and made.option else None
        decision = PlayerDecision(made.option, option.label if option else None,
                                  made.response, outcome.text if outcome else None)
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


def player_view(ex: Exercise, state: State, team: str) -> PlayerView:
    """Everything `team`'s players may see of the session now."""
    found = ex.team(team)
    if found is None:
        raise ValueError(f"no team {team!r}")
    return PlayerView(
        ex.title, team, found.name, found.role, found.brief, ex.briefing,
        tuple(ex.glossary.items()), state.turn, player_modules(ex, state.turn),
        tuple(player_inject(ex, d, team) for d in state.deliveries if team in d.to))
