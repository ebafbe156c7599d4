"""A browser seat: `ttx host --web` serves the seat console through textual-serve,
and a real headless Chromium joins as a team."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest

from tests.live.browser import Browser, chromium
from tests.live.hosting import PACIFIC, free_port, hosting

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


def test_a_team_joins_from_a_browser_and_reads_its_inbox(tmp_path: Path) -> None:
    web = free_port()
    with hosting(PACIFIC, tmp_path, "--web", str(web)) as host:
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
            deadline = time.monotonic() + 30
            while "Vessaland Navy" not in browser.received():
                assert time.monotonic() < deadline, browser.received()[-2000:]
                time.sleep(0.3)
            time.sleep(1.0)
            shown = browser.received()
            browser.screenshot(tmp_path / "browser-seat.png")
        finally:
            browser.close()
        assert "Inbox" in shown and "Data-link gateway" in shown  # its own inject
        assert "team Vessaland Navy" in shown
        assert "joined as team:vessaland" in host.log()
