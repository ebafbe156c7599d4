"""Effects and conditions, as SCRIPT_FORMAT.md defines them.

Effects: "`team` on a team-scoped metric: a team id, `self` (the deciding team; inside
an inject's own `effects`, every addressed team), `others` (every team but self;
inside an inject's own `effects`, every team not addressed), or `all`. Effects apply
in the order listed, each clamped to the metric's range." And: "Values are integers,
clamped to [min, max] after every effect."

Conditions: below/above/at_least/at_most/equals on a metric (`team: any | all | <id>`
for team metrics), `chose`, `delivered`, `turn`, and `all`/`any`/`not`. "`chose` and
`delivered` look at the whole session so far (any turn; hand deliveries count).
Conditions are data, never code: no string is ever evaluated."
"""

from __future__ import annotations

import pytest

from engine.commands import Advance, Decide, Deliver
from engine.diagnostics import ScriptError

from .conftest import PREAMBLE, build, decisions, deliveries, metrics, play, run

# Three teams (north, south, east); trust is a team metric 0..100 starting at 50,
# interop a global one starting at 10.


def decide_with(effects: str, team: str = "north", initial: str = "50") -> dict[str, int]:
    """Metrics after `team` chooses an option with these effects (turn 1)."""
    text = PREAMBLE.replace("{id: trust, initial: 50}", f"{{id: trust, initial: {initial}}}") \
        + f"""\
injects:
  - id: ask
    title: Ask
    turn: 1
    options:
      - {{id: act, label: Act, effects: {effects}}}
"""
    session = play(text)
    run(session, Decide(team, inject="ask", option="act"))
    return metrics(session)


# ------------------------------------------------------------------ add and set


def test_add_adds_and_may_be_negative():
    """"{metric: trust, team: self, add: -5}     # add (may be negative) or set" """
    after = decide_with("[{metric: trust, team: self, add: -5}, {metric: interop, add: 7}]")
    assert (after["trust[north]"], after["interop"]) == (45, 17)


def test_set_sets():
    after = decide_with("[{metric: trust, team: self, set: 12}, {metric: interop, set: 50}]")
    assert (after["trust[north]"], after["interop"]) == (12, 50)


def test_values_are_clamped_to_the_metric_range():
    after = decide_with("[{metric: trust, team: self, add: 500}, {metric: trust, team: others, "
                        "set: -3}, {metric: interop, add: -11}]")
    assert after == {"interop": 0, "trust[east]": 0, "trust[north]": 100, "trust[south]": 0}


def test_clamping_happens_after_every_effect_not_once_at_the_end():
    """95 + 10 clamps to 100, then - 10 gives 90 (a single clamp at the end would
    give 95)."""
    after = decide_with("[{metric: trust, team: self, add: 10}, {metric: trust, team: self, "
                        "add: -10}]", initial="95")
    assert after["trust[north]"] == 90


def test_a_custom_range_clamps_too():
    text = PREAMBLE.replace("{id: trust, initial: 50}",
                            "{id: trust, min: -5, max: 5, initial: 0}") + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    options:
      - {id: down, label: Down, effects: [{metric: trust, team: self, add: -9}]}
      - {id: up, label: Up, effects: [{metric: trust, team: self, set: 9}]}
"""
    session = play(text)
    run(session, Decide("north", inject="ask", option="down"),
        Decide("south", inject="ask", option="up"))
    assert metrics(session)["trust[north]"] == -5
    assert metrics(session)["trust[south]"] == 5


def test_effects_apply_in_the_order_listed():
    set_then_add = decide_with("[{metric: interop, set: 20}, {metric: interop, add: 5}]")
    add_then_set = decide_with("[{metric: interop, add: 5}, {metric: interop, set: 20}]")
    assert (set_then_add["interop"], add_then_set["interop"]) == (25, 20)


def test_option_effects_come_first_then_the_outcome_effects_each_clamped():
    """"An option may have `effects`, `outcomes`, or both (effects first)." """
    text = PREAMBLE.replace("{id: trust, initial: 50}", "{id: trust, initial: 95}") + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    options:
      - id: act
        label: Act
        effects: [{metric: trust, team: self, add: 10}]
        outcomes: [{chance: 1, effects: [{metric: trust, team: self, add: -10}]}]
"""
    session = play(text)
    run(session, Decide("north", inject="ask", option="act"))
    assert session.state.value("trust", "north") == 90  # 95 -> 100 (clamped) -> 90
    [decision] = decisions(session)
    assert [(c.before, c.after) for c in decision.changes] == [(95, 100), (100, 90)]


# --------------------------------------------------------- who `team` means


@pytest.mark.parametrize(("team", "changed"), [
    ("self", {"north"}),  # the deciding team
    ("others", {"south", "east"}),  # every team but self
    ("all", {"north", "south", "east"}),
    ("east", {"east"}),  # a team id
])
def test_a_decisions_effect_team_is_self_others_all_or_a_team_id(team, changed):
    after = decide_with(f"[{{metric: trust, team: {team}, add: -1}}]", team="north")
    assert {t for t in ("north", "south", "east") if after[f"trust[{t}]"] == 49} == changed


