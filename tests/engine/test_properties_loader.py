"""Malformed scripts: every one gets located diagnostics, none gets a traceback.

Valid scripts are mutated the ways hands and tools break files: keys deleted,
values of the wrong type or range, unknown keys, references to nothing, text cut
short, random bytes, YAML syntax debris, absurd nesting, anchors and aliases (also
recursive ones and alias bombs). `parse_script` must either accept the result or
raise ScriptError whose every diagnostic has a line and column (1-based, inside
the file) and a message; `ttx validate` must exit 1 with no traceback.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.diagnostics import ScriptError
from engine.loader import parse_script
from engine.script import Exercise
from tests.strategies import scripts
from ui.cli import main as ttx

BASE = """\
format: ttx/1
id: base
title: "Base: every feature once"
summary: A script that uses every part of the format.
turns: 4
turn_labels: ["D-1", "D"]
seed: 7
scale: hseep
teams:
  - {id: north, name: North, role: Lead, policy: "best:trust"}
  - {id: south, name: South, playable: false, policy: random}
metrics:
  - {id: trust, label: Trust, initial: {north: 70, default: 50}}
  - {id: interop, scope: global, min: 0, max: 100, initial: 10}
objectives:
  - {id: share, title: Share, capability: Intelligence, weight: 2}
  - {id: warn, title: Warn}
injects:
  - id: link
    title: Link degraded
    turn: 1
    channel: intel
    from: JOC
    to: [north, south]
    text: |
      The primary link dropped.
    expected: Fall back to HF.
    objectives: [share]
    effects: [{metric: interop, add: -5}]
    options:
      - id: share-now
        label: Share now
        effects: [{metric: trust, team: self, add: 10}, {metric: interop, add: 5}]
        rating: {share: P}
        next: [leak]
      - id: verify
        label: Verify first
        outcomes:
          - {chance: 0.7, text: In time., effects: [{metric: trust, team: self, add: 2}]}
          - {chance: 0.3, effects: [{metric: trust, team: others, add: -8}], next: [leak]}
  - id: leak
    title: Press leak
    follow_up: true
    once: false
  - id: low
    title: Low trust
    when: {any: [{metric: trust, team: any, below: 40}, {not: {delivered: link}}]}
  - id: both
    title: Both
    turn: 2
    when: {all: [{chose: {inject: link, option: verify, team: any}}, {turn: {at_least: 2}}]}
end:
  - when: {metric: interop, at_least: 90}
    outcome: Done early.
