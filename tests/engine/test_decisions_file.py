"""Decision files: headless play from a YAML list, as SCRIPT_FORMAT.md defines them.

"The file is a YAML list applied in order, each entry in its turn, before that turn
ends. A delivery that no entry decides is decided at turn end by the team's policy,
except for the team named by `--play TEAM`, whose undecided deliveries are recorded as
no decision. An entry naming an inject not delivered to that team in that turn, or
anything else invalid, stops the run with `file:line:col`."
"""

from __future__ import annotations

from math import floor
from pathlib import Path

import pytest
import yaml

from engine import decisions, saved, store
from engine.commands import Controllers, Start
from engine.diagnostics import ScriptError
from engine.events import ByHand, DecisionRecorded, NoDecision, NoteAdded, Rated
from engine.loader import load
from engine.session import Session
from engine.summary import summarise

from .conftest import DATA, PREAMBLE, at, build, metrics, spec_roll, yaml_text

SCRIPT = PREAMBLE + """\
injects:
  - id: link-degraded
    title: Link degraded
    turn: 1
    options:
      - {id: share-now, label: Share now, effects: [{metric: interop, add: 5}]}
      - {id: verify-first, label: Verify first, effects: [{metric: trust, team: self, add: 3}]}
  - id: press-leak
    title: Press leak
    turn: 2
    to: [south, east]
    options:
      - {id: statement, label: Statement, effects: [{metric: trust, team: self, add: -2}]}
  - id: partner-walkout
    title: Partner walkout
    follow_up: true
    to: [east]
    options:
      - {id: return, label: Return, effects: [{metric: trust, team: self, add: 9}]}
"""


def session_for(play_team: str | None = None) -> Session:
    """A started session as `ttx run --play TEAM` makes it: every other team a bot."""
    ex = build(SCRIPT)
    bots = frozenset(t for t in ex.team_ids if t != play_team)
    session = Session(ex, 1, Controllers(bots))
    session.execute(Start())
    return session


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "decisions.yaml"
    path.write_text(yaml_text(text), encoding="utf-8")
    return path


def played(tmp_path: Path, text: str, play_team: str | None = "north") -> Session:
    session = session_for(play_team)
    decisions.play(session, decisions.load(write(tmp_path, text)))
    return session


def stopped(tmp_path: Path, text: str, play_team: str | None = "north") -> tuple[int, int, str]:
    """Where and why the run stopped; the position is the file's own."""
    path = write(tmp_path, text)
    session = session_for(play_team)
    with pytest.raises(ScriptError) as stop:
        decisions.play(session, decisions.load(path))
    [diagnostic] = stop.value.diagnostics
    assert diagnostic.path == str(path)
    assert str(stop.value).startswith(f"{path}:{diagnostic.line}:{diagnostic.col}: ")
    return diagnostic.line, diagnostic.col, diagnostic.message


def chosen(session: Session) -> list[tuple[int, str, str, str | None, str]]:
    """(turn, team, inject, option or None, by) for every decision and no-decision."""
    out = []
    for d in session.state.deliveries:
        for team, decision in d.decisions.items():
            if isinstance(decision, DecisionRecorded):
                out.append((d.turn, team, d.inject, decision.option, decision.by))
            else:
                out.append((d.turn, team, d.inject, None, "nobody"))
    return out


def test_entries_apply_in_their_turn_and_policies_decide_the_rest(tmp_path):
    session = played(tmp_path, """\
        - {turn: 1, team: north, inject: link-degraded, option: verify-first}
        - {turn: 2, team: south, inject: press-leak, option: statement}
        """)
    assert chosen(session) == [
        (1, "north", "link-degraded", "verify-first", "person"),  # the entry
        (1, "south", "link-degraded", "share-now", "bot"),  # policy `first`
        (1, "east", "link-degraded", "share-now", "bot"),
        (2, "south", "press-leak", "statement", "person"),  # the entry, in turn 2
        (2, "east", "press-leak", "statement", "bot"),
    ]
    assert session.state.ended and session.state.end_event.reason == "last_turn"