def test_self_is_the_team_that_decides_whoever_it_is():
    after = decide_with("[{metric: trust, team: self, add: 1}, {metric: trust, team: others, "
                        "add: -1}]", team="south")
    assert (after["trust[north]"], after["trust[south]"], after["trust[east]"]) == (49, 51, 49)


def deliver_with(effects: str, to: str = "[north, south]") -> dict[str, int]:
    """Metrics after an inject addressed `to` these teams delivers these effects."""
    session = play(PREAMBLE + f"""\
injects:
  - id: news
    title: News
    turn: 1
    to: {to}
    effects: {effects}
""")
    return metrics(session)


@pytest.mark.parametrize(("team", "changed"), [
    ("self", {"north", "south"}),  # inside an inject's own effects: every addressed team
    ("others", {"east"}),  # every team not addressed
    ("all", {"north", "south", "east"}),
    ("south", {"south"}),
])
def test_an_injects_own_effect_team_is_relative_to_the_teams_it_addresses(team, changed):
    after = deliver_with(f"[{{metric: trust, team: {team}, add: 5}}]")
    assert {t for t in ("north", "south", "east") if after[f"trust[{t}]"] == 55} == changed


def test_an_inject_addressed_to_every_team_by_default_has_no_others():
    after = deliver_with("[{metric: trust, team: self, add: 5}, {metric: trust, team: others, "
                         "add: -50}]", to="null")
    assert after == {"interop": 10, "trust[east]": 55, "trust[north]": 55, "trust[south]": 55}


def test_an_injects_own_effects_on_a_global_metric():
    after = deliver_with("[{metric: interop, add: 30}, {metric: interop, add: 70}]")
    assert after["interop"] == 100


def test_the_delivery_event_records_each_change_before_and_after():
    session = play(PREAMBLE + """\
injects:
  - id: news
    title: News
    turn: 1
    to: [south]
    effects: [{metric: trust, team: self, add: -20}, {metric: interop, set: 3}]
""")
    event = session.state.deliveries[0].event
    assert [(c.metric, c.team, c.before, c.after) for c in event.changes] == [
        ("trust", "south", 50, 30), ("interop", None, 10, 3)]


# ------------------------------------------------------------------ conditions

# Metric conditions, checked as a trigger at the start of turn 1 with trust
# north 30, south 50, east 70 and interop 10.
SETTING = PREAMBLE.replace("{id: trust, initial: 50}",
                           "{id: trust, initial: {north: 30, south: 50, default: 70}}")


def holds_at_turn_one(condition: str) -> bool:
    session = play(SETTING + f"""\
injects:
  - id: probe
    title: Probe
    when: {condition}
""")
    return deliveries(session) == ["probe"]


@pytest.mark.parametrize(("condition", "expected"), [
    ("{metric: trust, team: south, below: 50}", False),
    ("{metric: trust, team: south, below: 51}", True),
    ("{metric: trust, team: south, above: 50}", False),
    ("{metric: trust, team: south, above: 49}", True),
    ("{metric: trust, team: south, at_least: 50}", True),
    ("{metric: trust, team: south, at_least: 51}", False),
    ("{metric: trust, team: south, at_most: 50}", True),
    ("{metric: trust, team: south, at_most: 49}", False),
    ("{metric: trust, team: south, equals: 50}", True),
    ("{metric: trust, team: south, equals: 49}", False),
])
def test_metric_comparisons_below_above_at_least_at_most_equals(condition, expected):
    assert holds_at_turn_one(condition) is expected


@pytest.mark.parametrize(("condition", "expected"), [
    ("{metric: trust, team: any, below: 40}", True),  # north (30)
    ("{metric: trust, team: any, below: 30}", False),
    ("{metric: trust, team: all, below: 40}", False),  # south and east are not
    ("{metric: trust, team: all, below: 71}", True),
    ("{metric: trust, team: north, below: 40}", True),
    ("{metric: trust, team: east, below: 40}", False),
])
def test_team_metric_conditions_name_any_all_or_a_team(condition, expected):
    """"{metric: trust, team: any, below: 40}         # any | all | a team id" """
    assert holds_at_turn_one(condition) is expected


@pytest.mark.parametrize(("condition", "expected"), [
    ("{metric: interop, at_least: 10}", True),
    ("{metric: interop, at_least: 80}", False),
])
def test_global_metric_conditions_take_no_team(condition, expected):
    assert holds_at_turn_one(condition) is expected


def test_a_global_metric_condition_with_a_team_is_refused():
    with pytest.raises(ScriptError, match="global metric"):
        build(SETTING + "injects:\n  - {id: p, title: P, when: {metric: interop, team: any, "
                        "above: 1}}\n")


def test_a_team_metric_condition_needs_a_team():
    with pytest.raises(ScriptError, match="team metric"):
        build(SETTING + "injects:\n  - {id: p, title: P, when: {metric: trust, above: 1}}\n")


