"""Session saves: an append-only, hash-chained JSON-lines log, fsynced per command.

Line 1 is the header; every later line is one event:
    {"seq": 1, "turn": 1, "type": "...", "payload": {...}, "prev": H(previous line),
     "hash": H(this line without its "hash")}
`prev` chains each line to the one before (a changed or removed line breaks every
later link); `hash` seals each line itself, so a change to the last line shows too.
A command that makes several events writes them in one append; every line but its
last carries `"more": n`, the number of lines still to come in that append, so a
command cut short by a crash is seen whole or not at all (the engine never resumes
from half a turn start, or from a decision without the rating it carries).
Files are opened with O_EXCL and O_APPEND: nothing here ever rewrites what was
written, except cutting a torn tail (a crash mid-write) when a session resumes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import from_json

from . import ENGINE_VERSION, FORMAT, savelock
from .controls import escape_controls
from .events import Event, event_adapter, event_adapters
from .gcpause import paused_gc
from .session import Record

SAVE_FORMAT = "ttx-save/1"
_HASH_TAIL = len(',"hash":"') + 64 + len('"}')


class SaveHeader(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["ttx-save/1"] = "ttx-save/1"
    engine: str = ENGINE_VERSION
    script_format: str = FORMAT
    exercise: str
    script: str  # path of the script when the session started
    script_sha256: str
    seed: int
    teams: dict[str, Literal["person", "bot"]]
    mode: str  # facilitate | play | run | resume
    created: str
    # A what-if branch: the parent save, its head hash at the fork, and how many of its
    # events the branch starts from (absent in a save that is not a branch).
    parent: str | None = None
    parent_head: str | None = None
    fork: int | None = None


class SaveError(Exception):
    """A save that cannot be read as it is; `line` is 1-based (0: the file itself)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


@dataclass(frozen=True)
class TornTail:
    """The end of a save a crash cut short: a last line without its newline, and any
    complete lines of the same unfinished command before it. The command was never
    acknowledged (`SaveWriter.append` had not returned), so all of it is dropped."""

    line: int  # the first line dropped
    size: int  # bytes
    offset: int  # where it starts
    events: int = 0  # complete event lines of the unfinished command dropped with it


@dataclass
class SaveFile:
    path: str
    header: SaveHeader
    records: list[Record]
    head: str  # SHA-256 of the last complete line
    torn: TornTail | None = None
    size: int = 0  # bytes kept: the file up to its torn tail, if any


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seal(body: dict[str, Any]) -> bytes:
    """Serialise one line and append its own hash as the last key."""
    text = _dumps(body).encode("utf-8")
    return text[:-1] + b',"hash":"' + _sha(text).encode() + b'"}'


_WRITTEN_WHEN_SET = ("observed", "objective")


def encode(record: Record, prev: str, more: int = 0) -> bytes:
    """One event line; `more` counts the lines still to come in the same append."""
    payload = event_adapter().dump_python(record.event, mode="json")
    kind = payload.pop("type")
    for key in _WRITTEN_WHEN_SET:  # added later: absent when empty, so older saves and
        if key in payload and not payload[key]:  # new ones without it read the same
            del payload[key]
    body = {"seq": record.seq, "turn": record.turn, "type": kind, "payload": payload,
            "prev": prev}
    if more:
        body["more"] = more
    return seal(body)


