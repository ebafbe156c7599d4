"""Saves changed as a forger who knows the format would change them: every hash
re-sealed, so only checks of meaning (verify's refold) or a recorded head can tell."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine import store
from engine.store import seal


def reseal(path: Path, number: int, change: Callable[[dict[str, Any]], None]) -> None:
    """Change line `number` (1-based) and re-seal it and every later line, as a forger
    who knows the format would: the hash chain alone then cannot tell."""
    lines = path.read_bytes().split(b"\n")[:-1]
    data = json.loads(lines[number - 1])
    data.pop("hash")
    change(data)
    lines[number - 1] = seal(data)
    for i in range(number, len(lines)):
        later = json.loads(lines[i])
        later.pop("hash")
        later["prev"] = store._sha(lines[i - 1])
        lines[i] = seal(later)
    path.write_bytes(b"\n".join(lines) + b"\n")


def reseal_payload(path: Path, kind: str, change: Callable[[dict[str, Any]], None],
                   nth: int = 1) -> int:
    """Change the payload of the `nth` event of type `kind`; return its line number."""
    seen = 0
    for number, line in enumerate(path.read_bytes().split(b"\n")[:-1], start=1):
        if json.loads(line).get("type") == kind:
            seen += 1
            if seen == nth:
                reseal(path, number, lambda data: change(data["payload"]))
                return number
    raise AssertionError(f"no event {kind!r} number {nth} in {path}")
