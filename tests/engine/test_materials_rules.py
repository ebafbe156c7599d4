"""The "Exercise materials" additions of SCRIPT_FORMAT.md: each rule refused at its
`file:line:col`, and the revised Ratings rule (an evaluator's rating is final)."""

from __future__ import annotations

import pytest

from engine.commands import CommandError, Decide, Note, Rate
from engine.loader import load
from engine.scoring import objective_score

from .conftest import ONE_INJECT, PREAMBLE, at, build, play, refusals, run

VALID = PREAMBLE + ONE_INJECT


def refused_at(text: str, marker: str, says: str) -> None:
    [diagnostic] = refusals(text)
    assert (diagnostic.line, diagnostic.col) == at(text, marker), str(diagnostic)
    assert says in diagnostic.message, str(diagnostic)


def test_every_materials_key_is_accepted() -> None:
    ex = build(VALID.replace("  - {id: north, name: North}",
                             "  - {id: north, name: North, brief: Only north reads this}")
               .replace("  - {id: share, title: Share, weight: 2}",
                        "  - {id: share, title: Share, weight: 2, improvement: Fix it,\n"
                        "     critical_tasks: [{id: t1, text: Tell everyone}]}")
               .replace("    turn: 1\n", "    turn: 1\n    to: [north, south]\n"
                        "    questions: [Who first?]\n    facilitator_notes: Prompt.\n"
                        "    variants: {south: South reads this}\n")
               .replace("{id: a, label: A}", "{id: a, label: A, for: [north]}")
               + "exercise: {type: tabletop, minutes: 90, contact: {name: N}}\n"
               "glossary: {OTC: Officer in Tactical Command}\nbriefing: Read this.\n"
               "modules: [{turn: 1, title: M1, situation: S, minutes: 30, questions: [Q]}]\n")
    inject = ex.injects[0]
    assert inject.text_for("south") == "South reads this"
    assert [o.id for o in inject.options_for("south")] == []
    assert ex.module(1).title == "M1"  # type: ignore[union-attr]


@pytest.mark.parametrize(("change", "marker", "says"), [
    (("exercise: {type: game}", "exercise: {type: wargame}"), "wargame", "tabletop"),
    (("exercise: {type: game}", "exercise: {minutes: -5}"), "-5", "greater than or equal to 1"),
])
def test_exercise_type_and_minutes(change, marker, says) -> None:
    refused_at(VALID + change[1] + "\n", marker, says)


def test_a_variant_must_be_for_an_addressed_team() -> None:
    text = VALID.replace("    turn: 1\n", "    turn: 1\n    to: [north]\n"
                         "    variants: {south: Hello}\n")
    refused_at(text, "Hello", "not addressed by this inject")


def test_an_option_for_must_name_addressed_teams_and_not_be_empty() -> None:
    text = VALID.replace("    turn: 1\n", "    turn: 1\n    to: [north]\n").replace(
        "{id: a, label: A}", "{id: a, label: A, for: [east]}")
    refused_at(text, "east]}", "not addressed by this inject")
    refused_at(VALID.replace("{id: a, label: A}", "{id: a, label: A, for: []}"), "[]}",
               "at least 1 item")


def test_a_module_turn_is_within_turns_and_used_once() -> None:
    refused_at(VALID + "modules: [{turn: 4, title: M}]\n", "4,", "past the last turn")
    text = VALID + "modules:\n  - {turn: 1, title: A}\n  - {turn: 1, title: B}\n"
    refused_at(text, "1, title: B", "already has a module")


def test_critical_task_ids_are_unique_within_their_objective() -> None:
    text = VALID.replace("  - {id: share, title: Share, weight: 2}",
                         "  - {id: share, title: Share, weight: 2,\n"
                         "     critical_tasks: [{id: t, text: A}, {id: t, text: B}]}")
    refused_at(text, "t, text: B", "duplicate id 't'")


def test_inject_attachments_must_exist(tmp_path) -> None:
    text = VALID.replace("    turn: 1\n", "    turn: 1\n    attachments: [roe]\n")
    refused_at(text, "roe]", "no attachment 'roe'")
    script = tmp_path / "s.yaml"
    script.write_text(VALID + "attachments: [{id: roe, title: ROE, file: roe.md}]\n")
    with pytest.raises(Exception) as refused:
        load(script)
    assert "no file 'roe.md' next to the script" in str(refused.value)
    (tmp_path / "roe.md").write_text("rules")
    assert load(script).exercise.attachment("roe").title == "ROE"  # type: ignore[union-attr]


def test_an_evaluators_rating_is_final_over_a_later_suggestion() -> None:
    """Ratings, revised 2026-12: the latest evaluator rating counts, else the latest
    suggested one; every rating stays in the log."""
    text = VALID.replace("{id: a, label: A}", "{id: a, label: A, rating: {share: P}}")
    ex = build(text)
    session = run(play(text), Rate("north", "share", "U"),
                  Decide(team="north", inject="one", option="a"))
    assert objective_score(ex, session.state, "north", "share") == 1  # U stays
    assert [e.rating for e in session.state.ratings] == ["U", "P"]
    session = run(play(text), Decide(team="south", inject="one", option="a"),
                  Rate("south", "share", "M"))
    assert objective_score(ex, session.state, "south", "share") == 2


TASKS = VALID.replace("  - {id: share, title: Share, weight: 2}",
                      "  - {id: share, title: Share, weight: 2,\n"
                      "     critical_tasks: [{id: t1, text: Tell}, {id: t2, text: Log}]}")


def test_a_rating_records_which_of_the_objectives_critical_tasks_were_observed() -> None:
    session = run(play(TASKS), Rate("north", "share", "S", observed=("t2",)))
    assert session.state.latest[("north", "share")].observed == ("t2",)
    with pytest.raises(CommandError, match="critical task"):
        session.execute(Rate("north", "share", "S", observed=("t9",)))


def test_a_note_may_name_the_objective_it_is_evidence_for() -> None:
    session = run(play(VALID), Note("Slow to share", "hotwash", "north", "share"))
    _, note = session.state.notes[-1]
    assert (note.team, note.objective) == ("north", "share")
    with pytest.raises(CommandError, match="objective"):
        session.execute(Note("x", objective="nope"))
