"""Explaining an event: why it happened (scheduled, triggered with the values that made
the condition hold, follow-up of which decision, by hand, ad hoc) and what it did (each
metric before -> after, the roll drawn and the outcome it chose)."""

from __future__ import annotations

from engine.commands import Advance, Decide, Deliver, DeliverAdhoc, End, Note, Rate
from engine.events import DecisionRecorded, InjectDelivered, Rated
from engine.explain import Explanation, condition_text, explain
from engine.script import Effect
from engine.session import Record, Session
from tests.engine.conftest import PREAMBLE, build, play, run, spec_roll

SCRIPT = PREAMBLE + """\
injects:
  - id: alarm
    title: Harbour alarm
    turn: 1
    to: [north, south]
    effects: [{metric: interop, add: -4}]
    options:
      - id: calm
        label: Calm the crowd
        effects: [{metric: trust, team: self, add: 5}]
        rating: {share: S}
      - id: gamble
        label: Send the divers
        outcomes:
          - {chance: 0.5, text: The divers find nothing., effects: [{metric: interop, add: 3}]}
          - chance: 0.5
            text: A diver is hurt and the press hears of it.
            effects: [{metric: trust, team: self, add: -20}]
            next: [inquiry]
  - id: inquiry
    title: Press inquiry
    follow_up: true
    options:
      - {id: answer, label: Answer the press}
  - id: grumble
    title: Partners grumble
    when: {metric: trust, team: any, below: 40}
  - id: spare
    title: Spare inject
    follow_up: true
end:
  - when: {all: [{metric: interop, at_least: 99}, {turn: {at_least: 2}}]}
    outcome: Never.
"""


def seed_where(team: str, hurt: bool) -> int:
    """A seed whose outcome roll for `team`'s first `alarm` is the hurt diver (r >= 0.5)
    or not, found with the specification's own roll formula."""
    return next(s for s in range(1, 500)
                if (spec_roll(s, "outcome", 1, "alarm", 1, team) >= 0.5) == hurt)


def explained(session: Session, record: Record) -> Explanation:
    return explain(session.exercise, session.state_at(record.seq), record)


def first(session: Session, kind: type, **match: object) -> Record:
    return next(r for r in session.records if isinstance(r.event, kind)
                and all(getattr(r.event, k) == v for k, v in match.items()))


def text(e: Explanation) -> str:
    return "\n".join([e.headline, *e.why, *e.did, *map(str, e.changes), *map(str, e.rolls)])


def hurt_session() -> Session:
    seed = seed_where("south", hurt=True)
    return run(play(SCRIPT, seed=seed), Decide("south", delivery=1, option="gamble"),
               Decide("north", delivery=1, option="calm"), Advance())


def test_a_scheduled_inject_says_so_and_shows_its_own_effects() -> None:
    session = play(SCRIPT)
    e = explained(session, first(session, InjectDelivered, inject="alarm"))
    assert e.headline == "Inject #1 “Harbour alarm” delivered to North, South"
    assert e.why == ("Scheduled for turn 1 (Turn 1) in the script.",)
    assert [str(m) for m in e.changes] == ["interop 10 → 6 (-4)"]
    assert "It asks North, South to choose among 2 options." in e.did


def test_a_rolled_outcome_shows_the_roll_its_band_and_the_outcome_text() -> None:
    session = hurt_session()
    seed = session.seed
    e = explained(session, first(session, DecisionRecorded, team="south"))
    r = spec_roll(seed, "outcome", 1, "alarm", 1, "south")
    (roll,) = e.rolls
    assert (roll.key, roll.r, roll.pick, roll.of) == (f"{seed}:outcome:1:alarm:1:south", r, 1, 2)
    assert str(roll) == (f"Roll r = {r:.4f} (key {seed}:outcome:1:alarm:1:south) picked "
                         "outcome 2 of 2, which covers 0.50 ≤ r < 1.00: A diver is hurt "
                         "and the press hears of it.")
    assert [str(m) for m in e.changes] == ["trust (South) 50 → 30 (-20)"]
    assert "Chose “Send the divers”." in e.did
    assert "Queued for next turn: “Press inquiry”" in e.did
    assert e.why == ("Chosen in turn 1 by the person playing South.",)