def test_the_played_teams_undecided_deliveries_are_recorded_as_no_decision(tmp_path):
    session = played(tmp_path, "[]\n", play_team="south")
    assert [(t, i) for _, t, i, _, by in chosen(session) if by == "nobody"] == [
        ("south", "link-degraded"), ("south", "press-leak")]
    no = [r.event for r in session.records if isinstance(r.event, NoDecision)]
    assert [(e.team, e.inject) for e in no] == [("south", "link-degraded"), ("south", "press-leak")]


def test_an_empty_decisions_file_lets_every_bot_play(tmp_path):
    session = played(tmp_path, "", play_team=None)
    assert all(by == "bot" for *_, by in chosen(session))
    assert len(chosen(session)) == 3 + 2


def test_a_response_with_a_rating_and_facilitator_entries(tmp_path):
    """The four kinds of entry in SCRIPT_FORMAT.md's example."""
    session = played(tmp_path, """\
        - {turn: 1, team: north, inject: link-degraded, option: verify-first}
        - {turn: 2, team: south, inject: press-leak, response: "Statement issued",
           rating: {share: S}}
        - {turn: 2, facilitator: {inject: partner-walkout}}       # a hand delivery
        - {turn: 3, facilitator: {rate: {team: north, objective: share, rating: M, note: "late"}}}
        """)
    south = session.state.deliveries[1].decisions["south"]  # press-leak, turn 2
    assert (south.option, south.response, south.by) == (None, "Statement issued", "person")
    walkout = session.state.deliveries[-1]
    assert (walkout.inject, walkout.turn, type(walkout.event.reason)) == (
        "partner-walkout", 2, ByHand)
    assert walkout.decisions["east"].option == "return"  # east's bot decided it at turn end
    ratings = [(e.team, e.objective, e.rating, e.note, e.turn) for e in session.state.ratings]
    assert ratings == [("south", "share", "S", "", 2), ("north", "share", "M", "late", 3)]


def test_notes_hot_wash_ad_hoc_and_end_entries(tmp_path):
    session = played(tmp_path, """\
        - {turn: 1, facilitator: {note: "Good start"}}
        - {turn: 1, facilitator: {adhoc: {title: Rumour, to: [east], from: Press,
            effects: [{metric: trust, team: self, add: -4}]}}}
        - {turn: 2, facilitator: {hotwash: "Teams shared early"}}
        - {turn: 2, facilitator: {end: "Time is up"}}
        """)
    notes = [r.event for r in session.records if isinstance(r.event, NoteAdded)]
    assert [(n.kind, n.text) for n in notes] == [("note", "Good start"),
                                                 ("hotwash", "Teams shared early")]
    assert session.state.deliveries[1].inject == "adhoc-1"
    assert session.state.value("trust", "east") == 50 - 4
    assert (session.state.turn, session.state.outcome) == (2, "Time is up")


def test_ratings_in_a_team_entry_follow_its_choice(tmp_path):
    session = played(tmp_path, """\
        - {turn: 1, team: north, inject: link-degraded, option: share-now, rating: {warn: U}}
        """)
    rated = [r.event for r in session.records if isinstance(r.event, Rated)]
    assert [(e.team, e.objective, e.rating) for e in rated] == [("north", "warn", "U")]


def test_an_entry_naming_an_inject_not_delivered_to_that_team_stops_the_run_at_the_entry(tmp_path):
    text = """\
        - {turn: 1, team: north, inject: link-degraded, option: share-now}
        - {turn: 2, team: north, inject: press-leak, option: statement}
        """
    line, col, message = stopped(tmp_path, text)
    assert (line, col) == at(text, "{turn: 2")
    assert message == "'press-leak' was not delivered to north in turn 2"


def test_an_entry_naming_an_inject_delivered_in_another_turn_stops_the_run(tmp_path):
    text = "- {turn: 2, team: north, inject: link-degraded, option: share-now}\n"
    assert stopped(tmp_path, text) == (1, 3, "'link-degraded' was not delivered to north in turn 2")


