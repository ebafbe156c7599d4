"""A browser seat: `ttx host --web` serves the seat console through textual-serve,
and a real headless Chromium joins as a team."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from engine.store import read
from tests.live.browser import Browser, chromium
from tests.live.hosting import PACIFIC, ROOT, console, free_port, hosting, seat, until
from tests.live.test_host import decide_everything_open

pytestmark = pytest.mark.skipif(chromium() is None, reason="needs Chromium installed")


def wait_for_http(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_team_in_a_browser_plays_beside_terminal_seats_to_the_end(tmp_path: Path) -> None:
    """Two terminals' seats (the facilitator's, the evaluator's and one team's, through
    the client library) and one team in Chromium play a bundled exercise to its end;
    the browser team decides from its own inbox, and the save verifies."""
    web = free_port()
    with hosting(PACIFIC, tmp_path, "--web", str(web)) as host:
        facilitator = console(host)
        evaluator = console(host, "evaluator")
        north = seat(host, "northmark")
        page = f"http://127.0.0.1:{web}/"
        assert host.codes["web"] == page
        wait_for_http(page)
        browser = Browser(page, tmp_path / "profile")
        try:
            browser.call("Network.enable")
            browser.until("document.body.classList.contains('-first-byte')")
            time.sleep(1.5)  # the seat console starts and asks for the code
            browser.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
            browser.type(host.code("vessaland"))
            browser.press_enter()
            wait_for(browser, "Vessaland Navy")
            shown = browser.received()
            assert "Inbox" in shown and "Data-link gateway" in shown  # its own inject
            assert "team Vessaland Navy" in shown
            browser.press("down")  # the newest inject: the data-link gateway
            wait_for(browser, "Your options")
            browser.type("d")
            wait_for(browser, "Record a decision")
            for key in ("tab", "down", "ctrl+s"):
                browser.press(key)
            wait_for(browser, "Your team's decision")
            browser.screenshot(tmp_path / "browser-seat.png")
            until(lambda: any(r.event.type == "decision" and r.event.team == "vessaland"
                              for r in facilitator.records), link=facilitator.link)
            objective = facilitator.exercise.objectives[0].id
            while not facilitator.state.ended:
                decide_everything_open(north)
                evaluator.rate("northmark", objective, facilitator.scale()[0], "live")
                facilitator.advance()
                until(lambda: north.view is not None and north.view.player is not None
                      and (north.view.player.turn == facilitator.state.turn
                           or north.view.ended), link=north)
            wait_for(browser, "the exercise has ended")
        finally:
            browser.close()
        save = host.save()
        host.stop()
    assert "joined as team:vessaland" in host.log()
    records = read(save).records
    mine = [r.event for r in records if r.event.type == "decision"
            and r.event.team == "vessaland" and r.event.by == "person"]
    assert [e.inject for e in mine] == ["link-gateway"]
    verified = subprocess.run([sys.executable, "-m", "ui.cli", "verify", str(save)],
                              cwd=ROOT, capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def wait_for(browser: Browser, text: str, timeout: float = 30) -> None:
    """Until the browser's terminal has been sent `text`."""
    deadline = time.monotonic() + timeout
    while text not in browser.received():
        assert time.monotonic() < deadline, f"never shown: {text}"
        time.sleep(0.2)
