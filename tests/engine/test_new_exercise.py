"""`ttx new`: a scaffold an author can start from: it validates clean, plays, and says
in comments where everything goes."""

from __future__ import annotations

from pathlib import Path

from engine.lint import lint
from engine.loader import load
from ui.cli import main as ttx


def test_the_scaffold_validates_lints_clean_and_plays(tmp_path: Path, capsys) -> None:
    target = tmp_path / "harbour.yaml"
    assert ttx(["new", str(target), "--title", 'Harbour "Storm": day 1',
                "--teams", "North Navy, South Guard; East", "--turns", "4"]) == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    ex = load(target).exercise
    assert ex.title == 'Harbour "Storm": day 1'
    assert ex.team_ids == ["north-navy", "south-guard", "east"] and ex.turns == 4
    assert len(ex.modules) == 4 and all(t.brief for t in ex.teams)
    assert lint(ex, str(target)) == []
    assert ttx(["run", str(target), "--save", str(tmp_path / "s.jsonl")]) == 0
    assert "Next: ./ttx validate" in capsys.readouterr().out


def test_without_flags_or_a_terminal_it_takes_the_defaults(tmp_path: Path,
                                                          monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert ttx(["new"]) == 0
    ex = load(tmp_path / "new-exercise.yaml").exercise
    assert (ex.turns, ex.team_ids) == (3, ["blue-team", "red-team"])


def test_it_never_overwrites_without_force_and_refuses_bad_turns(tmp_path: Path,
                                                                capsys) -> None:
    target = tmp_path / "x.yaml"
    target.write_text("mine", encoding="utf-8")
    assert ttx(["new", str(target), "--title", "X", "--teams", "A", "--turns", "2"]) == 1
    assert target.read_text(encoding="utf-8") == "mine"
    assert ttx(["new", str(target), "--title", "X", "--teams", "A", "--turns", "2",
                "--force"]) == 0
    assert ttx(["new", str(tmp_path / "y.yaml"), "--turns", "0"]) == 2
    assert "whole number from 1 to 100" in capsys.readouterr().err
