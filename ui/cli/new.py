"""`ttx new`: scaffold an exercise that validates and plays, for an author to fill in."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from engine.diagnostics import ScriptError
from engine.loader import parse_script
from engine.msel import slug, unique_ids

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULTS = {"title": "New exercise", "teams": "Blue Team, Red Team", "turns": "3"}


def command(args: argparse.Namespace) -> int:
    answers = {"title": args.title, "teams": args.teams,
               "turns": None if args.turns is None else str(args.turns)}
    ask = sys.stdin.isatty() and any(v is None for v in answers.values())
    for key, question in (("title", "Title"), ("teams", "Teams (comma-separated names)"),
                          ("turns", "Turns")):
        if answers[key] is None:
            answers[key] = (_ask(question, DEFAULTS[key]) if ask else DEFAULTS[key])
    try:
        turns = int(answers["turns"] or "")
        if not 1 <= turns <= 100:
            raise ValueError
    except ValueError:
        print(f"ttx new: turns must be a whole number from 1 to 100, not {answers['turns']!r}",
              file=sys.stderr)
        return 2
    names = [n.strip() for n in re.split(r"[,;]", answers["teams"] or "") if n.strip()]
    if not names:
        print("ttx new: name at least one team", file=sys.stderr)
        return 2
    title = (answers["title"] or "").strip() or DEFAULTS["title"]
    target = Path(args.file or f"{slug(title)}.yaml")
    if target.exists() and not args.force:
        print(f"ttx new: {target} exists: choose another file, or --force", file=sys.stderr)
        return 1
    text = render(title, names, turns, target.name)
    try:
        parse_script(text, str(target))
    except ScriptError as exc:  # a name the format refuses (a control character, say)
        print(exc, file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}: {len(names)} teams, {turns} turns. Next: ./ttx validate {target}"
          f", then ./ttx facilitate {target}")
    return 0


def render(title: str, names: list[str], turns: int, file: str) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["q"] = lambda text: json.dumps(str(text), ensure_ascii=False)  # YAML-safe
    ids = unique_ids(slug(n) for n in names)
    return env.get_template("new-exercise.yaml.j2").render(
        id=slug(title), title=title, turns=turns, file=file, seed=sum(map(ord, title)) % 10_000,
        teams=[{"id": i, "name": n} for i, n in zip(ids, names, strict=True)])


def _ask(question: str, default: str) -> str:
    try:
        answer = input(f"{question} [{default}]: ").strip()
    except EOFError:
        return default
    return answer or default
