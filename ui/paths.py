"""Where things live on disk: bundled exercises, saves, and a save's script."""

from __future__ import annotations

import hashlib
from pathlib import Path

from engine.files import Unreadable, read_capped
from engine.loader import LoadedScript, load, loaded
from engine.saved import ScriptChanged
from engine.store import SaveHeader

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "exercises"


def exercise_files(*dirs: Path) -> list[Path]:
    seen: dict[Path, None] = {}
    for d in dirs:
        for path in sorted(d.glob("*.yaml")) + sorted(d.glob("*.yml")):
            seen.setdefault(path.resolve(), None)
    return list(seen)


def script_for(header: SaveHeader, explicit: str | None = None,
               search: tuple[Path, ...] = (BUNDLED,), force: bool = False) -> LoadedScript:
    """The script a save was recorded with: the path the user gives, else the first of
    the recorded path and the exercises of the same id in `search` whose bytes have the
    recorded SHA-256. A save's header is a hint, not an order: a path it names is
    opened only if it is a regular file under the size cap, and parsed (its lines
    possibly shown in diagnostics) only if it is the recorded script, or with `force`.
    Raises ScriptError (the user's own file) or ScriptChanged (no match)."""
    if explicit:
        return load(explicit)
    candidates = [Path(header.script)] + [d / f"{header.exercise}{ext}" for d in search
                                          for ext in (".yaml", ".yml")]
    changed: tuple[Path, bytes] | None = None
    for path in candidates:
        try:
            raw = read_capped(path)
        except Unreadable:
            continue
        if hashlib.sha256(raw).hexdigest() == header.script_sha256:
            return loaded(raw, str(path))
        changed = changed or (path, raw)
    if force and changed is not None:
        return loaded(changed[1], str(changed[0]))
    if changed is not None:
        raise ScriptChanged(
            f"{changed[0]} has changed since this save was recorded (its SHA-256 differs) "
            f"and no other copy of {header.exercise!r} matches; replaying it could tell a "
            "different story. Give the script with --script FILE, or --force to use it.")
    raise ScriptChanged(
        f"the script this save was recorded with ({header.script}) is missing or not a "
        f"regular file, and no exercise {header.exercise!r} with its SHA-256 was found. "
        "Give the script with --script FILE.")
