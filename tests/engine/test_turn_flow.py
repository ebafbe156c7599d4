"""Turn flow, as SCRIPT_FORMAT.md tells it.

"At the start of each turn the engine delivers three groups, each in file order:
(1) injects with this `turn` (and whose `when`, if any, holds); (2) follow-ups queued
for this turn (an inject queued several times for one turn is delivered once);
(3) injects with `when` and no `turn` whose condition holds. Each delivery's
`effects` apply at once, so later conditions in the same turn start see them.
`when` conditions are checked only at turn starts. An inject with `once: true` that
was already delivered, by any means, is never delivered again (also not by hand:
that is refused with a clear error)."
"""

from __future__ import annotations

import pytest

from engine.commands import Advance, CommandError, Decide, Deliver, End, Start
from engine.events import (
    ByHand,
    ExerciseEnded,
    FollowUp,
    Scheduled,
    Triggered,
    TurnEnded,
    TurnStarted,
)

from .conftest import PREAMBLE, deliveries, delivery_events, play, run

# ------------------------------------------------------------ the three groups

GROUPS = PREAMBLE + """\
injects:
  - id: alarm-b            # (3) `when` and no `turn`, listed first in the file
    title: Alarm B
    when: {turn: {at_least: 2}}
  - id: reply-b            # (2) a follow-up
    title: Reply B
    follow_up: true
  - id: brief-b            # (1) scheduled for turn 2
    title: Brief B
    turn: 2
  - id: opener
    title: Opener
    turn: 1
    to: [north]
    options:
      - {id: go, label: Go, next: [reply-b, reply-a]}   # queued in reverse file order
  - id: alarm-a            # (3) holds from turn 1 on, and may repeat
    title: Alarm A
    once: false
    when: {delivered: opener}
  - id: reply-a            # (2)
    title: Reply A
    follow_up: true
  - id: checked            # (1) turn and when: delivered at turn 2 as the when holds then
    title: Checked
    turn: 2
    when: {turn: {equals: 2}}
  - id: brief-a            # (1)
    title: Brief A
    turn: 2
"""


def test_a_turn_start_delivers_scheduled_then_follow_ups_then_triggered_each_in_file_order():
    session = play(GROUPS)
    run(session, Decide("north", inject="opener", option="go"), Advance())
    assert deliveries(session, turn=2) == [
        "brief-b", "checked", "brief-a",  # (1) this turn, file order
        "reply-b", "reply-a",  # (2) queued for this turn, file order (not the order queued)
        "alarm-b", "alarm-a",  # (3) `when` only, file order
    ]


def test_each_delivery_records_why_it_came():
    session = play(GROUPS)
    run(session, Decide("north", inject="opener", option="go"), Advance())
    reasons = {e.inject: e.reason for e in delivery_events(session) if e.delivery > 2}
    assert isinstance(reasons["brief-b"], Scheduled)
    assert isinstance(reasons["checked"], Triggered)  # scheduled, with a `when` that held
    assert isinstance(reasons["reply-a"], FollowUp)
    assert [(s.inject, s.team, s.option) for s in reasons["reply-a"].sources] == [
        ("opener", "north", "go")]
    assert isinstance(reasons["alarm-b"], Triggered)
    assert reasons["alarm-b"].because  # the facts that made the condition hold


def test_turn_one_has_its_scheduled_inject_and_the_triggers_that_hold_then():
    session = play(GROUPS)
    # alarm-a's condition (`delivered: opener`) holds after group (1) delivered opener.
    assert deliveries(session, turn=1) == ["opener", "alarm-a"]
    assert session.state.turn == 1


def test_an_inject_with_turn_and_when_is_delivered_at_that_turn_only_if_when_holds_then():
    """"both (delivered at that turn only if `when` holds then)" """
    text = PREAMBLE + """\
injects:
  - id: opener
    title: Opener
    turn: 1
    to: [north]
    options:
      - {id: raise, label: Raise, effects: [{metric: interop, add: 50}]}
  - id: gated
    title: Gated
    turn: 1
    when: {metric: interop, at_least: 50}
"""
    session = play(text)
    assert deliveries(session) == ["opener"]  # interop is 10 at the start of turn 1
    run(session, Decide("north", inject="opener", option="raise"), Advance(), Advance())
    assert session.state.value("interop") == 60
    assert deliveries(session) == ["opener"]  # it now holds, but its turn has passed


def test_a_follow_up_queued_several_times_for_one_turn_is_delivered_once():
    text = PREAMBLE + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    options:
      - id: agree
        label: Agree
        next: [answer]
        outcomes: [{chance: 1, next: [answer]}]
  - id: answer
    title: Answer
    follow_up: true
    once: false
