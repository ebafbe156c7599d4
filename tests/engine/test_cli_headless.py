"""The headless `ttx` commands that carry the format's promises to a terminal.

`ttx validate` prints every problem as `file:line:col: message` and exits 1 (0 for a
clean file; `--format json` gives the same as JSON); `ttx run SCRIPT --decisions FILE`
plays without a screen and stops at `file:line:col` on a bad entry. Never a traceback.
And determinism: "Given the same script, seed and sequence of decisions, the engine
produces the same events and the same final state".
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import engine.saved
from ui.cli import main

from .conftest import DATA, ONE_INJECT, PREAMBLE, at, spec_roll, yaml_text

CLEAN = PREAMBLE + ONE_INJECT
BROKEN = CLEAN.replace("{id: east, name: East}", "{id: east, name: East, colr: red}") \
    .replace("    turn: 1\n", "    turn: 1\n    to: [west]\n")


def script(tmp_path: Path, text: str, name: str = "drill.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml_text(text), encoding="utf-8")
    return path


def ttx(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ------------------------------------------------------------------- validate


def test_validate_exits_0_for_a_clean_file(tmp_path, capsys):
    code, out, err = ttx(capsys, "validate", script(tmp_path, CLEAN))
    assert code == 0
    *findings, summary = out.splitlines()
    assert all(": warning: " in line for line in findings)  # lint may advise
    assert "0 error(s)" in summary and err == ""


def test_validate_prints_each_problem_as_file_line_col_and_exits_1(tmp_path, capsys):
    path = script(tmp_path, BROKEN)
    code, out, _ = ttx(capsys, "validate", path)
    assert code == 1
    line, col = at(BROKEN, "colr:")
    assert out.splitlines() == [f"{path}:{line}:{col}: unknown key 'colr'",
                                "1 file(s): 1 error(s), 0 warning(s)"]


def test_validate_reports_every_file_and_every_problem(tmp_path, capsys):
    """Reference problems show once the structure is right; each file gets its own."""
    structure_ok = BROKEN.replace(", colr: red", "")
    first = script(tmp_path, structure_ok, "first.yaml")
    second = script(tmp_path, BROKEN + "colour: red\n", "second.yaml")
    clean = script(tmp_path, CLEAN, "clean.yaml")
    code, out, err = ttx(capsys, "validate", "--no-lint", first, clean, second)
    assert code == 1
    line, col = at(structure_ok, "west")
    assert out.splitlines() == [
        f"{first}:{line}:{col}: no team 'west'",
        f"{second}:{':'.join(map(str, at(BROKEN, 'colr:')))}: unknown key 'colr'",
        f"{second}:{':'.join(map(str, at(BROKEN + 'colour: red', 'colour:')))}: "
        "unknown key 'colour'",
        "3 file(s): 3 error(s), 0 warning(s)",  # the summary with the findings, on stdout
    ]
    assert err == ""


def test_validate_format_json_gives_the_diagnostics_as_json(tmp_path, capsys):
    path = script(tmp_path, BROKEN)
    code, out, _ = ttx(capsys, "validate", "--format", "json", path)
    assert code == 1
    line, col = at(BROKEN, "colr:")
    assert json.loads(out) == [{"path": str(path), "line": line, "col": col,
                                "severity": "error", "message": "unknown key 'colr'"}]


def test_validate_format_json_of_a_clean_file_is_an_empty_list(tmp_path, capsys):
    code, out, _ = ttx(capsys, "validate", "--no-lint", "--format", "json",
                       script(tmp_path, CLEAN))
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize("content", [
    b"\xff\xfe\x00binary",
    b"format: ttx/1\nid: [unclosed\n",
    b"a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
    b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e]\n"
    b"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
    b"x: !!python/object/apply:os.system ['echo pwned']\n",
    b"",
])
def test_validate_never_shows_a_traceback(tmp_path, capsys, content):
    path = tmp_path / "odd.yaml"
    path.write_bytes(content)
    code, out, _ = ttx(capsys, "validate", path)
    assert code == 1
    assert out.startswith(f"{path}:")


def test_validate_of_a_missing_file_or_a_directory_is_a_message(tmp_path, capsys):
    code, out, _ = ttx(capsys, "validate", tmp_path / "nowhere.yaml", tmp_path)
    assert code == 1
    assert [line.split(": ", 1)[1] for line in out.splitlines()[:-1]] == [
        "cannot read: No such file or directory", "cannot read: is a directory"]


def test_validate_in_a_real_process_prints_and_exits_1(tmp_path):
    path = script(tmp_path, BROKEN)
    done = subprocess.run([sys.executable, "-m", "ui.cli", "validate", str(path)],
                          capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parents[2])
    assert done.returncode == 1
    assert done.stdout.startswith(f"{path}:{at(BROKEN, 'colr:')[0]}:")
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------------ run

RUNNABLE = PREAMBLE + """\
injects:
  - id: ask
    title: Ask
    turn: 1
    options:
      - {id: share, label: Share, effects: [{metric: interop, add: 5}]}
      - {id: hold, label: Hold, effects: [{metric: trust, team: self, add: -5}]}
      - id: gamble
        label: Gamble
        outcomes:
          - {chance: 0.5, effects: [{metric: interop, add: 40}]}
          - {chance: 0.5, effects: [{metric: interop, add: -40}]}
  - id: later
    title: Later
    turn: 2
    options:
      - {id: ok, label: OK, effects: [{metric: trust, team: self, add: 1}]}
