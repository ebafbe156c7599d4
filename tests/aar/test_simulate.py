"""`ttx simulate`: bot playthroughs in memory and their statistics, checked on scripts
whose distributions are known by construction: every roll is a hash of its identity
(SCRIPT_FORMAT.md, Rolls), so the tests compute the expected counts themselves."""

from __future__ import annotations

import json
import math
import os
import pty
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings

from engine.loader import load, parse_script
from engine.rolls import draw, roll_key
from engine.simstats import Tally, distribution, summary, tally_seeds, uniform_policies
from engine.simulate import PolicyError, Simulator, parse_policies
from tests.aar.reference import (
    Playthrough,
    replayed_points,
    result,
    session_result,
    with_policies,
)
from tests.aar.test_report import ROOT, ttx
from tests.strategies import exercise_of, scripts
from ui.cli.simulate import simulate

COIN = """\
format: ttx/1
id: coin
title: Coin
turns: 3
teams:
  - {id: a, name: A}
metrics:
  - {id: done, scope: global, min: 0, max: 1, initial: 0}
  - {id: tally, scope: global, initial: 0}
injects:
  - id: toss
    title: Toss
    turn: 1
    options:
      - id: flip
        label: Flip
        outcomes:
          - {chance: 0.25, effects: [{metric: done, set: 1}]}
          - {chance: 0.75, effects: [{metric: tally, add: 1}]}
  - id: tick
    title: Tick
    turn: 2
    effects: [{metric: tally, add: 1}]
  - id: never
    title: Never
    when: {metric: done, at_least: 2}
end:
  - when: {metric: done, at_least: 1}
    outcome: early
"""

CHOICE = """\
format: ttx/1
id: choice
title: Choice
turns: 1
teams:
  - {id: a, name: A, policy: random}
objectives:
  - {id: o, title: O}
injects:
  - id: pick
    title: Pick
    turn: 1
    options:
      - {id: good, label: Good, rating: {o: P}}
      - {id: bad, label: Bad, rating: {o: U}}
"""

# Safe scores 2.0 (M). Gamble scores 3.0 (S), unless its coin (chance 0.5) brings a
# crisis rated U at double weight: (3 + 2 x 1) / 3 = 1.67. So which option is best
# depends on the dice, seed by seed: neither is best under every seed.
DICE = """\
format: ttx/1
id: dice
title: Dice
turns: 2
teams:
  - {id: a, name: A, policy: random}
objectives:
  - {id: o1, title: O1}
  - {id: o2, title: O2, weight: 2}
injects:
  - id: choice
    title: Choice
    turn: 1
    options:
      - {id: safe, label: Safe, rating: {o1: M}}
      - id: gamble
        label: Gamble
        rating: {o1: S}
        outcomes:
          - {chance: 0.5, next: [crisis]}
          - {chance: 0.5}
  - id: crisis
    title: Crisis
    follow_up: true
    options:
      - {id: cope, label: Cope, rating: {o2: U}}
"""


def run_all(text: str, runs: int, first: int = 1, balance: int = 0, jobs: int = 1,
            policy: list[str] | None = None) -> dict[str, object]:
    ex = parse_script(text)
    chosen = parse_policies(ex, policy or [])
    tally = simulate(ex, chosen, first, runs, balance, jobs)
    return summary(ex, tally, policy=chosen, first_seed=first, balance_seeds=balance)


def binomial_ok(count: int, n: int, p: float, sigmas: float = 4.0) -> bool:
    return abs(count - n * p) <= sigmas * math.sqrt(n * p * (1 - p))


def outcome_roll(seed: int, inject: str, team: str, turn: int = 1) -> float:
    return draw(roll_key(seed, "outcome", turn, inject, 1, team))


def policy_roll(seed: int, inject: str, team: str, turn: int = 1) -> float:
    return draw(roll_key(seed, "policy", turn, inject, 1, team))


# ------------------------------------------------------------------ known distributions