"""
    session = play(text)
    run(session, Decide("north", inject="ask", option="agree"),
        Decide("south", inject="ask", option="agree"), Advance())
    assert deliveries(session, turn=2) == ["answer"]
    [event] = [e for e in delivery_events(session) if e.inject == "answer"]
    assert isinstance(event.reason, FollowUp)
    assert [s.team for s in event.reason.sources] == ["north", "north", "south", "south"]


def test_follow_ups_are_queued_by_options_and_outcomes_for_the_next_turn():
    """"next: [leak-inquiry]                # follow-ups queued for the next turn" """
    text = PREAMBLE + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    to: [north]
    options:
      - id: agree
        label: Agree
        next: [from-option]
        outcomes: [{chance: 1, next: [from-outcome]}]
  - {id: from-option, title: From option, follow_up: true}
  - {id: from-outcome, title: From outcome, follow_up: true}
"""
    session = play(text)
    run(session, Decide("north", inject="ask", option="agree"))
    assert deliveries(session) == ["ask"]  # queued, not delivered this turn
    run(session, Advance())
    assert deliveries(session, turn=2) == ["from-option", "from-outcome"]
    run(session, Advance())
    assert deliveries(session, turn=3) == []  # queued for one turn only


def test_a_follow_up_is_never_delivered_without_next_or_a_hand():
    text = PREAMBLE + """\
injects:
  - {id: first, title: First, turn: 1}
  - {id: later, title: Later, follow_up: true}
"""
    session = play(text)
    run(session, Advance(), Advance())
    assert deliveries(session) == ["first"]


# ------------------------------------------------------------ effects at once


def test_delivery_effects_apply_at_once_so_later_conditions_in_the_same_turn_start_see_them():
    """"Each delivery's `effects` apply at once, so later conditions in the same turn
    start see them": a scheduled inject drops south's trust, and in the same turn start
    a later scheduled inject's `when` and a trigger's `when` both see the drop."""
    text = PREAMBLE + """\
injects:
  - id: crisis-trigger
    title: Crisis (trigger)
    when: {metric: trust, team: south, below: 40}
  - id: blow
    title: Blow
    turn: 2
    effects: [{metric: trust, team: south, add: -20}]
  - id: crisis-scheduled
    title: Crisis (scheduled)
    turn: 2
    when: {metric: trust, team: south, equals: 30}
"""
    session = play(text)
    assert deliveries(session) == []
    run(session, Advance())
    assert deliveries(session, turn=2) == ["blow", "crisis-scheduled", "crisis-trigger"]
    assert session.state.value("trust", "south") == 30


def test_a_follow_ups_effects_are_seen_by_the_triggers_of_the_same_turn_start():
    text = PREAMBLE + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    to: [north]
    options: [{id: go, label: Go, next: [escalate]}]
  - id: escalate
    title: Escalate
    follow_up: true
    effects: [{metric: interop, set: 90}]
  - id: summit
    title: Summit
    when: {metric: interop, at_least: 90}
"""
    session = play(text)
    run(session, Decide("north", inject="ask", option="go"), Advance())
    assert deliveries(session, turn=2) == ["escalate", "summit"]


def test_a_trigger_sees_only_deliveries_before_it_in_the_same_turn_start():
    """One pass in file order: a trigger listed before the inject that makes its
    condition hold is checked before that inject is delivered, so it waits a turn."""
    text = PREAMBLE + """\
injects:
  - id: early
    title: Early
    when: {delivered: late}
  - id: late
    title: Late
    when: {turn: {equals: 2}}
"""
    session = play(text)
    run(session, Advance())
    assert deliveries(session, turn=2) == ["late"]
    run(session, Advance())
    assert deliveries(session, turn=3) == ["early"]


def test_when_conditions_are_checked_only_at_turn_starts():
    """A decision makes the trigger's condition hold mid-turn: nothing is delivered
    then. Another decision undoes it before the turn ends: nothing is delivered at the
    next turn start either, because the condition no longer holds then."""
    text = PREAMBLE + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    options:
      - {id: up, label: Up, effects: [{metric: interop, add: 50}]}
      - {id: down, label: Down, effects: [{metric: interop, add: -50}]}
  - id: booming
    title: Booming
    when: {metric: interop, at_least: 50}
"""
    session = play(text)
    run(session, Decide("north", inject="ask", option="up"))
    assert session.state.value("interop") == 60
    assert deliveries(session) == ["ask"]
    run(session, Decide("south", inject="ask", option="down"), Decide("east", inject="ask",
                                                                      option="up"))
    assert session.state.value("interop") == 60
    run(session, Advance())
    assert deliveries(session, turn=2) == ["booming"]  # checked at the turn start: holds


