"""Rolls and bot policies, as SCRIPT_FORMAT.md defines them.

Rolls: "Every chance draw is a number r in [0, 1): the first 8 bytes, big-endian, of
SHA-256 of the UTF-8 text "{seed}:{kind}:{turn}:{inject}:{n}:{team}", divided by
2^64. `kind` is `outcome` or `policy`; `n` counts deliveries of that inject so far in
the session (1 for the first). An `outcomes` list picks the first outcome whose
running total of chances exceeds r; the `random` policy picks option number
floor(r x number of options) (0-based). Every drawn r and its result are recorded in
the event."

Policies: "`best:trust` picks the option whose `effects` (not its `outcomes`), applied
to the current state with clamping, raise the deciding team's `trust` most (for a
global metric: the metric itself); `worst:trust` picks the one that raises it least
(lowers it most). Ties go to the first listed."

Turn end: "every bot-controlled team that has not decided on an inject delivered to
it this turn decides now by its policy: teams in file order, each team's open
deliveries in delivery order; a person's undecided delivery is recorded as no
decision."
"""

from __future__ import annotations

import math

import pytest

from engine.commands import Advance, Decide, Deliver
from engine.events import DecisionRecorded, NoDecision

from .conftest import PREAMBLE, decisions, play, run, spec_roll


def first_exceeding(chances: list[float], r: float) -> int:
    """The spec's outcome rule, written out: the first running total above r."""
    total = 0.0
    for index, chance in enumerate(chances):
        total += chance
        if total > r:
            return index
    raise AssertionError("chances sum to 1 and r < 1: some running total exceeds r")


# ------------------------------------------------------------------ rolls

GAMBLE = PREAMBLE + """\
injects:
  - id: gamble
    title: Gamble
    turn: 1
    once: false
    options:
      - id: bet
        label: Bet
        outcomes:
          - {chance: 0.2, effects: [{metric: interop, add: 1}]}
          - {chance: 0.3, effects: [{metric: interop, add: 2}]}
          - {chance: 0.5, effects: [{metric: interop, add: 3}]}
"""


def test_a_roll_is_sha256_of_seed_kind_turn_inject_n_team_over_2_to_the_64():
    session = play(GAMBLE, seed=1949)
    run(session, Decide("south", inject="gamble", option="bet"))
    [decision] = decisions(session)
    [roll] = decision.rolls
    assert roll.kind == "outcome"
    assert roll.key == "1949:outcome:1:gamble:1:south"
    assert roll.r == spec_roll(1949, "outcome", 1, "gamble", 1, "south")
    assert 0 <= roll.r < 1


@pytest.mark.parametrize("seed", range(40))
def test_outcomes_pick_the_first_whose_running_total_exceeds_r(seed):
    session = play(GAMBLE, seed=seed)
    run(session, Decide("north", inject="gamble", option="bet"))
    [decision] = decisions(session)
    r = spec_roll(seed, "outcome", 1, "gamble", 1, "north")
    expected = first_exceeding([0.2, 0.3, 0.5], r)
    [roll] = decision.rolls
    assert (decision.outcome, roll.pick, roll.r) == (expected, expected, r)
    assert session.state.value("interop") == 10 + [1, 2, 3][expected]


def test_the_forty_seeds_above_reach_every_outcome():
    """So the test above checks each branch of the rule, not just one."""
    picks = {first_exceeding([0.2, 0.3, 0.5], spec_roll(s, "outcome", 1, "gamble", 1, "north"))
             for s in range(40)}
    assert picks == {0, 1, 2}


