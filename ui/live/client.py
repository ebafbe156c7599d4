"""A seat's connection to its host, on a thread of its own.

The thread connects, says hello with the seat's code and the last event it saw, and
hands every message the host pushes to `on_message`. When the connection drops (the
host restarted, the network blinked) it connects again by itself, backing off up to
two seconds, and says hello with the new last event: the host sends only what was
missed. A command waits for its answer; one sent while disconnected, or left
unanswered when the connection drops, is reported as not confirmed, never re-sent,
so nothing is ever done twice.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from contextlib import suppress

from pydantic import ValidationError
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from engine.commands import CommandError
from ui.live.protocol import OUTBOUND, Ack, Command, Hello, Refused, Send

ANSWER_TIMEOUT = 15.0  # seconds to wait for a command's ack
MAX_INBOUND = 512 * 1024 * 1024  # a long session's catch-up can be large

Message = object  # one of ui.live.protocol's outbound models


class JoinRefused(Exception):
    """The host refused this seat's code: reconnecting will not help."""


class _Waiter:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: Ack | Refused | None = None


class SeatClient:
    def __init__(self, url: str, code: str, on_message: Callable[[Message], None],
                 last_seq: Callable[[], int] = lambda: 0,
                 on_status: Callable[[str], None] = lambda status: None) -> None:
        self.url, self.code = url, code
        self.on_message = on_message
        self.last_seq = last_seq
        self.on_status = on_status
        self.refused: str | None = None  # the host refused the code: why
        self._ids = itertools.count(1)
        self._waiting: dict[int, _Waiter] = {}
        self._ws: ClientConnection | None = None
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ttx-seat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._closed.set()
        ws = self._ws
        if ws is not None:
            with suppress(Exception):
                ws.close()
        self._thread.join(timeout=5)

    @property
    def connected(self) -> bool:
        return self._ws is not None

    # ------------------------------------------------------------ commands

    def send(self, command: Command, timeout: float = ANSWER_TIMEOUT) -> Ack:
        """Send one command and wait for its answer; a refusal raises CommandError with
        the host's reason."""
        waiter = _Waiter()
        with self._lock:
            ws = self._ws
            if ws is None:
                raise CommandError("not connected to the host (reconnecting); "
                                   "nothing was sent, try again in a moment")
            number = next(self._ids)
            self._waiting[number] = waiter
            try:
                ws.send(Send(id=number, command=command).model_dump_json())
            except (ConnectionClosed, OSError):
                self._waiting.pop(number, None)
                raise CommandError("the connection to the host dropped; nothing was "
                                   "sent, try again in a moment") from None
        if not waiter.done.wait(timeout):
            self._waiting.pop(number, None)
            raise CommandError("the host did not confirm this in time; look at the log "
                               "before sending it again")
        answer = waiter.answer
        if answer is None:
            raise CommandError("the connection dropped before the host confirmed this; "
                               "look at the log before sending it again")
        if isinstance(answer, Refused):
            raise CommandError(answer.message)
        return answer

    # ------------------------------------------------------------ the thread

    def _run(self) -> None:
        delay = 0.1
        while not self._closed.is_set():
            try:
                with connect(self.url, max_size=MAX_INBOUND, proxy=None,
                             open_timeout=5) as ws:
                    ws.send(Hello(code=self.code, last_seq=self.last_seq()).model_dump_json())
                    first = OUTBOUND.validate_json(ws.recv(timeout=10))
                    if isinstance(first, Refused):
                        self.refused = first.message
                        self.on_status("refused")
                        raise JoinRefused(first.message)
                    with self._lock:
                        self._ws = ws
                    self.on_message(first)
                    self.on_status("connected")
                    delay = 0.1
                    for raw in ws:
                        self._dispatch(OUTBOUND.validate_json(raw))
            except JoinRefused:
                return
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError,
                    ValidationError):
                pass
            except InvalidURI as exc:
                self.refused = f"not a host's address: {exc}"
                self.on_status("refused")
                return
            finally:
                self._drop()
            if self._closed.is_set():
                return
            self.on_status("reconnecting")
            self._closed.wait(delay)
            delay = min(delay * 2, 2.0)

    def _dispatch(self, message: Message) -> None:
        if isinstance(message, Ack | Refused) and message.id is not None:
            waiter = self._waiting.pop(message.id, None)
            if waiter is not None:
                waiter.answer = message
                waiter.done.set()
                return
        self.on_message(message)

    def _drop(self) -> None:
        """The connection is gone: no command waiting on it will be answered."""
        with self._lock:
            self._ws = None
            waiting, self._waiting = self._waiting, {}
        for waiter in waiting.values():
            waiter.done.set()
