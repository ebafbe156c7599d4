"""Open a save for the after-action commands: read it, find its script, replay it;
the AAR on demand.

Shared by `ttx replay`, `ttx report`, `ttx export` and `ttx diff`, so every one of
them refuses the same broken saves with the same words. (The review screen opens
saves through `ui.tui.review_model`, which keeps the session for stepping through it.)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date

from engine import aar, saved
from engine.diagnostics import ScriptError
from engine.saved import ScriptChanged
from engine.script import Exercise
from engine.session import Record
from engine.state import State
from engine.store import SaveError, SaveHeader, read
from ui.paths import script_for


class ReviewError(Exception):
    """A save that cannot be reviewed; the message is for users."""


@dataclass
class Review:
    exercise: Exercise
    header: SaveHeader
    records: list[Record]
    head: str
    state: State
    path: str
    warnings: list[str] = field(default_factory=list)

    @property
    def report(self) -> aar.AfterActionReport:
        return aar.build(self.exercise, self.header, self.records, self.head, self.state,
                         save_path=self.path, report_date=date.today())


def open_review(path: str, script: str | None = None, force: bool = False) -> Review:
    try:
        save = read(path)
        loaded = script_for(save.header, script, force=force)
        session = saved.replay(save, loaded, force=force)
    except SaveError as exc:
        raise ReviewError(str(exc)) from None
    except ScriptError as exc:
        raise ReviewError(f"cannot load the save's script:\n{exc}") from None
    except ScriptChanged as exc:
        raise ReviewError(str(exc)) from None
    warnings = []
    if save.torn is not None:
        warnings.append(f"{path}:{save.torn.line}: torn last line ({save.torn.size} bytes, "
                        "a write cut short by a crash) left out")
    return Review(loaded.exercise, save.header, save.records, save.head, session.state, path,
                  warnings)


def open_or_say(path: str, script: str | None = None, force: bool = False) -> Review | None:
    """`open_review` for a command line: the refusal or any warning goes to stderr,
    and None means the command stops (exit 1)."""
    try:
        review = open_review(path, script, force)
    except ReviewError as exc:
        print(f"ttx: {exc}", file=sys.stderr)
        return None
    for warning in review.warnings:
        print(warning, file=sys.stderr)
    return review