def test_a_triggered_inject_shows_the_condition_and_the_values_that_made_it_hold() -> None:
    session = hurt_session()
    e = explained(session, first(session, InjectDelivered, inject="grumble"))
    assert e.why == ("Triggered: its condition held at the start of turn 2.",
                     "Condition: trust of any team below 40",
                     "It held because: trust[south] = 30 (below 40)")
    assert e.did == ("It changed no metric on delivery.",)


def test_a_follow_up_names_the_decision_and_the_outcome_that_queued_it() -> None:
    session = hurt_session()
    e = explained(session, first(session, InjectDelivered, inject="inquiry"))
    assert e.why == ("A follow-up, queued at the end of the previous turn by:",
                     "  South choosing “Send the divers” on #1 “Harbour alarm”, whose rolled "
                     "outcome was “A diver is hurt and the press hears of it.”")


def test_a_bot_decision_names_its_policy_and_an_option_rating_its_option() -> None:
    session = run(play(SCRIPT, bots=["north", "south"]), Advance())
    e = explained(session, first(session, DecisionRecorded, team="north"))
    assert e.why == ("Chosen at the end of turn 1 by the bot playing North, by its policy "
                     "`first`: it takes the first option listed.",)
    assert "Recorded the option's rating: Share S" in e.did
    rated = explained(session, first(session, Rated, team="north"))
    assert rated.why == ("“Calm the crowd”, chosen on #1 “Harbour alarm”, carries this "
                         "rating in the script.",)
    assert "It is the first rating of this team on this objective." in rated.did


def test_a_facilitators_rating_shows_its_note_and_the_rating_before_it() -> None:
    session = run(play(SCRIPT), Rate("north", "warn", "P", ""),
                  Rate("north", "warn", "M", "warned late"))
    records = [r for r in session.records if isinstance(r.event, Rated)]
    e = explained(session, records[1])
    assert e.headline == "North rated M on “Warn”"
    assert e.why == ("Rated by the facilitator or an evaluator.", "Note: warned late")
    assert "Before it: P (turn 1)." in e.did


def test_hand_and_ad_hoc_deliveries_and_notes() -> None:
    session = run(play(SCRIPT), Deliver("spare"),
                  DeliverAdhoc(title="Fuel leak", text="A tanker leaks at berth 4.",
                               channel="radio", sender="Port control", to=("east",),
                               effects=(Effect(metric="interop", add=-2),)),
                  Note("Good liaison", "hotwash", "east"))
    by_hand = explained(session, first(session, InjectDelivered, inject="spare"))
    assert by_hand.why == ("Delivered by hand by the facilitator (the script holds it as a "
                           "follow-up).",)
    adhoc = explained(session, session.records[-2])
    assert adhoc.headline == "Inject #3 “Fuel leak” delivered to East"
    assert "Sent as: radio · Port control" in adhoc.why
    assert [str(m) for m in adhoc.changes] == ["interop 6 → 4 (-2)"]
    note = explained(session, session.records[-1])
    assert note.headline == "Hot-wash note about East" and note.did == ("Good liaison",)


def test_the_end_names_its_reason_and_outcome() -> None:
    session = run(play(SCRIPT), End("Called off for weather"))
    e = explained(session, session.records[-1])
    assert e.why == ("The facilitator ended the exercise.",)
    assert "Outcome: Called off for weather" in e.did


def test_conditions_read_as_words() -> None:
    ex = build(SCRIPT)
    assert ex.end[0].when is not None
    assert condition_text(ex, ex.end[0].when) == "interop at least 99 and the turn is at least 2"
    grumble = ex.inject("grumble")
    assert grumble is not None and grumble.when is not None
    assert condition_text(ex, grumble.when) == "trust of any team below 40"


def test_every_event_of_a_session_explains_without_error() -> None:
    session = run(hurt_session(), Advance(), Advance())
    assert session.state.ended
    for record in session.records:
        e = explained(session, record)
        assert e.seq == record.seq and e.headline and e.why and e.did, text(e)
