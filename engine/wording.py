"""Words for engine facts: names, titles, a delivery's message, a decision, a change,
and one log line per event.

Every view (the console log, solo play, the review timeline and its search, the
after-action report, the explanations) takes its words from here, so the same fact
always reads the same way, and a save replayed against a script that lost an id
still reads (the id stands in for the missing name). The log line comes as parts
with an emphasis, not a style: how to show emphasis is the view's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

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
    Scheduled,
    Triggered,
    TurnEnded,
    TurnStarted,
    Withdrawn,
)
from .script import Effect, Exercise, Option, Outcome
from .session import Record
from .state import Delivery

# ------------------------------------------------------------------ names


def team_name(ex: Exercise, team: str | None) -> str:
    found = ex.team(team) if team else None
    return found.name if found else (team or "")


def objective_title(ex: Exercise, objective: str) -> str:
    found = ex.objective(objective)
    return found.title if found else objective


def policy_words(ex: Exercise, policy: str) -> str:
    """A bot's policy as a person would say it: "plays to raise its Alliance trust"."""
    if policy == "first":
        return "always takes the first option offered"
    if policy == "random":
        return "chooses among its options at random"
    way, _, metric = policy.partition(":")
    found = next((m for m in ex.metrics if m.id == metric), None)
    name = found.name if found else metric
    whose = "its " if found is None or found.scope == "team" else ""
    return f"plays to {'raise' if way == 'best' else 'lower'} {whose}{name}"


def option_of(ex: Exercise, inject: str, option: str | None) -> Option | None:
    found = ex.inject(inject)
    return found.option(option) if found and option else None


def option_label(ex: Exercise, inject: str, option: str | None) -> str:
    chosen = option_of(ex, inject, option)
    return chosen.label if chosen else (option or "")


def outcome_of(ex: Exercise, decision: DecisionRecorded) -> Outcome | None:
    """The outcome the decision's roll picked, if the script still has it."""
    option = option_of(ex, decision.inject, decision.option)
    if option is None or decision.outcome is None or decision.outcome >= len(option.outcomes):
        return None
    return option.outcomes[decision.outcome]


def inject_title(ex: Exercise, inject: str) -> str:
    found = ex.inject(inject)
    return found.title if found else inject


def delivered_title(ex: Exercise, event: InjectDelivered) -> str:
    """An ad-hoc inject's own title, a scripted one's from the script."""
    if isinstance(event.reason, Adhoc):
        return event.reason.title
    return inject_title(ex, event.inject)


def quoted(text: str) -> str:
    """Text in curly quotes, unless it already is in quotes."""
    text = text.strip()
    return text if text[:1] in "\"\u201c'" else f"\u201c{text}\u201d"


# ------------------------------------------------------------------ a delivery


@dataclass(frozen=True)
class Message:
    """What the players of a delivery read, scripted or ad hoc."""

    title: str
    channel: str | None
    sender: str | None
    text: str
    expected: str | None
    objectives: tuple[str, ...]
    options: tuple[Option, ...]


def message(ex: Exercise, delivery: Delivery) -> Message:
    adhoc = delivery.adhoc
    if adhoc is not None:
        return Message(adhoc.title, adhoc.channel, adhoc.sender, adhoc.text, None, (), ())
    inject = ex.inject(delivery.inject)
    if inject is None:  # a save replayed against a script that lost the inject
        return Message(delivery.inject, None, None, "", None, (), ())
    return Message(inject.title, inject.channel, inject.from_, inject.text, inject.expected,
                   tuple(inject.objectives), tuple(inject.options))


def title(ex: Exercise, delivery: Delivery) -> str:
    return delivered_title(ex, delivery.event)


_KEEP_BREAK = re.compile(r"^\s*([-*•]|\d+[.)])\s")


