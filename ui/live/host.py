"""The host of a live session: the one process that writes the save.

Every seat's command arrives here, is checked against the seat's rights, and runs
through the engine on this one thread, so commands are ordered and each is fsynced
before anyone hears of it. Then each seat is sent what its role may see: events to
the facilitator and evaluator, a fresh view to a team or observer when theirs
changed. A seat that sends something bad, too big or not its right gets an error
(and the host's log a line); the save never sees it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field

from pydantic import ValidationError
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from engine.commands import CommandError
from engine.controls import escape_controls
from engine.events import TurnStarted
from engine.session import Record
from engine.views import teams_shown
from ui.controller import SessionPort
from ui.live.protocol import (
    INBOUND,
    Ack,
    Events,
    Hello,
    Refused,
    Seats,
    SeatState,
    Send,
    Timer,
    TimerCmd,
    View,
    Welcome,
    WireRecord,
    to_engine,
)
from ui.live.seats import FULL_ROLES, Seat, SeatBook, TimerState, refusal, view_for

HELLO_TIMEOUT = 10.0  # seconds a new connection has to say who it is
TICK = 0.25  # seconds between looks at the timer


@dataclass(eq=False)
class Connection:
    """One seat's connection: what to send it, in order, and the view it last got."""

    ws: ServerConnection
    seat: Seat
    peer: str
    outbox: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    last_view: View | None = None

    def put(self, message: str) -> None:
        self.outbox.put_nowait(message)

    def offer(self, view: View | None) -> None:
        """Send `view` unless it shows nothing the last one did not."""
        if view is None:
            return
        if self.last_view is not None and view.model_copy(update={"seq": 0}) == \
                self.last_view.model_copy(update={"seq": 0}):
            return
        self.last_view = view
        self.put(view.model_dump_json())

    async def pump(self) -> None:
        while True:
            message = await self.outbox.get()
            await self.ws.send(message)


def _wire(records: Sequence[Record]) -> tuple[WireRecord, ...]:
    return tuple(WireRecord(seq=r.seq, turn=r.turn, event=r.event) for r in records)


def _said(text: object, limit: int = 200) -> str:
    """Something a seat sent, fit for one log line: inert and short."""
    shown = escape_controls(str(text))
    return shown if len(shown) <= limit else shown[:limit] + "…"


