"""Safe YAML reading that remembers where every key and value came from.

PyYAML's own constructors expand aliases, accept duplicate keys and recurse without
limit; an exercise script comes from someone else's hands, so we build plain Python
values straight from the parser's event stream instead, refusing what a script never
needs (custom tags, alias bombs, absurd nesting) before it can cost time or memory.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml's C parser is several times faster; fall back when it is absent.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from .controls import CONTROL, control_message, describe
from .diagnostics import Diagnostic
from .files import MAX_BYTES

MAX_DEPTH = 64
MAX_NODES = 1_000_000  # values after alias expansion; a billion-laughs file hits it at once
MAX_ITEMS = 10_000  # per list or mapping: the largest real script has a few thousand injects

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}
_CONTAINER_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

Pos = tuple[int, int]

# Event classes, compared by identity in the parse loop (hundreds of thousands of events)
_Scalar, _Alias = yaml.ScalarEvent, yaml.AliasEvent
_MappingStart, _MappingEnd = yaml.MappingStartEvent, yaml.MappingEndEvent
_SequenceStart, _SequenceEnd = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DocumentStart, _StreamEnd = yaml.DocumentStartEvent, yaml.StreamEndEvent


@dataclass
class Document:
    """Parsed YAML and the positions of what it holds, for locating problems.

    `positions[id(container)][key]` is ((key line, col), (value line, col)) for a
    mapping key, or (value pos, value pos) for a list index; `starts[id(container)]`
    is where the container itself starts.
    """

    data: Any
    positions: dict[int, dict[Any, tuple[Pos, Pos]]] = field(default_factory=dict)
    starts: dict[int, Pos] = field(default_factory=dict)

    def locate(self, loc: tuple[Any, ...], at_key: bool = False) -> tuple[Pos, tuple[Any, ...]]:
        """The line:col of the value at `loc` and the part of `loc` found in the data.

        Steps that are not in the data are skipped; when the path leaves the data,
        the nearest enclosing value's position is given.
        """
        node = self.data
        pos = self.starts.get(id(node), (1, 1))
        key_pos = pos
        walked: list[Any] = []
        for step in loc:
            table = self.positions.get(id(node))
            if table is None or step not in table:
                continue
            key_pos, pos = table[step]
            node = node[step]
            walked.append(step)
        return (key_pos if at_key else pos), tuple(walked)


class YamlProblem(Exception):
    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


def _pos(mark: Any) -> Pos:
    return (mark.line + 1, mark.column + 1)


_constructor = yaml.SafeLoader("")  # only used for its scalar conversions
_resolver = yaml.resolver.Resolver()


# Plain scalars whose first character no implicit resolver claims are text, and short
# decimal integers are ints: the common cases, decided without the resolver's regexes.
_RESOLVED_FIRST = frozenset(_resolver.yaml_implicit_resolvers)
_BOOL_AND_NULL_WORDS = frozenset({  # YAML 1.1's, as PyYAML's resolver reads them
    "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
    "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL"})
_SHORT_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})\Z")


def _scalar(event: yaml.ScalarEvent) -> Any:
    value = event.value
    if CONTROL.search(value):
        raise YamlProblem(*_pos(event.start_mark), control_message(value) or "")
    tag = event.tag
    if tag is None:
        if event.style:  # quoted or block: text (plain is "" or None)
            return value
        if value and value[0] not in _RESOLVED_FIRST:
            return value
        if value[:1].isalpha() and value not in _BOOL_AND_NULL_WORDS:
            return value  # a letter starts only the bool and null words among resolved
        if _SHORT_INT.match(value):
            return int(value)
    if tag is None or tag == "!":
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    elif tag not in _PLAIN_TAGS:
        line, col = _pos(event.start_mark)
        raise YamlProblem(line, col, f"tag {tag!r} is not allowed in an exercise script")
    if tag == "tag:yaml.org,2002:str" or tag == "tag:yaml.org,2002:timestamp":
        return event.value  # dates stay text, as authors wrote them
    node = yaml.ScalarNode(tag, event.value, None, None, event.style)
    # The tag's constructor itself: construct_object would cache every node for good.
    construct = _constructor.yaml_constructors.get(tag)
    if construct is None:  # a merge key `<<` or a `=` value: plain text to us
        return event.value
    try:
        value = construct(_constructor, node)
    except (ValueError, KeyError, IndexError, TypeError, OverflowError):
        kind = tag.rsplit(":", 1)[-1]
        raise YamlProblem(*_pos(event.start_mark),
                          f"{_shown(event.value)} is not a valid {kind}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise YamlProblem(*_pos(event.start_mark),
                          f"{_shown(event.value)} is not a finite number")
    return value


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def parse(text: str | bytes, positions: bool = True) -> Document:
    """Parse one YAML document into plain dicts, lists and scalars.

    With `positions`, also remember where each value came from. That table is as big
    as the data, so a loader parses without it first and again with it only when
    there is a problem to locate.
    """
    if len(text) > MAX_BYTES:
        raise YamlProblem(1, 1, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    doc = Document(data=None)
    stack: list[Any] = []  # open containers, innermost last
    pending: list[Any] = []  # per open container: the key awaiting its value
    anchors: dict[str, tuple[Any, int]] = {}
    anchor_open: list[tuple[str | None, int]] = []  # per frame: anchor name, node count at start
    nodes = 0
    documents = 0
    key_marks: list[Pos | None] = []  # per open container: where its pending key is
    tables: list[dict[Any, tuple[Pos, Pos]]] = []  # per open container: its positions

    # Positions are worked out from an event's mark only where they are kept or a
    # problem is reported: half a million tuples saved on a 5,000-inject script.
    def add(value: Any, event: Any, size: int) -> None:
        nonlocal nodes
        nodes += size
        if nodes > MAX_NODES:
            raise YamlProblem(*_pos(event.start_mark), f"document expands to over "
                              f"{MAX_NODES:,} values (anchors and aliases used as a bomb?)")
        if not stack:
            doc.data = value
            return
        container = stack[-1]
        if len(container) >= MAX_ITEMS:
            raise YamlProblem(*_pos(event.start_mark), f"more than {MAX_ITEMS:,} items in "
                              "one list or mapping")
        if type(container) is list:
            if positions:
                mark = event.start_mark
                start = (mark.line + 1, mark.column + 1)
                tables[-1][len(container)] = (start, start)
            container.append(value)
            return
        key = pending[-1]
        if key is _NO_KEY:
            if not isinstance(value, str):
                raise YamlProblem(*_pos(event.start_mark),
                                  f"mapping key {value!r} must be text (quote it)")
            if value in container:
                raise YamlProblem(*_pos(event.start_mark), f"duplicate key {value!r}")
            pending[-1] = value
            if positions:
                mark = event.start_mark
                key_marks[-1] = (mark.line + 1, mark.column + 1)
            return
        if positions:
            mark = event.start_mark
            start = (mark.line + 1, mark.column + 1)
            tables[-1][key] = (key_marks[-1] or start, start)
        container[key] = value
        pending[-1] = _NO_KEY

    loader = None
    try:
        loader = _Loader(text)  # the pure-Python reader checks the text as it is built
        get_event = loader.get_event
        while True:
            event: Any = get_event()
            kind = type(event)
            if kind is _Scalar:
                value = _scalar(event)
                add(value, event, 1)
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
            elif kind is _MappingStart or kind is _SequenceStart:
                if event.tag not in (None, "!") and event.tag not in _CONTAINER_TAGS:
                    raise YamlProblem(*_pos(event.start_mark), f"tag {event.tag!r} is not "
                                      "allowed in an exercise script")
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(*_pos(event.start_mark),
                                      f"nesting deeper than {MAX_DEPTH} levels")
                container: Any = {} if kind is _MappingStart else []
                add(container, event, 1)
                stack.append(container)
                if positions:
                    doc.starts[id(container)] = _pos(event.start_mark)
                    table = doc.positions[id(container)] = {}
                    tables.append(table)
                pending.append(_NO_KEY)
                key_marks.append(None)
                anchor_open.append((event.anchor, nodes))
            elif kind is _MappingEnd or kind is _SequenceEnd:
                container = stack.pop()
                if positions:
                    tables.pop()
                pending.pop()
                key_marks.pop()
                anchor, at_start = anchor_open.pop()
                if anchor:
                    anchors[anchor] = (container, nodes - at_start + 1)
            elif kind is _Alias:
                if event.anchor not in anchors:
                    raise YamlProblem(*_pos(event.start_mark),
                                      f"alias *{event.anchor} has no anchor before it")
                value, size = anchors[event.anchor]
                add(value, event, size)
            elif kind is _DocumentStart:
                documents += 1
                if documents > 1:
                    raise YamlProblem(*_pos(event.start_mark),
                                      "a script is one YAML document; found a second")
            elif kind is _StreamEnd:
                break
    except yaml.reader.ReaderError as exc:
        line, col = _at_byte(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else -1
        raise YamlProblem(line, col, describe(code) if CONTROL.match(chr(max(code, 0)))
                          else f"character U+{max(code, 0):04X} is not allowed in YAML"
                          ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _within(text, _pos(mark)) if mark else (1, 1)
        raise YamlProblem(line, col, f"YAML syntax: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, 1, f"YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(1, 1, "document nests too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    return doc


def _within(text: str | bytes, pos: Pos) -> Pos:
    """libyaml puts a problem at the end of a file whose last line has no newline on
    the line after it, which does not exist; point at the end of the last line."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    breaks = [i for i, c in enumerate(text) if c in _BREAKS
              and not (c == "\r" and text[i + 1:i + 2] == "\n")]
    if pos[0] <= len(breaks) + 1:
        return pos
    return len(breaks) + 1, len(text) - (breaks[-1] + 1 if breaks else 0) + 1


def _at_byte(text: str | bytes, offset: int) -> Pos:
    """The line:col (in characters) of a byte offset of the UTF-8 text libyaml read."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    before = raw[:offset].decode("utf-8", "replace").replace("\r\n", "\n")
    lines = [0] + [i + 1 for i, c in enumerate(before) if c in _BREAKS]
    return len(lines), len(before) - lines[-1] + 1


_BREAKS = frozenset("\n\r\x85\u2028\u2029")  # line breaks in YAML 1.1


class _NoKey:
    pass


_NO_KEY = _NoKey()


def read_text(path: str, raw: bytes) -> tuple[str | None, Diagnostic | None]:
    """Decode a file's bytes as UTF-8, or say where it is not."""
    if len(raw) > MAX_BYTES:
        return None, Diagnostic(path, 1, 1, f"file is larger than {MAX_BYTES // 2**20} MiB")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        # Positions count characters, as YAML's own marks do (and editors show), in the
        # text after any BOM (`exc.object`, which `exc.start` indexes). The bytes before
        # the first bad one are valid UTF-8, so decoding them is exact.
        data = bytes(exc.object)
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8")) + 1
        return None, Diagnostic(path, line, col, "file is not valid UTF-8")
