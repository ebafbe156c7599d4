"""A real `ttx` in a pseudo-terminal for tests that need a second process: keys in,
screen output drained, and helpers that wait on what the save records."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

from engine.store import SaveError, SaveFile, read

ROOT = Path(__file__).resolve().parents[2]


class Terminal:
    """`ttx` in a pseudo-terminal: keys in, output drained (a full pty would block it)."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen([sys.executable, "-m", "ui.cli", *args], cwd=cwd,
                                        stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True)
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                if self.process.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def press(self, key: str, then: str) -> None:
        """Press `key` and wait for the screen titled `then` to open."""
        start = len(self.output)
        self.type(key)
        wait_for(f"{then!r} on screen", lambda: then.encode() in self.output[start:], self)

    def type(self, keys: str) -> None:
        for key in keys:
            os.write(self.master, key.encode())
            time.sleep(0.02)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        os.close(self.master)


def wait_for(what: str, check: Callable[[], bool], term: Terminal, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        assert term.process.poll() is None, f"ttx exited: {term.output[-2000:]!r}"
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; screen tail: {term.output[-1500:]!r}")


def save_in(saves: Path) -> SaveFile | None:
    found = sorted(saves.glob("*.jsonl"))
    if not found:
        return None
    try:
        return read(found[0])
    except SaveError:
        return None  # the header line is being written


def count(saves: Path, kind: type) -> int:
    save = save_in(saves)
    return 0 if save is None else sum(isinstance(r.event, kind) for r in save.records)