def test_n_counts_the_deliveries_of_that_inject_so_far():
    """A `once: false` inject delivered twice in one turn: the second decision's roll
    has n = 2, so it differs from the first though seed, turn and team are the same."""
    session = play(GAMBLE, seed=5)
    run(session, Deliver("gamble"))
    first, second = session.state.deliveries
    assert (first.n, second.n) == (1, 2)
    run(session, Decide("east", delivery=1, option="bet"), Decide("east", delivery=2, option="bet"))
    one, two = decisions(session)
    assert one.rolls[0].key == "5:outcome:1:gamble:1:east"
    assert two.rolls[0].key == "5:outcome:1:gamble:2:east"
    assert two.rolls[0].r == spec_roll(5, "outcome", 1, "gamble", 2, "east")
    assert one.rolls[0].r != two.rolls[0].r


def test_the_turn_in_the_key_is_the_turn_the_decision_is_made_in():
    text = GAMBLE.replace("    turn: 1\n", "    when: {turn: {at_least: 1}}\n")
    session = play(text, seed=3)
    run(session, Advance())  # delivered again at turn 2 (once: false), n = 2
    run(session, Decide("north", inject="gamble", option="bet"))
    [decision] = decisions(session)
    assert decision.rolls[0].key == "3:outcome:2:gamble:2:north"
    assert decision.rolls[0].r == spec_roll(3, "outcome", 2, "gamble", 2, "north")


def test_each_team_draws_its_own_roll():
    session = play(GAMBLE, seed=11)
    run(session, *(Decide(t, inject="gamble", option="bet") for t in ("north", "south", "east")))
    assert [d.rolls[0].r for d in decisions(session)] == [
        spec_roll(11, "outcome", 1, "gamble", 1, t) for t in ("north", "south", "east")]


def test_an_option_without_outcomes_draws_no_roll():
    session = play(PREAMBLE + "injects:\n  - {id: ask, title: Ask, turn: 1, options: "
                              "[{id: plain, label: Plain}]}\n")
    run(session, Decide("north", inject="ask", option="plain"))
    assert decisions(session)[0].rolls == []


# ------------------------------------------------------------------ policies


def bot_choice(policy: str, options: str, seed: int = 7, initial: str = "50",
               interop: str = "10") -> DecisionRecorded:
    """What a bot playing north with `policy` picks on an inject with these options."""
    text = PREAMBLE.replace("{id: north, name: North}",
                            f"{{id: north, name: North, policy: '{policy}'}}") \
        .replace("{id: trust, initial: 50}", f"{{id: trust, initial: {initial}}}") \
        .replace("scope: global, initial: 10", f"scope: global, initial: {interop}") + f"""\
injects:
  - id: ask
    title: Ask
    turn: 1
    to: [north]
    options:
{options}"""
    session = play(text, seed=seed, bots=["north"])
    run(session, Advance())
    [decision] = decisions(session)
    assert decision.by == "bot"
    return decision


THREE = """\
      - {id: one, label: One, effects: [{metric: trust, team: self, add: 1}]}
      - {id: two, label: Two, effects: [{metric: trust, team: self, add: 2}]}
      - {id: three, label: Three, effects: [{metric: trust, team: self, add: 3}]}
"""


def test_the_first_policy_picks_the_first_listed_option():
    assert bot_choice("first", THREE).option == "one"


def test_first_is_the_default_policy():
    session = play(PREAMBLE + "injects:\n  - id: ask\n    title: Ask\n    turn: 1\n"
                   "    options:\n" + THREE, bots=["south"])
    run(session, Advance())
    assert [d.option for d in decisions(session)] == ["one"]


@pytest.mark.parametrize("seed", range(12))
def test_the_random_policy_picks_option_floor_r_times_the_number_of_options(seed):
    decision = bot_choice("random", THREE, seed=seed)
    r = spec_roll(seed, "policy", 1, "ask", 1, "north")
    [roll] = decision.rolls
    assert (roll.kind, roll.key, roll.r) == ("policy", f"{seed}:policy:1:ask:1:north", r)
    assert decision.option == ["one", "two", "three"][math.floor(r * 3)]


