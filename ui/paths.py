"""Where things live on disk: bundled exercises, saves, and a save's script."""

from __future__ import annotations

from pathlib import Path

from engine.loader import LoadedScript, load
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
               search: tuple[Path, ...] = (BUNDLED,)) -> LoadedScript:
    """The script a save was recorded with: the given path, the recorded path, or an
    exercise of the same id in the search directories. Raises ScriptError."""
    candidates = [Path(explicit)] if explicit else [Path(header.script)]
    if not explicit:
        for d in search:
            candidates += [d / f"{header.exercise}.yaml", d / f"{header.exercise}.yml"]
    for path in candidates:
        if path.is_file():
            return load(path)
    return load(candidates[0])  # raises ScriptError: cannot read
