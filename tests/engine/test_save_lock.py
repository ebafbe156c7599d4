"""One writer per save: a second writer is refused at once, with the holder named;
readers are never refused; a killed holder never leaves the save blocked.

Every test here uses real processes: the lock is the operating system's, so only a
second process can show it holds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine import saved, store
from engine.commands import Note
from engine.loader import load
from engine.savelock import SaveLocked, held_by, holder_file
from ui.cli import main as ttx

ROOT = Path(__file__).resolve().parents[2]
DRILL = ROOT / "tests" / "ui" / "data" / "drill.yaml"

# A console in its own process: resume the save, write a note, say so, then hold the
# save open until told to go (a line on stdin) or killed.
HOLDER = """
import sys
from engine import saved, store
from engine.commands import Note
from engine.loader import load
live = saved.reopen(store.read(sys.argv[1]), load(sys.argv[2]), fsync=False)
live.session.execute(Note("from the first console"))
print("holding", flush=True)
sys.stdin.readline()
live.session.execute(Note("still the only writer"))
live.close()
print("closed", flush=True)
"""


def start_save(tmp_path: Path) -> str:
    live = saved.start(load(DRILL), seed=7, bots=frozenset(), mode="facilitate",
                       path=tmp_path / "s.jsonl", fsync=False)
    live.close()
    return live.path


def hold(save: str) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", HOLDER, save, str(DRILL)], cwd=ROOT,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)), text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line == "holding\n", child.stderr.read() if child.stderr else line
    return child


def reopen(save: str) -> saved.Live:
    return saved.reopen(store.read(save), load(DRILL), fsync=False)


def test_a_second_writer_is_refused_at_once_with_the_holder_named(tmp_path) -> None:
    save = start_save(tmp_path)
    holder = hold(save)
    try:
        began = time.monotonic()
        with pytest.raises(SaveLocked) as refused:
            reopen(save)
        assert time.monotonic() - began < 2  # refused, not queued behind the lock
        message = str(refused.value)
        assert f"process {holder.pid}" in message
        assert ", since 20" in message and "UTC" in message  # when it took the save
        assert f"ttx review {save}" in message  # and how to open it read-only
        assert held_by(save) == refused.value.holder
    finally:
        holder.communicate("go\n", timeout=30)
    assert holder.returncode == 0
    notes = [r.event.text for r in store.read(save).records if r.event.type == "note"]
    assert notes == ["from the first console", "still the only writer"]
    assert not holder_file(save).exists()  # a clean close leaves nothing behind
    assert held_by(save) is None
    reopen(save).close()  # free again


def test_readers_open_a_save_while_it_is_being_written(tmp_path, capsys) -> None:
    save = start_save(tmp_path)
    holder = hold(save)
    try:
        assert len(store.read(save).records) >= 2
        assert ttx(["verify", save, "--script", str(DRILL)]) == 0
        assert ttx(["replay", save, "--script", str(DRILL)]) == 0
        assert "OK" in capsys.readouterr().out
    finally:
        holder.communicate("go\n", timeout=30)


def test_a_lock_left_by_a_killed_process_never_blocks(tmp_path) -> None:
    save = start_save(tmp_path)
    holder = hold(save)
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=30)
    assert holder_file(save).exists()  # its note stays behind: only a courtesy
    assert held_by(save) is None  # the kernel released the lock itself
    live = reopen(save)
    try:
        live.session.execute(Note("after the kill"))
    finally:
        live.close()
    assert ttx(["verify", save, "--script", str(DRILL)]) == 0


def test_a_save_written_since_it_was_read_is_not_appended_to(tmp_path) -> None:
    """Two consoles that both read the save before either locked it: the slower one
    must not chain from a head that is no longer the last line."""
    save = start_save(tmp_path)
    stale = store.read(save)
    live = reopen(save)
    live.session.execute(Note("the faster console"))
    live.close()
    with pytest.raises(store.SaveError, match="changed while it was being opened"):
        saved.reopen(stale, load(DRILL), fsync=False)
    assert ttx(["verify", save, "--script", str(DRILL)]) == 0
