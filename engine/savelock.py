"""One writer per save: an OS lock held for as long as a session has the save open.

Two sessions appending to one save would both chain from the same head and break
it for good, so a writer takes `flock(LOCK_EX)` on the save itself before it writes a
byte. The kernel drops the lock when the process ends, however it ends, so a crash
never leaves a save blocked. Who holds it (process, command, since when) is written
beside the save in `SAVE.lock`, only to name the holder to a second writer: the file
is a courtesy, the flock is the rule, and a stale file from a killed process is
simply overwritten by the next holder. Readers (review, report, replay) never lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path


class SaveLocked(Exception):
    """Another process is writing the save."""

    def __init__(self, path: str, holder: str) -> None:
        self.path, self.holder = path, holder
        super().__init__(f"{path} is open for writing by {holder}; a save has one writer "
                         f"at a time. Open it read-only instead: ttx review {path}")


def holder_file(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".lock")


def acquire(fd: int, path: str) -> None:
    """Lock the save open on `fd` for writing, or raise SaveLocked at once."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SaveLocked(path, describe_holder(path)) from None
    note = {"pid": os.getpid(), "host": socket.gethostname(),
            "since": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}
    with suppress(OSError):  # a read-only directory: the lock holds, the name is missing
        holder_file(path).write_text(json.dumps(note) + "\n", encoding="utf-8")


def release(path: str) -> None:
    """Remove the holder note if it is this process's (the flock goes with the fd)."""
    note = holder_file(path)
    with suppress(OSError, ValueError, AttributeError):
        if json.loads(note.read_text(encoding="utf-8")).get("pid") == os.getpid():
            note.unlink()


def held_by(path: str | Path) -> str | None:
    """Who holds the save's write lock now, or None if nobody does. Only a probe for a
    quick, friendly refusal: the writer's own `acquire` is what keeps the rule."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return describe_holder(str(path))
    finally:
        os.close(fd)  # closing drops our probe's shared lock
    return None


def describe_holder(path: str) -> str:
    """The holder in words, from its note (data from disk: shown, never trusted)."""
    try:
        note = json.loads(holder_file(path).read_text(encoding="utf-8")[:4096])
        pid, since, host = int(note["pid"]), str(note["since"])[:40], str(note["host"])[:80]
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"
    where = f" on {host}" if host != socket.gethostname() else ""
    return f"process {pid}{where}, since {since}"