"""

JUNK: list[Any] = [None, True, False, 0, -1, 1.5, 10**30, -(10**30), float("nan"),
                   float("inf"), "", " ", "text", "UPPER", "no such id", "ttx/2", [], {},
                   [1, 2], {"a": 1}, ["x"], [[[]]], {"id": "x"}, "2024-01-01", "1e3", "0x1F",
                   "~", "&anchor", "*alias", "!!python/object:os.system", "日本語", "\u2028"]
TOKENS = ["{", "}", "[", "]", ":", ": ", "- ", "-", "&a ", "*a", "*b", "!!binary ", "!!set ",
          "!!python/name:os.system ", "!custom ", "? ", "|", ">", "'", '"', "#", "\t", "\n",
          "---\n", "...\n", "%YAML 1.1\n", "<<: *a\n", "\\", "@", "`", "\x00", "\ufeff", "\r"]
SPECIAL: list[str | bytes] = [
    "", "\n", "---", "---\n...\n", "null", "~", "42", "just text", "- a\n- b\n", "[]", "{}",
    "format: ttx/1\n---\nformat: ttx/1\n",
    "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
    "x: &x [*x]\n", "x: *nowhere\n", "injects: " + "[" * 300 + "]" * 300 + "\n",
    "injects: " + "{a: " * 100 + "b" + "}" * 100 + "\n",
    "- " * 200 + "x\n", "format: ttx/1\nformat: ttx/1\n", "? [a, b]\n: c\n", "1: one\n",
    "teams: !!set {a, b}\n", "title: !!binary aGVsbG8=\n", "t: !!timestamp 2001-12-14\n",
    "<<: {format: ttx/1}\n", "format: ttx/1\ninjects: *a\n",
    b"\xff\xfe" + "format: ttx/1\n".encode("utf-16-le"), b"format: ttx/1\n\xc3\x28\n",
    b"\xef\xbb\xbf" + BASE.encode(), BASE.replace("\n", "\r\n"), "x: " + "y" * 100_000,
    BASE.replace("  ", "\t", 3),
]


# ------------------------------------------------------------------ the mutator


def _slots(value: Any, out: list[tuple[Any, Any]],
           seen: set[int] | None = None) -> list[tuple[Any, Any]]:
    """Every (container, key-or-index) pair in a loaded script, depth first (each
    container once: an earlier mutation may have made the data recursive)."""
    seen = set() if seen is None else seen
    if not isinstance(value, dict | list) or id(value) in seen:
        return out
    seen.add(id(value))
    for key in list(value) if isinstance(value, dict) else range(len(value)):
        out.append((value, key))
        _slots(value[key], out, seen)
    return out


def _containers(value: Any) -> list[Any]:
    found = [value] if isinstance(value, dict | list) else []
    for container, key in _slots(value, []):
        if isinstance(container[key], dict | list):
            found.append(container[key])
    return found


def _junk(rng: random.Random) -> Any:
    value = rng.choice(JUNK)
    return copy.deepcopy(value)


def _mutate_data(rng: random.Random, data: Any) -> Any:
    slots = _slots(data, [])
    if not slots:
        return _junk(rng)
    container, key = rng.choice(slots)
    op = rng.randrange(9)
    if op == 0:  # delete a key or a list item
        del container[key]
    elif op == 1:  # a value of another type or out of range
        container[key] = _junk(rng)
    elif op == 2:  # an unknown key
        target = rng.choice([c for c in _containers(data) if isinstance(c, dict)] or [{}])
        target[rng.choice(["colour", "Turns", "turn_label", "opions", "x"])] = _junk(rng)
    elif op == 3:  # a reference to nothing
        strings = [(c, k) for c, k in slots if isinstance(c[k], str)]
        if strings:
            c, k = rng.choice(strings)
            c[k] = rng.choice(["nowhere", c[k] + "-x", c[k].upper(), "self", "any", "-bad"])
    elif op == 4:  # absurd nesting
        value = container[key]
        for _ in range(rng.randint(1, 90)):
            value = [value] if rng.random() < 0.5 else {"id": value}
        container[key] = value
    elif op == 5:  # the same node twice: the dump writes an anchor and an alias
        other_container, other_key = rng.choice(slots)
        container[key] = other_container[other_key]
    elif op == 6:  # a node that contains itself: a recursive alias
        target = rng.choice(_containers(data))
        if isinstance(target, list):
            target.append(target)
        else:
            target["self"] = target
    elif op == 7:  # a duplicated list item (duplicate ids)
        if isinstance(container, list):
            container.insert(key, copy.deepcopy(container[key]))
        else:
            container[key] = [container[key], container[key]]
    else:  # a list where a mapping belongs, or the other way round
        value = container[key]
        if isinstance(value, dict):
            container[key] = list(value.items())
        elif isinstance(value, list):
            container[key] = {str(i): v for i, v in enumerate(value)}
        else:
            container[key] = {"value": value}
    return data


def _mutate_text(rng: random.Random, text: str) -> str | bytes:
    op = rng.randrange(5)
    at = rng.randrange(len(text) + 1)
    if op == 0:  # cut short
        return text[:at]
    if op == 1:  # random bytes
        raw = bytearray(text.encode("utf-8"))
        for _ in range(rng.randint(1, 8)):
            pos = rng.randrange(len(raw) + 1)
            noise = bytes(rng.randrange(256) if rng.random() < 0.3 else rng.randrange(32, 127)
                          for _ in range(rng.randint(1, 4)))
            raw[pos:pos + rng.randint(0, 2)] = noise
        return bytes(raw)
    if op == 2:  # syntax debris
        return text[:at] + rng.choice(TOKENS) + text[at:]
    lines = text.split("\n")
    n = rng.randrange(len(lines))
    if op == 3:  # a duplicated line (duplicate keys), or a dropped one
        lines[n:n + 1] = [lines[n]] * 2 if rng.random() < 0.5 else []
    else:  # indentation off by some
        lines[n] = " " * rng.randint(0, 5) + lines[n].lstrip(" ") if rng.random() < 0.5 \
            else "\t" + lines[n]
    return "\n".join(lines)


def mutate(rng: random.Random, script: dict[str, Any] | str) -> str | bytes:
    """One to three mutations of a script, as the text or bytes of a file."""
    if rng.random() < 0.03:
        return rng.choice(SPECIAL)
    data = _load(script) if isinstance(script, str) else copy.deepcopy(script)
    out: str | bytes = ""
    for _ in range(rng.randint(1, 3)):
        if isinstance(out, bytes):
            break
        if out and rng.random() < 0.5:
            out = _mutate_text(rng, out)
            continue
        if out:
            data = _load(out, default=data)
        out = _dump(_mutate_data(rng, data))
        if rng.random() < 0.4:
            out = _mutate_text(rng, out)
    return out


# libyaml's C loader and dumper: the pure-Python ones would take most of the run.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _load(text: str, default: Any = None) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:  # text mutations may have broken it: keep the data we had
        return default


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


# ------------------------------------------------------------------ the property


def _line_breaks(raw: str | bytes) -> int:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return sum(text.count(c) for c in ("\n", "\r", "\x85", "\u2028", "\u2029"))


def check_loads_or_explains(raw: str | bytes, name: str = "mutant.yaml") -> Exercise | None:
    """The loader's contract: an Exercise, or ScriptError with located diagnostics."""
    try:
        return parse_script(raw, name)
    except ScriptError as exc:
        assert exc.diagnostics, "a refusal must say what is wrong"
        for d in exc.diagnostics:
            assert d.path == name
            assert d.line >= 1 and d.col >= 1, str(d)
            assert d.line <= _line_breaks(raw) + 1, f"{d} points past the end of the file"
            assert isinstance(d.message, str) and d.message.strip(), repr(d)
        assert str(exc)
    return None


