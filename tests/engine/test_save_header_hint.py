"""A save's header names its script; that name is a hint, not an order. Only a regular
file under the size cap is opened, and only the recorded script (same SHA-256) is
parsed, unless the user says otherwise (`--script`, `--force`). A foreign file's
contents are never shown."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from engine import saved
from engine.commands import Note
from engine.loader import load
from engine.saved import ScriptChanged
from engine.store import read
from tests.forge import reseal
from ui.cli import main as ttx
from ui.paths import script_for

DRILL = Path(__file__).resolve().parents[1] / "ui" / "data" / "drill.yaml"
SECRET = "root-password-hash-do-not-print"


def save_pointing_at(tmp_path: Path, target: str) -> Path:
    script = tmp_path / "drill.yaml"
    shutil.copy(DRILL, script)
    live = saved.start(load(script), seed=1, bots=frozenset(), mode="facilitate",
                       path=tmp_path / "s.jsonl", fsync=False)
    live.session.execute(Note("a note"))
    live.close()
    reseal(Path(live.path), 1, lambda header: header.update(script=target))
    return Path(live.path)


def foreign_file(tmp_path: Path) -> Path:
    path = tmp_path / "passwd"
    path.write_text(f"root:{SECRET}:0:0::/root:/bin/sh\nformat: x\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [["verify"], ["replay"], ["report"],
                                     ["export", "--format", "json", "-o", "-"]])
def test_a_header_pointing_at_a_foreign_file_never_shows_its_contents(tmp_path, capsys,
                                                                       command) -> None:
    save = save_pointing_at(tmp_path, str(foreign_file(tmp_path)))
    assert ttx([command[0], str(save), *command[1:]]) == 1
    out, err = capsys.readouterr()
    assert SECRET not in out + err
    assert "has changed since this save was recorded" in err
    assert "--script FILE" in err


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "fifo", "dir"])
def test_a_header_pointing_at_a_device_fifo_or_directory_is_refused_at_once(
        tmp_path, capsys, target) -> None:
    if target == "fifo":
        os.mkfifo(tmp_path / "fifo")
    if target == "dir":
        (tmp_path / "dir").mkdir()
    path = target if target.startswith("/") else str(tmp_path / target)
    save = save_pointing_at(tmp_path, path)
    began = time.monotonic()
    assert ttx(["verify", str(save)]) == 1
    assert time.monotonic() - began < 5
    assert "is missing or not a regular file" in capsys.readouterr().err


def test_the_recorded_script_is_found_where_the_header_says(tmp_path) -> None:
    save = save_pointing_at(tmp_path, str(tmp_path / "drill.yaml"))
    assert script_for(read(save).header).exercise.id == "harbour-drill"


def test_a_moved_script_is_found_by_its_hash_among_the_exercises(tmp_path) -> None:
    save = save_pointing_at(tmp_path, str(tmp_path / "gone.yaml"))
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    shutil.copy(DRILL, exercises / "harbour-drill.yaml")
    found = script_for(read(save).header, search=(exercises,))
    assert found.path == str(exercises / "harbour-drill.yaml")


def test_a_changed_script_is_not_parsed_unless_forced(tmp_path, capsys) -> None:
    save = save_pointing_at(tmp_path, str(tmp_path / "drill.yaml"))
    changed = (tmp_path / "drill.yaml").read_text(encoding="utf-8") + "# edited\n"
    (tmp_path / "drill.yaml").write_text(changed, encoding="utf-8")
    with pytest.raises(ScriptChanged, match="has changed since this save was recorded"):
        script_for(read(save).header)
    assert script_for(read(save).header, force=True).exercise.id == "harbour-drill"
    assert ttx(["verify", str(save), "--force"]) == 0
    assert ttx(["verify", str(save), "--script", str(DRILL)]) == 0
