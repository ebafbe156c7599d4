"""Load an exercise script: bytes -> YAML -> pydantic models -> whole-script checks.

Every problem becomes a `Diagnostic` at the offending key or value; a script with
problems raises `ScriptError` carrying all of them, never a traceback.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import references, script_cache
from .diagnostics import MAX_SHOWN, Diagnostic, ScriptError
from .files import Unreadable, read_capped
from .gcpause import paused_gc
from .script import Exercise
from .yamlread import Document, YamlProblem, parse, read_text


@dataclass(frozen=True)
class LoadedScript:
    """A valid exercise and the identity of the bytes it came from."""

    exercise: Exercise
    path: str
    sha256: str
    document: Document | None = field(default=None, compare=False, repr=False)


def load(path: str | Path, keep_document: bool = False) -> LoadedScript:
    """Read and validate a script file; raise ScriptError with every problem. With
    `keep_document`, the parsed YAML (with positions) stays on the result for lint."""
    name = str(path)
    try:
        raw = read_capped(path)
    except Unreadable as exc:
        raise ScriptError([Diagnostic(name, 1, 1, f"cannot read: {exc.reason}")]) from None
    return loaded(raw, name, keep_document)


def loaded(raw: bytes, name: str, keep_document: bool = False) -> LoadedScript:
    """Validate a script's bytes already read (ScriptError with every problem). A big
    script seen before comes from the cache of validated scripts (unless the parsed
    document is wanted, for lint)."""
    sha256 = hashlib.sha256(raw).hexdigest()
    cacheable = len(raw) >= script_cache.SMALLEST and not keep_document
    exercise = script_cache.get(sha256) if cacheable else None
    doc: Document | None = None
    if exercise is None:
        exercise, doc = _parse(raw, name)
        if cacheable:
            script_cache.put(sha256, exercise)
    base = Path(name).parent
    if any(not (base / a.file).exists() for a in exercise.attachments):
        doc = doc or _parse(raw, name)[1]  # where to point: the cache keeps no positions
        raise ScriptError([
            _at(doc, name, ("attachments", i, "file"), f"no file {a.file!r} next to the "
                "script (attachment files are relative to it)")
            for i, a in enumerate(exercise.attachments) if not (base / a.file).exists()])
    return LoadedScript(exercise, name, sha256, doc if keep_document else None)


def parse_script(raw: bytes | str, name: str = "<script>") -> Exercise:
    return _parse(raw, name)[0]


def _parse(raw: bytes | str, name: str) -> tuple[Exercise, Document]:
    """One parse, keeping positions (a tenth more than without), so neither a refusal
    nor lint has to read the file again; the collector waits, as in `store.read`."""
    if isinstance(raw, bytes):
        text, problem = read_text(name, raw)
        if problem is not None or text is None:
            raise ScriptError([problem] if problem else [])
    else:
        text = raw
    with paused_gc():  # the parse and the models allocate much, and make no cycles
        doc = read_document(text, name)
        data = doc.data
        if not isinstance(data, dict):
            raise ScriptError([Diagnostic(name, 1, 1, "a script is a mapping of keys "
                                          "(format, id, title, turns, teams, injects, ...)")])
        try:
            exercise = Exercise.model_validate(data)
        except ValidationError as exc:
            raise validation_error(exc, doc, name) from None
        problems = references.check(exercise)
    if problems:
        raise ScriptError([_at(doc, name, loc, msg) for loc, msg in problems])
    return exercise, doc


def read_document(text: str, name: str, positions: bool = True) -> Document:
    try:
        return parse(text, positions)
    except YamlProblem as exc:
        raise ScriptError([Diagnostic(name, exc.line, exc.col, exc.message)]) from None


def _at(doc: Document, name: str, loc: tuple[Any, ...], message: str,
        at_key: bool = False) -> Diagnostic:
    (line, col), _ = doc.locate(loc, at_key=at_key)
    return Diagnostic(name, line, col, message)


def validation_error(exc: ValidationError, doc: Document, name: str) -> ScriptError:
    """Turn pydantic's errors into located, plain-spoken diagnostics (locating only the
    first few hundred: a hostile file can hold tens of thousands)."""
    found: dict[tuple[int, int, str], Diagnostic] = {}
    errors = exc.errors(include_url=False)
    for err in errors[:LOCATED]:
        loc = strip_union_tags(tuple(err["loc"]))
        kind = err["type"]
        if kind == "extra_forbidden":
            diag = _at(doc, name, loc, f"unknown key {loc[-1]!r}", at_key=True)
        elif kind == "missing":
            diag = _at(doc, name, loc[:-1], f"missing required key {loc[-1]!r}")
        else:
            (line, col), walked = doc.locate(loc)
            key = walked[-1] if walked and isinstance(walked[-1], str) else None
            message = _plain(err["msg"])
            diag = Diagnostic(name, line, col, f"{key}: {message}" if key else message)
        # One message per place (a union reports each member), except missing keys:
        # several can be missing from one mapping, and the user needs to see them all.
        place = (diag.line, diag.col, diag.message if kind == "missing" else "")
        found.setdefault(place, diag)
    return ScriptError(list(found.values()), more=max(0, len(errors) - LOCATED))


LOCATED = 5 * MAX_SHOWN


_TAGS = frozenset({"metric", "chose", "delivered", "turn", "all", "any", "not"})


def strip_union_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the tags pydantic puts into locations inside conditions.

    A condition sits under `when` or `not`, or in an `all`/`any` list; pydantic
    inserts the chosen tag right after that slot, and the tag may equal a real key.
    Number unions add their member names (`int`, `float`) at the end likewise.
    """
    out: list[Any] = []
    for part in loc:
        slot = bool(out) and (out[-1] in ("when", "not") or (
            isinstance(out[-1], int) and len(out) > 1 and out[-2] in ("all", "any")))
        if slot and part in _TAGS:
            out.append(_TAG_MARK)
            continue
        out.append(part)
    return tuple(p for p in out if p is not _TAG_MARK and p not in ("int", "float", "str"))


_TAG_MARK = object()


def _plain(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message
