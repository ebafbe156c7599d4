"""The `ttx` command line. Parsing lives here; each command is a small function.

Textual is imported only by the commands that open a screen, so `ttx --help`,
`ttx validate` and the other headless commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

from engine.controls import escape_controls

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"ttx: error: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ttx", description="Coalition TTX: tabletop exercises for "
                     "alliance training. With no command, opens the launcher.")
    parser.add_argument("--exercises", metavar="DIR", action="append", default=[],
                        help="also list the exercises in DIR (launcher)")
    parser.add_argument("--saves", metavar="DIR", default="saves",
                        help="where session saves live (default: saves/)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("validate", help="check exercise scripts; exit 1 on problems")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--strict", action="store_true", help="treat lint warnings as problems")
    p.add_argument("--no-lint", action="store_true", help="skip lint warnings")

    sub.add_parser("schema", help="print the JSON Schema of the ttx/1 script format")

    p = sub.add_parser("run", help="play a script headless (bots, or a decisions file)")
    p.add_argument("script", metavar="SCRIPT")
    p.add_argument("--seed", type=int)
    p.add_argument("--play", metavar="TEAM", help="the team a person plays (no bot for it)")
    p.add_argument("--decisions", metavar="FILE", help="YAML list of decisions to apply")
    p.add_argument("--save", metavar="PATH", help="save path (default: saves/<id>-<time>.jsonl)")
    p.add_argument("--json", action="store_true", help="print the final state as JSON")

    for name, text in (("replay", "refold a save and print its final state"),
                       ("verify", "check a save's hash chain and decide every recorded "
                                  "command again")):
        p = sub.add_parser(name, help=text)
        p.add_argument("save", metavar="SAVE")
        p.add_argument("--script", metavar="FILE", help="the script (default: as recorded)")
        p.add_argument("--force", action="store_true",
                       help="open even if the script changed since the save was made")
        if name == "replay":
            p.add_argument("--json", action="store_true")
        else:
            p.add_argument("--head", metavar="HASH", help="also check the save still holds "
                           "this head (printed by an earlier verify or report): the one way "
                           "to notice whole commands cut from its end")

    p = sub.add_parser("docs", help="the exercise's documents, as Markdown and printable "
                       "HTML: situation manual, facilitator handbook, an EEG per objective, "
                       "a pack per team")
    p.add_argument("script", metavar="SCRIPT")
    p.add_argument("--kind", action="append", choices=["situation-manual", "handbook", "eeg",
                                                       "team-pack"],
                   help="only these (repeatable; default: all)")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="directory to write into (default: <exercise id>-docs)")

    p = sub.add_parser("branch", help="what if? a new save that starts as SAVE did, up to "
                       "event SEQ, to play on from there (same seed: untouched rolls repeat)")
    p.add_argument("save", metavar="SAVE")
    p.add_argument("--at", type=int, required=True, metavar="SEQ",
                   help="keep SAVE's events up to this one (moved back to the start of "
                   "its command)")
    p.add_argument("--save", dest="save_path", metavar="PATH",
                   help="where to write the branch (default: a new file in --saves)")
    p.add_argument("--saves", default="saves", metavar="DIR")
    p.add_argument("--decisions", metavar="FILE", help="with --play-on: decisions to play")
    p.add_argument("--play-on", action="store_true",
                   help="play the branch to its end, as `ttx run` does")
    p.add_argument("--script", metavar="FILE", help="the script (default: as recorded)")
    p.add_argument("--force", action="store_true",
                   help="open even if the script changed since the save was made")

    p = sub.add_parser("new", help="scaffold a new exercise script that validates and plays "
                       "(asks for what the flags do not give)")
    p.add_argument("file", metavar="FILE", nargs="?",
                   help="where to write it (default: the title's slug, .yaml)")
    p.add_argument("--title")
    p.add_argument("--teams", metavar="NAMES", help="team names, comma-separated")
    p.add_argument("--turns", type=int)
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")

    p = sub.add_parser("facilitate", help="run a facilitated session (TUI)")
    p.add_argument("script", metavar="SCRIPT")
    p.add_argument("--seed", type=int)
    p.add_argument("--bots", metavar="TEAM", nargs="*", default=[],
                   help="teams played by bots (default: none, people play every team)")

    p = sub.add_parser("play", help="play one team solo against bots (TUI)")
    p.add_argument("script", metavar="SCRIPT")
    p.add_argument("--team", required=True)
    p.add_argument("--seed", type=int)

    p = sub.add_parser("resume", help="reopen an unfinished session (TUI)")
    p.add_argument("save", metavar="SAVE")
    p.add_argument("--script", metavar="FILE")
    p.add_argument("--force", action="store_true")

    p = sub.add_parser("review", help="step through a save, event by event, and see why "
                       "each thing happened (TUI)")
    p.add_argument("save", metavar="SAVE")
    p.add_argument("--script", metavar="FILE", help="the script (default: as recorded)")
    p.add_argument("--force", action="store_true",
                   help="open even if the script changed since the save was made")

    from ui.cli import aar as aar_cli  # report, export, simulate, lint, msel, diff (parsers only)

    aar_cli.add_parsers(sub)
    from ui.cli import live  # host, join (parsers only)

    live.add_parsers(sub)
    return parser


# Command -> "module:function", imported on use so `ttx --help` loads no engine model.
HANDLERS: dict[str, str] = {
    "validate": "ui.cli.headless:validate",
    "schema": "ui.cli.headless:schema",
    "run": "ui.cli.headless:run",
    "replay": "ui.cli.headless:replay",
    "verify": "ui.cli.headless:verify",
    "report": "ui.cli.aar:report",
    "export": "ui.cli.aar:export",
    "simulate": "ui.cli.simulate:command",
    "lint": "ui.cli.aar:lint",
    "diff": "ui.cli.aar:diff",
    "docs": "ui.report.documents:command",
    "msel": "ui.cli.msel:command",
    "new": "ui.cli.new:command",
    "branch": "ui.cli.headless:branch",
    "host": "ui.live.serve:command",
}


def _handler(target: str) -> Callable[[argparse.Namespace], int]:
    module, name = target.split(":")
    handler: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), name)
    return handler


class _Escaping(io.TextIOBase):
    """A text stream that escapes control characters on their way to the terminal:
    whatever a script or a save holds, a headless command prints it as inert text."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(escape_controls(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")


@contextmanager
def _escaped_output() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Escaping(sys.stdout), _Escaping(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def main(argv: Sequence[str] | None = None) -> int:
    with _escaped_output():
        args = build_parser().parse_args(argv)
        if args.command in HANDLERS:
            return _run(lambda: _handler(HANDLERS[args.command])(args))
    from ui.tui import (
        launch as tui,  # a screen is opening: only now pay for Textual (its own output)
    )

    if args.command == "join":
        from ui.tui import seat_app

        return _run(lambda: seat_app.main(args))

    return _run(lambda: tui.main(args))


def _run(command: Callable[[], int]) -> int:
    try:
        return command()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
