"""Lint: valid scripts that probably do not do what their author meant, as warnings
located at the inject, option, metric or objective they are about."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from hypothesis import given, settings

from engine.lint import lint
from engine.loader import load, parse_script
from engine.yamlread import parse
from tests.aar.reference import Playthrough
from tests.aar.test_report import ttx
from tests.strategies import exercise_of, scripts, to_yaml

SCRIPT = textwrap.dedent("""\
    format: ttx/1
    id: lint-me
    title: Lint me
    turns: 3
    teams:
      - {id: a, name: A}
      - {id: b, name: B}
    metrics:
      - {id: trust, initial: 50}
      - {id: morale, initial: {a: 40, default: 60}}
      - {id: stock, scope: global, min: 0, max: 10, initial: 5}
    objectives:
      - {id: share, title: Share}
      - {id: orphan, title: Nobody tests this}
    injects:
      - id: start
        title: Start
        turn: 1
        objectives: [share]
        effects: [{metric: stock, add: 1}]
        options:
          - id: agree
            label: Agree
            effects: [{metric: trust, team: self, add: 5}]
            next: [reached]
          - id: also-agree
            label: Also agree
            effects: [{metric: trust, team: self, add: 5}]
            next: [reached]
            rating: {share: P}
      - id: reached
        title: Reached
        follow_up: true
      - id: lonely
        title: Never called
        follow_up: true
        options:
          - {id: go, label: Go, next: [chain]}
      - id: chain
        title: Only called by lonely
        follow_up: true
      - id: over-max
        title: Stock above its max
        when: {metric: stock, above: 10}
      - id: frozen
        title: Morale never changes
        when: {metric: morale, team: any, below: 30}
      - id: late
        title: Wrong turn
        turn: 2
        when: {turn: {at_least: 3}}
      - id: fine
        title: Either way
        when:
          any:
            - {metric: stock, above: 10}
            - {not: {delivered: lonely}}
      - id: asks-lonely
        title: Waits for a choice never offered
        when: {chose: {inject: lonely, option: go}}
    end:
      - when: {metric: trust, team: all, below: 0}
        outcome: never
      - when: {not: {metric: trust, team: a, at_least: 0}}
        outcome: never either
      - when: {metric: stock, at_least: 10}
        outcome: possible
    """)


def warnings_of(tmp_path: Path, text: str = SCRIPT) -> list[tuple[int, int, str]]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    found = lint(load(path).exercise, str(path))
    assert all(d.severity == "warning" and d.path == str(path) for d in found)
    return [(d.line, d.col, d.message) for d in found]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_each_kind_of_warning_at_its_line(tmp_path: Path) -> None:
    found = warnings_of(tmp_path)
    at = {line: message for line, _, message in found}
    assert "metric 'morale' is never changed" in at[line_of(SCRIPT, "{id: morale")]
    assert "objective 'orphan' is exercised by no inject" in at[line_of(SCRIPT, "id: orphan")]
    assert ("options 'agree' and 'also-agree' of 'start' have identical effects, outcomes "
            "and follow-ups (only their ratings differ)") in at[line_of(SCRIPT, "id: also-agree")]
    assert "'lonely' can never be delivered (except by hand): it is a follow-up and no option" \
        in at[line_of(SCRIPT, "id: lonely")]
    assert "only injects that are never delivered name it" in at[line_of(SCRIPT, "id: chain")]
    assert "stock ranges over [0, 10]: above 10 is never true" in \
        at[line_of(SCRIPT, "when: {metric: stock, above: 10}")]
    assert "morale never changes from 40, 60: below 30 is never true" in \
        at[line_of(SCRIPT, "when: {metric: morale")]
    assert "can never hold at turn 2 (the turn is 2: turn at least 3 is never true)" in \
        at[line_of(SCRIPT, "when: {turn:")]
    assert "'lonely' is never delivered" in at[line_of(SCRIPT, "when: {chose:")]
    assert "trust ranges over [0, 100]: below 0 is never true" in \
        at[line_of(SCRIPT, "when: {metric: trust, team: all")]
    assert "at least 0 is always true" in at[line_of(SCRIPT, "when: {not:")]
    assert len(found) == 11  # and nothing about `reached`, `fine`, stock or `possible`


def test_columns_point_at_the_value(tmp_path: Path) -> None:
    found = warnings_of(tmp_path)
    line = line_of(SCRIPT, "id: lonely")
    col = next(c for ln, c, _ in found if ln == line)
    assert SCRIPT.splitlines()[line - 1][col - 1:].startswith("lonely")


def test_a_clean_script_has_no_warnings(tmp_path: Path) -> None:
    from tests.aar.conftest import DRILL

    clean = (DRILL.replace("  - {id: plan, title: Plan the boarding, capability: Planning}\n",
                           "")
             # a price for each right thing to do, and an end that reads every metric
             .replace("effects: [{metric: trust, team: self, add: 5}, {metric: interop, add: 5}]",
                      "effects: [{metric: trust, team: self, add: 5}, {metric: interop, add: 5},"
                      " {metric: fuel, team: self, add: -10}]")
             .replace("effects: [{metric: interop, add: 10}]",
                      "effects: [{metric: interop, add: 10}, {metric: trust, team: self, "
                      "add: -2}]")
             + "end:\n  - when: {all: [{metric: trust, team: all, at_least: 60}, {metric: "
             "fuel, team: all, at_least: 50}, {metric: interop, at_least: 60}]}\n"
             "    outcome: Both navies hold the picture.\n")
    assert warnings_of(tmp_path, clean) == []


def test_positions_are_found_without_the_file_too() -> None:
    ex = parse_script(SCRIPT, "mem.yaml")
    found = lint(ex, "/nonexistent/mem.yaml")
    assert len(found) == 11 and {(d.line, d.col) for d in found} == {(1, 1)}


def test_validate_prints_warnings_and_passes_unless_strict(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    done = ttx("validate", str(path))
    assert done.returncode == 0
    assert f"{path}:{line_of(SCRIPT, 'id: lonely')}:9: warning: inject 'lonely'" in done.stdout
    assert "0 error(s), 11 warning(s)" in done.stdout
    assert ttx("lint", str(path), "--strict").returncode == 1
    as_json = json.loads(ttx("lint", str(path), "--format", "json").stdout)
    assert {d["severity"] for d in as_json} == {"warning"} and len(as_json) == 11


@settings(max_examples=40, deadline=None)
@given(scripts())
def test_lint_never_claims_the_impossible_for_what_happens(script: dict[str, object]) -> None:
    """Soundness: an inject lint calls undeliverable is never delivered by bots, and an
    end rule it calls impossible never ends a run."""
    ex = exercise_of(script)
    doc = parse(to_yaml(script))
    found = lint(ex, "<generated>", doc)
    never = {i.id for i in ex.injects for d in found
             if f"{i.id!r} can never be delivered" in d.message
             or f"the `when` of {i.id!r} can never hold" in d.message}
    dead_rules = {i for i in range(len(ex.end)) for d in found
                  if (d.line, d.col) == doc.locate(("end", i, "when"))[0]}
    policy = {t.id: t.policy for t in ex.teams}
    for seed in range(8):
        play = Playthrough(ex, seed, policy)
        state = play.finish(play.start())
        assert never.isdisjoint(state.delivered)
        assert state.end_event is not None
        assert state.end_event.rule not in dead_rules
