"""The save store: what was acknowledged survives a crash, and any damage is named.

A save is a hash-chained JSON-lines log. These tests cut it at every byte of its
tail (a crash mid-write), flip every byte of it (a disk or a hand changed it),
tamper with rolls and re-seal the chain (only re-rolling can tell), fail writes
halfway, and feed `read` files that were never saves. `read` never changes a file,
`SaveWriter.create` never overwrites one, and a command is on disk whole or not at
all.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import saved, store
from engine.commands import Advance, Decide, Note
from engine.events import NoteAdded
from engine.loader import LoadedScript, load
from engine.saved import ScriptChanged
from engine.session import Record
from engine.store import SaveError, SaveWriter
from tests.forge import reseal
from ui.cli import main as ttx

SCRIPT = """\
format: ttx/1
id: small
title: Small
turns: 3
teams:
  - {id: blue, name: Blue}
  - {id: red, name: Red, policy: random}
metrics:
  - {id: trust, initial: 50}
  - {id: tempo, scope: global, initial: 10}
objectives:
  - {id: share, title: Share}
injects:
  - id: alert
    title: Alert
    turn: 1
    effects: [{metric: tempo, add: 5}]
    options:
      - id: share
        label: Share
        rating: {share: S}
        outcomes:
          - {chance: 0.5, effects: [{metric: trust, team: self, add: 5}], next: [echo]}
          - {chance: 0.5, effects: [{metric: trust, team: others, add: -5}], next: [echo]}
      - {id: hold, label: Hold, effects: [{metric: tempo, add: -3}]}
  - id: echo
    title: Echo
    follow_up: true
    options:
      - {id: ack, label: Acknowledge}
      - {id: ignore, label: Ignore}
