"""Text from a save never drives a terminal: every headless output shows control
characters escaped, even from a save forged (and re-sealed) to hold them, and the
rules refuse them in commands so no session writes them in the first place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import saved, store
from engine.commands import CommandError, Decide, DeliverAdhoc, Note, Rate
from engine.loader import load
from tests.forge import reseal_payload
from ui.cli import main as ttx

DRILL = Path(__file__).resolve().parents[1] / "ui" / "data" / "drill.yaml"
HOSTILE = "\x1b]0;owned\x07\x1b[2J\x9bcleared\x7f"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def forged_save(tmp_path: Path) -> Path:
    live = saved.start(load(DRILL), seed=3, bots=frozenset(), mode="facilitate",
                       path=tmp_path / "forged.jsonl", fsync=False)
    live.session.execute(Note("a clean note"))
    live.close()
    path = Path(live.path)
    reseal_payload(path, "note", lambda payload: payload.update(text=HOSTILE))
    return path


@pytest.mark.parametrize("command", [
    ["replay", "{save}"],
    ["replay", "{save}", "--json"],
    ["report", "{save}"],
    ["export", "{save}", "--format", "json", "-o", "-"],
    ["diff", "{save}", "{save}"],
    ["verify", "{save}"],
])
def test_no_output_of_a_forged_save_holds_a_raw_control_character(tmp_path, capsys,
                                                                    command) -> None:
    save = forged_save(tmp_path)
    ttx([part.format(save=save) for part in command] + ["--script", str(DRILL)]
        if command[0] != "diff" else [part.format(save=save) for part in command])
    out, err = capsys.readouterr()
    assert out or err
    assert not RAW.search(out.replace("\n", "").replace("\t", "")), out
    assert not RAW.search(err.replace("\n", "").replace("\t", "")), err


def test_the_report_shows_the_forged_text_escaped(tmp_path, capsys) -> None:
    save = forged_save(tmp_path)
    assert ttx(["report", str(save), "--script", str(DRILL)]) == 0
    # Markdown-escaped, as all text in the report: `\\x1b\]0;owned\\x07...`
    assert r"\\x1b\]0;owned\\x07\\x1b\[2J\\x9bcleared\\x7f" in capsys.readouterr().out


def test_reading_a_save_escapes_its_control_characters_once(tmp_path) -> None:
    save = forged_save(tmp_path)
    [note] = [r.event for r in store.read(save).records if r.event.type == "note"]
    assert note.text == "\\x1b]0;owned\\x07\\x1b[2J\\x9bcleared\\x7f"  # type: ignore[union-attr]


def test_a_diagnostic_naming_a_file_with_control_characters_prints_them_escaped(
        tmp_path, capsys) -> None:
    assert ttx(["validate", str(tmp_path / "bad\x1b[2J.yaml")]) == 1
    out = capsys.readouterr().out
    assert "bad\\x1b[2J.yaml" in out and "\x1b" not in out


@pytest.mark.parametrize("command", [
    Note("hi\x1b[2J"),
    Decide(team="north", inject="radar-gap", response="ok\x07"),
    DeliverAdhoc(title="Fog\x1b]0;x\x07"),
    Rate(team="north", objective="share", rating="S", note="\x9b"),
])
def test_the_rules_refuse_control_characters_in_any_command(tmp_path, command) -> None:
    live = saved.start(load(DRILL), seed=3, bots=frozenset(), mode="facilitate",
                       path=tmp_path / "s.jsonl", fsync=False)
    try:
        with pytest.raises(CommandError, match="control character U\\+00"):
            live.session.execute(command)
    finally:
        live.close()
