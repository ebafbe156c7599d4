"""`ttx join URL [--code CODE]`: a seat's console.

The same app as the local console, routed differently: it asks for the code if it
was not given, joins in a worker thread, then shows the console of the seat's role
(the facilitator's and the evaluator's are the local console over a `RemoteSession`;
a team's and an observer's are the seat screen). What the host pushes arrives on the
connection's thread and is folded in here, on the app's thread, when `HostSpoke`
says something came.
"""

from __future__ import annotations

import argparse

from textual import work
from textual.message import Message
from textual.screen import Screen

from ui.live.protocol import Welcome
from ui.live.remote import JoinFailed, RemoteSession, SeatLink
from ui.live.seats import FULL_ROLES
from ui.tui.app import Launch, TTXApp


class HostSpoke(Message):
    """Something arrived from the host (or the connection changed): fold it in."""


class SeatApp(TTXApp):
    TITLE = "Coalition TTX seat"

    def __init__(self, url: str, code: str | None, launch: Launch | None = None) -> None:
        super().__init__(launch)
        self.url, self.code = url, code
        self.link: SeatLink | None = None
        self._expired_told: int | None = None

    def open_first(self) -> None:
        """A seat opens on its session (there is no launcher): join, asking for the
        code first if it was not given."""
        if self.code:
            self.join(self.code)
        else:
            self.ask_code()

    def ask_code(self, problem: str = "") -> None:
        from ui.tui.screens.join import JoinScreen

        self.push_screen(JoinScreen(self.url, problem), self._code_given)

    def _code_given(self, code: str | None) -> None:
        if code:
            self.join(code)

    @work(thread=True, exclusive=True, group="join")
    def join(self, code: str) -> None:
        link = SeatLink(self.url, code)
        link.wake = self._wake
        try:
            welcome = link.join()
        except JoinFailed as exc:
            self.call_from_thread(self.ask_code, str(exc))
            return
        self.call_from_thread(self.seated, link, welcome)

    def _wake(self) -> None:
        self.post_message(HostSpoke())  # thread-safe; never waits on the app

    def seated(self, link: SeatLink, welcome: Welcome) -> None:
        self.link = link
        if welcome.role in FULL_ROLES:
            from ui.tui.screens.console import ConsoleScreen

            remote = RemoteSession(link, welcome)
            self.controller = remote
            screen: Screen[None] = ConsoleScreen(remote)
        else:
            from ui.tui.screens.seat import SeatScreen

            link.pump()  # the first view
            screen = SeatScreen(link)
        self.push_screen(screen)
        self.set_interval(1, self._tick)

    def on_host_spoke(self, message: HostSpoke) -> None:
        self._catch_up()
        self._repaint()

    def _tick(self) -> None:
        """Each second: the countdown moves (and anything that arrived is folded in)."""
        self._catch_up()
        self._repaint(status_only=True)

    def _catch_up(self) -> None:
        """Fold in what the host sent; say once when the turn's time is up."""
        link = self.link
        if link is None:
            return
        link.pump()
        timer = link.timer[0] if link.timer else None
        if timer is not None and timer.expired and self._expired_told != timer.turn:
            self._expired_told = timer.turn
            self.notify(f"Time is up for turn {timer.turn}" + (
                ": the host ends the turn." if timer.auto_advance else "."),
                title="Timer", severity="warning", timeout=15)

    def _repaint(self, status_only: bool = False) -> None:
        from ui.tui.screens.console import ConsoleScreen
        from ui.tui.screens.seat import SeatScreen

        for screen in self.screen_stack:
            if not screen.is_mounted:
                continue  # it paints itself when it mounts
            if isinstance(screen, ConsoleScreen):
                screen.show_status()
            elif isinstance(screen, SeatScreen):
                screen.show_status() if status_only else screen.refresh_seat()

    def leave_session(self) -> None:
        """A seat has no launcher: leaving closes the connection and the app (the
        session goes on at the host; the same code joins again)."""
        self.close_session()
        self.exit()

    def close_session(self) -> None:
        super().close_session()
        if self.link is not None:
            self.link.close()
            self.link = None


def main(args: argparse.Namespace) -> int:
    from ui.tui.launch import settings_from

    app = SeatApp(args.url, args.code, Launch(None, settings_from(args)))
    try:
        app.run()
    finally:
        app.close_session()
    return app.return_code or 0