def default_path(saves_dir: str | Path, exercise_id: str, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    base = Path(saves_dir) / f"{exercise_id}-{stamp}.jsonl"
    path, k = base, 1
    while path.exists():
        k += 1
        path = base.with_name(f"{exercise_id}-{stamp}-{k}.jsonl")
    return path


class SaveWriter:
    """Appends records to a save; each `append` is on disk (fsynced) when it returns."""

    def __init__(self, path: str | Path, fd: int, head: str, fsync: bool = True) -> None:
        self.path = str(path)
        self._fd = fd
        self.head = head
        self._fsync = fsync

    @classmethod
    def create(cls, path: str | Path, header: SaveHeader, fsync: bool = True) -> SaveWriter:
        """Start a new save; never touches an existing file (FileExistsError)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        savelock.acquire(fd, str(path))
        line = seal(header.model_dump(mode="json", exclude_none=True))
        writer = cls(path, fd, _sha(line), fsync)
        try:
            writer._write(line + b"\n")
        except OSError:  # not even the header fits: leave no empty save behind
            writer.close()
            path.unlink(missing_ok=True)
            raise
        if fsync:  # make the new directory entry durable too
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        return writer

    @classmethod
    def reopen(cls, save: SaveFile, fsync: bool = True) -> SaveWriter:
        """Continue a save read earlier: lock it (SaveLocked if another process writes
        it), check nobody wrote to it since it was read, cut its torn tail if any,
        then append after its head."""
        fd = os.open(save.path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
        try:
            savelock.acquire(fd, save.path)
            read_size = save.size + (save.torn.size if save.torn is not None else 0)
            if os.fstat(fd).st_size != read_size:
                raise SaveError(save.path, 0, "the save changed while it was being opened "
                                "(another session wrote to it); open it again")
            if save.torn is not None:
                os.ftruncate(fd, save.torn.offset)
                os.fsync(fd)
        except BaseException:
            savelock.release(save.path)
            os.close(fd)
            raise
        return cls(save.path, fd, save.head, fsync)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        if self._fsync:
            os.fsync(self._fd)

    def append(self, records: Sequence[Record]) -> None:
        """Write one command's records. If the write fails (a full disk, an I/O
        error), cut off whatever part of it reached the file and raise: the save
        stays as it was, so the session can carry on once the cause is fixed."""
        lines = []
        head = self.head
        for i, record in enumerate(records, start=1):
            line = encode(record, head, more=len(records) - i)
            head = _sha(line)
            lines.append(line)
        size = os.fstat(self._fd).st_size
        try:
            self._write(b"\n".join(lines) + b"\n")
        except OSError:
            with suppress(OSError):  # if even this fails, read() reports a torn tail
                os.ftruncate(self._fd, size)
            raise
        self.head = head

    def close(self) -> None:
        """Stop writing: remove the holder note, then close (which drops the lock)."""
        if self._fd >= 0:
            savelock.release(self.path)
            os.close(self._fd)
            self._fd = -1

    def __call__(self, records: Sequence[Record]) -> None:
        self.append(records)


def _check_line(path: str, number: int, line: bytes) -> dict[str, Any]:
    """Parse one complete line and check its own hash."""
    if len(line) <= _HASH_TAIL or not line.endswith(b'"}'):
        raise SaveError(path, number, "corrupt line (no hash seal)")
    body = line[:-_HASH_TAIL] + b"}"
    if line[-_HASH_TAIL:-66] != b',"hash":"' or _sha(body) != line[-66:-2].decode("ascii",
                                                                                 "replace"):
        raise SaveError(path, number, "corrupt line (its hash does not match its content)")
    try:
        # pydantic-core's parser: same JSON, a third of json.loads' time on long logs.
        data = from_json(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise SaveError(path, number, "corrupt line (not valid JSON)") from None
    if not isinstance(data, dict):
        raise SaveError(path, number, "corrupt line (not a JSON object)")
    clean = not _MAY_NEED_A_LOOK.search(body) or not _MAY_HOLD_CONTROLS.search(body)
    return data if clean else dict(_inert(data))


# A control character in a line's JSON: escaped (\u001b, \r, \b, \f) or raw (DEL and
# the C1 range in UTF-8, or bytes a forger wrote). A false alarm (`\\r`) costs a walk.
_MAY_HOLD_CONTROLS = re.compile(rb'\\u00[0-9a-fA-F]{2}|\\[rbf]|\x7f|\xc2[\x80-\x9f]|'
                                rb"[\x00-\x08\x0b-\x1f]")
# The bytes every match above starts with: one character class scans a clean line
# several times faster than the alternation, which then runs only on the few others.
_MAY_NEED_A_LOOK = re.compile(rb"[\\\x00-\x08\x0b-\x1f\x7f\xc2]")


def _inert(value: Any) -> Any:
    """Saves are not trusted: every string read from one has its control characters
    escaped, so no reader (replay, report, export, review) can pass them to a terminal.
    Sessions never write them (the rules refuse them in commands)."""
    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, list):
        return [_inert(v) for v in value]
    if isinstance(value, dict):
        return {_inert(k): _inert(v) for k, v in value.items()}
    return value


def _open(path: str | Path) -> BinaryIO:
    """A save opened for reading: a regular file (a FIFO or device would hang or never
    end), else SaveError."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise SaveError(name, 0, f"cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SaveError(name, 0, "cannot read: not a regular file")
    os.set_blocking(fd, True)
    return open(fd, "rb")


def _header(name: str, file: BinaryIO) -> tuple[SaveHeader, bytes]:
    first = file.readline()
    if not first.endswith(b"\n"):
        raise SaveError(name, 1, "no complete header line (the save was cut off at "
                        "creation)")
    try:
        return SaveHeader.model_validate(_check_line(name, 1, first[:-1])), first
    except ValidationError as exc:
        raise SaveError(name, 1, f"not a {SAVE_FORMAT} header: "
                        f"{exc.errors()[0]['msg']}") from None


