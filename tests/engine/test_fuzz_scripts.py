"""Fuzz: mutated copies of the bundled exercises through the loader and lint give no
traceback, and every diagnostic is one line at a real `line:col` of the file.

Mutations: deleted, duplicated and swapped lines, re-indentation, truncation, type
flips (numbers, booleans, lists, maps, nulls where text is expected), YAML tags,
anchors and aliases, random unicode and control characters. The suite runs a few
hundred mutants; set TTX_FUZZ_MUTANTS=20000 for the full run (README, "Testing").
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from engine.diagnostics import Diagnostic, ScriptError
from engine.lint import lint
from engine.loader import load

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((ROOT / "exercises").glob("*.yaml"))
MUTANTS = int(os.environ.get("TTX_FUZZ_MUTANTS", "600"))

FLIPS = ["0", "-1", "1e999", ".nan", "true", "no", "null", "~", "[]", "{}", "[1, 2]",
         "{a: 1}", "''", '"x"', "!!int abc", "!!float x", "!!bool maybe", "!!binary AA==",
         "!!python/object:os.system x", "*nowhere", "&a x", "0x_", "9" * 400, "-" * 3,
         "'[@click=app.quit]q[/]'", "=1+2", '"\\e[2J"', "@SUM(A1)", "|", ">-"]
JUNK = ["\x00", "\x1b", "\x07", "\x85", "\u2028", "\ufeff", "\ud7ff", "\U0001f600", "\t",
        "\r", ":", "- ", "#", "&", "*", "!", "%", "@", "`", "{", "[", "'", '"', "\\", "€"]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        kind = rng.randrange(9)
        if kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[i])
        elif kind == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == 3:
            lines[i] = " " * rng.choice([1, 2, 3, 4, 8]) + lines[i].lstrip() if rng.random() \
                < 0.5 else lines[i].lstrip()
        elif kind == 4:
            return "\n".join(lines)[: rng.randrange(len(text) + 1)]
        elif kind == 5 and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {rng.choice(FLIPS)}"
        elif kind == 6:
            at = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:at] + rng.choice(JUNK) + lines[i][at:]
        elif kind == 7:
            at = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:at] + chr(rng.randrange(0x20, 0x3000)) + lines[i][at:]
        else:
            lines[i] = lines[i].replace("id:", rng.choice(["id: &x", "id: *x", "<<:", "id:"]))
    return "\n".join(lines)


def real_position(d: Diagnostic, text: str) -> bool:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return 1 <= d.line <= len(lines) + 1 and 1 <= d.col <= max(
        (len(line) for line in lines), default=0) + 2


def test_mutated_exercises_never_raise_and_every_diagnostic_is_located(tmp_path) -> None:
    rng = random.Random(1949)
    sources = [p.read_text(encoding="utf-8") for p in BUNDLED]
    refused = accepted = 0
    for n in range(MUTANTS):
        text = mutate(rng.choice(sources), rng)
        path = tmp_path / f"m{n % 50}.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            script = load(path)
        except ScriptError as exc:
            refused += 1
            found = exc.diagnostics
        else:
            accepted += 1
            found = lint(script.exercise, str(path))
        for d in found:
            shown = str(d)
            assert "\n" not in shown and "Traceback" not in shown, (text, shown)
            assert real_position(d, text), (n, shown, text)
    assert refused and accepted  # the mutations reach both sides
