"""A real `ttx host` process for tests: started on 127.0.0.1 with a free port, its
codes read from `--codes-json`, stopped (or killed) at the end."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ui.live.remote import RemoteSession, SeatLink

ROOT = Path(__file__).resolve().parents[2]
PACIFIC = ROOT / "exercises" / "pacific-shield.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HostProcess:
    def __init__(self, target: str | Path, workdir: Path, *extra: str,
                 port: int | None = None) -> None:
        self.target, self.workdir, self.extra = str(target), workdir, extra
        self.port = port or free_port()
        self.codes_file = workdir / f"codes-{self.port}.json"
        self.proc: subprocess.Popen[bytes] | None = None
        self.codes: dict[str, Any] = {}

    def start(self, timeout: float = 20) -> HostProcess:
        with suppress(FileNotFoundError):
            self.codes_file.unlink()
        self.stderr = open(self.workdir / "host.stderr", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "host", self.target, "--port", str(self.port),
             "--codes-json", str(self.codes_file), "--saves", str(self.workdir), *self.extra],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.stderr)
        deadline = time.monotonic() + timeout
        while not self.codes_file.exists():
            if self.proc.poll() is not None:
                raise RuntimeError("the host exited: "
                                   + (self.workdir / "host.stderr").read_text())
            if time.monotonic() > deadline:
                raise TimeoutError("the host did not start")
            time.sleep(0.05)
        time.sleep(0.05)  # written whole before it is read
        self.codes = json.loads(self.codes_file.read_text())
        return self

    @property
    def url(self) -> str:
        return str(self.codes["url"])

    def code(self, seat: str) -> str:
        return str(self.codes[seat] if seat in self.codes else self.codes["teams"][seat])

    def save(self) -> Path:
        return next(p for p in self.workdir.glob("*.jsonl"))

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
        code = self.proc.wait(timeout=15)
        self.stderr.close()
        return code

    def log(self) -> str:
        return (self.save().with_name(self.save().name + ".host.log")).read_text()


@contextmanager
def hosting(target: str | Path, workdir: Path, *extra: str) -> Iterator[HostProcess]:
    host = HostProcess(target, workdir, *extra).start()
    try:
        yield host
    finally:
        if host.proc is not None and host.proc.poll() is None:
            host.stop(signal.SIGKILL)


def seat(host: HostProcess, name: str) -> SeatLink:
    link = SeatLink(host.url, host.code(name))
    link.join()
    link.pump()
    return link


def console(host: HostProcess, name: str = "facilitator") -> RemoteSession:
    link = SeatLink(host.url, host.code(name))
    return RemoteSession(link, link.join())


def until(check: Any, timeout: float = 10.0, *links: SeatLink,
          link: SeatLink | None = None, why: Any = lambda: "") -> None:
    """Wait until `check()` holds, folding in what the host pushed meanwhile."""
    deadline = time.monotonic() + timeout
    pumped = [*links, *([link] if link else [])]
    while True:
        for each in pumped:
            each.pump()
        if check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting {why()}")
        time.sleep(0.02)