def test_an_entry_for_a_follow_up_never_delivered_stops_the_run(tmp_path):
    text = "- {turn: 1, team: east, inject: partner-walkout, option: return}\n"
    assert stopped(tmp_path, text)[:2] == (1, 3)


@pytest.mark.parametrize(("entry", "says"), [
    ("{turn: 1, team: north, inject: link-degraded, option: statement}",
     "'link-degraded' has no option 'statement'"),
    ("{turn: 1, team: north, inject: link-degraded}", "an option, a response or a rating"),
    ("{turn: 1, team: north, inject: link-degraded, option: share-now, rating: {share: Q}}",
     "not on the hseep scale"),
    ("{turn: 1, facilitator: {inject: ghost}}", "no inject 'ghost'"),
    ("{turn: 1, facilitator: {inject: link-degraded}}", "already delivered"),
    ("{turn: 1, facilitator: {rate: {team: west, objective: share, rating: P}}}", "no team"),
    ("{turn: 1, facilitator: {note: a, hotwash: b}}", "exactly one of"),
])
def test_anything_else_invalid_stops_the_run_at_the_entry(tmp_path, entry, says):
    text = "- {turn: 1, team: south, inject: link-degraded, option: share-now}\n" \
           f"- {entry}\n"
    line, col, message = stopped(tmp_path, text)
    assert (line, col) == (2, 3)
    assert says in message


def test_the_same_team_deciding_twice_stops_the_run_at_the_second_entry(tmp_path):
    text = """\
        - {turn: 1, team: north, inject: link-degraded, option: share-now}
        - {turn: 1, team: north, inject: link-degraded, option: verify-first}
        """
    assert stopped(tmp_path, text) == (2, 3, "north already decided on 'link-degraded'")


def test_entries_go_in_turn_order(tmp_path):
    text = """\
        - {turn: 2, team: south, inject: press-leak, option: statement}
        - {turn: 1, team: north, inject: link-degraded, option: share-now}
        """
    line, col, message = stopped(tmp_path, text)
    assert (line, col) == (2, 3) and "turn order" in message


def test_an_entry_after_the_end_stops_the_run(tmp_path):
    text = "- {turn: 4, team: north, inject: link-degraded, option: share-now}\n"
    line, col, message = stopped(tmp_path, text)
    assert (line, col) == (1, 3) and "never applied" in message


@pytest.mark.parametrize("text", [
    "- {turn: 1, team: north, inject: link-degraded, choice: share-now}\n",
    "- {turn: 1, facilitator: {rate: {team: north, objective: share, rating: P, choice: x}}}\n",
    "- {turn: 1, facilitator: {inject: press-leak}, choice: x}\n",
])
def test_an_unknown_key_in_an_entry_is_refused_at_the_key(tmp_path, text):
    with pytest.raises(ScriptError) as refusal:
        decisions.load(write(tmp_path, text))
    [diagnostic] = refusal.value.diagnostics
    assert (diagnostic.line, diagnostic.col) == at(text, "choice:")
    assert "unknown key 'choice'" in diagnostic.message


def test_block_style_entries_are_located_too(tmp_path):
    text = """\
        - turn: 1
          team: north
          inject: link-degraded
          option: share-now

        - turn: 1
          team: east
          inject: press-leak
          response: Too early
        """
    line, col, message = stopped(tmp_path, text)
    assert (line, col) == at(text, "turn: 1", nth=2)
    assert message == "'press-leak' was not delivered to east in turn 1"


@pytest.mark.parametrize(("text", "says"), [
    ("{turn: 1}\n", "a YAML list"),
    ("- [unclosed\n", "YAML syntax"),
    ("- {turn: 1, team: north, inject: link-degraded, option: x, option: y}\n", "duplicate key"),
])
def test_a_decisions_file_that_is_not_a_list_of_entries_is_refused(tmp_path, text, says):
    with pytest.raises(ScriptError, match=says):
        decisions.load(write(tmp_path, text))