def prose(text: str) -> str:
    """Script text as paragraphs: authors wrap YAML blocks at ~75 columns, a pane is
    narrower or wider, so single line breaks are joined (list items keep theirs) and
    blank lines stay paragraph breaks."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        joined: list[str] = []
        for line in lines:
            if joined and not _KEEP_BREAK.match(line):
                joined[-1] += " " + line
            else:
                joined.append(line)
        paragraphs.append("\n".join(joined))
    return "\n\n".join(paragraphs)


def reason(delivery: InjectDelivered) -> str:
    """Why an inject came, in a few words (ids, not names: it fits on a log line)."""
    why = delivery.reason
    if isinstance(why, Scheduled):
        return "scheduled"
    if isinstance(why, Triggered):
        return "triggered: " + "; ".join(why.because) if why.because else "triggered"
    if isinstance(why, FollowUp):
        srcs = ", ".join(f"#{s.delivery} {s.team} {s.option}" for s in why.sources)
        return f"follow-up of {srcs}" if srcs else "follow-up"
    if isinstance(why, ByHand):
        return "by hand"
    assert isinstance(why, Adhoc)
    return "ad hoc"


# ------------------------------------------------------------------ changes and decisions


def change(ch: Change) -> str:
    who = f" {ch.team}" if ch.team else ""
    sign = "+" if ch.after >= ch.before else ""
    return f"{ch.metric}{who} {ch.before}→{ch.after} ({sign}{ch.after - ch.before})"


def changes(chs: Iterable[Change]) -> str:
    return ", ".join(change(c) for c in chs)


def effect(e: Effect) -> str:
    who = f" {e.team}" if e.team else ""
    if e.set is not None:
        return f"{e.metric}{who} = {e.set}"
    return f"{e.metric}{who} {e.add:+d}" if e.add is not None else e.metric


def effects(es: Iterable[Effect]) -> str:
    return ", ".join(effect(e) for e in es)


def outcome_text(ex: Exercise, decision: DecisionRecorded) -> str | None:
    """The text of the outcome the roll gave, with the roll itself."""
    if decision.outcome is None:
        return None
    roll = next((r for r in decision.rolls if r.kind == "outcome"), None)
    drawn = f"roll {roll.r:.3f} → outcome {decision.outcome + 1}" if roll else \
        f"outcome {decision.outcome + 1}"
    option = option_of(ex, decision.inject, decision.option)
    if option is None or decision.outcome >= len(option.outcomes):
        return drawn
    text = option.outcomes[decision.outcome].text
    return f"{drawn} of {len(option.outcomes)}" + (f": {text}" if text else "")


def decision(ex: Exercise, d: DecisionRecorded | NoDecision) -> str:
    """One team's answer to a delivery, as a short phrase."""
    if isinstance(d, NoDecision):
        return "no decision"
    parts = []
    if d.option is not None:
        parts.append(f"chose “{option_label(ex, d.inject, d.option)}”")
    if d.response:
        parts.append(f"responded “{d.response}”")
    said = " and ".join(parts) or "decided"
    return f"{said} (bot)" if d.by == "bot" else said


def ended_reason(e: ExerciseEnded) -> str:
    return {"condition": "an end condition held", "last_turn": "last turn played",
            "facilitator": "ended by the facilitator"}[e.reason]


# ------------------------------------------------------------------ the log line

Emphasis = Literal["", "strong", "quiet", "effect"]  # effect: what moved the metrics
Part = tuple[str, Emphasis]


def log_parts(ex: Exercise, record: Record) -> list[Part]:
    """One log line for a record: its number and turn, then the event in words."""
    e = record.event
    out: list[Part] = [(f"{record.seq:>5} ", "quiet"), (f"T{record.turn} ", "quiet")]
    if isinstance(e, TurnStarted):
        out.append((f"── {ex.turn_label(e.turn)} (turn {e.turn} of {ex.turns}) ──", "strong"))
    elif isinstance(e, InjectDelivered):
        out += [(f"#{e.delivery} ", "strong"), (delivered_title(ex, e), "strong"),
                (f" → {', '.join(e.to)} ({reason(e)})", "")]
        if e.changes:
            out.append((f"; {changes(e.changes)}", "effect"))
    elif isinstance(e, DecisionRecorded):
        out += [(f"#{e.delivery} {e.team} ", "strong"), (decision(ex, e), "")]
        rolled = outcome_text(ex, e)
        if rolled:
            out.append((f"; {rolled}", ""))
        if e.changes:
            out.append((f"; {changes(e.changes)}", "effect"))
        if e.queued:
            out.append((f"; queues {', '.join(e.queued)}", ""))
    elif isinstance(e, NoDecision):
        out += [(f"#{e.delivery} {e.team} ", "strong"), ("no decision", "quiet")]
    elif isinstance(e, Rated):
        out += [(f"rated {e.team} on {e.objective}: ", ""), (str(e.rating), "strong")]
        if e.note:
            out.append((f" — {e.note}", ""))
    elif isinstance(e, NoteAdded):
        kind = "hot wash" if e.kind == "hotwash" else "note"
        out += [(f"{kind}{f' ({e.team})' if e.team else ''}: ", "strong"), (e.text, "")]
    elif isinstance(e, Withdrawn):
        out += [(f"correction: event {e.event} withdrawn", "strong"), (f" — {e.reason}", "")]
    elif isinstance(e, TurnEnded):
        out.append((f"turn {e.turn} ended", "quiet"))
    elif isinstance(e, ExerciseEnded):
        out.append((f"exercise ended ({ended_reason(e)})", "strong"))
        if e.outcome:
            out.append((f": {e.outcome}", ""))
    return out


def log_text(ex: Exercise, record: Record) -> str:
    """The log line as plain text (what a search of the log looks in)."""
    return "".join(text for text, _ in log_parts(ex, record))
