"""Properties of the fold: the state a session shows is exactly the fold of its log.

Whatever a facilitator and the players do (random scripts, random decisions, hand
and ad-hoc deliveries, ratings, notes, advances), the live `Session.state` equals
a fresh fold of `session.records`, a replay of the save file written alongside,
and `state_at(k)` equals the fold of the first k events, across checkpoints.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import saved, store
from engine import session as session_module
from engine.commands import Advance, Controllers, Decide, Note, Start
from engine.events import Event, NoteAdded
from engine.loader import load
from engine.script import Exercise
from engine.session import CHECKPOINT_EVERY, Session
from engine.state import State, fold, initial_state
from tests.strategies import actions, drive, exercise_of, play_out, scripts, to_yaml

seeds = st.integers(0, 2**32)


def refold(ex: Exercise, events: list[Event]) -> State:
    return fold(initial_state(ex), events)


def bots_of(ex: Exercise, mask: int) -> frozenset[str]:
    return frozenset(t for n, t in enumerate(ex.team_ids) if mask >> n & 1)


@given(script=scripts(), seed=seeds, mask=st.integers(0, 15), acts=actions(),
       finish=st.booleans())
def test_live_state_is_the_fold_of_the_records_and_the_replay_of_the_save(
        script, seed, mask, acts, finish):
    with tempfile.TemporaryDirectory() as tmp:
        script_path = Path(tmp, "script.yaml")
        script_path.write_text(to_yaml(script), encoding="utf-8")
        loaded = load(script_path)
        bots = bots_of(loaded.exercise, mask)
        live = saved.start(loaded, seed=seed, bots=bots, mode="facilitate",
                           path=Path(tmp, "save.jsonl"), fsync=False)
        try:
            drive(live.session, acts)
            if finish:
                play_out(live.session)
        finally:
            live.close()
        session = live.session
        events = [r.event for r in session.records]

        assert [r.seq for r in session.records] == list(range(1, len(events) + 1))
        assert session.state == refold(loaded.exercise, events)
        assert session.state.events == len(events)

        save = store.read(live.path)
        assert save.torn is None
        assert save.records == session.records
        replayed = saved.replay(save, loaded)
        assert replayed.state == session.state
        assert saved.verify(save, loaded) == []


@given(script=scripts(), seed=seeds, mask=st.integers(0, 15), acts=actions(60),
       every=st.integers(1, 9), data=st.data())
def test_state_at_k_is_the_fold_of_the_first_k_events_across_checkpoints(
        script, seed, mask, acts, every, data):
    ex = exercise_of(script)
    with mock.patch.object(session_module, "CHECKPOINT_EVERY", every):
        session = Session(ex, seed, Controllers(bots_of(ex, mask)))
        session.execute(Start())
        drive(session, acts)
        play_out(session)
    events = [r.event for r in session.records]
    n = len(events)
    boundaries = [k for b in range(0, n + 1, every) for k in (b - 1, b, b + 1) if 0 <= k <= n]
    picked = data.draw(st.lists(st.integers(0, n), max_size=8))
    for k in sorted({0, n, *boundaries[:12], *picked}):
        assert session.state_at(k) == refold(ex, events[:k]), f"state_at({k})"
    assert session.state_at(n) == session.state


@given(script=scripts(), seed=seeds, acts=actions(30))
def test_state_at_gives_an_independent_snapshot(script, seed, acts):
    ex = exercise_of(script)
    session = Session(ex, seed)
    session.execute(Start())
    drive(session, acts)
    k = len(session.records)
    snapshot = session.state_at(k)
    snapshot.metrics.clear()
    snapshot.deliveries.clear()
    snapshot.notes.append((99, NoteAdded(text="scribbled on the copy")))
    assert session.state_at(k) == refold(ex, [r.event for r in session.records])
    assert session.state == session.state_at(k)


LONG_SCRIPT = """\
format: ttx/1
id: long
title: A long exercise
turns: 40
teams:
  - {id: blue, name: Blue}
  - {id: red, name: Red, policy: random}
  - {id: green, name: Green, policy: "worst:trust"}
