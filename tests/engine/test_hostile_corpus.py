"""A hostile corpus, built outside the project for each run, through every command:
clean errors (exit 1 or 2, `file:line:col` or `file:line`), text shown literally, no
control character reaching the terminal, and never a traceback.

Scripts: control characters, markup and spreadsheet formulas in names, numeric
extremes, list floods, alias bombs, deep nesting, binary junk, a sparse 1 GB file, a
FIFO, a device. Saves: forged (re-sealed) with a foreign header path, a device as
script path, control characters in notes, an option the script does not have.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import saved
from engine.commands import Decide, Note
from engine.loader import load
from tests.forge import reseal, reseal_payload
from ui.cli import main as ttx

DRILL = Path(__file__).resolve().parents[1] / "ui" / "data" / "drill.yaml"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HEAD = "format: ttx/1\nid: hostile\ntitle: Hostile\nturns: 2\nteams: [{id: a, name: A}]\n"


def drill_with(old: str, new: str) -> str:
    return DRILL.read_text(encoding="utf-8").replace(old, new)


SCRIPTS: dict[str, Callable[[Path], object]] = {
    "escape-in-title": lambda p: p.write_text(HEAD.replace("Hostile", '"\\e]0;x\\a"')
                                              + "injects: [{id: i, title: I, turn: 1}]\n"),
    "raw-bell-in-text": lambda p: p.write_bytes(HEAD.encode() + b"injects: [{id: i, title: "
                                                b"I\x07, turn: 1}]\n"),
    "markup-names": lambda p: p.write_text(drill_with("North Navy",
                                                      '"[@click=app.quit]N[/] [red]x"')),
    "formula-names": lambda p: p.write_text(drill_with(
        "North Navy", '"=HYPERLINK(\\"http://x\\",\\"y\\")"').replace(
        "Share own tracks with all partners", '"+cmd|/c calc!A1"')),
    "turns-1001": lambda p: p.write_text(HEAD.replace("turns: 2", "turns: 1001")),
    "turns-5000-digits": lambda p: p.write_text(HEAD.replace("turns: 2", "turns: " + "9" * 5000)),
    "inf-weight": lambda p: p.write_text(drill_with("weight: 2", "weight: .inf")),
    "nan-threshold": lambda p: p.write_text(drill_with("below: 45", "below: .nan")),
    "huge-effect": lambda p: p.write_text(drill_with("add: -5", "add: -99999999999")),
    "list-flood": lambda p: p.write_text(HEAD + "injects:\n" + "- 1\n" * 1_200_000),
    "team-flood": lambda p: p.write_text(HEAD.replace("teams: [{id: a, name: A}]\n", "teams:\n")
                                         + "".join(f"- {{id: t{i}, nam: x}}\n"
                                                   for i in range(30_000))),
    "alias-bomb": lambda p: p.write_text("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + chr(ord(c) - 1)] * 10)}]\n" for c in "bcdefghij")),
    "deep-nesting": lambda p: p.write_text("x: " + "[" * 5000 + "]" * 5000 + "\n"),
    "binary": lambda p: p.write_bytes(os.urandom(4096)),
    "sparse-1gb": lambda p: os.truncate(p.open("wb").name, 1 << 30),
    "fifo": lambda p: os.mkfifo(p),
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_hostile_scripts_through_every_script_command(tmp_path, capsys, name) -> None:
    script = tmp_path / f"{name}.yaml"
    SCRIPTS[name](script)
    for command in (["validate"], ["lint"], ["run", "--save", str(tmp_path / "s.jsonl")],
                    ["simulate", "--runs", "5"]):
        code = ttx([command[0], str(script), *command[1:]])
        out, err = capsys.readouterr()
        assert code in (0, 1, 2), (command, code)
        assert not RAW.search(out.replace("\n", "").replace("\t", "")), (command, out)
        assert not RAW.search(err.replace("\n", "").replace("\t", "")), (command, err)
        if code == 1 and command[0] in ("validate", "lint"):
            assert re.match(rf"{re.escape(str(script))}:\d+:\d+: ", out), (command, out)
        if name.startswith(("markup", "formula")) and command[0] == "run":
            assert code == 0, err  # valid scripts: the names are only text


def forged_saves(tmp_path: Path) -> dict[str, Path]:
    def played(name: str) -> Path:
        live = saved.start(load(DRILL), seed=2, bots=frozenset(), mode="facilitate",
                           path=tmp_path / f"{name}.jsonl", fsync=False)
        live.session.execute(Decide(team="north", inject="radar-gap", option="patrol"))
        live.session.execute(Note("plain"))
        live.close()
        return Path(live.path)

    saves = {}
    for name, target in (("passwd-header", "/etc/passwd"), ("zero-header", "/dev/zero")):
        saves[name] = played(name)
        reseal(saves[name], 1, lambda h, t=target: h.update(script=t))
    saves["escape-note"] = played("escape-note")
    reseal_payload(saves["escape-note"], "note", lambda p: p.update(text="\x1b[2J\x9b[@x]"))
    saves["bad-option"] = played("bad-option")
    reseal_payload(saves["bad-option"], "decision", lambda p: p.update(option="=1+1"))
    return saves


def test_hostile_saves_through_every_save_command(tmp_path, capsys) -> None:
    for name, save in forged_saves(tmp_path).items():
        for command in (["replay"], ["replay", "--json"], ["verify"], ["report"],
                        ["report", "--format", "html", "-o", str(tmp_path / "r.html")],
                        ["export", "-o", str(tmp_path / "x")],
                        ["export", "--format", "json", "-o", "-"], ["diff", str(save)]):
            code = ttx([command[0], str(save), *command[1:]])
            out, err = capsys.readouterr()
            assert code in (0, 1), (name, command, code, err)
            assert not RAW.search(out.replace("\n", "").replace("\t", "")), (name, command)
            assert not RAW.search(err.replace("\n", "").replace("\t", "")), (name, command)
            assert "root:" not in out + err  # /etc/passwd is never shown
            if name in ("passwd-header", "zero-header", "bad-option"):
                assert code == 1, (name, command, out)
