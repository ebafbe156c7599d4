"""The turn timer every seat counts down, and the lobby a session can wait in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.live.hosting import PACIFIC, console, hosting, seat, until
from ui.live.protocol import DecideCmd, StartCmd, TimerCmd
from ui.live.seats import seats_path


def test_every_seat_counts_down_the_modules_minutes_from_the_start(tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path) as host:
        north = seat(host, "northmark")
        until(lambda: north.timer is not None, link=north)
        minutes = console(host).exercise.module(1).minutes  # type: ignore[union-attr]
        left = north.timer_left()
        assert minutes and left is not None and minutes * 60 - 30 < left <= minutes * 60
        assert "left" in north.timer_text()


def test_at_zero_every_seat_is_told_and_the_turn_ends_only_if_the_facilitator_said(
        tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path) as host:
        facilitator = console(host)
        north = seat(host, "northmark")
        facilitator.set_timer(0.01, auto_advance=False)  # 0.6 s
        until(lambda: north.timer is not None and north.timer[0].expired, link=north)
        assert facilitator.state.turn == 1 and north.timer_text() == "time is up"

        facilitator.set_timer(0.01, auto_advance=True)
        until(lambda: north.view is not None and north.view.player is not None
              and north.view.player.turn == 2, link=north)
        until(lambda: facilitator.state.turn == 2, link=facilitator.link)
        assert "time is up" in host.log()


def test_the_timer_survives_a_host_restart(tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path) as host:
        console(host).set_timer(90, auto_advance=True)
        save = host.save()
        kept = json.loads(seats_path(save).read_text())["timer"]
        host.stop()
        again = type(host)(save, tmp_path, port=host.port).start()
        try:
            north = seat(again, "northmark")
            until(lambda: north.timer is not None, link=north)
            assert north.timer is not None and north.timer[0].auto_advance
            left = north.timer_left()
            assert left is not None and 85 * 60 < left <= 90 * 60
            assert json.loads(seats_path(save).read_text())["timer"] == kept
        finally:
            again.stop()


def test_a_lobby_waits_for_the_facilitator_to_start_turn_one(tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path, "--lobby") as host:
        north = seat(host, "northmark")
        assert north.view is not None and not north.view.started
        assert north.view.player is not None and north.view.player.inbox == ()
        with pytest.raises(Exception, match="may decide for itself, not start the session"):
            north.send(StartCmd())
        with pytest.raises(Exception, match="has not started"):
            north.send(DecideCmd(team="northmark", delivery=1, response="early"))
        facilitator = console(host)
        assert facilitator.records == []
        facilitator.begin()
        until(lambda: north.view is not None and north.view.started
              and len(north.view.player.inbox) > 0, link=north)  # type: ignore[union-attr]
        with pytest.raises(Exception, match="turn timer"):
            north.send(TimerCmd(minutes=5))