metrics:
  - {id: trust, initial: 50}
  - {id: tempo, scope: global, min: -100, max: 100}
objectives:
  - {id: share, title: Share}
injects:
  - id: every-turn
    title: The daily brief
    once: false
    when: {turn: {at_least: 1}}
    options:
      - id: calm
        label: Stay calm
        effects: [{metric: trust, team: self, add: 1}]
        rating: {share: S}
      - id: gamble
        label: Gamble
        outcomes:
          - {chance: 0.5, effects: [{metric: tempo, add: 7}], next: [echo]}
          - {chance: 0.5, effects: [{metric: trust, team: others, add: -3}]}
  - id: echo
    title: Echo
    follow_up: true
    once: false
    options:
      - {id: ack, label: Acknowledge, effects: [{metric: tempo, add: -2}]}
  - id: sometimes
    title: Sometimes
    once: false
    when: {metric: tempo, at_least: 20}
    effects: [{metric: tempo, set: 0}]
"""


def test_state_at_matches_the_fold_past_several_real_checkpoints(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text(LONG_SCRIPT, encoding="utf-8")
    loaded = load(path)
    live = saved.start(loaded, seed=11, bots=frozenset({"red", "green"}), mode="facilitate",
                       path=tmp_path / "long.jsonl", fsync=False)
    session = live.session
    step = 0
    while not session.state.ended:
        step += 1
        session.execute(Note(f"observation {step}"))
        session.execute(Note(f"hot wash point {step}", kind="hotwash", team="red"))
        for delivery in session.open_deliveries("blue"):
            if delivery.inject == "sometimes":
                continue  # information only: nothing to choose
            option = "gamble" if step % 3 else "calm"
            if delivery.inject == "echo":
                option = "ack"
            session.execute(Decide("blue", delivery=delivery.number, option=option))
        if step % 4 == 0:
            session.execute(Advance())
    live.close()
    events = [r.event for r in session.records]
    assert len(events) > 2 * CHECKPOINT_EVERY + 10, "the session must cross two checkpoints"

    running = initial_state(loaded.exercise)
    for k in range(len(events) + 1):
        if k:
            fold(running, [events[k - 1]])
        near = k % CHECKPOINT_EVERY in (0, 1, CHECKPOINT_EVERY - 1)
        if near or k % 37 == 0:
            assert session.state_at(k) == running, f"state_at({k})"

    replayed = saved.replay(store.read(live.path), loaded)
    for k in (CHECKPOINT_EVERY - 1, CHECKPOINT_EVERY, 2 * CHECKPOINT_EVERY + 1, len(events)):
        assert replayed.state_at(k) == session.state_at(k)


@given(script=scripts(), seed=seeds, mask=st.integers(0, 15), first=actions(12),
       then=actions(25))
def test_closing_and_resuming_a_save_midway_changes_nothing(script, seed, mask, first, then):
    """Play straight through, or stop, resume from the file and go on: same log."""
    with tempfile.TemporaryDirectory() as tmp:
        script_path = Path(tmp, "script.yaml")
        script_path.write_text(to_yaml(script), encoding="utf-8")
        loaded = load(script_path)
        bots = bots_of(loaded.exercise, mask)
        straight = Session(loaded.exercise, seed, Controllers(bots))
        straight.execute(Start())
        drive(straight, [*first, *then])

        live = saved.start(loaded, seed=seed, bots=bots, mode="facilitate",
                           path=Path(tmp, "save.jsonl"), fsync=False)
        drive(live.session, first)
        live.close()
        if live.session.state.ended:  # an ended session is reviewed, not resumed
            with pytest.raises(store.SaveError, match="has ended"):
                saved.resume(live.path, loaded, fsync=False)
            return
        resumed, _ = saved.resume(live.path, loaded, fsync=False)
        drive(resumed.session, then)
        resumed.close()
        assert resumed.session.records == straight.records
        assert resumed.session.state == straight.state
        assert store.read(live.path).records == straight.records
