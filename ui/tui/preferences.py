"""The person's own choices that outlive a session: the theme, and whether `t` asks
before ending a turn when nothing is pending. One small JSON file in the user's
config directory ($XDG_CONFIG_HOME/coalition-ttx/preferences.json, by default under
~/.config); a missing or unreadable file means the defaults, never a failure."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError


class Preferences(BaseModel):
    # Keys a later version adds are ignored here rather than refused: this file is
    # the person's own, and an older ttx should still start with it.
    model_config = ConfigDict(extra="ignore", frozen=True)

    theme: str | None = None
    confirm_turn: bool = True


def location() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "coalition-ttx" / "preferences.json"


def load(path: Path) -> tuple[Preferences, str | None]:
    """The preferences, and what was wrong with the file if it could not be used."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Preferences(), None
    except OSError as exc:
        return Preferences(), f"{path}: cannot read it ({exc.strerror}); using the defaults"
    try:
        return Preferences.model_validate(json.loads(raw[:65536])), None
    except (ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        return Preferences(), f"{path}: not valid preferences ({first}); using the defaults"


def save(path: Path, prefs: Preferences) -> str | None:
    """Write atomically (a crash leaves the old file or the new one); the problem, if
    it could not be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".preferences-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(prefs.model_dump_json(indent=2) + "\n")
        os.replace(tmp, path)
    except OSError as exc:
        return f"{path}: cannot save the preferences ({exc.strerror})"
    return None
