"""Read a user's file without letting the file decide the cost.

A path can name anything: a FIFO that never answers, `/dev/zero`, a directory, a
1 GB log. Only regular files under a size cap are read, and the size is checked with
`fstat` on the opened descriptor before a byte is read (opened non-blocking, so a FIFO
cannot hang the open either).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024


class Unreadable(Exception):
    """A file refused before reading; `reason` is for the user."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def read_capped(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; else raise Unreadable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("not a regular file (a device, pipe or socket is never read)")
        if info.st_size > limit:
            raise Unreadable(f"file is larger than {_size(limit)}")
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while total <= limit:  # the file may grow while it is read
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise Unreadable(f"file is larger than {_size(limit)}")
        return b"".join(chunks)
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)


def _size(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit % 2**20 == 0 else f"{limit:,} bytes"