def test_the_twelve_seeds_above_reach_every_option():
    assert {math.floor(spec_roll(s, "policy", 1, "ask", 1, "north") * 3)
            for s in range(12)} == {0, 1, 2}


def test_a_random_bot_choosing_an_option_with_outcomes_rolls_twice_policy_then_outcome():
    options = """\
      - id: bet
        label: Bet
        outcomes: [{chance: 0.5, text: Heads}, {chance: 0.5, text: Tails}]
"""
    decision = bot_choice("random", options, seed=21)
    assert [roll.key for roll in decision.rolls] == ["21:policy:1:ask:1:north",
                                                     "21:outcome:1:ask:1:north"]
    r = spec_roll(21, "outcome", 1, "ask", 1, "north")
    assert decision.outcome == first_exceeding([0.5, 0.5], r)


def test_best_picks_the_option_whose_effects_raise_the_metric_most():
    assert bot_choice("best:trust", THREE).option == "three"


def test_worst_picks_the_option_that_raises_the_metric_least():
    assert bot_choice("worst:trust", THREE).option == "one"


def test_worst_picks_the_option_that_lowers_the_metric_most():
    options = THREE + "      - {id: drop, label: Drop, effects: [{metric: trust, team: self, " \
                      "add: -4}]}\n"
    assert bot_choice("worst:trust", options).option == "drop"


def test_best_judges_effects_only_never_outcomes():
    options = """\
      - id: small
        label: Small sure gain
        effects: [{metric: trust, team: self, add: 2}]
      - id: gamble
        label: Small gain, then a big outcome
        effects: [{metric: trust, team: self, add: 1}]
        outcomes: [{chance: 1, effects: [{metric: trust, team: self, add: 40}]}]
"""
    assert bot_choice("best:trust", options).option == "small"


def test_best_applies_effects_with_clamping_after_each_one():
    """At 95: `surge` would reach 100 without clamping (95+30-25), but clamped it goes
    95 -> 100 -> 75; `nudge` gives 97. Clamping after every effect makes nudge best."""
    options = """\
      - id: surge
        label: Surge
        effects: [{metric: trust, team: self, add: 30}, {metric: trust, team: self, add: -25}]
      - id: nudge
        label: Nudge
        effects: [{metric: trust, team: self, add: 2}]
"""
    assert bot_choice("best:trust", options, initial="95").option == "nudge"


def test_best_on_a_team_metric_judges_the_deciding_teams_own_value():
    options = """\
      - {id: gift, label: Gift to others, effects: [{metric: trust, team: others, add: 40}]}
      - {id: self, label: A little for us, effects: [{metric: trust, team: self, add: 1}]}
      - {id: named, label: Named, effects: [{metric: trust, team: north, add: 2}]}
"""
    assert bot_choice("best:trust", options).option == "named"


def test_best_on_a_global_metric_judges_the_metric_itself():
    options = """\
      - {id: trust-up, label: Trust up, effects: [{metric: trust, team: self, add: 40}]}
      - {id: interop-up, label: Interop up, effects: [{metric: interop, add: 5}]}
      - {id: interop-set, label: Interop set, effects: [{metric: interop, set: 20}]}
"""
    assert bot_choice("best:interop", options).option == "interop-set"
    assert bot_choice("worst:interop", options).option == "trust-up"


def test_ties_go_to_the_first_listed():
    options = """\
      - {id: none, label: Nothing}
      - {id: up, label: Up, effects: [{metric: trust, team: self, add: 10}]}
      - {id: also-up, label: Also up, effects: [{metric: trust, team: self, set: 60}]}
"""
    assert bot_choice("best:trust", options).option == "up"
    assert bot_choice("worst:trust", options).option == "none"
    # clamped at the top, +10 and set 100 are equal: the first listed wins
    capped = options.replace("set: 60", "set: 100")
    assert bot_choice("best:trust", capped, initial="95").option == "up"


