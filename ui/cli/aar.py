"""After-action and planning commands: report, export, simulate, lint, msel, diff.

Parsers only here (cheap to import, so `ttx --help` stays fast); each handler
imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("report", help="after-action report / improvement plan of a save "
                       "(Markdown or self-contained HTML)")
    p.add_argument("save", metavar="SAVE")
    p.add_argument("--format", choices=["md", "html"], default="md")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    _script_args(p)

    p = sub.add_parser("export", help="decisions, ratings and metrics per turn of a save, "
                       "as CSV or JSON files")
    p.add_argument("save", metavar="SAVE")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("-o", "--output", metavar="DIR", help="directory to write into (default: "
                   "SAVE's name without .jsonl, plus -export); '-' prints JSON to stdout")
    _script_args(p)

    p = sub.add_parser("simulate", help="play a script many times with bots: outcome, "
                       "metric and option statistics, balance warnings")
    p.add_argument("script", metavar="SCRIPT")
    p.add_argument("--runs", type=_count(1), default=1000, metavar="N",
                   help="number of playthroughs (default 1000)")
    p.add_argument("--seed", type=int, metavar="S",
                   help="first seed: runs use S, S+1, ... (default: the script's seed, or 1)")
    p.add_argument("--jobs", type=_count(1), default=1, metavar="J",
                   help="worker processes (default 1)")
    p.add_argument("--policy", action="append", default=[], metavar="TEAM=POLICY",
                   help="override a team's bot policy: first | random | best:<metric> | "
                   "worst:<metric> (repeatable)")
    p.add_argument("--balance-seeds", type=_count(0), default=BALANCE_SEEDS, metavar="K",
                   help="replay every decision of the first K runs with each option, to find "
                   f"options best under every seed (default {BALANCE_SEEDS}; 0: skip)")
    p.add_argument("--uniform-runs", type=_count(0), default=UNIFORM_RUNS, metavar="K",
                   help="also play K runs with every team on one policy (random, and best: "
                   "and worst: each metric) to find ends one policy always or never "
                   f"reaches (default {UNIFORM_RUNS}; 0: skip)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when the exercise is not balanced")

    p = sub.add_parser("lint", help="warnings for scripts: undeliverable injects, triggers "
                       "that never hold, unused metrics and objectives, twin options")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")

    p = sub.add_parser("msel", help="the MSEL (inject list) as a spreadsheet: export, import, "
                       "merge back")
    msel = p.add_subparsers(dest="msel_command", metavar="export|import", required=True)
    e = msel.add_parser("export", help="one row per inject, in delivery order, with Teams and "
                        "Objectives sheets (.xlsx) or the inject rows alone (.csv)")
    e.add_argument("script", metavar="SCRIPT")
    e.add_argument("-o", "--output", metavar="FILE",
                   help="FILE.xlsx or FILE.csv (default: SCRIPT's name with -msel.xlsx)")
    i = msel.add_parser("import", help="build a script from an MSEL sheet, or merge one "
                        "into a script (--into)")
    i.add_argument("sheet", metavar="FILE", help="an .xlsx workbook or a .csv file")
    i.add_argument("-o", "--output", metavar="SCRIPT",
                   help="where to write the new script (default: FILE's name with .yaml)")
    i.add_argument("--into", metavar="SCRIPT",
                   help="merge into this script: matched by inject id, fields the sheet "
                   "carries updated, new rows added, nothing deleted")
    i.add_argument("--check", action="store_true", help="report what would change; write "
                   "nothing")
    i.add_argument("--force", action="store_true", help="overwrite an existing output file")

    p = sub.add_parser("diff", help="compare two sessions of one exercise: where decisions "
                       "first diverged, metric and rating differences per team")
    p.add_argument("save_a", metavar="SAVE_A")
    p.add_argument("save_b", metavar="SAVE_B")
    p.add_argument("--json", action="store_true")
    p.add_argument("--force", action="store_true",
                   help="compare even if a script changed since its save was made")


BALANCE_SEEDS = 1000
UNIFORM_RUNS = 200


def _count(least: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"{text!r} is less than {least}")
        return value

    return parse


def _script_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--script", metavar="FILE", help="the script (default: as recorded)")
    p.add_argument("--force", action="store_true",
                   help="open even if the script changed since the save was made")


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def report(args: argparse.Namespace) -> int:
    from ui.report.render import render
    from ui.tui.review import open_or_say

    review = open_or_say(args.save, args.script, args.force)
    if review is None:
        return 1
    text = render(review.report, args.format)
    return _write(text, args.output)


def _write(text: str, output: str | None) -> int:
    if output is None or output == "-":
        sys.stdout.write(text)
        return 0
    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        _err(f"ttx: cannot write {output}: {exc.strerror}")
        return 1
    _err(f"wrote {output}")
    return 0


def export(args: argparse.Namespace) -> int:
    import json

    from engine.export import tables
    from ui.cli.export_files import write_csv, write_json
    from ui.tui.review import open_or_say

    review = open_or_say(args.save, args.script, args.force)
    if review is None:
        return 1
    data = tables(review.exercise, review.records, review.state)
    if args.output == "-":
        if args.format != "json":
            _err("ttx: '-o -' prints JSON only (CSV is one file per table): add --format json")
            return 2
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    save = Path(args.save)
    target = Path(args.output) if args.output else save.with_name(save.stem + "-export")
    try:
        written = (write_csv if args.format == "csv" else write_json)(data, target)
    except OSError as exc:
        _err(f"ttx: cannot write into {target}: {exc.strerror}")
        return 1
    for path in written:
        _err(f"wrote {path}")
    return 0


def lint(args: argparse.Namespace) -> int:
    from ui.cli import headless

    return headless.validate(argparse.Namespace(files=args.files, format=args.format,
                                                strict=args.strict, no_lint=False))


def _branch_of(parent: Any, child: Any, label: str) -> dict[str, Any] | None:
    """How `child` branched from `parent`, if its header names it: the fork, and
    whether the parent's line there still has the recorded hash (the shared history
    is the same)."""
    from engine.store import line_hashes

    header = child.header
    if header.parent is None or header.fork is None:
        return None
    if Path(header.parent).resolve() != Path(parent.path).resolve():
        return None
    hashes = line_hashes(parent.path)
    same = header.fork < len(hashes) and hashes[header.fork] == header.parent_head
    return {"parent": label, "fork": header.fork,
            "shared_history_intact": same}


def diff(args: argparse.Namespace) -> int:
    import json

    from engine.compare import compare
    from ui.tui.review import open_or_say

    a = open_or_say(args.save_a, None, args.force)
    b = open_or_say(args.save_b, None, args.force) if a is not None else None
    if a is None or b is None:
        return 1
    if a.exercise.id != b.exercise.id:
        _err(f"ttx: {args.save_a} is a session of {a.exercise.id!r} and {args.save_b} of "
             f"{b.exercise.id!r}: diff compares two sessions of one exercise")
        return 1
    result = compare(a.exercise, a.records, a.state, b.records, b.state)
    result["a"] = {"save": args.save_a, "seed": a.header.seed,
                   "script_sha256": a.header.script_sha256}
    result["b"] = {"save": args.save_b, "seed": b.header.seed,
                   "script_sha256": b.header.script_sha256}
    result["branch"] = _branch_of(a, b, "A") or _branch_of(b, a, "B")
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        from ui.cli.diff_text import format_diff

        print(format_diff(a.exercise, result))
    return 0
