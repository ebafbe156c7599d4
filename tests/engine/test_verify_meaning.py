"""`ttx verify` checks meaning, not only hashes: a save re-sealed by a forger (every
hash consistent) that records what the rules would never have recorded fails at the
first such line, and every reader gives that error instead of a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import saved, store
from engine.commands import Advance, Decide, Note, Rate
from engine.loader import load
from tests.forge import reseal_payload
from ui.cli import main as ttx

DRILL = Path(__file__).resolve().parents[1] / "ui" / "data" / "drill.yaml"


def played(tmp_path: Path) -> Path:
    live = saved.start(load(DRILL), seed=11, bots=frozenset({"south"}), mode="facilitate",
                       path=tmp_path / "s.jsonl", fsync=False)
    s = live.session
    s.execute(Decide(team="north", inject="radar-gap", option="share-tracks"))
    s.execute(Rate(team="north", objective="comms", rating="S", note="calm"))
    s.execute(Note("the first turn went well"))
    s.execute(Advance())
    live.close()
    return Path(live.path)


# name: (event type, change to its payload, what every message must name)
FORGERIES = {
    "option not in the script": ("decision", lambda p: p.update(option="surrender"),
                                 "'surrender'"),
    "rating of a team that does not exist": ("rated", lambda p: p.update(team="atlantis"),
                                             "'atlantis'"),
    "objective that does not exist": ("rated", lambda p: p.update(objective="x"), "'x'"),
    "rating off the scale": ("rated", lambda p: p.update(rating="Z"), "'Z'"),
    "metric change the rules did not make": (
        "decision", lambda p: p["changes"][0].update(after=99), "after=99"),
    "decision on a delivery that never happened": (
        "decision", lambda p: p.update(delivery=40), "#40"),
}


@pytest.mark.parametrize("name", FORGERIES)
def test_verify_reports_the_first_impossible_event_by_its_line(tmp_path, capsys, name):
    kind, forge, says = FORGERIES[name]
    save = played(tmp_path)
    line = reseal_payload(save, kind, forge)
    assert store.read(save).records  # the chain is whole: hashes alone cannot tell
    assert ttx(["verify", str(save)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"FAIL line {line}: "), out
    assert says in out, out


@pytest.mark.parametrize("name", [n for n in FORGERIES if "metric change" not in n])
@pytest.mark.parametrize("command", [["replay"], ["replay", "--json"], ["report"],
                                     ["export", "--format", "json", "-o", "-"]])
def test_readers_give_the_error_never_a_traceback(tmp_path, capsys, name, command):
    kind, forge, says = FORGERIES[name]
    save = played(tmp_path)
    line = reseal_payload(save, kind, forge)
    assert ttx([command[0], str(save), *command[1:]]) == 1
    err = capsys.readouterr().err
    assert f"{save}:{line}: " in err and says in err, err
    assert "Traceback" not in err


def test_a_save_cut_at_a_command_boundary_is_caught_only_with_a_recorded_head(
        tmp_path, capsys):
    save = played(tmp_path)
    assert ttx(["verify", str(save)]) == 0
    head = store.read(save).head
    lines = save.read_bytes().split(b"\n")[:-1]
    note = next(i for i, line in enumerate(lines) if b'"type":"note"' in line)
    save.write_bytes(b"\n".join(lines[:note]) + b"\n")  # the note and the turn end: gone
    capsys.readouterr()
    assert ttx(["verify", str(save)]) == 0  # the limit: a shorter whole save is a save
    assert ttx(["verify", str(save), "--head", head]) == 1
    assert "is not in the save" in capsys.readouterr().out


def test_a_save_that_grew_since_its_head_was_recorded_still_verifies(tmp_path, capsys):
    save = played(tmp_path)
    head = store.read(save).head
    live = saved.reopen(store.read(save), load(DRILL), fsync=False)
    live.session.execute(Note("later"))
    live.close()
    assert ttx(["verify", str(save), "--head", head]) == 0
    assert "the recorded head is 1 event(s) back" in capsys.readouterr().out