def test_a_condition_that_held_only_mid_turn_delivers_nothing():
    text = PREAMBLE + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    options:
      - {id: up, label: Up, effects: [{metric: interop, add: 50}]}
      - {id: down, label: Down, effects: [{metric: interop, add: -50}]}
  - id: booming
    title: Booming
    when: {metric: interop, at_least: 50}
"""
    session = play(text)
    run(session, Decide("north", inject="ask", option="up"),
        Decide("south", inject="ask", option="down"), Advance(), Advance())
    assert deliveries(session) == ["ask"]


def test_decisions_apply_when_recorded_in_the_order_recorded():
    """"A decision's effects (and its roll, if it has `outcomes`) apply when it is
    recorded, in the order recorded." With clamping, the order shows: at 95 (max 100),
    +10 then -10 gives 90, but -10 then +10 gives 95."""
    text = PREAMBLE.replace("scope: global, initial: 10", "scope: global, initial: 95") + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    options:
      - {id: up, label: Up, effects: [{metric: interop, add: 10}]}
      - {id: down, label: Down, effects: [{metric: interop, add: -10}]}
"""
    up_first = play(text)
    run(up_first, Decide("north", inject="ask", option="up"))
    assert up_first.state.value("interop") == 100
    run(up_first, Decide("south", inject="ask", option="down"))
    down_first = run(play(text), Decide("south", inject="ask", option="down"),
                     Decide("north", inject="ask", option="up"))
    assert (up_first.state.value("interop"), down_first.state.value("interop")) == (90, 95)


# ------------------------------------------------------------------ once


ONCE = PREAMBLE + """\
injects:
  - id: scheduled
    title: Scheduled for turn 2
    turn: 2
  - id: sticky
    title: Trigger that keeps holding
    when: {turn: {at_least: 1}}
  - id: repeating
    title: Trigger that may repeat
    once: false
    when: {metric: interop, below: 20}
  - id: ask
    title: Ask
    turn: 1
    to: [north]
    options: [{id: go, label: Go, next: [sticky, reply]},
              {id: raise, label: Raise, effects: [{metric: interop, add: 15}]}]
  - id: lift
    title: Lift
    turn: 2
    to: [north]
    options: [{id: raise, label: Raise, effects: [{metric: interop, add: 15}]}]
  - id: reply
    title: Reply
    follow_up: true
"""


def test_once_true_is_the_default_and_a_trigger_that_keeps_holding_is_delivered_once():
    session = play(ONCE)
    run(session, Advance(), Advance())
    assert deliveries(session).count("sticky") == 1


def test_once_true_an_inject_delivered_by_hand_is_not_delivered_again_on_schedule():
    session = play(ONCE)
    run(session, Deliver("scheduled"), Advance())
    assert deliveries(session).count("scheduled") == 1
    assert deliveries(session, turn=2).count("scheduled") == 0


def test_once_true_a_follow_up_of_an_inject_already_delivered_is_not_delivered_again():
    session = play(ONCE)  # sticky was delivered by its trigger in turn 1
    run(session, Decide("north", inject="ask", option="go"), Advance())
    assert "reply" in deliveries(session, turn=2)
    assert deliveries(session).count("sticky") == 1


def test_once_true_cannot_be_delivered_again_by_hand_the_refusal_is_clear():
    """"(also not by hand: that is refused with a clear error)" """
    session = play(ONCE)
    with pytest.raises(CommandError, match=r"already delivered.*once: true"):
        session.execute(Deliver("sticky"))
    run(session, Deliver("reply"))
    with pytest.raises(CommandError, match="'reply' was already delivered"):
        session.execute(Deliver("reply"))


def test_a_once_false_trigger_is_delivered_every_turn_its_condition_holds():
    session = play(ONCE)  # interop 10: below 20 at turns 1 and 2
    assert "repeating" in deliveries(session, turn=1)
    run(session, Advance())
    assert "repeating" in deliveries(session, turn=2)
    run(session, Decide("north", inject="lift", option="raise"), Advance())
    assert session.state.value("interop") == 25
    assert "repeating" not in deliveries(session, turn=3)  # no longer below 20
    assert [e.n for e in delivery_events(session) if e.inject == "repeating"] == [1, 2]


