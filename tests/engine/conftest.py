"""Helpers for the engine's specification tests: small scripts written as YAML text.

The tests in this folder read SCRIPT_FORMAT.md independently of the engine, so the
helpers here stay small and obvious: parse some YAML, play it, look at the result.
Anything the specification computes (rolls, arithmetic) the tests compute themselves.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Iterable
from pathlib import Path

import pytest

from engine.commands import Command, Controllers, Start
from engine.diagnostics import Diagnostic, ScriptError
from engine.events import DecisionRecorded, InjectDelivered
from engine.loader import parse_script
from engine.script import Exercise
from engine.session import Session

DATA = Path(__file__).parent / "data"

# A small valid setting most tests share; a test appends its own `injects:` (and `end:`).
# Three teams so that `self`, `others` and "not addressed" are all different sets.
PREAMBLE = """\
format: ttx/1
id: demo
title: Demo
turns: 3
teams:
  - {id: north, name: North}
  - {id: south, name: South}
  - {id: east, name: East}
metrics:
  - {id: trust, initial: 50}
  - {id: interop, scope: global, initial: 10}
objectives:
  - {id: share, title: Share, weight: 2}
  - {id: warn, title: Warn}
"""

# One inject, so that PREAMBLE + ONE_INJECT is a complete, valid script.
ONE_INJECT = """\
injects:
  - id: one
    title: One
    turn: 1
    options:
      - {id: a, label: A}
"""


def yaml_text(text: str) -> str:
    """Tests indent their YAML with the code; the file starts at column 1."""
    return textwrap.dedent(text)


def build(text: str, name: str = "demo.yaml") -> Exercise:
    """Load a script from YAML text (raises ScriptError like a file would)."""
    return parse_script(yaml_text(text), name)


def refusals(text: str | bytes, name: str = "demo.yaml") -> list[Diagnostic]:
    """Every diagnostic the loader gives for a script it must refuse."""
    raw = yaml_text(text) if isinstance(text, str) else text
    with pytest.raises(ScriptError) as refused:
        parse_script(raw, name)
    assert refused.value.diagnostics, "a refusal must say what is wrong"
    return refused.value.diagnostics


def at(text: str, marker: str, nth: int | None = None) -> tuple[int, int]:
    """The 1-based (line, col) where `marker` starts in the YAML `text`.

    Lets a test say "the error is at this key" in words while still asserting the
    exact position. Without `nth` the marker must occur exactly once; with it, the
    nth occurrence (1-based) is meant.
    """
    text = yaml_text(text)
    if nth is None:
        assert text.count(marker) == 1, f"{marker!r} is not unique in the script"
        nth = 1
    index = -1
    for _ in range(nth):
        index = text.find(marker, index + 1)
        assert index >= 0, f"{marker!r} occurs fewer than {nth} time(s) in the script"
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def spec_roll(seed: int, kind: str, turn: int, inject: str, n: int, team: str) -> float:
    """A roll exactly as SCRIPT_FORMAT.md defines it, written out independently:
    the first 8 bytes, big-endian, of SHA-256 of "{seed}:{kind}:{turn}:{inject}:{n}:{team}",
    divided by 2^64."""
    digest = hashlib.sha256(f"{seed}:{kind}:{turn}:{inject}:{n}:{team}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def play(text: str, seed: int = 7, bots: Iterable[str] = (), start: bool = True) -> Session:
    """A live session of a script (no save file); started unless asked not to."""
    session = Session(build(text), seed, Controllers(frozenset(bots)))
    if start:
        session.execute(Start())
    return session


def run(session: Session, *commands: Command) -> Session:
    for command in commands:
        session.execute(command)
    return session


def deliveries(session: Session, turn: int | None = None) -> list[str]:
    """Inject ids in delivery order (of one turn, or of the whole session)."""
    return [d.inject for d in session.state.deliveries if turn is None or d.turn == turn]


def delivery_events(session: Session) -> list[InjectDelivered]:
    return [r.event for r in session.records if isinstance(r.event, InjectDelivered)]


def decisions(session: Session) -> list[DecisionRecorded]:
    return [r.event for r in session.records if isinstance(r.event, DecisionRecorded)]


def metrics(session: Session) -> dict[str, int]:
    """Every metric value, named `trust[north]` / `interop`, for readable asserts."""
    return {(f"{m}[{t}]" if t else m): v for (m, t), v in sorted(
        session.state.metrics.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))}
