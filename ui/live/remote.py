"""A seat's side of a live session: the link to the host, and the session as a seat
knows it.

`SeatLink` queues what the host pushes (on the connection's thread) and folds it in
on the UI's thread when `pump` is called, so a screen never sees a half-applied
update. A facilitator or evaluator seat gets the script and every event, and keeps a
mirror of the host's session: `RemoteSession` is the same `SessionPort` the local
console uses, whose commands go to the host instead of the engine. A team or
observer seat keeps only the last `View` the host sent.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

from engine.commands import Command, Controllers
from engine.loader import parse_script
from engine.session import Record, Session
from ui.controller import SessionPort
from ui.live.client import Message, SeatClient
from ui.live.protocol import (
    Ack,
    Events,
    Seats,
    Timer,
    TimerCmd,
    View,
    Welcome,
    WireRecord,
    from_engine,
)
from ui.live.protocol import (
    Command as WireCommand,
)
from ui.live.seats import FULL_ROLES, may_send

JOIN_TIMEOUT = 10.0

# The console's actions that send a command, and which (the others only read).
SENDS = {"deliver": "deliver", "adhoc": "adhoc", "decide": "decide", "rate": "rate",
         "note": "note", "correct": "withdraw", "advance": "advance", "end": "end",
         "timer": "timer"}


class JoinFailed(Exception):
    """No seat: the host is unreachable or refused the code."""


class SeatLink:
    """One seat's connection and what has arrived on it, not yet folded in."""

    def __init__(self, url: str, code: str) -> None:
        self.url = url
        self.inbox: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self.view: View | None = None
        self.seats: Seats | None = None
        self.timer: tuple[Timer, float] | None = None  # and when it arrived (monotonic)
        self.status = "connecting"
        self.seen = 0  # the last event folded in
        self.wake: Callable[[], None] = lambda: None  # the UI's "something arrived"
        self._welcomed = threading.Event()
        self._viewed = threading.Event()
        self._first: Welcome | None = None  # set on the connection's thread
        self.client = SeatClient(url, code, self._arrived, lambda: self.seen, self._status)
        # Where folded records go: a RemoteSession's mirror. Until one listens, nothing
        # is pumped (see `join`), so no record is dropped.
        self.on_records: Callable[[list[Record]], None] = lambda records: None

    def join(self, timeout: float = JOIN_TIMEOUT) -> Welcome:
        """Connect and wait for the host's welcome, and a team's or observer's first
        view, sent with it (JoinFailed if they do not come). Nothing is folded in yet:
        the UI's thread does that (`pump`) once it is ready to listen."""
        self.client.start()
        deadline = time.monotonic() + timeout
        while not (self._welcomed.wait(0.05) and (self._viewed.is_set() or self._full())):
            if self.client.refused is not None:
                raise JoinFailed(self.client.refused)
            if time.monotonic() > deadline:
                self.client.close()
                raise JoinFailed(f"no answer from {self.url}: is the host running, and "
                                 "is this its address?")
        assert self._first is not None
        return self._first

    def _full(self) -> bool:
        """Whether this seat is sent events, not views (known once welcomed)."""
        return self._first is not None and self._first.role in FULL_ROLES

    def send(self, command: WireCommand) -> Ack:
        """Send a command, then fold in what it did (pushed before its ack)."""
        ack = self.client.send(command)
        self.pump()
        return ack

    def close(self) -> None:
        self.client.close()

    def _arrived(self, message: Message) -> None:
        self.inbox.put(message)
        if isinstance(message, Welcome):
            self._first = self._first or message
            self._welcomed.set()
        elif isinstance(message, View):
            self._viewed.set()
        self.wake()

    def _status(self, status: str) -> None:
        self.status = status
        self.wake()

    def pump(self) -> None:
        """Fold in everything that has arrived, in order (the UI's thread only)."""
        while True:
            try:
                message = self.inbox.get_nowait()
            except queue.Empty:
                return
            if isinstance(message, Welcome | Events):
                self._fold(message.records)
            elif isinstance(message, View):
                self.view = message
                self.seen = message.seq
            elif isinstance(message, Seats):
                self.seats = message
            elif isinstance(message, Timer):
                self.timer = (message, time.monotonic())

    def _fold(self, records: tuple[WireRecord, ...]) -> None:
        fresh = [Record(r.seq, r.turn, r.event) for r in records if r.seq > self.seen]
        if fresh:
            self.seen = fresh[-1].seq
            self.on_records(fresh)

    def timer_left(self) -> float | None:
        """Seconds left on the turn's timer now (None: no timer running)."""
        if self.timer is None:
            return None
        timer, at = self.timer
        if timer.remaining is None:
            return None
        return max(0.0, timer.remaining - (time.monotonic() - at))

    def timer_text(self) -> str:
        left = self.timer_left()
        if left is None:
            return ""
        if left <= 0:
            return "time is up"
        minutes, seconds = divmod(int(left + 0.999), 60)
        auto = " (then the turn ends)" if self.timer and self.timer[0].auto_advance else ""
        return f"{minutes}:{seconds:02d} left{auto}"


class RemoteSession(SessionPort):
    """The session mirrored from a host, for a facilitator or evaluator seat."""

    def __init__(self, link: SeatLink, welcome: Welcome) -> None:
        assert welcome.script is not None and welcome.seed is not None
        exercise = parse_script(welcome.script, welcome.script_name or "script.yaml")
        self.link = link
        self.role = welcome.role
        self._session = Session(exercise, welcome.seed, Controllers(frozenset(welcome.bots)))
        link.on_records = self._session.receive
        link.pump()  # the welcome's events, and whatever came since
        super().__init__("facilitate")

    @property
    def session(self) -> Session:
        return self._session

    @property
    def path(self) -> str:
        return self.link.url

    def _execute(self, command: Command) -> list[Record]:
        ack = self.link.send(from_engine(command))
        return self.records[ack.first - 1:ack.last]

    def set_timer(self, minutes: float, auto_advance: bool) -> None:
        self.link.send(TimerCmd(minutes=minutes, auto_advance=auto_advance))

    def close(self) -> None:
        self.link.close()

    def may(self, action: str) -> bool:
        """The console shows the keys the host would accept from this role."""
        return action not in SENDS or may_send(self.role, SENDS[action])

    def seat_status(self) -> str:
        link = self.link
        parts = [f"{self.role} seat" + ("" if link.status == "connected"
                                        else f" ({link.status})")]
        if link.seats is not None and self.role == "facilitator":
            joined = sum(1 for s in link.seats.seats if s.connected)
            parts.append(f"{joined}/{len(link.seats.seats)} seats joined")
            if link.seats.waiting_on:
                parts.append("waiting on " + ", ".join(link.seats.waiting_on))
        timer = link.timer_text()
        if timer:
            parts.append(timer)
        return " · ".join(parts)
