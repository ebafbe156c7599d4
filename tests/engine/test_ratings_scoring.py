"""Ratings and scores, as SCRIPT_FORMAT.md defines them.

"Choosing an option records its `rating` for the deciding team, in every mode. A
facilitator (or a decisions-file entry) may rate any team on any objective at any
time. The log keeps every rating; a team's score on an objective is its latest
rating, and its weighted total is the weight-averaged score over the objectives it
was rated on."

"`scale: hseep` (default) rates P, S, M, U (... = 4, ... = 3, ... = 2, ... = 1).
`scale: "0-10"` rates integers 0..10."
"""

from __future__ import annotations

import pytest

from engine.commands import Advance, CommandError, Decide, End, Rate
from engine.events import DecisionRecorded, Rated
from engine.scoring import objective_score, weighted_total
from engine.script import rating_score, scale_values
from engine.summary import summarise

from .conftest import PREAMBLE, play, run

# Objectives in PREAMBLE: share (weight 2) and warn (weight 1, the default).

RATED = PREAMBLE + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    options:
      - {id: share-now, label: Share now, rating: {share: P, warn: S}}
      - {id: wait, label: Wait}
"""


def rated(session) -> list[tuple[str, str, object, int | None]]:
    return [(r.event.team, r.event.objective, r.event.rating, r.event.delivery)
            for r in session.records if isinstance(r.event, Rated)]


def test_choosing_an_option_records_its_rating_for_the_deciding_team():
    session = play(RATED)
    run(session, Decide("south", inject="ask", option="share-now"))
    assert rated(session) == [("south", "share", "P", 1), ("south", "warn", "S", 1)]
    assert objective_score(session.exercise, session.state, "south", "share") == 4
    assert objective_score(session.exercise, session.state, "north", "share") is None


def test_a_bots_choice_records_its_rating_too():
    """"in every mode": a bot's choice is rated like a person's."""
    session = play(RATED, bots=["north", "south", "east"])
    run(session, Advance())  # every bot takes the first option
    assert [(t, o, r) for t, o, r, _ in rated(session)] == [
        (t, o, r) for t in ("north", "south", "east") for o, r in (("share", "P"), ("warn", "S"))]


def test_the_rating_follows_the_decision_in_the_log():
    session = play(RATED)
    run(session, Decide("east", inject="ask", option="share-now"))
    kinds = [type(r.event) for r in session.records[-3:]]
    assert kinds == [DecisionRecorded, Rated, Rated]


def test_an_option_without_a_rating_and_a_free_text_answer_record_no_rating():
    """"A team may also answer in free text with no option." """
    session = play(RATED)
    run(session, Decide("north", inject="ask", option="wait"),
        Decide("south", inject="ask", response="We will call our partners."))
    assert rated(session) == []
    south = session.state.deliveries[0].decisions["south"]
    assert (south.option, south.response) == (None, "We will call our partners.")


def test_a_facilitator_rates_any_team_on_any_objective_with_a_note_at_any_time():
    session = play(RATED)
    run(session, Rate("east", "warn", "M", "turn 1: a plan with gaps"), Advance(),
        Rate("north", "share", "U", "turn 2"), End())
    run(session, Rate("south", "warn", "S", "at the hot wash, after the end"))
    assert [(e.team, e.objective, e.rating, e.note, e.turn) for e in session.state.ratings] == [
        ("east", "warn", "M", "turn 1: a plan with gaps", 1),
        ("north", "share", "U", "turn 2", 2),
        ("south", "warn", "S", "at the hot wash, after the end", 2),
    ]
    assert all(r.event.delivery is None for r in session.records if isinstance(r.event, Rated))


def test_the_score_is_the_latest_rating_and_the_log_keeps_every_rating():
    session = play(RATED)
    run(session, Decide("north", inject="ask", option="share-now"),  # share P
        Rate("north", "share", "M", "on reflection"), Advance(),
        Rate("north", "share", "S", "after turn 1"))
    assert [e.rating for e in session.state.ratings if e.team == "north" and
            e.objective == "share"] == ["P", "M", "S"]
    assert [e.turn for e in session.state.ratings if e.objective == "share"] == [1, 1, 2]
    assert objective_score(session.exercise, session.state, "north", "share") == 3


@pytest.mark.parametrize(("rating", "score"), [("P", 4), ("S", 3), ("M", 2), ("U", 1)])
def test_hseep_ratings_score_p4_s3_m2_u1(rating, score):
    session = play(RATED)
    run(session, Rate("east", "warn", rating))
    assert objective_score(session.exercise, session.state, "east", "warn") == score
    assert rating_score("hseep", rating) == score


def test_the_weighted_total_is_the_weight_averaged_score_over_rated_objectives():
    """share (weight 2) rated P = 4, warn (weight 1) rated M = 2:
    (2 x 4 + 1 x 2) / (2 + 1) = 10 / 3."""
    session = play(RATED)
    run(session, Rate("north", "share", "P"), Rate("north", "warn", "M"))
    assert weighted_total(session.exercise, session.state, "north") == pytest.approx(10 / 3)


def test_objectives_not_rated_do_not_count_in_the_weighted_total():
    """Only warn rated (S = 3): the total is 3, not (1 x 3) / 3 = 1."""
    session = play(RATED)
    run(session, Rate("south", "warn", "S"))
    assert weighted_total(session.exercise, session.state, "south") == 3
    assert weighted_total(session.exercise, session.state, "north") is None  # not zero


def test_each_team_is_scored_on_its_own_ratings():
    session = play(RATED)
    run(session, Rate("north", "share", "U"), Rate("south", "share", "P"))
    summary = summarise(session.exercise, session.state)
    assert summary["scores"] == {"north": 1, "south": 4, "east": None}
    assert summary["ratings"] == {"north": {"share": "U"}, "south": {"share": "P"}, "east": {}}


ZERO_TO_TEN = RATED.replace("rating: {share: P, warn: S}", "rating: {share: 9, warn: 4}") \
    + "scale: '0-10'\n"


def test_a_0_10_scale_rates_integers_and_scores_them_as_they_are():
    """share 9 (weight 2), then a facilitator's warn 0 (weight 1): (18 + 0) / 3 = 6."""
    session = play(ZERO_TO_TEN)
    run(session, Decide("north", inject="ask", option="share-now"),
        Rate("north", "warn", 0, "missed the warning"))
    assert objective_score(session.exercise, session.state, "north", "share") == 9
    assert objective_score(session.exercise, session.state, "north", "warn") == 0
    assert weighted_total(session.exercise, session.state, "north") == 6
    assert scale_values("0-10") == list(range(10, -1, -1))


@pytest.mark.parametrize("rating", [11, -1, "P"])
def test_a_rating_off_the_0_10_scale_is_refused(rating):
    session = play(ZERO_TO_TEN)
    with pytest.raises(CommandError, match="not on the 0-10 scale"):
        session.execute(Rate("north", "share", rating))
    assert session.state.ratings == []


@pytest.mark.parametrize("rating", ["X", 4, "Performed"])
def test_a_rating_off_the_hseep_scale_is_refused(rating):
    session = play(RATED)
    with pytest.raises(CommandError, match="not on the hseep scale"):
        session.execute(Rate("north", "share", rating))


def test_rating_an_unknown_team_or_objective_is_refused():
    session = play(RATED)
    with pytest.raises(CommandError, match="no team 'west'"):
        session.execute(Rate("west", "share", "P"))
    with pytest.raises(CommandError, match="no objective 'drill'"):
        session.execute(Rate("north", "drill", "P"))
