"""A hosted session, as people use it: a real `ttx host` process on 127.0.0.1, and
seats joining it over real sockets."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from websockets.sync.client import connect

from engine.loader import load
from engine.saved import replay
from engine.store import read
from engine.views import player_view
from tests.live.hosting import PACIFIC, ROOT, console, hosting, seat, until
from ui.live.protocol import (
    OUTBOUND,
    AdvanceCmd,
    DecideCmd,
    Hello,
    NoteCmd,
    Refused,
    Send,
    Welcome,
)
from ui.live.remote import JoinFailed, SeatLink

TEAMS = ("northmark", "vessaland")


def decide_everything_open(link: SeatLink) -> int:
    """A team seat answers every inject of this turn it has not answered yet."""
    link.pump()
    assert link.view is not None and link.view.player is not None
    view = link.view.player
    sent = 0
    for msg in view.inbox:
        if msg.turn == view.turn and msg.decision is None:
            option = msg.options[0].id if msg.options else None
            link.send(DecideCmd(team=view.team, delivery=msg.delivery, option=option,
                                response=None if option else "noted"))
            sent += 1
    return sent


def test_four_seats_play_an_exercise_to_its_end_and_the_save_tells_the_same_story(
        tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path) as host:
        facilitator = console(host)
        evaluator = console(host, "evaluator")
        teams = {t: seat(host, t) for t in TEAMS}
        ex = facilitator.exercise
        objective = ex.objectives[0].id
        while not facilitator.state.ended:
            for link in teams.values():
                until(lambda link=link: link.view is not None and link.view.player
                      is not None and link.view.player.turn == facilitator.state.turn,
                      link=link, why=lambda link=link: f"{link.view} {facilitator.state.turn}")
                decide_everything_open(link)
            evaluator.rate("northmark", objective, ex.scale[0] if isinstance(
                ex.scale, list) else facilitator.scale()[0], "seen live")
            facilitator.advance()
        until(lambda: all(t.view is not None and t.view.ended for t in teams.values())
              and len(evaluator.records) == len(facilitator.records),
              10.0, evaluator.link, *teams.values())
        save = host.save()
        assert host.stop(signal.SIGTERM) == 0  # a clean stop

    verified = subprocess.run([sys.executable, "-m", "ui.cli", "verify", str(save)],
                              cwd=ROOT, capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    session = replay(read(save), load(PACIFIC))
    assert [r.event for r in session.records] == [r.event for r in facilitator.records]
    assert [r.event for r in session.records] == [r.event for r in evaluator.records]
    for team, link in teams.items():
        assert link.view is not None
        assert link.view.player == player_view(ex, session.state, team)  # exactly its own
        delivered = {d.number for d in session.state.deliveries if team in d.to}
        assert {m.delivery for m in link.view.player.inbox} == delivered
    assert {r.event.team for r in session.records if r.event.type == "decision"} >= set(TEAMS)


def test_a_team_seat_is_never_sent_the_script_or_the_events(tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path) as host, connect(host.url, proxy=None) as ws:
        ws.send(Hello(code=host.code("tarrow")).model_dump_json())
        seen = [ws.recv(timeout=5) for _ in range(3)]  # welcome, view, timer
        welcome = OUTBOUND.validate_json(seen[0])
        assert isinstance(welcome, Welcome) and welcome.role == "team"
        assert welcome.script is None and welcome.records == () and welcome.seed is None
        shown = "".join(str(s) for s in seen)
        ex = load(PACIFIC).exercise
        secrets = [t.brief for t in ex.teams if t.id != "tarrow" and t.brief]
        secrets += [i.expected for i in ex.injects if i.expected]
        secrets += [i.facilitator_notes for i in ex.injects if i.facilitator_notes]
        assert len(secrets) > 5
        for secret in secrets:
            assert json.dumps(" ".join(secret.split()[:8]))[1:-1] not in " ".join(
                shown.replace("\\n", " ").split())
        assert '"effects"' not in shown and '"expected"' not in shown


def test_what_no_seat_may_do_is_refused_and_the_host_keeps_serving(tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path) as host:
        north = seat(host, "northmark")
        observer = seat(host, "observer")
        evaluator = seat(host, "evaluator")
        facilitator = console(host)
        events = len(facilitator.records)
        delivery = north.view.player.inbox[0].delivery  # type: ignore[union-attr]

        with pytest.raises(Exception, match="only for itself"):
            north.send(DecideCmd(team="vessaland", delivery=delivery, response="x"))
        with pytest.raises(Exception, match="read-only"):
            observer.send(NoteCmd(text="hello"))
        with pytest.raises(Exception, match="rate and note, not end the turn"):
            evaluator.send(AdvanceCmd())
        with pytest.raises(JoinFailed, match="opens no seat"):
            SeatLink(host.url, "A" * 20).join()

        with connect(host.url, proxy=None) as ws:  # invalid JSON, then a bad command
            ws.send(Hello(code=host.code("northmark")).model_dump_json())
            assert isinstance(OUTBOUND.validate_json(ws.recv(timeout=5)), Welcome)
            ws.send("{not json")
            ws.send('{"type": "command", "v": 1, "id": 7, "command": {"do": "explode"}}')
            ws.send(Send(id=8, command=DecideCmd(team="northmark", delivery=999,
                                                 option="x")).model_dump_json())
            refusals = []
            while len(refusals) < 3:
                message = OUTBOUND.validate_json(ws.recv(timeout=5))
                if isinstance(message, Refused):
                    refusals.append(message)
            assert refusals[0].id is None and "protocol version 1" in refusals[0].message
            assert refusals[1].id is None and "command" in refusals[1].message
            assert refusals[2].id == 8

        with connect(host.url, proxy=None, max_size=None) as ws:  # 10 MB in one message
            ws.send(Hello(code=host.code("northmark")).model_dump_json())
            ws.recv(timeout=5)
            with pytest.raises(Exception):  # noqa: B017 - the host closes the connection
                ws.send("x" * 10_000_000)
                while True:
                    ws.recv(timeout=5)

        decide_everything_open(north)  # still serving, and it still counts
        until(lambda: len(facilitator.records) > events, link=facilitator.link)
        assert "refused a join code" in host.log() and "over the size limit" in host.log()
        save_text = host.save().read_text()
        assert "explode" not in save_text and "xxxxxxxx" not in save_text


def test_a_host_killed_mid_turn_resumes_and_every_seat_catches_up(tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path) as host:
        facilitator = console(host)
        north = seat(host, "northmark")
        assert decide_everything_open(north) == 2
        until(lambda: len(facilitator.records) > 3, link=facilitator.link)
        acknowledged = len(facilitator.records)
        save = host.save()
        host.stop(signal.SIGKILL)  # kill -9, mid-turn

        with pytest.raises(Exception, match=r"not connected|dropped|confirm"):
            north.send(DecideCmd(team="northmark", delivery=1, response="lost?"))

        again = type(host)(save, tmp_path, port=host.port).start()
        try:
            until(lambda: north.client.connected and facilitator.link.client.connected,
                  timeout=15)
            assert again.codes == host.codes  # the same codes, kept beside the save
            facilitator.advance()  # the turn goes on where it stopped
            until(lambda: north.view is not None and north.view.player is not None
                  and north.view.player.turn == 2, link=north)
            assert len(facilitator.records) > acknowledged
            on_disk = read(save).records
            assert [r.event for r in on_disk] == [r.event for r in facilitator.records]
        finally:
            again.stop()