def test_the_base_script_is_valid():
    assert check_loads_or_explains(BASE) is not None


@pytest.mark.parametrize("raw", SPECIAL, ids=range(len(SPECIAL)))
def test_special_cases_get_diagnostics(raw):
    check_loads_or_explains(raw)


def test_twelve_hundred_mutants_of_a_rich_script_get_diagnostics_not_tracebacks():
    rng = random.Random(20240611)
    refused = 0
    for _ in range(1200):
        mutant = mutate(rng, BASE)
        if check_loads_or_explains(mutant) is None:
            refused += 1
    assert refused > 900, "most mutants should be refused; is the mutator working?"


@given(script=scripts(), rng=st.randoms(use_true_random=False))
def test_mutants_of_generated_scripts_get_diagnostics_not_tracebacks(script, rng):
    check_loads_or_explains(mutate(rng, script))


def test_ttx_validate_reports_mutants_with_exit_1_and_no_traceback(tmp_path, capsys):
    rng = random.Random(7)
    checked = 0
    while checked < 40:
        mutant = mutate(rng, BASE)
        path = tmp_path / f"m{checked}.yaml"
        if isinstance(mutant, bytes):
            path.write_bytes(mutant)
        else:
            path.write_bytes(mutant.encode("utf-8"))
        valid = check_loads_or_explains(path.read_bytes(), str(path)) is not None
        code = ttx(["validate", str(path)])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        assert code == (0 if valid else 1), out + err
        if not valid:
            assert out.startswith(f"{path}:"), out
        checked += 1
    assert ttx(["validate", str(tmp_path / "no-such-file.yaml")]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "no-such-file.yaml:1:1: cannot read" in out
