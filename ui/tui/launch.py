"""`ttx` with no command, `ttx facilitate`, `ttx play`, `ttx resume`, `ttx review`: open
the TUI."""

from __future__ import annotations

import argparse
from pathlib import Path

from ui.paths import BUNDLED
from ui.tui import preferences
from ui.tui.app import DARK, LIGHT, Launch, Settings, TTXApp
from ui.tui.messages import OpenRequest


def request_from(args: argparse.Namespace) -> OpenRequest | None:
    command = getattr(args, "command", None)
    if command == "facilitate":
        return OpenRequest("facilitate", script=args.script, seed=args.seed,
                           bots=tuple(args.bots or ()))
    if command == "play":
        return OpenRequest("play", script=args.script, seed=args.seed, team=args.team)
    if command == "resume":
        return OpenRequest("resume", save=args.save, script=args.script, force=args.force)
    if command == "review":
        return OpenRequest("review", save=args.save, script=args.script, force=args.force)
    return None


def settings_from(args: argparse.Namespace) -> Settings:
    """`--exercises DIR` (repeatable) lists DIR besides the bundled exercises."""
    extra = tuple(Path(d) for d in args.exercises)
    where = preferences.location()
    prefs, problem = preferences.load(where)
    return Settings(exercise_dirs=(BUNDLED, *extra), saves_dir=Path(args.saves),
                    theme=prefs.theme if prefs.theme in (LIGHT, DARK) else DARK,
                    confirm_turn=prefs.confirm_turn, preferences=where,
                    preferences_problem=problem)


def main(args: argparse.Namespace) -> int:
    app = TTXApp(Launch(request_from(args), settings_from(args)))
    try:
        app.run()
    finally:
        app.close_session()
    return app.return_code or 0
