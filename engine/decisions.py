"""Decision files: scripted play for `ttx run --decisions FILE` (headless).

Entries are applied in order, each in its turn before that turn ends; any entry
that cannot be applied stops the run at its `file:line:col`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, ValidationError

from .commands import Advance, Command, CommandError, Decide, Deliver, DeliverAdhoc, End, Note, Rate
from .diagnostics import Diagnostic, ScriptError
from .files import Unreadable, read_capped
from .loader import read_document, validation_error
from .script import Effect, Id, Rating
from .session import Session
from .yamlread import read_text


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TeamEntry(Entry):
    """A team's decision: an option, a free-text response, optional ratings."""

    turn: int = Field(ge=1)
    team: Id
    inject: Id
    option: Id | None = None
    response: str | None = None
    rating: dict[str, Rating] = Field(default_factory=dict)


class RateAction(Entry):
    team: Id
    objective: Id
    rating: Rating
    note: str = ""
    observed: list[Id] = Field(default_factory=list)  # critical tasks seen done


class AdhocAction(Entry):
    title: str
    text: str = ""
    channel: str | None = None
    from_: str | None = Field(None, alias="from")
    to: list[Id] = Field(default_factory=list)
    effects: list[Effect] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FacilitatorAction(Entry):
    """Exactly one of: a hand delivery, a rating, a note, an ad-hoc inject, an end."""

    inject: Id | None = None
    rate: RateAction | None = None
    note: str | None = None
    hotwash: str | None = None
    adhoc: AdhocAction | None = None
    end: str | None = None

    def command(self) -> Command:
        set_ = [k for k in ("inject", "rate", "note", "hotwash", "adhoc", "end")
                if getattr(self, k) is not None]
        if len(set_) != 1:
            raise CommandError("a facilitator entry takes exactly one of "
                               "inject, rate, note, hotwash, adhoc, end")
        if self.inject is not None:
            return Deliver(self.inject)
        if self.rate is not None:
            r = self.rate
            return Rate(r.team, r.objective, r.rating, r.note, tuple(r.observed))
        if self.note is not None:
            return Note(self.note)
        if self.hotwash is not None:
            return Note(self.hotwash, kind="hotwash")
        if self.adhoc is not None:
            a = self.adhoc
            return DeliverAdhoc(a.title, a.text, a.channel, a.from_, tuple(a.to),
                                tuple(a.effects))
        return End(self.end)


class FacilitatorEntry(Entry):
    turn: int = Field(ge=1)
    facilitator: FacilitatorAction


def _kind(value: Any) -> str:
    return "facilitator entry" if isinstance(value, dict) and "facilitator" in value \
        else "team entry"


# The tags are not keys an entry may have: pydantic puts the tag into error locations,
# and a tag equal to a key (`team`) would send the diagnostic to that key's position.
AnyEntry = Annotated[Annotated[TeamEntry, Tag("team entry")]
                     | Annotated[FacilitatorEntry, Tag("facilitator entry")],
                     Discriminator(_kind)]
_ENTRIES: TypeAdapter[list[AnyEntry]] = TypeAdapter(list[AnyEntry])


@dataclass(frozen=True)
class Located:
    entry: TeamEntry | FacilitatorEntry
    path: str
    line: int
    col: int

    def fail(self, message: str) -> ScriptError:
        return ScriptError([Diagnostic(self.path, self.line, self.col, message)])


def load(path: str | Path) -> list[Located]:
    name = str(path)
    try:
        raw = read_capped(path)
    except Unreadable as exc:
        raise ScriptError([Diagnostic(name, 1, 1, f"cannot read: {exc.reason}")]) from None
    text, problem = read_text(name, raw)
    if problem is not None or text is None:
        raise ScriptError([problem] if problem else [])
    doc = read_document(text, name)
    if doc.data is None:
        return []
    if not isinstance(doc.data, list):
        raise ScriptError([Diagnostic(name, 1, 1, "a decisions file is a YAML list of entries")])
    try:
        entries = _ENTRIES.validate_python(doc.data)
    except ValidationError as exc:
        raise validation_error(exc, doc, name) from None
    out = []
    for i, entry in enumerate(entries):
        (line, col), _ = doc.locate((i,))
        out.append(Located(entry, name, line, col))
    return out


def commands(entry: TeamEntry | FacilitatorEntry) -> list[Command]:
    if isinstance(entry, FacilitatorEntry):
        return [entry.facilitator.command()]
    cmds: list[Command] = []
    if entry.option is not None or entry.response is not None:
        cmds.append(Decide(team=entry.team, inject=entry.inject, option=entry.option,
                           response=entry.response))
    cmds += [Rate(entry.team, objective, rating) for objective, rating in entry.rating.items()]
    if not cmds:
        raise CommandError("an entry needs an option, a response or a rating")
    return cmds


def play(session: Session, entries: list[Located],
         on_turn: Callable[[Session], None] | None = None) -> None:
    """Play a started session to its end: entries in their turns, then Advance."""
    index = 0
    while not session.state.ended:
        turn = session.state.turn
        while index < len(entries) and entries[index].entry.turn <= turn:
            located = entries[index]
            if located.entry.turn < turn:
                raise located.fail(f"entry for turn {located.entry.turn} comes after "
                                   f"turn {turn} started (entries go in turn order)")
            try:
                if isinstance(located.entry, TeamEntry):
                    _check_delivered(session, located.entry)
                for command in commands(located.entry):
                    session.execute(command)
            except CommandError as exc:
                raise located.fail(str(exc)) from None
            index += 1
            if session.state.ended:
                break
        if session.state.ended:
            break
        session.execute(Advance())
        if on_turn is not None:
            on_turn(session)
    if index < len(entries):
        late = entries[index]
        raise late.fail(f"the exercise ended in turn {session.state.turn}; "
                        f"this entry for turn {late.entry.turn} was never applied")


def _check_delivered(session: Session, entry: TeamEntry) -> None:
    state = session.state
    if not any(d.inject == entry.inject and entry.team in d.to for d in state.this_turn()):
        raise CommandError(f"{entry.inject!r} was not delivered to {entry.team} "
                           f"in turn {state.turn}")
