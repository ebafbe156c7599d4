"""Words for engine facts: one line per event, a delivery's title and sender, a change.

Pure functions of the script and the state or record, shared by every view (console,
solo, the future review timeline), so the same fact always reads the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text

from engine.events import (
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
)
from engine.script import Effect, Exercise, Option
from engine.session import Record
from engine.state import Delivery


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


def title(ex: Exercise, delivery: Delivery) -> str:
    return message(ex, delivery).title


def team_name(ex: Exercise, team: str | None) -> str:
    found = ex.team(team) if team else None
    return found.name if found else (team or "")


def option_label(ex: Exercise, inject: str, option: str | None) -> str:
    found = ex.inject(inject)
    chosen = found.option(option) if found and option else None
    return chosen.label if chosen else (option or "")


def reason(delivery: InjectDelivered) -> str:
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
    if isinstance(why, Adhoc):
        return "ad hoc"
    return ""


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
    inject = ex.inject(decision.inject)
    option = inject.option(decision.option) if inject and decision.option else None
    roll = next((r for r in decision.rolls if r.kind == "outcome"), None)
    drawn = f"roll {roll.r:.3f} → outcome {decision.outcome + 1}" if roll else \
        f"outcome {decision.outcome + 1}"
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


def describe(ex: Exercise, record: Record) -> Text:
    """One log line for a record."""
    e = record.event
    line = Text(f"{record.seq:>5} ", style="dim")
    line.append(f"T{record.turn} ", style="dim")
    if isinstance(e, TurnStarted):
        line.append(f"── {ex.turn_label(e.turn)} (turn {e.turn} of {ex.turns}) ──",
                    style="bold")
    elif isinstance(e, InjectDelivered):
        scripted = ex.inject(e.inject)
        name = e.reason.title if isinstance(e.reason, Adhoc) else (
            scripted.title if scripted else e.inject)
        line.append(f"#{e.delivery} ", style="bold")
        line.append(f"{name}", style="bold")
        line.append(f" → {', '.join(e.to)} ({reason(e)})")
        if e.changes:
            line.append(f"; {changes(e.changes)}", style="italic")
    elif isinstance(e, DecisionRecorded):
        line.append(f"#{e.delivery} {e.team} ", style="bold")
        line.append(decision(ex, e))
        rolled = outcome_text(ex, e)
        if rolled:
            line.append(f"; {rolled}")
        if e.changes:
            line.append(f"; {changes(e.changes)}", style="italic")
        if e.queued:
            line.append(f"; queues {', '.join(e.queued)}")
    elif isinstance(e, NoDecision):
        line.append(f"#{e.delivery} {e.team} ", style="bold")
        line.append("no decision", style="dim")
    elif isinstance(e, Rated):
        line.append(f"rated {e.team} on {e.objective}: ")
        line.append(str(e.rating), style="bold")
        if e.note:
            line.append(f" — {e.note}")
    elif isinstance(e, NoteAdded):
        kind = "hot wash" if e.kind == "hotwash" else "note"
        line.append(f"{kind}{f' ({e.team})' if e.team else ''}: ", style="bold")
        line.append(e.text)
    elif isinstance(e, TurnEnded):
        line.append(f"turn {e.turn} ended", style="dim")
    elif isinstance(e, ExerciseEnded):
        line.append(f"exercise ended ({ended_reason(e)})", style="bold")
        if e.outcome:
            line.append(f": {e.outcome}")
    return line


def ended_reason(e: ExerciseEnded) -> str:
    return {"condition": "an end condition held", "last_turn": "last turn played",
            "facilitator": "ended by the facilitator"}[e.reason]