def test_a_bots_choice_records_its_option_rating_effects_and_outcome_like_a_persons():
    options = """\
      - id: act
        label: Act
        effects: [{metric: trust, team: self, add: 5}]
        rating: {share: S}
"""
    decision = bot_choice("first", options)
    assert [(c.team, c.before, c.after) for c in decision.changes] == [("north", 50, 55)]


# ------------------------------------------------------------------ turn end

TURN_END = PREAMBLE.replace("{id: south, name: South}", "{id: south, name: South, "
                            "policy: 'best:interop'}") \
    .replace("{id: east, name: East}", "{id: east, name: East, policy: 'best:trust'}") + """\
injects:
  - id: rally                # delivery 1
    title: Rally
    turn: 1
    to: [north, east]
    options:
      - {id: raise, label: Raise, effects: [{metric: interop, add: 50},
                                           {metric: trust, team: self, add: 10}]}
  - id: vote                 # delivery 2
    title: Vote
    turn: 1
    to: [south, east]
    options:
      - {id: add5, label: Add 5, effects: [{metric: interop, add: 5}]}
      - {id: set50, label: Set 50, effects: [{metric: interop, set: 50}]}
      - {id: plus5, label: Plus 5, effects: [{metric: trust, team: self, add: 5}]}
      - {id: set62, label: Set 62, effects: [{metric: trust, team: self, set: 62}]}
"""


def test_bots_decide_at_turn_end_teams_in_file_order_each_teams_deliveries_in_order():
    session = play(TURN_END, bots=["north", "south", "east"])
    assert decisions(session) == []  # bots wait for the turn end
    run(session, Advance())
    assert [(d.team, d.inject) for d in decisions(session)] == [
        ("north", "rally"), ("south", "vote"), ("east", "rally"), ("east", "vote")]


def test_later_bots_see_earlier_bots_effects():
    """North (first) raises interop 10 -> 60 before south (best:interop) looks: add5 now
    gives 65, set50 gives 50, so south adds 5 (at 10 it would have set 50). East
    (best:trust) first takes rally (50 -> 60), then on vote sees 60: plus5 gives 65,
    set62 gives 62, so plus5 (at 50 it would have set 62)."""
    session = play(TURN_END, bots=["north", "south", "east"])
    run(session, Advance())
    assert [d.option for d in decisions(session)] == ["raise", "add5", "raise", "plus5"]
    # interop: 10 + 50 (north) + 5 (south) + 50 (east) = 115, clamped to 100
    assert session.state.value("interop") == 100
    assert session.state.value("trust", "east") == 65  # 50 + 10 + 5


def test_a_persons_undecided_delivery_is_recorded_as_no_decision():
    session = play(TURN_END, bots=["south"])
    run(session, Decide("east", inject="rally", option="raise"), Advance())
    by_team = [(type(r.event).__name__, r.event.team, r.event.inject) for r in session.records
               if isinstance(r.event, DecisionRecorded | NoDecision)]
    assert by_team == [
        ("DecisionRecorded", "east", "rally"),  # decided by the person during the turn
        ("NoDecision", "north", "rally"),
        ("DecisionRecorded", "south", "vote"),  # the only bot
        ("NoDecision", "east", "vote"),
    ]
    assert session.state.deliveries[0].decisions["north"].type == "no_decision"


def test_a_bot_team_that_already_decided_does_not_decide_again():
    session = play(TURN_END, bots=["south"])
    run(session, Decide("south", inject="vote", option="plus5"), Advance())
    south = [d for d in decisions(session) if d.team == "south"]
    assert [(d.option, d.by) for d in south] == [("plus5", "person")]


def test_a_persons_unanswered_information_only_inject_is_recorded_as_no_decision():
    session = play(PREAMBLE + "injects:\n  - {id: news, title: News, turn: 1, to: [north]}\n")
    run(session, Advance())
    assert [type(r.event) for r in session.records].count(NoDecision) == 1
