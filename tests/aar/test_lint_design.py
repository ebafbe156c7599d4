"""Design checks: lint warns on what makes a degenerate exercise (a metric that
matters to nothing, a right answer posing as a dilemma, an option offered to a team
it does not fit, classified text sent beyond its marking), each at its line; and
`ttx simulate` flags an end one uniform policy always (or never) reaches."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from engine.lint import lint
from engine.loader import load
from tests.aar.test_report import ttx

BASE = textwrap.dedent("""\
    format: ttx/1
    id: design
    title: Design
    turns: 2
    teams:
      - {id: north, name: Northland Navy, role: Lead nation, policy: best:trust}
      - {id: south, name: Southport Guard, role: Host nation, policy: best:cash}
    metrics:
      - {id: trust, initial: 50}
      - {id: cash, initial: 50}
      - {id: cohesion, scope: global, initial: 50}
    injects:
      - id: ask
        title: A partner asks for help
        turn: 1
        text: TEXT
        options:
          - id: help
            label: Send help
            effects: [{metric: cohesion, add: 5}, {metric: cash, team: self, add: -5},
                      {metric: trust, team: others, add: 3}]
          - id: refuse
            label: Keep our money
            effects: [{metric: cash, team: self, add: 5}, {metric: cohesion, add: -5}]
    end:
      - when: {metric: cohesion, at_least: 60}
        outcome: The coalition holds.
    """)


def warnings(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return [(d.line, d.message) for d in lint(load(path).exercise, str(path))]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_real_trade_off_draws_no_warning(tmp_path: Path) -> None:
    assert warnings(tmp_path, BASE) == []


def test_a_metric_written_but_read_by_nothing(tmp_path: Path) -> None:
    text = BASE.replace("policy: best:cash", "policy: random")
    [(line, message)] = warnings(tmp_path, text)
    assert line == line_of(text, "{id: cash") and "'cash' is changed but never read" in message


@pytest.mark.parametrize("reader", [
    "  - {when: {metric: cash, team: any, below: 10}, outcome: Broke.}\n",  # an end
    None,  # an inject's trigger
])
def test_a_condition_or_an_end_reads_a_metric(tmp_path: Path, reader: str | None) -> None:
    text = BASE.replace("policy: best:cash", "policy: random")
    if reader is not None:
        text += reader
    else:
        text = text.replace("end:\n", "  - {id: audit, title: Audit, when: {not: {metric: "
                            "cash, team: all, above: 40}}}\nend:\n")
    assert warnings(tmp_path, text) == []


def test_an_option_better_on_every_metric_is_a_right_answer(tmp_path: Path) -> None:
    text = BASE.replace("{metric: cash, team: self, add: -5},",
                        "{metric: cash, team: self, add: 5},")
    [(line, message)] = warnings(tmp_path, text)
    assert line == line_of(text, "id: help")
    assert "'help' of 'ask' is at least as good as every other option" in message
    assert "(cash, cohesion)" in message


def test_chance_weighted_outcomes_count_and_a_set_is_never_judged(tmp_path: Path) -> None:
    risky = BASE.replace(
        "effects: [{metric: cohesion, add: 5}, {metric: cash, team: self, add: -5},\n"
        "                  {metric: trust, team: others, add: 3}]",
        "outcomes:\n          - {chance: 0.5, effects: [{metric: cohesion, add: 10}, "
        "{metric: trust, team: others, add: 3}]}\n"
        "          - {chance: 0.5, effects: [{metric: cash, team: self, add: 20}]}")
    [(_, message)] = warnings(tmp_path, risky)  # expected +5 cohesion, +10 cash
    assert "'help' of 'ask'" in message
    assert warnings(tmp_path, risky.replace("{metric: cash, team: self, add: 20}",
                                            "{metric: cash, team: self, set: 90}")) == []


def test_an_option_naming_one_teams_role_offered_to_all(tmp_path: Path) -> None:
    text = BASE.replace("label: Keep our money", "label: Open the host nation's port")
    found = dict(warnings(tmp_path, text))
    message = found[line_of(text, "Open the host nation")]
    assert "names the role of 'south' (Host nation)" in message
    assert "add `for: [south]`" in message
    fitted = text.replace("id: refuse\n", "id: refuse\n        for: [south]\n")
    assert not any("role" in m for _, m in warnings(tmp_path, fitted))


def test_a_team_left_with_no_option_it_may_take(tmp_path: Path) -> None:
    text = BASE.replace("id: help\n", "id: help\n        for: [north]\n").replace(
        "id: refuse\n", "id: refuse\n        for: [north]\n")
    assert any("'south' receives 'ask' but may take none of its options" in m
               for _, m in warnings(tmp_path, text))


@pytest.mark.parametrize(("text", "warned"), [
    ("SECRET//REL TO NORTHLAND, SOUTHPORT: the tracks", False),
    ("SECRET//REL TO NORTHLAND: the tracks", True),
    ("NORTHLAND EYES ONLY: the tracks", True),
    ("NOFORN: the tracks", True),
    ("NATO SECRET: the tracks", False),
    ("COALITION SECRET: the tracks", False),
    ("The secret is out: the tracks", False),  # not a marking: markings are capitals
])
def test_a_marking_addressed_beyond_its_release(tmp_path: Path, text: str,
                                                warned: bool) -> None:
    found = warnings(tmp_path, BASE.replace("text: TEXT", f"text: \"{text}\""))
    assert any("goes to" in m for _, m in found) == warned, found


def test_a_variant_gives_the_uncleared_team_its_own_text(tmp_path: Path) -> None:
    marked = BASE.replace("text: TEXT", "text: \"NORTHLAND EYES ONLY: the tracks\"\n"
                          "    variants: {south: Partners report a contact.}")
    assert not any("goes to" in m for _, m in warnings(tmp_path, marked))


# ------------------------------------------------------------------ simulate


def test_simulate_flags_an_end_one_uniform_policy_always_reaches(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BASE, encoding="utf-8")
    done = ttx("simulate", str(path), "--runs", "100", "--uniform-runs", "50", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    holds, last = report["ends"]
    # `help` twice: cohesion 50 -> 60 under best:cohesion, and never under worst:cohesion
    assert holds["rates"]["best:cohesion"] == 1.0 and holds["rates"]["worst:cohesion"] == 0.0
    assert "best:cohesion" in holds["dominant"] and not holds["unreachable"]
    assert last["outcome"] is None and last["dominant"] == []
    assert report["balanced"] is False
    text = ttx("simulate", str(path), "--runs", "100", "--uniform-runs", "50").stdout
    assert ("warning: end 1 is reached in every run with every team on best:cohesion: a "
            "dominant strategy") in text


def test_simulate_flags_an_end_no_policy_reaches(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace("at_least: 60", "at_least: 100"), encoding="utf-8")
    report = json.loads(ttx("simulate", str(path), "--runs", "50", "--uniform-runs", "20",
                            "--json").stdout)
    assert report["ends"][0]["unreachable"] is True
    skipped = json.loads(ttx("simulate", str(path), "--runs", "50", "--uniform-runs", "0",
                             "--json").stdout)
    assert skipped["uniform_runs"] == 0 and list(skipped["ends"][0]["rates"]) == ["script"]