@pytest.mark.parametrize(("condition", "expected"), [
    # interop 10, trust north 30
    ("{all: [{metric: interop, equals: 10}, {metric: trust, team: north, equals: 30}]}", True),
    ("{all: [{metric: interop, equals: 10}, {metric: trust, team: north, equals: 31}]}", False),
    ("{any: [{metric: interop, equals: 11}, {metric: trust, team: north, equals: 30}]}", True),
    ("{any: [{metric: interop, equals: 11}, {metric: trust, team: north, equals: 31}]}", False),
    ("{not: {metric: interop, equals: 10}}", False),
    ("{not: {metric: interop, equals: 11}}", True),
    ("{not: {not: {metric: interop, equals: 10}}}", True),
    ("{all: [{any: [{turn: {equals: 2}}, {metric: interop, below: 11}]},"
     " {not: {delivered: probe}}]}", True),
    ("{any: [{all: [{turn: {equals: 1}}, {metric: interop, above: 10}]},"
     " {not: {turn: {at_least: 1}}}]}", False),
])
def test_all_any_and_not_combine_and_nest(condition, expected):
    """"{all: [cond, cond]}   {any: [cond, cond]}   {not: cond}" """
    assert holds_at_turn_one(condition) is expected


def test_a_turn_condition_compares_the_turn_number():
    """"{turn: {at_least: 3}}" """
    session = play(PREAMBLE + """\
injects:
  - {id: late, title: Late, when: {turn: {at_least: 3}}}
  - {id: second, title: Second, when: {turn: {equals: 2}}}
""")
    run(session, Advance())
    assert deliveries(session) == ["second"]
    run(session, Advance())
    assert deliveries(session, turn=3) == ["late"]


def test_delivered_looks_at_the_whole_session_and_hand_deliveries_count():
    """"`chose` and `delivered` look at the whole session so far (any turn; hand
    deliveries count)." """
    session = play(PREAMBLE + """\
injects:
  - {id: first, title: First, turn: 1}
  - {id: reply, title: Reply, follow_up: true}
  - {id: after-reply, title: After reply, when: {delivered: reply}}
""")
    run(session, Advance(), Deliver("reply"))
    assert deliveries(session) == ["first", "reply"]  # `when` waits for a turn start
    run(session, Advance())
    assert deliveries(session, turn=3) == ["after-reply"]


CHOICES = PREAMBLE + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    to: [north, south]
    options:
      - {id: share, label: Share}
      - {id: hold, label: Hold}
  - {id: any-share, title: Anyone shared, when: {chose: {inject: ask, option: share,
     team: any}}}
  - {id: all-share, title: Both shared, when: {chose: {inject: ask, option: share,
     team: all}}}
  - {id: south-share, title: South shared, when: {chose: {inject: ask, option: share,
     team: south}}}
  - {id: any-choice, title: Someone chose something, when: {chose: {inject: ask}}}
"""


def triggered_after(*choices: tuple[str, str], bots: tuple[str, ...] = ()) -> list[str]:
    """The triggers delivered at turn 2 after these (team, option) choices in turn 1."""
    session = play(CHOICES.replace("[north, south]", "[north, south, east]"), bots=bots)
    run(session, *(Decide(team, inject="ask", option=option) for team, option in choices),
        Advance())
    return deliveries(session, turn=2)


def test_chose_with_team_any_all_or_a_team_id():
    """"{chose: {inject: link-degraded, option: verify-first, team: any}}" """
    assert triggered_after(("north", "share")) == ["any-share", "any-choice"]
    assert triggered_after(("north", "hold"), ("south", "share")) == [
        "any-share", "south-share", "any-choice"]
    assert triggered_after(("north", "share"), ("south", "share"), ("east", "share")) == [
        "any-share", "all-share", "south-share", "any-choice"]
    assert triggered_after() == []


def test_chose_without_an_option_means_any_option_and_team_defaults_to_any():
    assert triggered_after(("east", "hold")) == ["any-choice"]


def test_chose_counts_bot_choices_too():
    assert triggered_after(bots=("north",)) == ["any-share", "any-choice"]


def test_chose_looks_back_at_earlier_turns():
    session = play(CHOICES.replace("  - {id: any-share, title: Anyone shared, when: {chose:",
                                   "  - {id: any-share, title: Anyone shared, when: {all: ["
                                   "{turn: {equals: 3}}, {chose:")
                   .replace("option: share,\n     team: any}}}", "option: share,\n"
                            "     team: any}}]}}"))
    run(session, Decide("north", inject="ask", option="share"), Advance(), Advance())
    assert "any-share" in deliveries(session, turn=3)


@pytest.mark.parametrize("code", ['"trust < 40"', '"__import__(\'os\').system(\'true\')"',
                                  "{metric: trust, team: any, below: '40'}"])
def test_conditions_are_data_never_code(code):
    """"Conditions are data, never code: no string is ever evaluated." """
    with pytest.raises(ScriptError):
        build(PREAMBLE + f"injects:\n  - {{id: p, title: P, when: {code}}}\n")
