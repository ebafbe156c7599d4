"""Corrections, event-sourced: a decision, an evaluator's rating or a note of the
current turn can be withdrawn, saying why. Nothing in the log is rewritten; the fold
undoes what the withdrawn event did, and a decision made again rolls afresh."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import saved, store
from engine.commands import Advance, CommandError, Decide, Note, Rate, Withdraw
from engine.events import DecisionRecorded, Rated, Withdrawn
from engine.export import tables
from engine.loader import load
from engine.rolls import draw, roll_key
from engine.state import fold, initial_state
from tests.strategies import Action, drive, scripts, to_yaml

from .conftest import PREAMBLE, build, play, run

SCRIPT = PREAMBLE + """\
injects:
  - id: one
    title: One
    turn: 1
    objectives: [share]
    options:
      - id: share
        label: Share
        effects: [{metric: trust, team: self, add: 10}, {metric: interop, add: 5}]
        rating: {share: P}
        next: [echo]
      - id: gamble
        label: Gamble
        outcomes:
          - {chance: 0.5, effects: [{metric: trust, team: self, add: 20}]}
          - {chance: 0.5, effects: [{metric: trust, team: self, add: -20}]}
  - id: echo
    title: Echo
    follow_up: true
"""


def seq_of(session, kind: type) -> int:
    return next(r.seq for r in reversed(session.records) if isinstance(r.event, kind))


def test_a_withdrawn_decision_is_undone_and_the_team_may_decide_again() -> None:
    session = play(SCRIPT)
    before = dict(session.state.metrics)
    session.execute(Rate("north", "share", "S"))  # an evaluator first: S stands over P
    session.execute(Decide(team="north", inject="one", option="share"))
    decision = seq_of(session, DecisionRecorded)
    assert session.state.value("trust", "north") == before[("trust", "north")] + 10
    session.execute(Withdraw(decision, "north meant to gamble"))
    state = session.state
    assert state.metrics == before
    assert "north" not in state.delivery(1).decisions
    assert not state.queued.get(2) and ("one", "share", "north") not in state.chose
    assert [e.rating for e in state.ratings] == ["S"]  # the option's P went with it
    assert state.latest[("north", "share")].rating == "S"
    assert isinstance(session.records[-1].event, Withdrawn)
    assert session.records[decision - 1].event.option == "share"  # still in the log
    session.execute(Decide(team="north", inject="one", option="gamble"))
    assert session.state.delivery(1).decisions["north"].option == "gamble"


def test_a_decision_made_again_rolls_with_its_own_identity() -> None:
    """README, "Corrections": the k-th decision after k withdrawals draws from the roll
    key with `#k` appended, so it is not the same dice thrown again."""
    session = run(play(SCRIPT, seed=3), Decide(team="north", inject="one", option="gamble"))
    first = session.state.delivery(1).decisions["north"]
    session.execute(Withdraw(seq_of(session, DecisionRecorded), "clicked too soon"))
    session.execute(Decide(team="north", inject="one", option="gamble"))
    second = session.state.delivery(1).decisions["north"]
    key = roll_key(3, "outcome", 1, "one", 1, "north")
    assert (first.rolls[0].key, first.rolls[0].r) == (key, draw(key))
    assert (second.rolls[0].key, second.rolls[0].r) == (key + "#1", draw(key + "#1"))


def test_a_rating_and_a_note_can_be_withdrawn() -> None:
    session = run(play(SCRIPT), Rate("south", "share", "M"), Rate("south", "share", "U"),
                  Note("wrong team", team="east"))
    session.execute(Withdraw(seq_of(session, Rated), "rated the wrong objective"))
    assert session.state.latest[("south", "share")].rating == "M"
    note = next(r.seq for r in session.records if r.event.type == "note")
    session.execute(Withdraw(note, "meant for south"))
    assert session.state.notes == []


@pytest.mark.parametrize(("make", "says"), [
    (lambda s: Withdraw(1, "why"), "cannot be withdrawn"),  # the turn's start
    (lambda s: Withdraw(999, "why"), "cannot be withdrawn"),
    (lambda s: Withdraw(seq_of(s, DecisionRecorded), "  "), "say why"),
])
def test_what_cannot_be_withdrawn_is_refused(make, says) -> None:
    session = run(play(SCRIPT), Decide(team="north", inject="one", option="share"))
    with pytest.raises(CommandError, match=says):
        session.execute(make(session))


def test_only_this_turn_and_only_once() -> None:
    session = run(play(SCRIPT), Decide(team="north", inject="one", option="share"))
    decision = seq_of(session, DecisionRecorded)
    session.execute(Withdraw(decision, "wrong team"))
    with pytest.raises(CommandError, match="cannot be withdrawn"):
        session.execute(Withdraw(decision, "again"))
    session.execute(Decide(team="north", inject="one", option="share"))
    session.execute(Advance())
    with pytest.raises(CommandError, match="cannot be withdrawn"):
        session.execute(Withdraw(seq_of(session, DecisionRecorded), "too late"))


def test_replay_verify_and_exports_honour_corrections(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    loaded = load(path)
    live = saved.start(loaded, seed=5, bots=frozenset(), mode="facilitate",
                       path=tmp_path / "save.jsonl", fsync=False)
    s = live.session
    s.execute(Decide(team="north", inject="one", option="share"))
    s.execute(Withdraw(seq_of(s, DecisionRecorded), "meant south"))
    s.execute(Decide(team="south", inject="one", option="share"))
    s.execute(Advance())
    live.close()
    save = store.read(live.path)
    assert saved.replay(save, loaded).state == s.state
    assert saved.verify(save, loaded) == []
    exported = tables(loaded.exercise, save.records, s.state)
    decided = [(d["team"], d["option"]) for d in exported["decisions"] if d["option"]]
    assert decided == [("south", "share")]
    assert {(r["team"], r["rating"]) for r in exported["ratings"]} == {("south", "P")}


def test_verify_refuses_a_forged_withdrawal() -> None:
    ex = build(SCRIPT)
    session = run(play(SCRIPT), Decide(team="north", inject="one", option="share"))
    events = [r.event for r in session.records]
    from engine.audit import misfit

    state = fold(initial_state(ex), events)
    assert misfit(ex, state, Withdrawn(event=1, reason="forged")) is not None


# ------------------------------------------------------------------ the property


def _with_corrections(acts: list[Action]) -> list[Action]:
    """Every third action a withdrawal: corrections as often as a clumsy facilitator."""
    out: list[Action] = []
    for n, act in enumerate(acts):
        out.append(act)
        if n % 3 == 2:
            out.append(("withdraw", n, "corrected"))
    return out


action = st.one_of(
    st.tuples(st.just("decide"), st.integers(0, 50), st.integers(0, 50), st.none()),
    st.tuples(st.just("rate"), st.integers(0, 50), st.integers(0, 50), st.integers(0, 4),
              st.just("seen")),
    st.tuples(st.just("note"), st.just("said"), st.sampled_from(["note", "hotwash"]),
              st.none()),
    st.tuples(st.just("advance")),
)


@settings(max_examples=60, deadline=None)
@given(script=scripts(), seed=st.integers(0, 2**32), acts=st.lists(action, max_size=30))
def test_live_is_the_replay_whatever_is_corrected(script, seed, acts) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "script.yaml")
        path.write_text(to_yaml(script), encoding="utf-8")
        loaded = load(path)
        live = saved.start(loaded, seed=seed, bots=frozenset(), mode="facilitate",
                           path=Path(tmp, "save.jsonl"), fsync=False)
        try:
            drive(live.session, _with_corrections(acts))
        finally:
            live.close()
        events = [r.event for r in live.session.records]
        assert live.session.state == fold(initial_state(loaded.exercise), events)
        save = store.read(live.path)
        assert saved.replay(save, loaded).state == live.session.state
        assert saved.verify(save, loaded) == []


def test_the_property_does_withdraw_things() -> None:
    """The strategy above really makes corrections (a property that never withdrew
    anything would prove nothing about them)."""
    session = play(SCRIPT)
    acts: list[Action] = [("decide", 0, 0, None), ("rate", 1, 0, 2, "seen"),
                          ("note", "said", "note", None)]
    done = drive(session, _with_corrections(acts))
    assert any(isinstance(c, Withdraw) for c in done)
