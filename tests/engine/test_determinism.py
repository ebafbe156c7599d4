"""Determinism: the same script, seed and decisions give the same events, anywhere.

SCRIPT_FORMAT.md promises this "in any process, on any machine (independent of
PYTHONHASHSEED and dict ordering of the YAML)". Two child processes with different
hash seeds must write the same save, byte for byte, apart from the header's
creation time (which every later line's hash chain includes); a script whose
mappings list their keys in another order must play out to the same events.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.commands import Controllers, Start
from engine.loader import parse_script
from engine.session import Session
from tests.strategies import actions, actions_to_json, drive, play_out, scripts, to_yaml

ROOT = Path(__file__).resolve().parents[2]
TTX = Path(sys.executable).with_name("ttx")
_CHAIN = re.compile(rb'"(prev|hash)":"[0-9a-f]{64}"')
_CREATED = re.compile(rb'"created":"[^"]*"')


def comparable(save: Path) -> list[bytes]:
    """The save's lines with the creation time and the hashes that depend on it blanked."""
    lines = save.read_bytes().split(b"\n")
    assert lines[-1] == b"", "a finished save ends with a newline"
    return [_CHAIN.sub(rb'"\1":"-"', _CREATED.sub(b'"created":"-"', line))
            for line in lines[:-1]]


def in_children(commands: list[list[str]], hash_seeds: tuple[str, ...] = ("1", "2")) -> None:
    """Run each command once per hash seed, all at once, and insist each one succeeds."""
    procs = []
    for command, hash_seed in zip(commands, hash_seeds, strict=True):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(ROOT))
        procs.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE))
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()


CHILD = ("import sys, json; from tests.strategies import record_session; "
         "a = sys.argv[1:]; record_session(a[0], a[1], a[2], int(a[3]), json.loads(a[4]))")


@settings(max_examples=4)
@given(script=scripts(), seed=st.integers(0, 2**32), acts=actions(),
       mask=st.integers(0, 15))
def test_two_processes_with_different_hash_seeds_write_the_same_save(
        tmp_path_factory, script, seed, acts, mask):
    tmp = tmp_path_factory.mktemp("det")
    (tmp / "script.yaml").write_text(to_yaml(script), encoding="utf-8")
    (tmp / "actions.json").write_text(actions_to_json(acts), encoding="utf-8")
    bots = [t["id"] for n, t in enumerate(script["teams"]) if mask >> n & 1]
    commands = [[sys.executable, "-c", CHILD, str(tmp / "script.yaml"),
                 str(tmp / "actions.json"), str(tmp / name), str(seed), json.dumps(bots)]
                for name in ("one.jsonl", "two.jsonl")]
    in_children(commands)
    assert comparable(tmp / "one.jsonl") == comparable(tmp / "two.jsonl")


@settings(max_examples=3)
@given(script=scripts(max_turns=6), seed=st.integers(0, 10**6))
def test_ttx_run_with_bots_is_the_same_under_different_hash_seeds(
        tmp_path_factory, script, seed):
    for team in script["teams"]:
        team.setdefault("policy", "random")  # let chance decide as often as possible
    tmp = tmp_path_factory.mktemp("run")
    (tmp / "script.yaml").write_text(to_yaml(script), encoding="utf-8")
    commands = [[str(TTX), "run", str(tmp / "script.yaml"), "--seed", str(seed), "--save",
                 str(tmp / name), "--json"] for name in ("one.jsonl", "two.jsonl")]
    in_children(commands)
    assert comparable(tmp / "one.jsonl") == comparable(tmp / "two.jsonl")


def test_comparable_blanks_only_the_creation_time_and_its_hashes(tmp_path):
    """The comparison above must not hide real differences."""
    a = b'{"format":"ttx-save/1","created":"2024-01-01T00:00:00+00:00","hash":"' + \
        b"a" * 64 + b'"}\n{"seq":1,"payload":{"r":0.5},"prev":"' + b"b" * 64 + b'"}\n'
    (tmp_path / "a").write_bytes(a)
    (tmp_path / "b").write_bytes(a.replace(b"2024", b"2025").replace(b"a" * 64, b"c" * 64))
    (tmp_path / "c").write_bytes(a.replace(b"0.5", b"0.6"))
    assert comparable(tmp_path / "a") == comparable(tmp_path / "b")
    assert comparable(tmp_path / "a") != comparable(tmp_path / "c")


# ------------------------------------------------------------------ YAML key order


def reordered(data: st.DataObject, value: Any) -> Any:
    """The same value with every mapping's keys in an order drawn by hypothesis."""
    if isinstance(value, dict):
        keys = data.draw(st.permutations(list(value)))
        return {k: reordered(data, value[k]) for k in keys}
    if isinstance(value, list):
        return [reordered(data, v) for v in value]
    return value


@given(script=scripts(), seed=st.integers(0, 2**32), acts=actions(), data=st.data())
def test_the_order_of_keys_in_the_yaml_does_not_change_the_events(script, seed, acts, data):
    shuffled = reordered(data, script)
    first = parse_script(to_yaml(script), "a.yaml")
    second = parse_script(to_yaml(shuffled), "b.yaml")
    assert first == second
    sessions = []
    for ex in (first, second):
        bots = Controllers(frozenset(ex.team_ids[1:]))
        session = Session(ex, seed, bots)
        session.execute(Start())
        drive(session, acts)
        play_out(session)
        sessions.append(session)
    assert sessions[0].records == sessions[1].records
    assert sessions[0].state == sessions[1].state


@pytest.mark.parametrize("order", [["share", "warn"], ["warn", "share"]])
def test_an_options_ratings_come_in_the_objectives_order_whatever_the_yaml_says(order):
    ratings = ", ".join(f"{o}: P" for o in order)
    ex = parse_script(f"""\
format: ttx/1
id: r
title: R
turns: 1
teams: [{{id: blue, name: Blue}}]
objectives: [{{id: warn, title: Warn}}, {{id: share, title: Share}}]
injects:
  - id: one
    title: One
    turn: 1
    options: [{{id: go, label: Go, rating: {{{ratings}}}}}]
""")
    session = Session(ex, 1, Controllers(frozenset({"blue"})))
    session.execute(Start())
    play_out(session)
    rated = [r.event.objective for r in session.records if r.event.type == "rated"]
    assert rated == ["warn", "share"]
