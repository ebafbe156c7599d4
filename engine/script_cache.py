"""A cache of validated scripts, so replay, verify, report and review of a save do not
parse and validate again a script already seen (1.25 s for 1,000 injects; 0.1 s from
the cache).

An entry is the validated exercise as JSON, named by the SHA-256 of the script's bytes
and of this engine's own source (any change to the rules or the model is a new key),
under $XDG_CACHE_HOME/coalition-ttx/scripts (by default ~/.cache). It is only a cache:
an entry is read back through the same strict model and cross-reference checks as a
script, and one that is missing, stale, corrupt or refused is ignored (and written
again). Data, never code: no pickle. TTX_NO_SCRIPT_CACHE=1 turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

import pydantic
from pydantic import ValidationError

from . import references
from .gcpause import paused_gc
from .script import Exercise

SMALLEST = 16 * 1024  # below this a script parses in a few milliseconds: not cached


@functools.cache
def engine_digest() -> str:
    """The SHA-256 of the engine's source files and the pydantic version."""
    digest = hashlib.sha256(pydantic.VERSION.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def directory() -> Path | None:
    if os.environ.get("TTX_NO_SCRIPT_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coalition-ttx" / "scripts"


def _entry(script_sha256: str) -> Path | None:
    where = directory()
    if where is None:
        return None
    key = hashlib.sha256(f"{script_sha256}:{engine_digest()}".encode()).hexdigest()
    return where / f"{key}.json"


def get(script_sha256: str) -> Exercise | None:
    """The exercise validated earlier from these bytes, or None."""
    entry = _entry(script_sha256)
    if entry is None:
        return None
    with paused_gc():  # thousands of models, no cycles: as the loader validates
        try:
            exercise = Exercise.model_validate_json(entry.read_bytes())
        except (OSError, ValueError, ValidationError):
            return None
        return None if references.check(exercise) else exercise


def put(script_sha256: str, exercise: Exercise) -> None:
    """Keep the exercise for next time; a cache that cannot be written is no error."""
    entry = _entry(script_sha256)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".entry-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(exercise.model_dump_json(by_alias=True).encode())
            os.replace(tmp, entry)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
