"""A solo trainee's turn results and debrief: each choice beside the expected action,
judged by the ratings the script's own options carry."""

from __future__ import annotations

from engine.commands import Advance, Decide
from engine.debrief import debrief, option_score, turn_results

from .conftest import PREAMBLE, build, play, run

SCRIPT = PREAMBLE + """\
injects:
  - id: leak
    title: Intelligence leak
    turn: 1
    to: [north, south]
    expected: Tell every partner at once.
    options:
      - {id: tell, label: Tell every partner, rating: {share: P, warn: S}}
      - {id: hide, label: Keep it quiet, rating: {share: U}}
      - {id: half, label: Tell the closest partner, rating: {share: S, warn: P}}
      - id: gamble
        label: Investigate first
        outcomes:
          - {chance: 0.5, text: It was nothing., effects: [{metric: trust, team: self, add: 5}]}
          - {chance: 0.5, text: It leaks., effects: [{metric: trust, team: self, add: -5}]}
  - id: memo
    title: Memo
    turn: 1
    to: [north]
    text: For information.
  - id: call
    title: Minister calls
    turn: 2
    to: [north]
    expected: Brief the minister in one page.
    options:
      - {id: brief, label: Brief in one page}
      - {id: wait, label: Wait}
"""


def test_an_option_scores_its_ratings_averaged_by_objective_weight() -> None:
    ex = build(SCRIPT)
    leak = ex.inject("leak")
    assert leak is not None
    scores = {o.id: option_score(ex, o) for o in leak.options}
    # share weighs 2, warn 1: tell (2×4+3)/3, half (2×3+4)/3; unrated: None
    assert scores == {"tell": 11 / 3, "hide": 1.0, "half": 10 / 3, "gamble": None}


def test_the_best_rated_choice_is_as_expected_and_a_lower_one_differed() -> None:
    session = run(play(SCRIPT), Decide(team="north", inject="leak", option="tell"),
                  Decide(team="south", inject="leak", option="half"))
    ex, state = session.exercise, session.state
    north, = debrief(ex, state, "north")  # memo asks nothing and expects nothing
    assert (north.title, north.verdict, north.better) == ("Intelligence leak",
                                                          "as expected", ())
    assert north.expected == "Tell every partner at once."
    assert north.decision == "chose “Tell every partner”"
    south, = debrief(ex, state, "south")
    assert south.verdict == "differed" and south.better == ("Tell every partner",)
    assert south.chose_option


def test_an_unrated_choice_or_free_text_is_the_trainees_to_compare() -> None:
    session = run(play(SCRIPT), Decide(team="north", inject="leak", option="gamble"),
                  Decide(team="south", inject="leak", response="We call a meeting"))
    ex, state = session.exercise, session.state
    assert [(r.verdict, r.better) for r in debrief(ex, state, "north")] == [("compare", ())]
    south, = debrief(ex, state, "south")
    assert south.verdict == "compare" and not south.chose_option
    assert south.better == ("Tell every partner",)  # the yardstick: the best-rated


def test_silence_where_options_are_rated_differed_and_unrated_injects_are_compared() -> None:
    session = run(play(SCRIPT), Advance(), Decide(team="north", inject="call", option="wait"),
                  Advance())
    rows = debrief(session.exercise, session.state, "north")
    assert [(r.title, r.decision, r.verdict) for r in rows] == [
        ("Intelligence leak", "made no decision", "differed"),
        ("Minister calls", "chose “Wait”", "compare")]
    assert rows[0].better == ("Tell every partner",)
    assert rows[1].expected == "Brief the minister in one page."


def test_turn_results_say_what_each_answer_did() -> None:
    session = run(play(SCRIPT, seed=3), Decide(team="north", inject="leak", option="gamble"),
                  Advance())
    ex, state = session.exercise, session.state
    made = state.delivery(1).decisions["north"]
    results = turn_results(ex, state, "north", 1)
    assert [(r.title, r.decision) for r in results] == [
        ("Intelligence leak", "chose “Investigate first”"), ("Memo", "no decision asked")]
    rolled = ["It was nothing.", "It leaks."][made.outcome or 0]
    assert results[0].outcome is not None and results[0].outcome.endswith(rolled)
    assert results[0].changes.startswith("trust north 50→")
    assert turn_results(ex, state, "south", 1)[0].decision == "made no decision"
    assert turn_results(ex, state, "north", 2)[0].title == "Minister calls"