def test_early_end_frequency_is_exactly_the_rolls_below_its_chance() -> None:
    n = 4000
    report = run_all(COIN, n)
    expected = sum(outcome_roll(s, "toss", "a") < 0.25 for s in range(1, n + 1))
    outcomes = {o["outcome"]: o["runs"] for o in report["outcomes"]}  # type: ignore[index]
    assert outcomes == {"early": expected, None: n - expected}
    assert binomial_ok(expected, n, 0.25)
    turns = report["turns"]
    assert (turns["min"], turns["max"]) == (1, 3)  # type: ignore[index]


def test_final_metric_distribution_is_min_median_max_of_the_runs() -> None:
    n = 1000
    report = run_all(COIN, n)
    # an early end stops before the tally moves; otherwise the outcome and `tick` add 1 each
    expected = sorted(0 if outcome_roll(s, "toss", "a") < 0.25 else 2 for s in range(1, n + 1))
    tally = next(m for m in report["metrics"] if m["metric"] == "tally")  # type: ignore
    assert tally["min"] == expected[0] and tally["max"] == expected[-1]
    assert tally["median"] == (expected[n // 2 - 1] + expected[n // 2]) / 2
    assert tally["mean"] == pytest.approx(sum(expected) / n)


def test_injects_never_delivered_are_listed() -> None:
    assert run_all(COIN, 200)["never_delivered"] == ["never"]
    assert run_all(DICE, 200)["never_delivered"] == []  # the crisis comes in some runs


def test_results_do_not_depend_on_the_number_of_processes() -> None:
    one = run_all(DICE, 1200, balance=600, jobs=1)
    two = run_all(DICE, 1200, balance=600, jobs=2)
    assert one == two


def test_the_same_seeds_give_the_same_report() -> None:
    assert run_all(COIN, 300, first=50) == run_all(COIN, 300, first=50)
    assert run_all(COIN, 300, first=50) != run_all(COIN, 300, first=51)


# ------------------------------------------------------------------ options


def test_pick_rate_of_a_random_policy_is_its_rolls() -> None:
    n = 2000
    report = run_all(CHOICE, n)
    good = sum(min(int(policy_roll(s, "pick", "a") * 2), 1) == 0 for s in range(1, n + 1))
    rows = {o["option"]: o for o in report["options"]}  # type: ignore[attr-defined]
    assert rows["good"]["picks"] == good and rows["bad"]["picks"] == n - good
    assert rows["good"]["pick_rate"] == good / n
    assert binomial_ok(good, n, 0.5)


def test_mean_effect_is_chosen_minus_not_chosen_final_score() -> None:
    rows = {o["option"]: o for o in run_all(CHOICE, 500)["options"]}  # type: ignore
    assert rows["good"]["mean_score_chosen"] == 4.0  # P
    assert rows["good"]["mean_score_not_chosen"] == 1.0  # U
    assert rows["good"]["mean_effect"] == 3.0 and rows["bad"]["mean_effect"] == -3.0


def test_mean_effect_is_none_when_a_policy_never_varies() -> None:
    rows = run_all(CHOICE, 50, policy=["a=first"])["options"]
    good = next(o for o in rows if o["option"] == "good")  # type: ignore[union-attr]
    assert good["pick_rate"] == 1.0 and good["mean_effect"] is None


# ------------------------------------------------------------------ balance


def test_an_option_best_under_every_seed_is_flagged() -> None:
    report = run_all(CHOICE, 300, balance=100)
    assert report["balance"] == {"seeds": 100, "dominant": [
        {"inject": "pick", "team": "a", "option": "good", "decisions_replayed": 100}]}
    assert report["balanced"] is False


def test_dilemma_that_depends_on_the_dice_is_not_flagged() -> None:
    ex = parse_script(DICE)
    tally = Tally()  # every seed replayed (no settling), to count exactly
    simulator = Simulator(ex)
    for seed in range(1, 201):
        run, points = simulator.play(seed, probe=lambda inject, team: True)
        tally.add(run, points, {"choice": ["safe", "gamble"], "crisis": ["cope"]})
    crisis = sum(outcome_roll(s, "choice", "a") < 0.5 for s in range(1, 201))
    assert tally.points[("choice", "a")] == 200
    assert tally.best[("choice", "a", "safe")] == crisis  # safe wins when the coin bites
    assert tally.best[("choice", "a", "gamble")] == 200 - crisis
    report = summary(ex, tally, policy={"a": "random"}, first_seed=1, balance_seeds=200)
    assert report["balance"]["dominant"] == [] and report["balanced"] is True


def test_replays_stop_once_a_decision_is_settled_without_changing_the_answer() -> None:
    ex = parse_script(DICE)
    pruned = tally_seeds(Simulator(ex, {"a": "random"}), range(1, 301), balance_below=301)
    assert 0 < pruned.points[("choice", "a")] < 300  # settled long before the end
    assert summary(ex, pruned, policy={"a": "random"}, first_seed=1,
                   balance_seeds=300)["balance"]["dominant"] == []


def test_counterfactual_scores_are_what_forcing_each_option_gives() -> None:
    ex = parse_script(DICE)
    for seed in range(1, 30):
        _, points = Simulator(ex).play(seed, probe=lambda inject, team: True)
        (point,) = [p for p in points if p.inject == "choice"]
        crisis = outcome_roll(seed, "choice", "a") < 0.5
        assert point.scores == (2.0, (3 + 2) / 3 if crisis else 3.0)


# ------------------------------------------------------------------ playthroughs


@pytest.mark.parametrize("path", sorted((ROOT / "exercises").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_simulated_runs_are_the_sessions_bots_would_play(path: Path) -> None:
    ex = load(path).exercise
    policy = {t.id: t.policy for t in ex.teams}
    for seed in range(6):
        expected = session_result(ex, seed)
        assert Simulator(ex).run(seed) == expected
        play = Playthrough(ex, seed, policy)  # the decisions taken outside the rules
        assert result(ex, seed, play.finish(play.start())) == expected
    for uniform in uniform_policies(ex).values():  # every policy on every team
        simulator = Simulator(ex, uniform)
        for seed in range(2):
            assert simulator.run(seed) == session_result(with_policies(ex, uniform), seed)


@settings(max_examples=60, deadline=None)
@given(scripts())
def test_playthroughs_match_sessions_on_any_script(script: dict[str, object]) -> None:
    """Both fast paths, the compiled playout (`Simulator.run`) and the playthrough that
    decides outside the rules, are the session a team of bots plays."""
    ex = exercise_of(script)
    policy = {t.id: t.policy for t in ex.teams}
    for seed in (0, 1, 2):
        expected = session_result(ex, seed)
        play = Playthrough(ex, seed, policy)
        assert result(ex, seed, play.finish(play.start())) == expected
        assert Simulator(ex).run(seed) == expected


@settings(max_examples=40, deadline=None)
@given(scripts())
def test_forced_playouts_answer_what_forcing_through_the_rules_does(
        script: dict[str, object]) -> None:
    """Balance replays: each decision played again with every option, from the start
    with that decision forced, gives the scores replaying it through the rules from
    the state just before it gives."""
    ex = exercise_of(script)
    for seed in (0, 1):
        _, points = Simulator(ex).play(seed, probe=lambda inject, team: True)
        assert [(p.inject, p.team, p.chosen, p.scores) for p in points] \
            == replayed_points(ex, seed)


def test_a_simulator_refuses_a_policy_it_cannot_play() -> None:
    ex = parse_script(DICE)
    for policy in ("best:nope", "sideways", "best", "random:x"):
        with pytest.raises(ValueError, match="is not a policy"):
            Simulator(ex, {"a": policy})


def test_policy_overrides_are_checked() -> None:
    ex = parse_script(CHOICE)
    assert parse_policies(ex, ["a=first"]) == {"a": "first"}
    for bad, words in (("a", "TEAM=POLICY"), ("z=first", "no team 'z'"),
                       ("a=best:nothing", "not a policy")):
        with pytest.raises(PolicyError, match=words):
            parse_policies(ex, [bad])


def test_distribution_of_counts() -> None:
    from collections import Counter

    assert distribution(Counter()) is None
    assert distribution(Counter({1: 1, 5: 1})) == {"min": 1, "median": 3, "mean": 3, "max": 5}
    assert distribution(Counter({2: 3, 9: 1}))["median"] == 2  # type: ignore[index]


def test_tallies_merge_to_the_whole() -> None:
    ex = parse_script(DICE)
    whole = tally_seeds(Simulator(ex, {"a": "random"}), range(1, 101), balance_below=0)
    parts = Tally()
    parts.merge(tally_seeds(Simulator(ex, {"a": "random"}), range(1, 51), balance_below=0))
    parts.merge(tally_seeds(Simulator(ex, {"a": "random"}), range(51, 101), balance_below=0))
    assert parts == whole


# ------------------------------------------------------------------ command line


def test_cli_json_report(tmp_path: Path) -> None:
    script = tmp_path / "dice.yaml"
    script.write_text(DICE, encoding="utf-8")
    done = ttx("simulate", str(script), "--runs", "300", "--seed", "5", "--json",
               "--balance-seeds", "50")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["runs"] == 300 and report["seeds"] == {"first": 5, "last": 304}
    assert report["balance"]["seeds"] == 50
    assert set(report["definitions"]) == {"pick_rate", "mean_effect", "best_under_every_seed"}


def test_the_progress_bar_draws_on_a_terminal_and_is_not_escaped(tmp_path: Path) -> None:
    """The bar is the program's own drawing: it reaches the terminal as drawing, while
    the report's text still goes through the escaping every headless command has."""
    script = tmp_path / "dice.yaml"
    script.write_text(DICE, encoding="utf-8")
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdout and stderr are the terminal
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "ui.cli", "simulate", str(script),
                                  "--runs", "300", "--balance-seeds", "0"])
    shown = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.waitpid(pid, 0)
    assert b"simulating" in shown and b"\\x1b" not in shown  # drawn, not shown escaped
    assert b"300 runs" in shown


def test_cli_text_report_and_strict(tmp_path: Path) -> None:
    script = tmp_path / "choice.yaml"
    script.write_text(CHOICE, encoding="utf-8")
    done = ttx("simulate", str(script), "--runs", "200", "--jobs", "2", "--strict")
    assert done.returncode == 1  # 'good' is best under every seed
    for words in ("200 runs, seeds 1..200", "Outcomes", "Final metrics",
                  "Final weighted score per team", "pick rate", "minus in runs where",
                  "warning: a choosing 'good' on 'pick' is best under every seed",
                  "Verdict: NOT balanced"):
        assert words in done.stdout
    assert ttx("simulate", str(script), "--runs", "50").returncode == 0


def test_cli_refuses_bad_input_without_a_traceback(tmp_path: Path) -> None:
    script = tmp_path / "choice.yaml"
    script.write_text(CHOICE, encoding="utf-8")
    done = ttx("simulate", str(script), "--policy", "a=sometimes")
    assert done.returncode == 2 and "not a policy" in done.stderr
    done = ttx("simulate", str(script), "--runs", "0")
    assert done.returncode == 2 and "less than 1" in done.stderr
    done = ttx("simulate", str(tmp_path / "missing.yaml"))
    assert done.returncode == 1 and "cannot read" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_text_report_prints_outcomes_whole(tmp_path: Path) -> None:
    long = "The coalition holds after a long night " + "of talks " * 12 + "and signs."
    script = tmp_path / "long.yaml"
    script.write_text(CHOICE + f"end:\n  - when: {{turn: {{at_least: 1}}}}\n    outcome: {long}\n",
                      encoding="utf-8")
    done = ttx("simulate", str(script), "--runs", "20", "--uniform-runs", "0")
    assert long in done.stdout  # not cut at the table's width