"""


@pytest.fixture
def script(tmp_path) -> LoadedScript:
    path = tmp_path / "small.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    return load(path)


def make_save(script: LoadedScript, path: Path, notes: int = 0) -> Path:
    """Turn 1 and part of turn 2, ending with a one-line command (a note)."""
    live = saved.start(script, seed=3, bots=frozenset({"red"}), mode="facilitate", path=path,
                       fsync=False)
    s = live.session
    s.execute(Decide("blue", inject="alert", option="share", response="Shared at 0600"))
    s.execute(Advance())
    for i in range(notes):
        s.execute(Note(f"note {i}: «quoted» \"text\" \\ and\nnewline"))
    s.execute(Note("last words"))
    live.close()
    return path


def line_starts(raw: bytes) -> list[int]:
    """Offsets where each line starts (a final newline starts no line)."""
    return [0] + [i + 1 for i, b in enumerate(raw[:-1]) if b == 0x0A]


def line_of(raw: bytes, offset: int) -> int:
    """The 1-based line holding the byte at `offset` (a newline ends its line)."""
    return raw.count(b"\n", 0, offset) + 1


# ------------------------------------------------------------------ reading back


def test_a_save_reads_back_exactly_what_the_session_recorded(script, tmp_path):
    live = saved.start(script, seed=3, bots=frozenset({"red"}), mode="facilitate",
                       path=tmp_path / "s.jsonl", fsync=False)
    live.session.execute(Decide("blue", inject="alert", option="share"))
    live.session.execute(Advance())
    live.close()
    save = store.read(live.path)
    assert save.torn is None
    assert save.records == live.session.records
    assert save.header == live.header
    assert save.size == Path(live.path).stat().st_size
    assert saved.verify(save, script) == []


def test_only_lines_of_a_command_with_more_to_come_say_so(script, tmp_path):
    path = make_save(script, tmp_path / "s.jsonl")
    lines = [json.loads(line) for line in path.read_bytes().splitlines()[1:]]
    for line, after in zip(lines, [*lines[1:], None], strict=True):
        if "more" in line:
            assert line["more"] >= 1 and after is not None and after.get("more", 0) == \
                line["more"] - 1
    assert any("more" in line for line in lines), "Advance writes several lines at once"
    assert "more" not in lines[-1]


# ------------------------------------------------------------------ torn tails


def test_cutting_the_last_line_at_every_byte_keeps_every_earlier_event(script, tmp_path):
    path = make_save(script, tmp_path / "s.jsonl")
    raw = path.read_bytes()
    everything = store.read(path).records
    last = line_starts(raw)[-1]
    cut = tmp_path / "cut.jsonl"
    for end in range(last, len(raw)):
        cut.write_bytes(raw[:end])
        save = store.read(cut)
        assert save.records == everything[:-1], end
        assert cut.read_bytes() == raw[:end], "reading must not change the file"
        if end == last:
            assert save.torn is None
            continue
        assert save.torn is not None
        assert (save.torn.line, save.torn.offset, save.torn.size) == \
            (raw.count(b"\n"), last, end - last)


def test_resume_cuts_the_torn_tail_and_appends_after_it(script, tmp_path):
    path = make_save(script, tmp_path / "s.jsonl")
    raw = path.read_bytes()
    everything = store.read(path).records
    last = line_starts(raw)[-1]
    for end in range(last + 1, len(raw), 3):
        cut = tmp_path / f"cut{end}.jsonl"
        cut.write_bytes(raw[:end])
        live, before = saved.resume(cut, script, fsync=False)
        assert before.torn is not None
        assert cut.read_bytes() == raw[:last], "only the torn tail is cut"
        live.session.execute(Note("after the crash"))
        live.close()
        again = store.read(cut)
        assert again.torn is None
        assert again.records[:-1] == everything[:-1]
        assert again.records[-1].event == NoteAdded(text="after the crash")
        assert saved.verify(again, script) == []
        cut.unlink()


def test_ttx_verify_passes_on_a_resumed_save_and_fails_on_a_torn_one(script, tmp_path,
                                                                     capsys):
    path = make_save(script, tmp_path / "s.jsonl")
    raw = path.read_bytes()
    last_line = raw.count(b"\n")
    path.write_bytes(raw[:-10])
    assert ttx(["verify", str(path)]) == 1
    out, _ = capsys.readouterr()
    assert f"FAIL line {last_line}: torn" in out
    live, _ = saved.resume(path, script, fsync=False)
    live.session.execute(Note("resumed"))
    live.close()
    assert ttx(["verify", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith("OK ")


def test_a_command_cut_short_anywhere_is_dropped_whole_and_can_be_redone(script, tmp_path):
    """Advance writes many lines at once; a crash inside them loses the command, not
    half of it, and running it again after resuming writes the very same events."""
    live = saved.start(script, seed=3, bots=frozenset({"red"}), mode="facilitate",
                       path=tmp_path / "s.jsonl", fsync=False)
    live.session.execute(Decide("blue", inject="alert", option="share"))
    before = list(live.session.records)
    size = Path(live.path).stat().st_size
    added = live.session.execute(Advance())
    live.close()
    assert len(added) > 3
    raw = Path(live.path).read_bytes()
    for end in range(size, len(raw)):
        cut = tmp_path / "cut.jsonl"
        cut.write_bytes(raw[:end])
        save = store.read(cut)
        assert save.records == before, end
        if end > size:
            assert save.torn is not None and save.torn.offset == size
            assert save.torn.line == line_of(raw, size)
            assert save.torn.events == raw.count(b"\n", size, end)
        if end % 97 == 0 or end == len(raw) - 1:
            resumed, _ = saved.resume(cut, script, fsync=False)
            assert resumed.session.state == saved.replay(save, script).state
            assert [r.event for r in resumed.session.execute(Advance())] == \
                [r.event for r in added]
            resumed.close()
            assert cut.read_bytes() == raw
        cut.unlink()


def test_a_failed_write_leaves_the_save_as_it_was_and_the_session_can_go_on(
        script, tmp_path, monkeypatch):
    live = saved.start(script, seed=3, bots=frozenset({"red"}), mode="facilitate",
                       path=tmp_path / "s.jsonl", fsync=False)
    before = Path(live.path).read_bytes()
    real_write = os.write

    def half_then_full(fd: int, data: bytes) -> int:
        if len(data) > 20 and not getattr(half_then_full, "done", False):
            half_then_full.done = True  # type: ignore[attr-defined]
            real_write(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(store.os, "write", half_then_full)
    with pytest.raises(OSError):
        live.session.execute(Advance())
    assert Path(live.path).read_bytes() == before
    assert store.read(live.path).records == live.session.records
    live.session.execute(Advance())
    live.close()
    save = store.read(live.path)
    assert save.torn is None and save.records == live.session.records
    assert saved.verify(save, script) == []


# ------------------------------------------------------------------ damage


def expect_caught(path: Path, raw: bytes, offset: int) -> SaveError | None:
    """A save with the byte at `offset` changed fails at that byte's line, or (the
    final newline) reports a torn tail; and reading it changes nothing."""
    damaged = path.read_bytes()
    try:
        save = store.read(path)
    except SaveError as exc:
        assert exc.line == line_of(raw, offset), (offset, str(exc))
        assert path.read_bytes() == damaged
        return exc
    assert offset == len(raw) - 1, f"damage at byte {offset} went unnoticed"
    assert save.torn is not None and save.torn.line == line_of(raw, offset)
    return None


def test_flipping_any_byte_of_a_small_save_is_caught_at_its_line(script, tmp_path, capsys):
    path = make_save(script, tmp_path / "s.jsonl")
    raw = path.read_bytes()
    damaged = tmp_path / "damaged.jsonl"
    for offset in range(len(raw)):
        data = bytearray(raw)
        data[offset] ^= 1 << (offset % 8)
        damaged.write_bytes(bytes(data))
        exc = expect_caught(damaged, raw, offset)
        if offset % 211 == 0 or offset == len(raw) - 1:
            assert ttx(["verify", str(damaged)]) == 1
            out, err = capsys.readouterr()
            assert out.startswith(f"FAIL line {line_of(raw, offset)}:"), out
            assert "Traceback" not in out + err
            if exc is not None:
                assert f"{damaged}:{exc.line}:" in err


@pytest.fixture(scope="module")
def larger_save(tmp_path_factory) -> tuple[Path, bytes]:
    tmp = tmp_path_factory.mktemp("larger")
    (tmp / "small.yaml").write_text(SCRIPT, encoding="utf-8")
    path = make_save(load(tmp / "small.yaml"), tmp / "s.jsonl", notes=60)
    return path, path.read_bytes()


@given(where=st.floats(0, 1, exclude_max=True), mask=st.integers(1, 255))
def test_flipping_bits_of_a_larger_save_is_caught_at_their_line(larger_save, where, mask):
    path, raw = larger_save
    offset = int(where * len(raw))
    data = bytearray(raw)
    data[offset] ^= mask
    damaged = path.with_name(f"damaged-{os.getpid()}.jsonl")
    damaged.write_bytes(bytes(data))
    try:
        expect_caught(damaged, raw, offset)
    finally:
        damaged.unlink()


@settings(max_examples=60)
@given(where=st.floats(0, 1), length=st.integers(0, 200), junk=st.binary(max_size=40))
def test_any_splice_gives_a_save_error_or_a_prefix_of_what_was_written(
        larger_save, where, length, junk):
    """Whatever replaces a stretch of the file, `read` returns only events that were
    written, in order, or refuses the file; it never raises anything else."""
    path, raw = larger_save
    start = int(where * len(raw))
    data = raw[:start] + junk + raw[start + length:]
    damaged = path.with_name(f"splice-{os.getpid()}.jsonl")
    damaged.write_bytes(data)
    original = store.read(path).records
    try:
        records = store.read(damaged).records
    except SaveError as exc:
        assert 1 <= exc.line <= data.count(b"\n") + 1
    else:
        assert records == original[:len(records)]
    finally:
        damaged.unlink()


def _roll_line(path: Path, kind: str) -> int:
    for number, line in enumerate(path.read_bytes().split(b"\n")[:-1], start=1):
        data = json.loads(line)
        if any(r["kind"] == kind for r in data.get("payload", {}).get("rolls", [])):
            return number
    raise AssertionError(f"no {kind} roll in the save")


@pytest.mark.parametrize(("kind", "tamper"), [
    ("outcome", lambda p: p["rolls"][0].update(r=0.999999)),
    ("outcome", lambda p: p.update(outcome=1 - p["outcome"])
     or p["rolls"][0].update(pick=p["outcome"])),
    ("outcome", lambda p: p["rolls"][0].update(key=p["rolls"][0]["key"].replace(":1:", ":2:"))),
    ("policy", lambda p: p["rolls"][0].update(r=(p["rolls"][0]["r"] + 0.5) % 1)),
], ids=["outcome-r", "outcome-picked", "outcome-key", "policy-r"])
def test_verify_re_rolls_the_rolls_a_resealed_save_cannot_hide(script, tmp_path, capsys,
                                                                kind, tamper):
    path = make_save(script, tmp_path / "s.jsonl")
    number = _roll_line(path, kind)
    reseal(path, number, lambda data: tamper(data["payload"]))
    save = store.read(path)  # the chain is whole again
    problems = saved.verify(save, script)
    assert problems and problems[0].startswith(f"line {number}:")
    assert ttx(["verify", str(path)]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith(f"FAIL line {number}:")


# ------------------------------------------------------------------ edge cases


def test_an_empty_file_is_not_a_save(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    with pytest.raises(SaveError) as caught:
        store.read(path)
    assert caught.value.line == 1 and "header" in caught.value.message
    assert path.read_bytes() == b""


def test_a_header_only_save_has_no_events_and_resumes_from_the_start(script, tmp_path):
    path = make_save(script, tmp_path / "s.jsonl")
    header = path.read_bytes().split(b"\n")[0] + b"\n"
    path.write_bytes(header)
    save = store.read(path)
    assert save.records == [] and save.torn is None
    live, _ = saved.resume(path, script, fsync=False)
    live.close()
    save = store.read(path)
    assert save.records and save.records[0].event.type == "turn_started"
    assert saved.verify(save, script) == []


def test_a_header_cut_anywhere_is_refused_at_line_1_and_left_alone(script, tmp_path):
    path = make_save(script, tmp_path / "s.jsonl")
    header = path.read_bytes().split(b"\n")[0] + b"\n"
    for end in range(1, len(header)):
        path.write_bytes(header[:end])
        with pytest.raises(SaveError) as caught:
            store.read(path)
        assert caught.value.line == 1
        assert path.read_bytes() == header[:end]
        with pytest.raises(SaveError):
            saved.resume(path, script, fsync=False)
        assert path.read_bytes() == header[:end], "a refused save is never rewritten"


@pytest.mark.parametrize("junk", [b"not json at all", b"{}", b"[1, 2, 3]", b"",
                                  b'{"seq": 3, "hash": "00"}', "ünïcödé".encode(),
                                  b"\xff\xfe\x00", b"[" * 100_000 + b"]" * 100_000])
def test_a_foreign_line_in_the_middle_is_named_and_nothing_is_rewritten(script, tmp_path,
                                                                        junk):
    path = make_save(script, tmp_path / "s.jsonl")
    lines = path.read_bytes().split(b"\n")
    lines.insert(4, junk)
    damaged = b"\n".join(lines)
    path.write_bytes(damaged)
    with pytest.raises(SaveError) as caught:
        store.read(path)
    assert caught.value.line == 5
    assert str(caught.value).startswith(f"{path}:5: ")
    with pytest.raises(SaveError):
        saved.resume(path, script, fsync=False)
    assert path.read_bytes() == damaged


def test_a_forged_line_that_nests_too_deep_is_refused_not_crashed_on(script, tmp_path):
    path = make_save(script, tmp_path / "s.jsonl")
    lines = path.read_bytes().split(b"\n")
    body = b'{"x":' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    lines.insert(3, body[:-1] + b',"hash":"' + store._sha(body).encode() + b'"}')
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(SaveError) as caught:
        store.read(path)
    assert caught.value.line == 4


@pytest.mark.parametrize("content", [b"format: ttx/1\nid: x\n", b"\x00" * 100,
                                     b'{"format": "ttx-save/1"}\n'])
def test_a_file_that_is_not_a_save_is_refused_at_line_1(tmp_path, content):
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    with pytest.raises(SaveError) as caught:
        store.read(path)
    assert caught.value.line == 1
    assert path.read_bytes() == content


def test_a_missing_file_or_a_directory_is_a_save_error(tmp_path):
    for path in (tmp_path / "absent.jsonl", tmp_path):
        with pytest.raises(SaveError) as caught:
            store.read(path)
        assert caught.value.line == 0 and "cannot read" in caught.value.message


def test_creating_a_save_never_overwrites_an_existing_file(script, tmp_path, capsys):
    path = make_save(script, tmp_path / "s.jsonl")
    raw = path.read_bytes()
    header = store.read(path).header
    with pytest.raises(FileExistsError):
        SaveWriter.create(path, header)
    with pytest.raises(FileExistsError):
        saved.start(script, seed=1, bots=frozenset(), mode="run", path=path)
    assert path.read_bytes() == raw

    target = tmp_path / "elsewhere.jsonl"
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)  # a dangling link: following it would create `target`
    with pytest.raises(FileExistsError):
        SaveWriter.create(link, header)
    assert not target.exists()

    assert ttx(["run", script.path, "--save", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and str(path) in err and "exists" in err
    assert path.read_bytes() == raw


# ------------------------------------------------------------------ script changes


def test_a_save_whose_script_changed_is_refused_unless_forced(script, tmp_path, capsys):
    path = make_save(script, tmp_path / "s.jsonl")
    changed_path = tmp_path / "changed.yaml"
    changed_path.write_text(SCRIPT.replace("title: Small", "title: Small, revised"),
                            encoding="utf-8")
    changed = load(changed_path)
    save = store.read(path)
    raw = path.read_bytes()

    for attempt in (lambda: saved.replay(save, changed),
                    lambda: saved.resume(path, changed, fsync=False)):
        with pytest.raises(ScriptChanged) as caught:
            attempt()
        message = str(caught.value)
        assert "changed" in message and "--force" in message and str(path) in message
    assert path.read_bytes() == raw

    assert saved.replay(save, changed, force=True).state == saved.replay(save, script).state
    live, _ = saved.resume(path, changed, force=True, fsync=False)
    live.close()

    assert ttx(["replay", str(path), "--script", str(changed_path)]) == 1
    out, err = capsys.readouterr()
    assert "--force" in err and "Traceback" not in out + err
    assert ttx(["replay", str(path), "--script", str(changed_path), "--force"]) == 0
    out, err = capsys.readouterr()
    assert "Small, revised" in out
    assert ttx(["verify", str(path), "--script", str(changed_path)]) == 1
    assert ttx(["verify", str(path), "--script", str(changed_path), "--force"]) == 0


def test_a_save_of_another_exercise_is_refused_even_when_forced(script, tmp_path):
    path = make_save(script, tmp_path / "s.jsonl")
    other_path = tmp_path / "other.yaml"
    other_path.write_text(SCRIPT.replace("id: small", "id: other"), encoding="utf-8")
    with pytest.raises(ScriptChanged, match="other"):
        saved.replay(store.read(path), load(other_path), force=True)


def test_copying_a_save_keeps_it_valid(script, tmp_path):
    """Nothing in a save depends on where it lives (it can be mailed to an evaluator)."""
    path = make_save(script, tmp_path / "s.jsonl")
    copy = tmp_path / "sub" / "copy.jsonl"
    copy.parent.mkdir()
    shutil.copy(path, copy)
    assert store.read(copy).records == store.read(path).records


# ------------------------------------------------------------------ streamed (ttx verify)


def _streamed(path: Path) -> tuple[list[Record] | None, str]:
    """What `store.stream` yields before it stops, and why it stopped ("" at the end)."""
    got: list[Record] = []
    try:
        streamed = store.stream(path)
        for record in streamed.records:
            got.append(record)
    except store.SaveError as exc:
        return got, f"line {exc.line}: {exc.message}"
    return got, ""


def _read(path: Path) -> tuple[list[Record] | None, str]:
    """The same question put to `store.read`: its records, and its first complaint."""
    try:
        save = store.read(path)
    except store.SaveError as exc:
        return None, f"line {exc.line}: {exc.message}"
    if save.torn is not None:
        return save.records, f"line {save.torn.line}: torn last line ({save.torn.size} bytes)"
    return save.records, ""


def test_the_stream_yields_what_read_returns_and_stops_where_it_complains(script, tmp_path):
    """Whole, cut at every byte of its second half (inside multi-line commands too), or
    with one byte changed in any line: the stream yields the same events as `read` and
    stops with the same message (a torn end names the first line of the unfinished
    command, as `read` does)."""
    path = make_save(script, tmp_path / "s.jsonl")
    raw = path.read_bytes()
    starts = line_starts(raw)
    damaged = tmp_path / "damaged.jsonl"
    variants = [raw[:end] for end in range(starts[len(starts) // 2], len(raw))]
    variants += [raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1:]
                 for at in (s + 5 for s in starts[1:])]
    for data in variants:
        damaged.write_bytes(data)
        records, said = _read(damaged)
        got, stopped = _streamed(damaged)
        assert stopped == said, data[-80:]
        if records is not None:  # read kept these; the stream yielded them (and more,
            assert got[:len(records)] == records  # the unfinished command's, if torn)


def test_verify_takes_the_stream_and_counts_what_it_read(script, tmp_path):
    path = make_save(script, tmp_path / "s.jsonl")
    streamed = store.stream(path)
    assert saved.verify(streamed, script) == []
    assert streamed.count == len(store.read(path).records)
    assert streamed.head == store.read(path).head
