"""`ttx msel export|import`: the MSEL as a spreadsheet, and back into a script."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from engine.diagnostics import ScriptError
from engine.loader import load, parse_script
from engine.msel import (
    Change,
    Merge,
    build_script,
    merge,
    msel_rows,
    objective_rows,
    read_table,
    slug,
    team_rows,
)
from engine.scriptedit import Edit, apply
from engine.scriptwriter import script_yaml
from ui.cli.msel_files import SheetError, is_csv, read_sheets, where_for, write_csv, write_xlsx


def command(args: argparse.Namespace) -> int:
    """Run `ttx msel ...` (the engine and openpyxl load only now: `ttx --help` stays
    fast)."""
    if args.msel_command == "export":
        return export(args)
    return import_(args)


def _err(message: object) -> None:
    print(message, file=sys.stderr)


def export(args: argparse.Namespace) -> int:
    try:
        ex = load(args.script).exercise
    except ScriptError as exc:
        _err(exc)
        return 1
    script = Path(args.script)
    target = Path(args.output) if args.output else script.with_name(f"{script.stem}-msel.xlsx")
    try:
        if is_csv(target):
            write_csv(target, msel_rows(ex))
        else:
            write_xlsx(target, [("MSEL", msel_rows(ex)), ("Teams", team_rows(ex)),
                                ("Objectives", objective_rows(ex))])
    except OSError as exc:
        _err(f"{target}: cannot write: {exc.strerror or exc}")
        return 1
    print(f"wrote {target} ({len(ex.injects)} injects)")
    return 0


def import_(args: argparse.Namespace) -> int:
    path = Path(args.sheet)
    where = where_for(path)
    try:
        sheets, cell_problems = read_sheets(path)
    except SheetError as exc:
        _err(exc)
        return 1
    table = read_table(sheets, where)
    if not table.rows:  # no columns to read, or nothing under them
        return _problems([*cell_problems, *map(str, table.problems)] or
                         [f"{where(table.sheet, 2, 1)}: no inject rows"])
    if args.into:
        return _merge(args, table, where, cell_problems)
    data, notes = build_script(table, slug(path.stem), _title(path), where)
    if table.problems or cell_problems:  # every problem of the sheet at once
        return _problems([*cell_problems, *map(str, table.problems)])
    target = Path(args.output) if args.output else path.with_suffix(".yaml")
    text = script_yaml(data, source=path.name)
    try:
        parse_script(text, str(target))
    except ScriptError as exc:  # a sheet's values the format refuses, e.g. a bad id
        _err(f"the script made from {path} would not validate:")
        _err(exc)
        return 1
    for note in notes:
        print(f"note: {note}")
    if args.check:
        print(f"{len(data['injects'])} injects, {len(data['teams'])} teams; nothing written "
              "(--check)")
        return 0
    if target.exists() and not args.force:
        _err(f"{target} exists: give another -o, or --force to overwrite it")
        return 1
    return _write(target, text, f"wrote {target}: {len(data['injects'])} injects, "
                  f"{len(data['teams'])} teams, {len(data.get('objectives', []))} objectives")


def _merge(args: argparse.Namespace, table: Any, where: Any, cell_problems: list[str]) -> int:
    script = Path(args.into)
    try:
        loaded = load(script)
        text = script.read_text(encoding="utf-8")
    except ScriptError as exc:
        _err(exc)
        return 1
    except OSError as exc:
        _err(f"{script}: cannot read: {exc.strerror or exc}")
        return 1
    plan = merge(loaded.exercise, table, where)
    if table.problems or cell_problems:
        return _problems([*cell_problems, *map(str, table.problems)])
    _summary(plan)
    if not plan.changes and not plan.added:
        print(f"no changes: {script} left as it is")
        return 0
    new = apply(text, [Edit(c.inject, c.key, c.new) for c in plan.changes], plan.added)
    try:
        parse_script(new, str(script))
    except ScriptError as exc:
        _err(f"{script} would not validate after the merge; nothing written:")
        _err(exc)
        return 1
    if args.check:
        print("nothing written (--check)")
        return 0
    return _write(script, new, f"updated {script}")


def _summary(plan: Merge) -> None:
    for change in plan.changes:
        print(f"changed {change.inject}.{change.key}: {_short(change)}")
    for inject in plan.added:
        print(f"added {inject['id']}: {inject['title']}")
    for ident in plan.missing:
        print(f"not in the sheet (kept): {ident}")
    for note in plan.notes:
        print(f"note: {note}")
    print(f"{len(plan.changes)} field(s) changed, {len(plan.added)} inject(s) added, "
          f"{len(plan.missing)} not in the sheet")


def _short(change: Change) -> str:
    def one(value: object) -> str:
        if value is None:
            return "(all teams)" if change.key == "to" else "(none)"
        text = ", ".join(map(str, value)) if isinstance(value, list) else " ".join(
            str(value).split())
        return text if len(text) <= 40 else text[:39] + "…"

    return f"{one(change.old)} → {one(change.new)}"


def _problems(problems: list[str]) -> int:
    for problem in problems:
        _err(problem)
    _err(f"{len(problems)} problem(s); nothing written")
    return 1


def _title(path: Path) -> str:
    return " ".join(path.stem.replace("_", " ").replace("-", " ").split()).title()


def _write(target: Path, text: str, message: str) -> int:
    """Write whole or not at all: a temporary file beside it, then a rename."""
    temp = target.with_name(f".{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        _err(f"{target}: cannot write: {exc.strerror or exc}")
        return 1
    print(message)
    return 0