# ----------------------------------------------------- the everything script
#
# data/everything.yaml uses every feature of the format; data/everything.decisions.yaml
# plays north (`--play north`), every other team is a bot. The expected state below is
# worked out by hand from SCRIPT_FORMAT.md's rules; each roll is computed here with
# hashlib and the branch it takes is asserted before the arithmetic relies on it.

EVERYTHING = DATA / "everything.yaml"
EVERYTHING_DECISIONS = DATA / "everything.decisions.yaml"
SEED = 2064  # the script's own `seed:`


def everything_session() -> Session:
    script = load(EVERYTHING)
    ex = script.exercise
    assert ex.seed == SEED
    session = Session(ex, SEED, Controllers(frozenset(ex.team_ids) - {"north"}))
    session.execute(Start())
    decisions.play(session, decisions.load(EVERYTHING_DECISIONS))
    return session


def test_the_everything_script_uses_every_key_of_the_format():
    """Every key SCRIPT_FORMAT.md shows, at the level it shows it."""
    data = yaml.safe_load(EVERYTHING.read_text(encoding="utf-8"))
    assert set(data) == {"format", "id", "title", "summary", "turns", "turn_labels", "seed",
                         "scale", "teams", "metrics", "objectives", "injects", "end"}
    assert len(data["turn_labels"]) < data["turns"]
    assert set().union(*data["teams"]) == {"id", "name", "role", "playable", "policy"}
    assert {t["policy"].split(":")[0] for t in data["teams"]} == {"first", "random", "best",
                                                                  "worst"}
    assert set().union(*data["metrics"]) == {"id", "label", "scope", "min", "max", "initial"}
    assert {type(m["initial"]) for m in data["metrics"]} == {int, dict}
    assert set().union(*data["objectives"]) == {"id", "title", "capability", "weight"}
    assert set().union(*data["injects"]) == {
        "id", "title", "turn", "when", "once", "follow_up", "channel", "from", "to", "text",
        "expected", "objectives", "effects", "options"}
    options = [o for i in data["injects"] for o in i.get("options", [])]
    assert set().union(*options) == {"id", "label", "effects", "outcomes", "rating", "next"}
    assert any("effects" in o and "outcomes" in o for o in options)
    outcomes = [c for o in options for c in o.get("outcomes", [])]
    assert set().union(*outcomes) == {"chance", "text", "effects", "next"}
    effects = [e for i in data["injects"] for e in i.get("effects", [])] + \
        [e for o in options for e in o.get("effects", [])] + \
        [e for c in outcomes for e in c.get("effects", [])]
    assert {"add", "set"} <= set().union(*effects)
    assert {e.get("team") for e in effects} == {"self", "others", "all", "west", "east", None}
    text = EVERYTHING.read_text(encoding="utf-8")
    for word in ("below:", "above:", "at_least:", "at_most:", "equals:", "team: any",
                 "team: all", "chose:", "delivered:", "turn: {", "all:", "any:", "not:"):
        assert word in text, word
    assert {e["when"].get("chose", {}).get("team") for e in data["injects"] if "when" in e} \
        >= {"any"}


