"""What the console lists for the turn: a scheduled inject whose condition failed is
not "still to deliver", and a once-only follow-up already delivered is not queued."""

from __future__ import annotations

from pathlib import Path

from ui.controller import SessionController

SCRIPT = """\
format: ttx/1
id: plan
title: Plan
turns: 3
teams: [{id: a, name: A}]
metrics: [{id: m, initial: 50}]
injects:
  - id: start
    title: Start
    turn: 1
    options:
      - {id: go, label: Go, next: [echo]}
  - id: again
    title: Again
    turn: 2
    options:
      - {id: go, label: Go, next: [echo]}
  - id: echo
    title: Echo
    follow_up: true
    once: true
  - id: never-now
    title: Only when m is low
    turn: 1
    when: {metric: m, team: a, below: 10}
"""


def test_the_turn_plan_says_what_will_really_happen(tmp_path: Path) -> None:
    script = tmp_path / "plan.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    c = SessionController.start(script, mode="facilitate", seed=1, saves_dir=tmp_path,
                                fsync=False)
    try:
        plan = c.turn_plan()
        assert [i.id for i in plan.waiting] == ["never-now"]  # its condition failed
        c.decide("a", 1, "go")
        assert [i.id for i in c.turn_plan().queued] == ["echo"]
        c.advance()  # echo delivered in turn 2
        assert c.state.delivered.get("echo") == 1
        c.decide("a", c.state.this_turn()[0].number, "go")  # queues echo once more
        assert [i.id for i in c.turn_plan().queued] == []  # once: it will not come again
    finally:
        c.close()

