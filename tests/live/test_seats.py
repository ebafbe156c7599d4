"""The seats of a hosted session: their codes, their rights, and what each is sent,
checked without a network (the host applies exactly these functions)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings

from engine import commands as engine
from engine.script import Effect
from engine.views import teams_shown
from tests.engine.test_player_view import EXERCISE, TEAMS, actions, play
from ui.live.protocol import (
    INBOUND,
    AdvanceCmd,
    DecideCmd,
    DeliverCmd,
    NoteCmd,
    RateCmd,
    Send,
    StartCmd,
    TimerCmd,
    WithdrawCmd,
    from_engine,
    to_engine,
)
from ui.live.seats import CODE_LENGTH, Seat, SeatBook, SeatFileError, refusal, view_for

ENGINE_COMMANDS = [
    engine.Start(), engine.Deliver("i1"), engine.Advance(), engine.End("won"),
    engine.DeliverAdhoc(title="T", text="x", channel="c", sender="s", to=("alpha",),
                        effects=(Effect(metric="trust", team="alpha", add=-3),
                                 Effect(metric="trust", set=9))),
    engine.Decide(team="alpha", delivery=3, option="o1", response="r"),
    engine.Rate("alpha", "share", "P", "n", ("t1",)), engine.Rate("alpha", "share", 3),
    engine.Note("text", "hotwash", "alpha", "share"), engine.Withdraw(7, "typo"),
]


@pytest.mark.parametrize("command", ENGINE_COMMANDS, ids=lambda c: type(c).__name__)
def test_every_engine_command_crosses_the_wire_unchanged(command: engine.Command) -> None:
    wire = Send(id=1, command=from_engine(command))
    back = INBOUND.validate_json(wire.model_dump_json())
    assert isinstance(back, Send) and to_engine(back.command) == command


def test_a_message_with_an_unknown_field_or_version_is_not_a_message() -> None:
    for raw in ('{"type": "hello", "v": 2, "code": "x"}',
                '{"type": "hello", "v": 1, "code": "x", "admin": true}',
                '{"type": "command", "v": 1, "id": 1, "command": {"do": "advance", "x": 1}}'):
        with pytest.raises(ValueError):
            INBOUND.validate_json(raw)


RIGHTS = {  # role -> the commands it may send (decide: for its own team only)
    "facilitator": {"start", "deliver", "decide", "rate", "note", "withdraw", "advance",
                    "timer"},
    "evaluator": {"rate", "note"},
    "team": {"decide"},
    "observer": set(),
}
SAMPLES = [StartCmd(), DeliverCmd(inject="i1"), DecideCmd(team="alpha", delivery=1),
           RateCmd(team="alpha", objective="share", rating="P"), NoteCmd(text="n"),
           WithdrawCmd(event=1, reason="r"), AdvanceCmd(), TimerCmd(minutes=5)]


@pytest.mark.parametrize("role", list(RIGHTS))
def test_each_role_may_send_exactly_its_commands(role: str) -> None:
    seat = Seat(role, "alpha" if role == "team" else None)  # type: ignore[arg-type]
    allowed = {c.do for c in SAMPLES if refusal(seat, c) is None}
    assert allowed == RIGHTS[role]


def test_a_team_may_decide_only_for_itself() -> None:
    why = refusal(Seat("team", "alpha"), DecideCmd(team="bravo", delivery=1))
    assert why == "team alpha may decide only for itself, not for bravo"


def test_codes_are_letters_and_digits_kept_owner_only_beside_the_save(tmp_path: Path) -> None:
    save = tmp_path / "s.jsonl"
    book = SeatBook.open(save, EXERCISE)
    codes = book.data.codes
    assert set(codes) == {"facilitator", "evaluator", "observer",
                          *(f"team:{t}" for t in TEAMS)}
    assert all(re.fullmatch(rf"[A-Za-z0-9]{{{CODE_LENGTH}}}", c) for c in codes.values())
    assert len(set(codes.values())) == len(codes)
    assert stat.S_IMODE(os.stat(book.path).st_mode) == 0o600
    assert SeatBook.open(save, EXERCISE).data.codes == codes  # a restart keeps them
    assert book.seat_for(codes["team:bravo"]) == Seat("team", "bravo")
    for forged in ("", codes["team:bravo"][:-1], codes["team:bravo"] + "x", "A" * 20):
        assert book.seat_for(forged) is None


def test_an_unreadable_codes_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    save = tmp_path / "s.jsonl"
    (tmp_path / "s.jsonl.seats.json").write_text("{not json")
    with pytest.raises(SeatFileError, match=r"s\.jsonl\.seats\.json: cannot read"):
        SeatBook.open(save, EXERCISE)


@settings(max_examples=60, deadline=None)
@given(actions)
def test_a_seat_is_never_sent_what_its_role_may_not_see(steps: list) -> None:  # type: ignore[type-arg]
    session = play(EXERCISE, steps)
    state, seq = session.state, len(session.records)
    for team in TEAMS:
        view = view_for(Seat("team", team), EXERCISE, state, seq, True)
        assert view is not None and view.common is None
        shown = view.model_dump_json()
        assert "SECRET" not in shown
        for other in set(TEAMS) - {team}:
            assert f"BRIEF-{other}" not in shown and f"VARIANT-{other}" not in shown
        current = {f"RESULT-{d.inject}-" for d in state.this_turn()} if not state.ended \
            else set()
        assert not any(r in shown for r in current)  # no outcome before the turn's end
    common = view_for(Seat("observer"), EXERCISE, state, seq, True)
    assert common is not None and common.player is None
    shown = common.model_dump_json()
    for hidden in ("SECRET", "BRIEF-", "VARIANT-", "LABEL-", "RESULT-", "effects"):
        assert hidden not in shown
    assert view_for(Seat("facilitator"), EXERCISE, state, seq, True) is None


@settings(max_examples=40, deadline=None)
@given(actions)
def test_a_seat_left_out_of_an_update_had_nothing_new_to_see(steps: list) -> None:  # type: ignore[type-arg]
    """The host recomputes only the views `teams_shown` names; every other view must
    be unchanged by those records."""
    from engine.commands import Advance, CommandError, Decide

    session = play(EXERCISE, [])
    seats = [Seat("team", t) for t in TEAMS]

    def views() -> dict[Seat, object]:
        seq = len(session.records)
        return {s: view_for(s, EXERCISE, session.state, seq, True).player  # type: ignore[union-attr]
                for s in seats}

    for step in steps:
        before = views()
        try:
            if step[0] == "advance":
                records = session.execute(Advance())
            else:
                _, team, delivery, option = step
                records = session.execute(Decide(team=team, delivery=delivery, option=option,
                                                 response=None if option else "words"))
        except CommandError:
            continue
        shown = teams_shown(r.event for r in records)
        after = views()
        for s in seats:
            if shown is not None and s.team not in shown:
                assert after[s] == before[s]


def test_a_seats_console_shows_the_hosts_address_whole() -> None:
    from ui.controller import shown_path

    assert shown_path("ws://127.0.0.1:8765/") == "ws://127.0.0.1:8765/"
