"""Shared material for the after-action tests: a small drill, and a session of it
played by people with ratings, notes and a hot wash, saved as a real log.

The drill is small enough to follow by hand: two teams, two team metrics and one
global metric, three objectives (one never rated), three turns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from engine import saved
from engine.commands import Advance, Command, Decide, Note, Rate
from engine.loader import LoadedScript, load
from engine.session import Session

DRILL = """\
format: ttx/1
id: drill
title: Harbour Drill
summary: Two navies share one harbour and one picture.
turns: 3
turn_labels: ["Day 1", "Day 2", "Day 3"]
seed: 11
exercise:
  type: tabletop
  mission_areas: [Response]
  scope: Two services of two nations, one harbour, three days.
  threat: A satellite outage during a contact of interest.
  location: Harbour operations room
  sponsor: Joint Harbour Command
  contact: {name: Cdr A. Example, role: Exercise director, email: director@example.org}
  minutes: 120
  assumptions: [The outage lasts the whole exercise.]
teams:
  - {id: alpha, name: Alpha Navy, role: Lead nation}
  - {id: bravo, name: Bravo Coast Guard, policy: random}
metrics:
  - {id: trust, label: Partner trust, initial: {alpha: 60, default: 50}}
  - {id: fuel, label: Fuel, initial: 80}
  - {id: interop, label: Interoperability, scope: global, initial: 40}
objectives:
  - {id: share, title: Share the picture, capability: Intelligence and Information Sharing,
     weight: 2, improvement: Name a coalition picture manager in the standing plan.}
  - id: comms
    title: Keep comms up
    capability: Operational Communications
    critical_tasks:
      - {id: hf, text: Fall back to HF within 15 minutes}
      - {id: tell, text: Tell every partner of the outage}
  - {id: plan, title: Plan the boarding, capability: Planning}
injects:
  - id: outage
    title: Satellite link down
    turn: 1
    expected: Fall back to HF and tell every partner.
    objectives: [comms]
    effects: [{metric: fuel, team: self, add: -5}]
    options:
      - id: hf
        label: Fall back to HF
        effects: [{metric: trust, team: self, add: 5}, {metric: interop, add: 5}]
        rating: {comms: P}
      - id: wait
        label: Wait for the repair
        effects: [{metric: trust, team: self, add: -10}]
        rating: {comms: U}
  - id: contact
    title: Unknown contact
    turn: 2
    expected: Name one picture manager and share the track.
    objectives: [share]
    options:
      - id: share-now
        label: Share the track now
        effects: [{metric: interop, add: 10}]
        rating: {share: P}
      - id: keep
        label: Keep it national
        effects: [{metric: trust, team: others, add: -5}]
        rating: {share: M}
  - id: wrap
    title: End of play
    turn: 3
    text: Hot wash follows.
"""


@dataclass
class Played:
    script: LoadedScript
    save: Path
    session: Session


def write_drill(directory: Path, text: str = DRILL, name: str = "drill.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def play(script_path: Path, save_path: Path, commands_by_turn: list[list[Command]],
         seed: int = 11, bots: frozenset[str] = frozenset()) -> Played:
    """Start a saved session, run each turn's commands, advance after each turn."""
    script = load(script_path)
    live = saved.start(script, seed=seed, bots=bots, mode="facilitate", path=save_path,
                       fsync=False)
    try:
        for commands in commands_by_turn:
            for command in commands:
                live.session.execute(command)
            if not live.session.state.ended:
                live.session.execute(Advance())
    finally:
        live.close()
    return Played(script, save_path, live.session)


# Turn 1: alpha falls back to HF (P on comms), bravo waits (U on comms).
# Turn 2: an evaluator rates alpha S on share before alpha shares (the option's P is
# only suggested: S stays final); bravo keeps it national (M on share); an evaluator
# rates bravo S on comms after all (HF seen, partners not told), with a note; a note.
# Turn 3: a hot wash about the exercise, and one about bravo on sharing.
STANDARD = [
    [Decide("alpha", inject="outage", option="hf"),
     Decide("bravo", inject="outage", option="wait")],
    [Rate("alpha", "share", "S", note="Shared, after an hour's debate"),
     Decide("alpha", inject="contact", option="share-now"),
     Decide("bravo", inject="contact", option="keep"),
     Rate("bravo", "comms", "S", note="Recovered by noon | used the HF <backup>",
          observed=("hf",)),
     Note("Bravo's watch officer briefed the partners late.", team="bravo")],
    [Note("HF worked; the satellite plan did not.", kind="hotwash"),
     Note("We waited for the lead nation before sharing.", kind="hotwash", team="bravo",
          objective="share")],
]


@pytest.fixture
def drill(tmp_path: Path) -> Played:
    return play(write_drill(tmp_path), tmp_path / "drill.jsonl", STANDARD)