def test_a_once_false_inject_may_be_delivered_by_hand_again_and_counts_each_delivery():
    session = play(ONCE)
    run(session, Deliver("repeating"), Deliver("repeating"))
    assert [e.n for e in delivery_events(session) if e.inject == "repeating"] == [1, 2, 3]
    assert isinstance(delivery_events(session)[-1].reason, ByHand)
    assert session.state.delivered["repeating"] == 3


def test_a_facilitator_can_deliver_any_inject_by_hand_and_teams_decide_on_it_that_turn():
    """"Facilitators may also deliver any inject by hand" - a follow-up, or one
    scheduled for a later turn."""
    session = play(ONCE)
    run(session, Deliver("reply"), Deliver("scheduled"))
    assert deliveries(session, turn=1)[-2:] == ["reply", "scheduled"]
    run(session, Advance())
    assert "scheduled" not in deliveries(session, turn=2)


# ------------------------------------------------------------------ ending


ENDING = PREAMBLE + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    to: [north]
    options:
      - {id: calm, label: Calm}
      - {id: boom, label: Boom, effects: [{metric: interop, set: 100}]}
  - id: bump
    title: Bump
    turn: 2
    effects: [{metric: interop, set: 95}]
end:
  - when: {turn: {at_least: 10}}
    outcome: Never
  - when: {metric: interop, at_least: 90}
    outcome: Full interoperability reached; the drill ends early.
  - when: {metric: interop, at_least: 100}
    outcome: Also holds, but listed later
"""


def test_end_conditions_are_checked_at_the_end_of_a_turn_first_that_holds_wins():
    """"Checked at the end of every turn, in the order listed; the first that holds
    ends the exercise with its `outcome`." """
    session = play(ENDING)
    run(session, Decide("north", inject="ask", option="boom"))
    assert not session.state.ended  # not checked when a decision is recorded
    run(session, Advance())
    assert session.state.ended
    assert session.state.outcome == "Full interoperability reached; the drill ends early."
    end = session.state.end_event
    assert end is not None and (end.reason, end.rule) == ("condition", 1)
    types = [type(r.event) for r in session.records[-2:]]
    assert types == [TurnEnded, ExerciseEnded]  # no turn 2 is started
    assert session.state.turn == 1


def test_end_conditions_are_not_checked_at_a_turn_start():
    session = play(ENDING)
    run(session, Advance())  # turn 2 starts, `bump` sets interop to 95
    assert session.state.value("interop") == 95
    assert not session.state.ended and session.state.turn == 2
    run(session, Advance())
    assert session.state.ended and session.state.end_event.rule == 1
    assert session.state.turn == 2


def test_otherwise_the_exercise_ends_after_its_last_turn_with_no_outcome_text():
    text = PREAMBLE + "injects:\n  - {id: one, title: One, turn: 1}\n"
    session = play(text)
    run(session, Advance(), Advance())
    assert not session.state.ended and session.state.turn == 3
    run(session, Advance())
    assert session.state.ended and session.state.outcome is None
    assert session.state.end_event.reason == "last_turn"
    starts = [r.event.turn for r in session.records if isinstance(r.event, TurnStarted)]
    assert starts == [1, 2, 3]


def test_an_end_condition_that_holds_in_the_last_turn_gives_its_outcome():
    text = PREAMBLE.replace("turns: 3", "turns: 1") + """\
injects:
  - {id: one, title: One, turn: 1}
end:
  - {when: {delivered: one}, outcome: Delivered and done.}
"""
    session = play(text)
    run(session, Advance())
    assert (session.state.end_event.reason, session.state.outcome) == (
        "condition", "Delivered and done.")


def test_end_conditions_see_the_bots_turn_end_decisions():
    """"every bot-controlled team ... decides now by its policy ... Then `end`
    conditions are checked." """
    session = play(ENDING.replace("{id: calm, label: Calm}\n      - ", ""), bots=["north"])
    run(session, Advance())  # north's bot takes the first (now: boom) option
    assert session.state.value("interop") == 100
    assert session.state.ended and session.state.end_event.rule == 1


def test_nothing_moves_after_the_end():
    session = play(ENDING)
    run(session, End("Stopped by the facilitator"))
    assert session.state.ended and session.state.outcome == "Stopped by the facilitator"
    for command in (Advance(), Deliver("bump"), Decide("north", inject="ask", option="calm"),
                    End()):
        with pytest.raises(CommandError, match="ended"):
            session.execute(command)


def test_a_session_starts_once():
    session = play(ENDING)
    with pytest.raises(CommandError, match="already started"):
        session.execute(Start())


def test_commands_before_the_start_are_refused():
    session = play(ENDING, start=False)
    with pytest.raises(CommandError, match="not started"):
        session.execute(Advance())
