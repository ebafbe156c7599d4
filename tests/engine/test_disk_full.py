"""A full disk (or a save that stops being writable) ends a headless run with a clear
message naming the save and the last event it holds; the save stays whole."""

from __future__ import annotations

import errno
from pathlib import Path

from engine import store
from ui.cli import main as ttx

DRILL = Path(__file__).resolve().parents[1] / "ui" / "data" / "drill.yaml"


def full_after(monkeypatch, writes: int) -> None:
    """The disk fills up after `writes` successful writes to any save."""
    real_write = store.os.write
    left = [writes]

    def write(fd: int, data: bytes) -> int:
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        left[0] -= 1
        return real_write(fd, data)

    monkeypatch.setattr(store.os, "write", write)


def test_run_on_a_full_disk_says_so_and_keeps_the_save(tmp_path, monkeypatch, capsys) -> None:
    full_after(monkeypatch, 3)  # the header and two commands fit
    save = tmp_path / "s.jsonl"
    assert ttx(["run", str(DRILL), "--save", str(save), "--seed", "1"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"cannot write to the save {save}: No space left on device" in err
    monkeypatch.undo()
    kept = store.read(save)
    assert kept.torn is None
    assert f"every event up to event #{kept.records[-1].seq} (head {kept.head})" in err
    assert ttx(["verify", str(save)]) == 0


def test_run_when_even_the_header_does_not_fit(tmp_path, monkeypatch, capsys) -> None:
    full_after(monkeypatch, 0)
    assert ttx(["run", str(DRILL), "--save", str(tmp_path / "s.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert not (tmp_path / "s.jsonl").exists()  # no empty, unreadable save left behind