class Host:
    def __init__(self, session: SessionPort, book: SeatBook, script: str, script_name: str,
                 log: logging.Logger) -> None:
        self.session = session
        self.book = book
        self.script = script
        self.script_name = script_name
        self.log = log
        self.connections: set[Connection] = set()
        kept = book.data.timer
        if kept is None or kept.turn != session.state.turn:
            self._keep(self._fresh_timer(auto_advance=kept.auto_advance if kept else False))
        session.subscribe(self._heard)

    @property
    def started(self) -> bool:
        """Whether turn 1 has begun (a lobby's save holds no event until it does)."""
        return bool(self.session.records)

    # ------------------------------------------------------------ connections

    async def handler(self, ws: ServerConnection) -> None:
        peer = "{}:{}".format(*ws.remote_address[:2]) if ws.remote_address else "?"
        try:
            raw = await asyncio.wait_for(ws.recv(), HELLO_TIMEOUT)
        except (TimeoutError, ConnectionClosed):
            self.log.info("%s left before joining", peer)
            return
        joined = self._join(raw, peer)
        if isinstance(joined, str):
            await ws.send(Refused(message=joined).model_dump_json())
            await ws.close(1008, "not joined")
            return
        seat, last_seq = joined
        conn = Connection(ws, seat, peer)
        conn.put(self._welcome(seat, last_seq).model_dump_json())
        conn.offer(self._view(seat))
        conn.put(self._timer().model_dump_json())
        self.connections.add(conn)
        self.log.info("%s joined as %s", peer, seat.name)
        self._tell_seats()
        sender = asyncio.create_task(conn.pump())
        try:
            async for message in ws:
                conn.put(self.answer(conn, message).model_dump_json())
        except ConnectionClosed as exc:
            if (exc.rcvd is not None and exc.rcvd.code == 1009) or "too big" in str(exc):
                self.log.warning("%s (%s): refused a message over the size limit; "
                                 "connection closed", peer, seat.name)
        finally:
            self.connections.discard(conn)
            sender.cancel()
            with suppress(asyncio.CancelledError):
                await sender
            self.log.info("%s (%s) left", peer, seat.name)
            self._tell_seats()

    def _join(self, raw: str | bytes, peer: str) -> tuple[Seat, int] | str:
        """The seat a first message opens and the last event it saw, or why none."""
        try:
            hello = INBOUND.validate_json(raw)
        except ValidationError:
            self.log.warning("%s: first message is not a hello: %s", peer, _said(raw))
            return "the first message must be a hello of protocol version 1"
        if not isinstance(hello, Hello):
            return "the first message must be a hello"
        seat = self.book.seat_for(hello.code)
        if seat is None:
            self.log.warning("%s: refused a join code that opens no seat", peer)
            return "this join code opens no seat of this session"
        return seat, min(hello.last_seq, len(self.session.records))

    def answer(self, conn: Connection, raw: str | bytes) -> Ack | Refused:
        """Check and carry out one message from a seat. Nothing a seat sends can stop
        the host: whatever goes wrong becomes the seat's error and a log line."""
        try:
            message = INBOUND.validate_json(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            self.log.warning("%s (%s): unreadable message (%s): %s", conn.peer,
                             conn.seat.name, _said(error["msg"]), _said(raw))
            return Refused(message=f"not a message of protocol version 1: {where}: "
                           f"{error['msg']}")
        if not isinstance(message, Send):
            return Refused(message="already joined: send commands")
        why = refusal(conn.seat, message.command)
        if why is not None:
            self.log.warning("%s (%s): refused %s: %s", conn.peer, conn.seat.name,
                             message.command.do, why)
            return Refused(id=message.id, message=why)
        try:
            return self._carry_out(message)
        except CommandError as exc:
            return Refused(id=message.id, message=str(exc))
        except Exception:  # a bug must cost one command, not the session
            self.log.exception("%s (%s): %s failed", conn.peer, conn.seat.name,
                               message.command.do)
            return Refused(id=message.id, message="the host could not carry this out; "
                           "its log says why")

    def _carry_out(self, message: Send) -> Ack:
        command = message.command
        before = len(self.session.records)
        if isinstance(command, TimerCmd):
            self.set_timer(command.minutes, command.auto_advance)
        else:
            try:
                engine_command = to_engine(command)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.session.execute(engine_command)
        return Ack(id=message.id, first=before + 1, last=len(self.session.records))

    # ------------------------------------------------------------ what seats see

    def _welcome(self, seat: Seat, last_seq: int) -> Welcome:
        ex = self.session.exercise
        common = {"role": seat.role, "team": seat.team, "title": ex.title,
                  "session": self.session.path.rsplit("/", 1)[-1], "started": self.started}
        if seat.role not in FULL_ROLES:
            return Welcome(**common)
        return Welcome(**common, script=self.script, script_name=self.script_name,
                       seed=self.session.seed,
                       bots=tuple(t for t in ex.team_ids if self.session.is_bot(t)),
                       records=_wire(self.session.records[last_seq:]))

    def _view(self, seat: Seat) -> View | None:
        s = self.session
        return view_for(seat, s.exercise, s.state, len(s.records), self.started)

    def _heard(self, records: Sequence[Record]) -> None:
        """New records are on disk: send each seat its share, in order."""
        new_turn = any(isinstance(r.event, TurnStarted) for r in records)
        if new_turn:
            self._keep(self._fresh_timer(self.timer.auto_advance))
        events = Events(records=_wire(records)).model_dump_json()
        for conn in self.connections:
            if conn.seat.role in FULL_ROLES:
                conn.put(events)
        self._tell_views(teams_shown(r.event for r in records))
        if new_turn:
            self._broadcast(self._timer().model_dump_json())
        self._tell_seats()

    def _tell_views(self, teams: frozenset[str] | None = None) -> None:
        """Send each team and observer seat its view if it changed; only `teams`' seats
        can have (None: anyone's)."""
        views: dict[Seat, View | None] = {}
        for conn in self.connections:
            if conn.seat.role not in FULL_ROLES and (
                    teams is None or conn.seat.team in teams):
                if conn.seat not in views:
                    views[conn.seat] = self._view(conn.seat)
                conn.offer(views[conn.seat])

    def _tell_seats(self) -> None:
        counts = {s.name: 0 for s in self.book.seats}
        for conn in self.connections:
            counts[conn.seat.name] += 1
        waiting = tuple(dict.fromkeys(t for t, _ in self.session.pending()
                                      if not self.session.is_bot(t)))
        message = Seats(seats=tuple(SeatState(seat=k, connected=v) for k, v in counts.items()),
                        waiting_on=waiting).model_dump_json()
        for conn in self.connections:
            if conn.seat.role == "facilitator":
                conn.put(message)

    def _broadcast(self, message: str) -> None:
        for conn in self.connections:
            conn.put(message)

    # ------------------------------------------------------------ the turn's timer

    @property
    def timer(self) -> TimerState:
        timer = self.book.data.timer
        assert timer is not None  # set from the start (see __init__)
        return timer

    def _keep(self, timer: TimerState) -> None:
        """The timer from now on, written beside the save (it survives a restart)."""
        self.book.data.timer = timer
        self.book.write()

    def _fresh_timer(self, auto_advance: bool) -> TimerState:
        """The timer a turn starts with: its module's minutes, if the script says."""
        state = self.session.state
        module = self.session.exercise.module(state.turn)
        minutes = module.minutes if module and not state.ended else None
        deadline = time.time() + minutes * 60 if minutes else None
        return TimerState(turn=state.turn, deadline=deadline, auto_advance=auto_advance)

    def _timer(self) -> Timer:
        t = self.timer
        remaining = None if t.deadline is None else max(0.0, t.deadline - time.time())
        return Timer(turn=t.turn, remaining=remaining, auto_advance=t.auto_advance,
                     expired=t.expired)

    def set_timer(self, minutes: float, auto_advance: bool) -> None:
        if self.session.state.ended:
            raise CommandError("the exercise has ended")
        deadline = time.time() + minutes * 60 if minutes > 0 else None
        self._keep(TimerState(turn=self.session.state.turn, deadline=deadline,
                              auto_advance=auto_advance))
        self.log.info("timer: %s", f"{minutes:g} min" if deadline else "stopped")
        self._broadcast(self._timer().model_dump_json())

    def tick(self) -> None:
        """At zero: tell every seat, once, and end the turn if the facilitator said so."""
        t = self.timer
        if t.deadline is None or t.expired or time.time() < t.deadline:
            return
        self._keep(t.model_copy(update={"expired": True}))
        self.log.info("timer: turn %d's time is up", t.turn)
        self._broadcast(self._timer().model_dump_json())
        if t.auto_advance and self.started and not self.session.state.ended:
            try:
                self.session.advance()
            except CommandError as exc:
                self.log.warning("timer: could not end the turn: %s", exc)

    async def keep_time(self) -> None:
        while True:
            await asyncio.sleep(TICK)
            self.tick()
