"""Who sees what: a team's player view never holds a field its players may not see,
whatever the session did (hypothesis drives random sessions), and the materials
(but `for`) never change how a session plays."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.commands import Advance, CommandError, Controllers, Decide, Start
from engine.events import DecisionRecorded
from engine.script import Exercise
from engine.session import Session
from engine.views import player_view

TEAMS = ("alpha", "bravo", "charlie")


def materials_script() -> dict[str, Any]:
    """Every key of the materials section; whatever players may not see is marked
    SECRET, or carries the team or inject it belongs to."""
    injects = []
    for n in range(6):
        injects.append({
            "id": f"i{n}", "title": f"TITLE-i{n}", "turn": 1 + n % 3,
            "to": list(TEAMS[: 2 + n % 2]), "text": f"TEXT-i{n}",
            "expected": "SECRET expected", "facilitator_notes": "SECRET notes",
            "questions": ["SECRET question for the facilitator"],
            "attachments": ["map"],
            "variants": {"alpha": f"VARIANT-alpha-i{n}"},
            "objectives": ["share"],
            "options": [
                {"id": "o1", "label": f"LABEL-i{n}-o1", "for": ["alpha"],
                 "effects": [{"metric": "trust", "team": "self", "add": 3}],
                 "rating": {"share": "P"}},
                {"id": "o2", "label": f"LABEL-i{n}-o2", "next": ["f1"],
                 "outcomes": [{"chance": 0.5, "text": f"RESULT-i{n}-o2-0"},
                              {"chance": 0.5, "text": f"RESULT-i{n}-o2-1",
                               "effects": [{"metric": "trust", "team": "self", "add": -2}]}]},
            ]})
    injects.append({"id": "f1", "title": "TITLE-f1", "follow_up": True, "text": "TEXT-f1",
                    "facilitator_notes": "SECRET notes", "once": False})
    return {
        "format": "ttx/1", "id": "views", "title": "Views", "turns": 3, "seed": 5,
        "exercise": {"type": "tabletop", "mission_areas": ["Response"], "scope": "SCOPE",
                     "threat": "THREAT", "location": "ROOM", "sponsor": "SPONSOR",
                     "contact": {"name": "N", "role": "R", "email": "e@example.org"},
                     "minutes": 90, "assumptions": ["ASSUMPTION"]},
        "glossary": {"HADR": "humanitarian assistance and disaster relief"},
        "briefing": "BRIEFING for all",
        "attachments": [{"id": "map", "title": "MAP", "file": "views.py"}],
        "teams": [{"id": t, "name": t.title(), "brief": f"BRIEF-{t}",
                   **({"policy": "random"} if t == "charlie" else {})} for t in TEAMS],
        "metrics": [{"id": "trust", "initial": 50}],
        "objectives": [{"id": "share", "title": "Share", "improvement": "SECRET improvement",
                        "critical_tasks": [{"id": "t1", "text": "SECRET task"}]}],
        "modules": [{"turn": t, "title": f"MODULE-{t}", "situation": f"SITUATION-{t}",
                     "minutes": 30, "questions": [f"QUESTION-{t}"]} for t in (1, 2, 3)],
        "injects": injects,
    }


def without_materials(script: dict[str, Any]) -> dict[str, Any]:
    bare = copy.deepcopy(script)
    for key in ("exercise", "glossary", "briefing", "attachments", "modules"):
        bare.pop(key)
    for team in bare["teams"]:
        team.pop("brief")
    for objective in bare["objectives"]:
        objective.pop("improvement")
        objective.pop("critical_tasks")
    for inject in bare["injects"]:
        for key in ("questions", "facilitator_notes", "attachments", "variants"):
            inject.pop(key, None)
    return bare


EXERCISE = Exercise.model_validate(materials_script())
BARE = Exercise.model_validate(without_materials(materials_script()))
actions = st.lists(st.one_of(
    st.tuples(st.just("decide"), st.sampled_from(TEAMS[:2]), st.integers(0, 8),
              st.sampled_from(["o1", "o2", None])),
    st.just(("advance",))), max_size=25)


def play(ex: Exercise, steps: list[tuple[Any, ...]]) -> Session:
    session = Session(ex, 5, Controllers(frozenset({"charlie"})))
    session.execute(Start())
    for step in steps:
        try:
            if step[0] == "advance":
                session.execute(Advance())
            else:
                _, team, delivery, option = step
                session.execute(Decide(team=team, delivery=delivery, option=option,
                                       response=None if option else "in our own words"))
        except CommandError:
            pass
    return session


@settings(max_examples=60, deadline=None)
@given(actions)
def test_a_player_view_never_holds_what_its_team_may_not_see(steps) -> None:
    session = play(EXERCISE, steps)
    state = session.state
    for team in TEAMS:
        view = player_view(EXERCISE, state, team)
        shown = json.dumps(dataclasses.asdict(view))
        assert "SECRET" not in shown
        for other in TEAMS:
            if other != team:
                assert f"BRIEF-{other}" not in shown and f"VARIANT-{other}" not in shown
        delivered = {d.inject for d in state.deliveries if team in d.to}
        for inject in EXERCISE.injects:
            if inject.id not in delivered:
                assert f"TITLE-{inject.id}\"" not in shown and f"LABEL-{inject.id}-" not in shown
        for turn in (1, 2, 3):
            assert (f"SITUATION-{turn}" in shown) == (turn <= state.turn)
        if team != "alpha":
            assert "-o1\"" not in shown  # `o1` is for alpha only
        rolled = {f"RESULT-{d.inject}-o2-{mine.outcome}" for d in state.deliveries
                  if isinstance(mine := d.decisions.get(team), DecisionRecorded)
                  and mine.option == "o2" and (d.turn < state.turn or state.ended)}
        # made rolls only, and each only once its turn has ended
        assert set(re.findall(r"RESULT-i\d-o2-\d", shown)) <= rolled
        assert "effects" not in shown and "rating" not in shown and "next" not in shown


@settings(max_examples=40, deadline=None)
@given(actions)
def test_materials_but_for_never_change_how_a_session_plays(steps) -> None:
    assert [r.event for r in play(EXERCISE, steps).records] == \
        [r.event for r in play(BARE, steps).records]


def test_a_script_with_every_materials_key_round_trips_through_yaml() -> None:
    text = yaml.safe_dump(materials_script(), sort_keys=False)
    from engine.loader import parse_script

    assert parse_script(text, "views.yaml") == EXERCISE


def test_an_option_not_for_a_team_is_refused_and_bots_pick_only_their_own() -> None:
    session = play(EXERCISE, [])
    bravo_delivery = next(d for d in session.state.deliveries if "bravo" in d.to)
    try:
        session.execute(Decide(team="bravo", delivery=bravo_delivery.number, option="o1"))
    except CommandError as exc:
        assert "is not for bravo (its options: o2)" in str(exc)
    else:
        raise AssertionError("bravo took an option that is for alpha only")
    for _ in range(3):
        session.execute(Advance()) if not session.state.ended else None
    bot = [r.event for r in session.records if isinstance(r.event, DecisionRecorded)
           and r.event.team == "charlie"]
    assert bot and all(e.option == "o2" for e in bot)
