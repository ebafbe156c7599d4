"""The bundled exercises are exercises worth running: they validate and lint clean,
carry every kind of material, and no single policy decides how they end."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.lint import lint
from engine.loader import load
from engine.simstats import end_rates, tally_seeds, uniform_policies
from engine.simulate import Simulator
from tests.aar.test_report import ROOT

BUNDLED = sorted((ROOT / "exercises").glob("*.yaml"))
RUNS = 100  # seeds 1..100 for each uniform policy: fixed, so the test cannot flake


@pytest.fixture(params=BUNDLED, ids=lambda p: p.stem)
def bundled(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def test_there_are_four_including_disaster_relief() -> None:
    assert [p.stem for p in BUNDLED] == ["common-ground", "iron-relay", "pacific-shield",
                                         "tidewater"]
    assert "civil-military" in load(ROOT / "exercises" / "tidewater.yaml").exercise.title.lower()


def test_validates_and_lints_clean(bundled: Path) -> None:
    assert lint(load(bundled).exercise, str(bundled)) == []


def test_carries_the_materials_of_an_exercise(bundled: Path) -> None:
    ex = load(bundled).exercise
    assert ex.exercise is not None and ex.exercise.scope and ex.exercise.minutes
    assert ex.briefing and ex.glossary
    assert sorted(m.turn for m in ex.modules) == list(range(1, ex.turns + 1))
    assert all(m.situation and m.questions and m.minutes for m in ex.modules)
    assert all(t.brief for t in ex.teams)
    assert all(o.critical_tasks and o.improvement for o in ex.objectives)
    assert any(i.facilitator_notes for i in ex.injects)
    assert any(i.questions for i in ex.injects)


def test_no_end_is_decided_by_one_uniform_policy(bundled: Path) -> None:
    ex = load(bundled).exercise
    script = tally_seeds(Simulator(ex), range(1, RUNS + 1), balance_below=0)
    uniform = {name: tally_seeds(Simulator(ex, policy), range(1, RUNS + 1), balance_below=0)
               for name, policy in uniform_policies(ex).items()}
    for end in end_rates(ex, script, uniform):
        assert not end["dominant"], (end["outcome"], end["dominant"])
        assert not end["unreachable"], end["outcome"]


def test_no_triggered_inject_fires_in_every_run_of_the_scripts_bots(bundled: Path) -> None:
    ex = load(bundled).exercise
    tally = tally_seeds(Simulator(ex), range(1, 2 * RUNS + 1), balance_below=0)
    for inject in ex.injects:
        if inject.turn is None or inject.when is not None:
            assert 0 < tally.delivered[inject.id] < tally.runs, inject.id
