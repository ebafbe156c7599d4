"""Commands the rules refuse, each with a message written for the person who sent it.

"Each addressed team decides once per delivery." Facilitators "may also deliver any
inject by hand, write an ad-hoc inject, rate, and note". Everything else a player or
facilitator might ask for by mistake is refused with a clear `CommandError`, and a
refused command changes nothing.
"""

from __future__ import annotations

import pytest

from engine.commands import (
    Advance,
    CommandError,
    Decide,
    Deliver,
    DeliverAdhoc,
    End,
    Note,
    Rate,
)
from engine.events import Adhoc
from engine.script import Effect

from .conftest import PREAMBLE, deliveries, metrics, play, run

SCRIPT = PREAMBLE + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    to: [north, south]
    options:
      - {id: share, label: Share, effects: [{metric: interop, add: 5}]}
      - {id: hold, label: Hold}
  - id: other
    title: Other
    turn: 1
    options:
      - {id: elsewhere, label: Elsewhere}
  - id: again
    title: Again
    once: false
    follow_up: true
    options:
      - {id: go, label: Go}
"""


def refused(session, command, says: str) -> None:
    """The command is refused with a message containing `says`, and nothing changes."""
    before = len(session.records)
    with pytest.raises(CommandError) as refusal:
        session.execute(command)
    assert says in str(refusal.value), str(refusal.value)
    assert len(session.records) == before


def test_a_team_decides_once_per_delivery():
    session = play(SCRIPT)
    run(session, Decide("north", inject="ask", option="share"))
    refused(session, Decide("north", inject="ask", option="hold"), "north already decided on 'ask'")
    refused(session, Decide("north", delivery=1, response="On second thoughts"), "already decided")
    assert session.state.value("interop") == 15


def test_a_team_decides_on_each_delivery_of_a_repeated_inject():
    session = play(SCRIPT)
    run(session, Deliver("again"), Deliver("again"),
        Decide("east", inject="again", option="go"), Decide("east", inject="again", option="go"))
    assert set(session.state.deliveries[2].decisions) == {"east"}
    assert set(session.state.deliveries[3].decisions) == {"east"}
    refused(session, Decide("east", inject="again", option="go"), "already decided")


def test_a_decision_may_give_an_option_and_a_free_text_response_together():
    session = play(SCRIPT)
    run(session, Decide("north", inject="ask", option="hold", response="Holding for HF"))
    decision = session.state.deliveries[0].decisions["north"]
    assert (decision.option, decision.response) == ("hold", "Holding for HF")


def test_an_option_of_another_inject_is_refused():
    session = play(SCRIPT)
    refused(session, Decide("north", inject="ask", option="elsewhere"),
            "'ask' has no option 'elsewhere' (options: share, hold)")


def test_a_team_the_inject_does_not_address_cannot_decide_on_it():
    session = play(SCRIPT)
    refused(session, Decide("east", inject="ask", option="share"),
            "'ask' was not delivered to east in turn 1")
    refused(session, Decide("east", delivery=1, option="share"), "'ask' is not addressed to east")


def test_a_decision_names_its_delivery_and_says_something():
    session = play(SCRIPT)
    refused(session, Decide("north", option="share"), "say which inject")
    refused(session, Decide("north", inject="ask"), "choose an option or write a response")
    refused(session, Decide("north", inject="ask", response="   "), "choose an option")
    refused(session, Decide("north", delivery=99, option="share"), "no delivery #99")
    refused(session, Decide("north", delivery=2, inject="ask", option="share"),
            "delivery #2 is 'other', not 'ask'")


def test_decisions_close_when_their_turn_ends():
    session = play(SCRIPT)
    run(session, Advance())
    refused(session, Decide("north", delivery=1, option="share"), "decisions close")
    refused(session, Decide("north", inject="ask", option="share"),
            "not delivered to north in turn 2")


def test_unknown_teams_injects_and_objectives_are_refused():
    session = play(SCRIPT)
    refused(session, Decide("west", inject="ask", option="share"), "no team 'west'")
    refused(session, Deliver("ghost"), "no inject 'ghost'")
    refused(session, Rate("north", "drill", "P"), "no objective 'drill'")
    refused(session, Rate("west", "share", "P"), "no team 'west'")
    refused(session, Note("hello", team="west"), "no team 'west'")
    refused(session, DeliverAdhoc("Rumour", to=("west",)), "no team 'west'")


def test_a_rating_not_on_the_scale_is_refused():
    session = play(SCRIPT)
    refused(session, Rate("north", "share", "A"), "not on the hseep scale")
    refused(session, Rate("north", "share", 4), "not on the hseep scale")


def test_acting_after_the_end_is_refused():
    session = play(SCRIPT)
    run(session, End())
    for command in (Decide("north", inject="ask", option="share"), Deliver("again"),
                    DeliverAdhoc("Late news"), Advance(), End("twice")):
        refused(session, command, "the exercise has ended")


def test_rating_and_notes_stay_open_after_the_end_for_the_hot_wash():
    """Evaluators rate "at any time"; the hot wash comes right after play."""
    session = play(SCRIPT)
    run(session, End(), Rate("north", "share", "S", "hot wash"),
        Note("Radio discipline was good", kind="hotwash", team="south"))
    assert session.state.latest[("north", "share")].rating == "S"
    assert [(n.kind, n.team) for _, n in session.state.notes] == [("hotwash", "south")]


def test_an_empty_note_is_refused():
    refused(play(SCRIPT), Note("  "), "a note needs some text")


def test_an_ad_hoc_inject_is_delivered_at_once_with_its_effects():
    session = play(SCRIPT)
    run(session, DeliverAdhoc("Rumour", "A partner is said to leave.", channel="news",
                              sender="Press desk", to=("south",),
                              effects=(Effect(metric="trust", team="self", add=-10),
                                       Effect(metric="interop", set=3))))
    last = session.state.deliveries[-1]
    assert (last.inject, last.to) == ("adhoc-1", ("south",))
    assert isinstance(last.event.reason, Adhoc) and last.event.reason.title == "Rumour"
    assert metrics(session) == {"interop": 3, "trust[east]": 50, "trust[north]": 50,
                                "trust[south]": 40}


def test_an_ad_hoc_inject_needs_a_title_and_valid_effects():
    session = play(SCRIPT)
    refused(session, DeliverAdhoc("  "), "needs a title")
    refused(session, DeliverAdhoc("X", effects=(Effect(metric="morale", add=1),)),
            "no metric 'morale'")
    refused(session, DeliverAdhoc("X", effects=(Effect(metric="trust", add=1),)),
            "'trust' is a team metric")
    refused(session, DeliverAdhoc("X", effects=(Effect(metric="interop", team="all", add=1),)),
            "'interop' is a global metric")


def test_a_hand_delivery_goes_to_the_injects_teams():
    session = play(SCRIPT)
    run(session, Deliver("again"))
    assert deliveries(session)[-1] == "again"
    assert session.state.deliveries[-1].to == ("north", "south", "east")
