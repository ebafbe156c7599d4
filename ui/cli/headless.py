"""Commands that need no screen: validate, schema, run, replay, verify."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engine import decisions as decisions_file
from engine import saved
from engine.diagnostics import Diagnostic, ScriptError, more_line
from engine.gcpause import paused_gc
from engine.loader import load
from engine.saved import ScriptChanged
from engine.script import Exercise
from engine.session import Record
from engine.store import SaveError, line_hashes, read, stream
from engine.summary import summarise
from ui.paths import script_for
from ui.tui.review import open_or_say


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def validate(args: argparse.Namespace) -> int:
    found: list[Diagnostic] = []
    omitted = 0
    for file in args.files:
        try:
            script = load(file, keep_document=not args.no_lint)
        except ScriptError as exc:
            found += exc.diagnostics
            omitted += exc.omitted
            continue
        if not args.no_lint:
            from engine.lint import lint

            found += lint(script.exercise, file, script.document)
    if args.format == "json":
        print(json.dumps([d.as_json() for d in found], indent=2))
    else:
        for d in found:
            print(d)
        for line in more_line(omitted):
            print(line)
        errors = sum(d.severity == "error" for d in found)
        print(f"{len(args.files)} file(s): {errors + omitted} error(s), "
              f"{len(found) - errors} warning(s)")
    bad = [d for d in found if d.severity == "error" or args.strict]
    return 1 if bad or omitted else 0


def schema(args: argparse.Namespace) -> int:
    from engine.schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def _format_state(ex: Exercise, data: dict[str, Any]) -> str:
    lines = [f"{ex.title} ({ex.id}) - turn {data['turn']} of {ex.turns}, "
             + ("ended" if data["ended"] else "in progress")]
    if data["outcome"]:
        lines.append(f"Outcome: {data['outcome']}")
    if data["global_metrics"]:
        lines.append("Global: " + ", ".join(f"{k} {v}" for k, v in data["global_metrics"].items()))
    for team in ex.teams:
        metrics = ", ".join(f"{k} {v}" for k, v in data["team_metrics"][team.id].items())
        ratings = ", ".join(f"{k} {v}" for k, v in data["ratings"][team.id].items()) or "none"
        score = data["scores"][team.id]
        lines.append(f"  {team.name} [{team.id}]: {metrics}")
        lines.append(f"    ratings: {ratings}; weighted total: "
                     + ("-" if score is None else f"{score:.2f}"))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        script = load(args.script)
        entries = decisions_file.load(args.decisions) if args.decisions else []
    except ScriptError as exc:
        _err(str(exc))
        return 1
    ex = script.exercise
    if args.play is not None:
        team = ex.team(args.play)
        if team is None:
            _err(f"ttx: no team {args.play!r} in {ex.id} (teams: {', '.join(ex.team_ids)})")
            return 2
        if not team.playable:
            _err(f"ttx: team {args.play!r} is not playable (playable: false in the script)")
            return 2
    bots = frozenset(t for t in ex.team_ids if t != args.play)
    try:
        live = saved.start(script, seed=args.seed, bots=bots, mode="run",
                           saves_dir=args.saves,
                           path=args.save)
    except OSError as exc:  # an existing file is never overwritten (FileExistsError)
        _err(f"ttx: cannot create the save {exc.filename or args.save}: {exc.strerror}")
        return 1
    try:
        decisions_file.play(live.session, entries)
    except ScriptError as exc:
        _err(str(exc))
        _err(f"(the session so far is saved in {live.path})")
        return 1
    except OSError as exc:  # a full disk, a file made read-only: the save stays whole
        records = live.session.records
        last = f"event #{records[-1].seq}" if records else "its header"
        _err(f"ttx: cannot write to the save {live.path}: {exc.strerror or exc}. It holds "
             f"every event up to {last} (head {live.writer.head}); free the disk, then "
             f"`ttx resume {live.path}` continues it.")
        return 1
    finally:
        live.close()
    data = summarise(ex, live.session.state)
    if args.json:
        print(json.dumps(data | {"save": live.path, "seed": live.header.seed}, indent=2))
    else:
        print(_format_state(ex, data))
        print(f"Seed {live.header.seed}; saved to {live.path}")
    return 0


def replay(args: argparse.Namespace) -> int:
    review = open_or_say(args.save, args.script, args.force)
    if review is None:
        return 1
    data = summarise(review.exercise, review.state)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(_format_state(review.exercise, data))
        print(f"{len(review.records)} events; head {review.head}")
    return 0


def verify(args: argparse.Namespace) -> int:
    """Streamed: each line is checked (seal, chain) and its command decided again as it
    is read; memory holds the session state, never the whole log."""
    try:
        save = stream(args.save)
    except SaveError as exc:
        return _failed(exc)
    try:
        script = script_for(save.header, args.script, force=args.force)
    except ScriptError as exc:
        _err(f"ttx: cannot load the save's script, rolls not checked:\n{exc}")
        return 1
    except ScriptChanged as exc:
        _err(f"ttx: {exc}")
        return 1
    if script.sha256 != save.header.script_sha256 and not args.force:
        _err(f"ttx: {script.path} changed since the save was made; --force to check anyway")
        return 1
    rolls = 0

    def counted(records: Iterator[Record]) -> Iterator[Record]:
        nonlocal rolls
        for record in records:
            rolls += len(getattr(record.event, "rolls", ()))
            yield record

    save.records = counted(save.records)
    try:
        with paused_gc():  # as in store.read: long-lived, cycle-free allocations
            problems = saved.verify(save, script)  # reads to the end unless one differs
    except SaveError as exc:
        return _failed(exc)
    if problems:
        print(f"FAIL {problems[0]}")
        return 1
    grown = ""
    if args.head:
        heads = line_hashes(args.save)
        if args.head not in heads:
            print(f"FAIL the recorded head {args.head[:16]}... is not in the save: lines "
                  "were removed from its end, or changed")
            return 1
        later = len(heads) - 1 - heads.index(args.head)
        grown = f"; the recorded head is {later} event(s) back" if later else \
            "; the recorded head matches"
    print(f"OK {Path(args.save)}: {save.count} events, chain intact, every command "
          f"decided again ({rolls} rolls re-rolled){grown}; head {save.head}")
    return 0


def _failed(exc: SaveError) -> int:
    _err(f"ttx: {exc}")
    print(f"FAIL line {exc.line}: {exc.message}")
    return 1


def branch(args: argparse.Namespace) -> int:
    """`ttx branch`: a what-if branch of a save from one of its events."""
    try:
        save = read(args.save)
        script = script_for(save.header, args.script, force=args.force)
        entries = decisions_file.load(args.decisions) if args.decisions else []
    except (SaveError, ScriptError, ScriptChanged) as exc:
        _err(f"ttx: {exc}" if isinstance(exc, ScriptChanged) else str(exc))
        return 1
    try:
        live, fork = saved.branch(save, script, args.at, path=args.save_path,
                                  saves_dir=args.saves)
    except SaveError as exc:
        _err(str(exc))
        return 1
    except OSError as exc:  # an existing file is never overwritten
        _err(f"ttx: cannot create the branch {exc.filename or args.save_path}: "
             f"{exc.strerror}")
        return 1
    moved = f" (moved back from {args.at} to the start of its command)" if fork != args.at \
        else ""
    print(f"branch of {save.path} at event {fork}{moved}: {live.path}")
    try:
        if not args.play_on:
            print(f"resume it with: ttx resume {live.path}")
            return 0
        decisions_file.play(live.session, entries)
    except ScriptError as exc:
        _err(str(exc))
        return 1
    finally:
        live.close()
    ex = script.exercise
    print(_format_state(ex, summarise(ex, live.session.state)))
    print(f"compare it with its parent: ttx diff {save.path} {live.path}")
    return 0