def test_the_everything_script_plays_to_the_state_its_rules_imply():
    rolls = {key: spec_roll(SEED, *key) for key in [
        ("outcome", 1, "link-degraded", 1, "north"),
        ("outcome", 1, "trust-crisis", 1, "north"),
        ("policy", 1, "link-degraded", 1, "south"),
        ("outcome", 1, "link-degraded", 1, "south"),
        ("policy", 2, "leak-inquiry", 1, "south"),
        ("policy", 3, "summit", 1, "south"),
        ("outcome", 3, "trust-crisis", 3, "north"),
    ]}
    # The branches the story below takes, from the rolls alone:
    assert rolls[("outcome", 1, "link-degraded", 1, "north")] >= 0.7  # outcome 2 of (0.7, 0.3)
    assert rolls[("outcome", 1, "trust-crisis", 1, "north")] < 0.5  # outcome 1 of (0.5, 0.5)
    assert floor(rolls[("policy", 1, "link-degraded", 1, "south")] * 3) == 1  # verify-first
    assert rolls[("outcome", 1, "link-degraded", 1, "south")] < 0.7  # outcome 1
    assert floor(rolls[("policy", 2, "leak-inquiry", 1, "south")] * 2) == 0  # cooperate
    assert floor(rolls[("policy", 3, "summit", 1, "south")] * 2) == 1  # walk
    assert rolls[("outcome", 3, "trust-crisis", 3, "north")] >= 0.5  # outcome 2

    # Start: trust north 70, others 50 (default); interop 40 (range 10..90).
    #
    # Turn 1 start. (1) link-degraded, to north/south/east: self -5 -> N65 S45 E45;
    #   others (west, not addressed) +5 -> W55; interop -10 -> 30.
    #   (2) nothing queued. (3) trust-crisis: any trust below 50? south 45: yes -> to north.
    # Entries: north verify-first: effects first, interop +2 -> 32; roll -> outcome 2:
    #   others -8 -> S37 E37 W47, queues press-leak; rated info-sharing S.
    #   north reassure: roll -> outcome 1: all +3 -> N68 S40 E40 W50.
    # Turn end, bots in file order: south (random) verify-first: interop +2 -> 34; roll ->
    #   outcome 1: self +2 -> S42; rated S. east (best:trust at 40): share-now 50,
    #   verify-first 40 (outcomes not judged), stall 20 -> share-now: E50, interop 39,
    #   queues leak-inquiry; rated P. End rules: interop 39 < 90; turn 1 < 3.
    #
    # Turn 2 start. (1) hf-fallback: interop 39 at most 40: yes -> set interop 45.
    #   (2) leak-inquiry then press-leak (file order): interop 45 - 5 -> 40.
    #   (3) trust-crisis again (once: false; south 42 < 50), n = 2.
    #   recovered: interop equals 40 and west 50 at least 40 -> to east; others +2 (north,
    #   south, west) -> N70 S44 W52.
    # Entries: north answers leak-inquiry in free text, rated coordination S; the
    #   facilitator hands partner-walkout to west: set west's trust to 30 -> W30.
    # Turn end: north's trust-crisis is recorded as no decision (north is played).
    #   south (random) cooperate: S49, rated S. east (best:trust 50): cooperate 55 vs
    #   deflect 45 -> E55, rated S. west (worst:interop 40): cooperate 40 vs deflect 35
    #   -> deflect: W25, interop 35; then partner-walkout: return 35 vs stay-out
    #   35 - 30 = 5 clamped to 10 -> stay-out: interop 10.
    #
    # Turn 3 start. (1) summit: east chose share-now, and not every team cooperated
    #   (north gave no option, west deflected) -> to north and south.
    #   (3) trust-crisis, n = 3 (south 49, west 25 below 50); east-steady (south and
    #   east cooperated): all +1 -> N71 S50 E56 W26.
    # Entries: north signs: interop 30, rated coordination P; the facilitator rates
    #   north coordination M; north reassures: roll -> outcome 2: self -4 -> N67.
    # Turn end: south (random) walks: self -10 -> S40, east +1 -> E57.
    # End rules, in order: interop 30 < 90; turn 3 at least 3 and every trust above 20
    #   (67, 40, 57, 26) -> the exercise ends with the second rule's outcome.
    session = everything_session()
    state = session.state

    assert metrics(session) == {"interop": 30, "trust[east]": 57, "trust[north]": 67,
                                "trust[south]": 40, "trust[west]": 26}
    assert state.ended and state.turn == 3
    assert state.outcome == "The coalition holds; the drill ends after the summit."
    assert (state.end_event.reason, state.end_event.rule) == ("condition", 1)
    assert [h[("interop", None)] for h in state.history] == [40, 39, 10, 30]

    assert [(d.turn, d.inject, type(d.event.reason).__name__) for d in state.deliveries] == [
        (1, "link-degraded", "Scheduled"), (1, "trust-crisis", "Triggered"),
        (2, "hf-fallback", "Triggered"), (2, "leak-inquiry", "FollowUp"),
        (2, "press-leak", "FollowUp"), (2, "trust-crisis", "Triggered"),
        (2, "recovered", "Triggered"), (2, "partner-walkout", "ByHand"),
        (3, "summit", "Triggered"), (3, "trust-crisis", "Triggered"),
        (3, "east-steady", "Triggered")]

    recorded = [(d.team, d.inject, d.option, d.by, d.outcome) for d in session_decisions(session)]
    assert recorded == [
        ("north", "link-degraded", "verify-first", "person", 1),
        ("north", "trust-crisis", "reassure", "person", 0),
        ("south", "link-degraded", "verify-first", "bot", 0),
        ("east", "link-degraded", "share-now", "bot", None),
        ("north", "leak-inquiry", None, "person", None),
        ("south", "leak-inquiry", "cooperate", "bot", None),
        ("east", "leak-inquiry", "cooperate", "bot", None),
        ("west", "leak-inquiry", "deflect", "bot", None),
        ("west", "partner-walkout", "stay-out", "bot", None),
        ("north", "summit", "sign", "person", None),
        ("north", "trust-crisis", "reassure", "person", 1),
        ("south", "summit", "walk", "bot", None),
    ]
    no_decisions = [(r.turn, r.event.team, r.event.delivery) for r in session.records
                    if isinstance(r.event, NoDecision)]
    # Turn 2: north left leak-inquiry's options unanswered; turn 3: north never
    # acknowledged the information-only east-steady inject (delivery 11).
    assert no_decisions == [(2, "north", 6), (3, "north", 11)]

    # Every roll recorded is the one computed above, with the pick the rules give.
    drawn = {}
    for decision in session_decisions(session):
        for roll in decision.rolls:
            seed, kind, turn, inject, n, team = roll.key.split(":")
            assert (int(seed), kind) == (SEED, roll.kind)
            drawn[(kind, int(turn), inject, int(n), team)] = roll.r
    assert drawn == rolls

    # Ratings: the latest per objective; weighted by info-sharing 2, coordination 1.
    summary = summarise(session.exercise, state)
    assert summary["ratings"] == {
        "north": {"coordination": "M", "info-sharing": "S"},  # S, P, then M from the note
        "south": {"coordination": "S", "info-sharing": "S"},
        "east": {"coordination": "S", "info-sharing": "P"},
        "west": {},
    }
    assert summary["scores"] == {
        "north": pytest.approx((2 * 3 + 1 * 2) / 3),  # S=3 x2, M=2 x1
        "south": pytest.approx((2 * 3 + 1 * 3) / 3),
        "east": pytest.approx((2 * 4 + 1 * 3) / 3),
        "west": None,
    }
    assert [e.rating for e in state.ratings if (e.team, e.objective) == ("north",
                                                                         "coordination")] == [
        "S", "P", "M"]


def session_decisions(session: Session) -> list[DecisionRecorded]:
    return [r.event for r in session.records if isinstance(r.event, DecisionRecorded)]


def test_the_everything_script_replays_and_verifies_from_its_save(tmp_path):
    """The same story through `ttx run`'s own path: a save, refolded and re-rolled."""
    script = load(EVERYTHING)
    ex = script.exercise
    live = saved.start(script, seed=None, bots=frozenset(ex.team_ids) - {"north"}, mode="run",
                       path=tmp_path / "everything.jsonl", fsync=False)
    try:
        decisions.play(live.session, decisions.load(EVERYTHING_DECISIONS))
    finally:
        live.close()
    save = store.read(live.path)
    assert save.header.seed == SEED  # the script's seed, as no other was given
    replayed = saved.replay(save, script)
    assert replayed.state.metrics == everything_session().state.metrics
    assert saved.verify(save, script) == []