def read(path: str | Path) -> SaveFile:
    """Read and check a whole save. Raise SaveError at the first damaged line.

    A last line without its newline is a torn write: it is reported in `torn`
    and left out, with any earlier lines of the same unfinished command; the file
    is not changed. Lines are streamed, so memory holds the events, not the file.
    """
    name = str(path)
    with _open(path) as file:
        size = os.fstat(file.fileno()).st_size
        header, first = _header(name, file)
        reading = _Reading(name, len(first), _sha(first[:-1]))
        with paused_gc():
            records = list(reading.events(file))
    torn = None
    if reading.unfinished is not None:  # the last command's lines stop short of its last
        line, offset, kept, head = reading.unfinished
        torn = TornTail(line, size - offset, offset, len(records) - kept)
        del records[kept:]
        reading.head = head
    return SaveFile(name, header, records, reading.head, torn,
                    torn.offset if torn is not None else size)


@dataclass
class StreamedSave:
    """A save read as it is used (`ttx verify`): the header at once, the records one by
    one (each line checked, the chain followed), so the log is never held in memory. A torn or
    unfinished end raises SaveError when reached, naming its first line."""

    path: str
    header: SaveHeader
    records: Iterator[Record]
    head: str  # of the last line read so far
    count: int = 0


def stream(path: str | Path) -> StreamedSave:
    name = str(path)
    file = _open(path)
    try:
        header, first = _header(name, file)
    except BaseException:
        file.close()
        raise
    reading = _Reading(name, len(first), _sha(first[:-1]))
    size = os.fstat(file.fileno()).st_size

    def records() -> Iterator[Record]:
        with file:
            for record in reading.events(file):
                streamed.head, streamed.count = reading.head, record.seq
                yield record
        if reading.unfinished is not None:
            line, offset, _, _ = reading.unfinished
            raise SaveError(name, line, f"torn last line ({size - offset} bytes)")

    streamed = StreamedSave(name, header, records(), reading.head)
    return streamed


def line_hashes(path: str | Path) -> list[str]:
    """The SHA-256 of every complete line (0: the header): the heads a save has had."""
    with open(path, "rb") as file:
        return [_sha(line[:-1]) for line in file if line.endswith(b"\n")]


Unfinished = tuple[int, int, int, str]  # first line, its offset, records before, head


class _Reading:
    """Checks and decodes the event lines after the header, one at a time; at the end,
    `unfinished` says where the last command began if its lines stop short (a torn last
    line, or a `more` count promising lines that are missing)."""

    def __init__(self, name: str, offset: int, head: str) -> None:
        self.name, self.offset, self.head = name, offset, head
        self.unfinished: Unfinished | None = None

    def events(self, lines: Iterable[bytes]) -> Iterator[Record]:
        name, head, offset = self.name, self.head, self.offset
        more = 0  # lines still due in the current command
        start: Unfinished | None = None
        for number, raw in enumerate(lines, start=2):
            seq = number - 1  # line 2 holds event 1
            if not raw.endswith(b"\n"):
                self.unfinished = start if more else (number, offset, seq - 1, head)
                return
            line = raw[:-1]
            data = _check_line(name, number, line)
            if data.get("prev") != head:
                raise SaveError(name, number, "broken hash chain (a line before it was "
                                "changed, removed or inserted)")
            if data.get("seq") != seq:
                raise SaveError(name, number, f"sequence number {data.get('seq')}, "
                                f"expected {seq}")
            due = data.get("more", 0)
            if type(due) is not int or due < 0 or (more and due != more - 1):
                raise SaveError(name, number, f"corrupt line (\"more\": {due!r} does not "
                                "follow the line before it)")
            if not more:
                start = (number, offset, seq - 1, head)
            more = due
            head = self.head = _sha(line)
            offset += len(raw)
            yield Record(seq, _int(name, number, data.get("turn")), _event(name, number, data))
        self.unfinished = start if more else None


def _int(path: str, number: int, value: object) -> int:
    if not isinstance(value, int):
        raise SaveError(path, number, "corrupt line (turn is not a number)")
    return value


def _event(path: str, number: int, data: dict[str, Any]) -> Event:
    adapter = event_adapters().get(str(data.get("type")))
    if adapter is None:
        raise SaveError(path, number, f"unknown event type {data.get('type')!r}")
    try:
        return adapter.validate_python(data.get("payload"))  # type: ignore[no-any-return]
    except ValidationError as exc:
        first = exc.errors()[0]
        raise SaveError(path, number, f"invalid {data['type']} event: "
                        f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