"""
DECISIONS = """\
- {turn: 1, team: north, inject: ask, option: hold}
- {turn: 1, team: south, inject: ask, option: gamble}
- {turn: 2, facilitator: {rate: {team: north, objective: share, rating: S}}}
"""


def run_json(tmp_path, capsys, *extra: str, save: str = "run.jsonl") -> dict:
    path = script(tmp_path, RUNNABLE)
    decisions = tmp_path / "decisions.yaml"
    decisions.write_text(DECISIONS, encoding="utf-8")
    code, out, err = ttx(capsys, "run", path, "--decisions", decisions, "--seed", "4",
                         "--save", tmp_path / save, "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_run_with_decisions_plays_to_the_end_and_prints_the_final_state(tmp_path, capsys):
    data = run_json(tmp_path, capsys, "--play", "north")
    assert data["ended"] and data["turn"] == 3
    # north (played): hold in turn 1 (-5), no decision on `later` in turn 2.
    # south: gamble in turn 1 (an outcome roll), then its bot takes `ok` in turn 2 (+1).
    # east (bot, policy first): share in turn 1 (+5 interop), `ok` in turn 2 (+1).
    assert data["team_metrics"] == {"north": {"trust": 45}, "south": {"trust": 51},
                                    "east": {"trust": 51}}
    # interop: south's gamble adds 40 if its roll is below 0.5, else takes 40 (10 - 40
    # clamps to 0); then east's share adds 5.
    heads = spec_roll(4, "outcome", 1, "ask", 1, "south") < 0.5
    assert data["global_metrics"]["interop"] == (10 + 40 if heads else 0) + 5
    assert data["ratings"]["north"] == {"share": "S"}
    assert [(d["team"], d["inject"], d.get("no_decision", False)) for d in data["decisions"]
            if d["team"] == "north"] == [("north", "ask", False), ("north", "later", True)]


def test_run_prints_a_readable_summary_without_json(tmp_path, capsys):
    path = script(tmp_path, RUNNABLE)
    code, out, _ = ttx(capsys, "run", path, "--seed", "4", "--save", tmp_path / "s.jsonl")
    assert code == 0
    assert "Demo (demo)" in out and "ended" in out and "Seed 4" in out


def test_run_stops_at_the_entry_line_and_col_and_exits_1(tmp_path, capsys):
    path = script(tmp_path, RUNNABLE)
    decisions = tmp_path / "decisions.yaml"
    text = "- {turn: 1, team: north, inject: ask, option: hold}\n" \
           "- {turn: 1, team: south, inject: later, option: ok}\n"
    decisions.write_text(text, encoding="utf-8")
    code, _, err = ttx(capsys, "run", path, "--decisions", decisions, "--save",
                         tmp_path / "s.jsonl")
    assert code == 1
    assert err.splitlines()[0] == f"{decisions}:2:3: 'later' was not delivered to south in turn 1"
    assert "saved in" in err


def test_run_refuses_an_unknown_or_unplayable_play_team(tmp_path, capsys):
    path = script(tmp_path, RUNNABLE.replace("{id: east, name: East}",
                                             "{id: east, name: East, playable: false}"))
    code, _, err = ttx(capsys, "run", path, "--play", "west", "--save", tmp_path / "a.jsonl")
    assert code == 2 and "no team 'west'" in err
    code, _, err = ttx(capsys, "run", path, "--play", "east", "--save", tmp_path / "b.jsonl")
    assert code == 2 and "not playable" in err


def test_run_of_a_broken_script_prints_its_diagnostics_and_exits_1(tmp_path, capsys):
    code, _, err = ttx(capsys, "run", script(tmp_path, BROKEN), "--save", tmp_path / "s.jsonl")
    assert code == 1
    assert "unknown key 'colr'" in err


def test_run_uses_the_scripts_seed_unless_the_command_line_gives_one(tmp_path, capsys):
    """"seed: 1949  # optional default RNG seed (int); CLI --seed overrides" """
    path = script(tmp_path, RUNNABLE + "seed: 1949\n")
    code, out, _ = ttx(capsys, "run", path, "--save", tmp_path / "a.jsonl", "--json")
    assert (code, json.loads(out)["seed"]) == (0, 1949)
    code, out, _ = ttx(capsys, "run", path, "--save", tmp_path / "b.jsonl", "--json",
                       "--seed", "5")
    assert (code, json.loads(out)["seed"]) == (0, 5)


# ----------------------------------------------------------------- determinism


def save_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_same_script_seed_and_decisions_give_the_same_events(tmp_path, capsys):
    """Two runs: every event line is identical, and the header differs at most in
    when it was created (which the hash chain then carries into `prev`/`hash`)."""
    first = run_json(tmp_path, capsys, "--play", "north", save="one.jsonl")
    second = run_json(tmp_path, capsys, "--play", "north", save="two.jsonl")
    assert first | {"save": ""} == second | {"save": ""}
    one, two = save_lines(tmp_path / "one.jsonl"), save_lines(tmp_path / "two.jsonl")
    assert len(one) == len(two) > 10
    assert {k: v for k, v in one[0].items() if k not in ("created", "hash")} == \
        {k: v for k, v in two[0].items() if k not in ("created", "hash")}

    def events(lines: list[dict]) -> list[dict]:
        return [{k: v for k, v in line.items() if k not in ("prev", "hash")}
                for line in lines[1:]]

    assert events(one) == events(two)
    assert any(e["type"] == "decision" and e["payload"]["rolls"] for e in events(one))


def test_with_the_same_creation_time_two_saves_are_byte_identical(tmp_path, capsys,
                                                                  monkeypatch):
    class FrozenClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2024, 5, 1, 6, 0, 0, tzinfo=UTC)

    monkeypatch.setattr(engine.saved, "datetime", FrozenClock)
    run_json(tmp_path, capsys, save="one.jsonl")
    run_json(tmp_path, capsys, save="two.jsonl")
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_a_different_seed_may_tell_a_different_story_but_the_same_seed_never_does(
        tmp_path, capsys):
    stories = {seed: {json.dumps(run_json(tmp_path, capsys, "--seed", str(seed),
                                          save=f"s{seed}-{k}.jsonl")["global_metrics"])
                      for k in (1, 2)}
               for seed in range(1, 7)}
    assert all(len(told) == 1 for told in stories.values())
    assert len(set().union(*stories.values())) > 1


def test_ttx_run_plays_the_everything_script_to_the_state_worked_out_by_hand(tmp_path, capsys):
    """The arithmetic is in test_decisions_file.py; here the same story through the CLI,
    with the script's own seed."""
    code, out, err = ttx(capsys, "run", DATA / "everything.yaml", "--decisions",
                         DATA / "everything.decisions.yaml", "--play", "north",
                         "--save", tmp_path / "everything.jsonl", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["seed"], data["turn"], data["outcome"]) == (
        2064, 3, "The coalition holds; the drill ends after the summit.")
    assert data["global_metrics"] == {"interop": 30}
    assert data["team_metrics"] == {"north": {"trust": 67}, "south": {"trust": 40},
                                    "east": {"trust": 57}, "west": {"trust": 26}}
